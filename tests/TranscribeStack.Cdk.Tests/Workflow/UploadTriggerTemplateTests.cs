using TranscribeStack.Cdk.Tests.Support;

namespace TranscribeStack.Cdk.Tests.Workflow;

[Collection(SynthesizedStacksCollection.Name)]
public sealed class UploadTriggerTemplateTests(SynthesizedStacks stacks)
{
    private SynthesizedStack Dev => stacks["dev"];

    [Fact]
    public void Rule_MatchesObjectCreatedInTheRawBucket()
    {
        var pattern = Dev.Properties(LogicalIds.Rule)["EventPattern"]!;

        Assert.Equal("aws.s3", pattern["source"]![0]!.GetValue<string>());
        Assert.Equal("Object Created", pattern["detail-type"]![0]!.GetValue<string>());
        Assert.Equal("ref:" + LogicalIds.RawBucket, Rendered.Text(pattern["detail"]!["bucket"]!["name"]![0]));
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public void Rule_KeyFilter_IsTheMediaPrefixAloneWithNoWildcard(string environment)
    {
        var key = Assert.Single(stacks[environment].Properties(LogicalIds.Rule)["EventPattern"]!["detail"]!["object"]!["key"]!.AsArray())!;

        // A prefix matcher adds no complexity; the planner records non-media objects as SKIPPED.
        Assert.Equal("""{"prefix":"media/"}""", key.ToJsonString());
    }

    [Fact]
    public void Rule_TargetsTheStateMachineThroughItsRoleWithRetryAndDeadLetterQueue()
    {
        var target = Assert.Single(Dev.Properties(LogicalIds.Rule)["Targets"]!.AsArray())!;

        Assert.Equal("ref:" + LogicalIds.StateMachine, Rendered.Text(target["Arn"]));
        Assert.Equal("arn:" + LogicalIds.TriggerRole, Rendered.Text(target["RoleArn"]));
        Assert.Equal("arn:" + LogicalIds.EventDeadLetterQueue, Rendered.Text(target["DeadLetterConfig"]!["Arn"]));
        Assert.Equal(86400, target["RetryPolicy"]!["MaximumEventAgeInSeconds"]!.GetValue<int>());
        Assert.Equal(185, target["RetryPolicy"]!["MaximumRetryAttempts"]!.GetValue<int>());
    }

    [Fact]
    public void EventDeadLetterQueue_AcceptsOnlyThisRule()
    {
        var policy = Dev.ResourcesOfType("AWS::SQS::QueuePolicy").Values
            .Single(p => p["Properties"]!["Queues"]!.AsArray().Any(q => Rendered.Text(q) == "ref:" + LogicalIds.EventDeadLetterQueue));
        var allow = Assert.Single(policy["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray().Select(s => new Statement(s!.AsObject())), s => s.IsAllow);

        Assert.Equal(["events.amazonaws.com"], allow.ServicePrincipals);
        Assert.Equal(["sqs:SendMessage"], allow.Actions);
        Assert.Equal("arn:" + LogicalIds.Rule, allow.Condition("ArnEquals", "aws:SourceArn"));
    }
}
