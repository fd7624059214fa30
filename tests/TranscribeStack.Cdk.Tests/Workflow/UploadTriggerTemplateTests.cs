using TranscribeStack.Cdk.Tests.Support;
using TranscribeStack.Cdk.Triggering;

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

    [Fact]
    public void Rule_KeyPatterns_AreEveryCaseOfEveryFormatUnderTheMediaPrefix()
    {
        var wildcards = Dev.Properties(LogicalIds.Rule)["EventPattern"]!["detail"]!["object"]!["key"]!.AsArray()
            .Select(k => k!["wildcard"]!.GetValue<string>()).ToList();

        Assert.Equal(68, wildcards.Count);
        Assert.Equal(wildcards.Count, wildcards.Distinct(StringComparer.Ordinal).Count());
        Assert.All(wildcards, w => Assert.StartsWith("media/*.", w, StringComparison.Ordinal));
        Assert.Contains("media/*.mp3", wildcards);
        Assert.Contains("media/*.MP3", wildcards);
        Assert.Contains("media/*.FlAc", wildcards);
        Assert.Contains("media/*.wEbM", wildcards);
    }

    [Theory]
    [InlineData("media/talk.mp3", true)]
    [InlineData("media/2026/11/Interview.WAV", true)]
    [InlineData("media/a b/c.M4a", true)]
    [InlineData("media/notes.txt", false)]
    [InlineData("media/archive.mp3.zip", false)]
    [InlineData("other/talk.mp3", false)]
    [InlineData("talk.mp3", false)]
    public void Rule_KeyPatterns_MatchOnlySupportedMediaUnderThePrefix(string key, bool matches)
    {
        var wildcards = UploadTrigger.KeyPatterns("media/").Select(p => ((Dictionary<string, object>)p)["wildcard"].ToString()!);

        // EventBridge wildcards are case-sensitive: the case variants are what make the extension case-free.
        Assert.Equal(matches, wildcards.Any(w => Rendered.Matches(w, key, ignoreCase: false)));
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

    [Fact]
    public void CaseVariants_SpellEveryLetterCase()
    {
        Assert.Equal(["M4A", "M4a", "m4A", "m4a"], UploadTrigger.CaseVariants("m4a").Order(StringComparer.Ordinal));
    }
}
