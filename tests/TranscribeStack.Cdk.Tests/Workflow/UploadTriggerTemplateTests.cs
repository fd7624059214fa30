
namespace TranscribeStack.Cdk.Tests.Workflow;

[Collection(SynthesizedStacksCollection.Name)]
public sealed class UploadTriggerTemplateTests(SynthesizedStacks stacks)
{
    private const string Rule = "AWS::Events::Rule";

    private SynthesizedStack Dev => stacks["dev"];

    [Fact]
    public void Rule_MatchesObjectCreatedInTheRawBucket()
    {
        Dev.Only(LogicalIds.Rule).HasResourceProperties(Rule, new ObjectDict
        {
            ["EventPattern"] = new ObjectDict
            {
                ["source"] = new[] { "aws.s3" },
                ["detail-type"] = new[] { "Object Created" },
                ["detail"] = new ObjectDict { ["bucket"] = new ObjectDict { ["name"] = new[] { Cfn.Ref(LogicalIds.RawBucket) } } },
            },
        });
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Rule_KeyFilter_IsTheMediaPrefixAloneWithNoWildcard(string environment)
    {
        // A prefix matcher adds no complexity; the planner records non-media objects as SKIPPED.
        stacks[environment].Only(LogicalIds.Rule).HasResourceProperties(Rule, new ObjectDict
        {
            ["EventPattern"] = new ObjectDict
            {
                ["detail"] = new ObjectDict
                {
                    ["object"] = Match.ObjectEquals(new ObjectDict { ["key"] = new[] { new ObjectDict { ["prefix"] = "media/" } } }),
                },
            },
        });
    }

    [Fact]
    public void Rule_TargetsTheStarterThroughItsRoleWithRetryAndDeadLetterQueue()
    {
        // EventBridge cannot name an execution: the starter does, then starts the workflow.
        Dev.Only(LogicalIds.Rule).HasResourceProperties(Rule, new ObjectDict
        {
            ["Targets"] = new object[]
            {
                new ObjectDict
                {
                    ["Arn"] = Cfn.Ref(LogicalIds.Starter),
                    ["RoleArn"] = Cfn.Arn(LogicalIds.TriggerRole),
                    ["DeadLetterConfig"] = new ObjectDict { ["Arn"] = Cfn.Arn(LogicalIds.EventDeadLetterQueue) },
                    ["RetryPolicy"] = new ObjectDict { ["MaximumEventAgeInSeconds"] = 86400, ["MaximumRetryAttempts"] = 185 },
                },
            },
        });
    }

    [Fact]
    public void EventDeadLetterQueue_AcceptsOnlyThisRule()
    {
        var allow = Assert.Single(Dev.QueuePolicyStatements(LogicalIds.EventDeadLetterQueue), s => s.IsAllow);

        Assert.Equal(["events.amazonaws.com"], allow.ServicePrincipals);
        Assert.Equal(["sqs:SendMessage"], allow.Actions);
        Assert.Equal(["arn:" + LogicalIds.EventDeadLetterQueue], allow.Resources);
        Assert.Equal("arn:" + LogicalIds.Rule, allow.Condition("ArnEquals", "aws:SourceArn"));
    }
}
