using System.Text.Json.Nodes;
using TranscribeStack.Cdk.Tests.Support;

namespace TranscribeStack.Cdk.Tests.Monitoring;

[Collection(SynthesizedStacksCollection.Name)]
public sealed class MonitoringTemplateTests(SynthesizedStacks stacks)
{
    private static readonly string[] ExpectedAlarms =
    [
        "CompletionEventQueueNotEmpty", "EventQueueNotEmpty", "EventQueueOldMessage", "ExecutionsFailed", "ExecutionsThrottled", "ExecutionsTimedOut",
        "FailureQueueNotEmpty", "FailureQueueOldMessage", "PostProcessorErrors", "PostProcessorThrottles",
    ];

    private static IReadOnlyDictionary<string, JsonObject> Alarms(SynthesizedStack stack) =>
        stack.ResourcesOfType("AWS::CloudWatch::Alarm")
            .ToDictionary(a => ExpectedAlarms.Single(name => a.Key.StartsWith("Monitoring" + name, StringComparison.Ordinal)), a => a.Value["Properties"]!.AsObject());

    private static string TopicId(SynthesizedStack stack) => stack.LogicalId("AWS::SNS::Topic", "MonitoringAlarmTopic");

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Alarms_CoverExecutionsQueuesAndThePostProcessor(string environment)
    {
        Assert.Equal(ExpectedAlarms, Alarms(stacks[environment]).Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Alarms_NotifyTheTopicOnAlarmAndRecovery(string environment)
    {
        var stack = stacks[environment];
        Assert.All(Alarms(stack).Values, alarm =>
        {
            Assert.Equal(["ref:" + TopicId(stack)], alarm["AlarmActions"]!.AsArray().Select(Rendered.Text));
            Assert.Equal(["ref:" + TopicId(stack)], alarm["OKActions"]!.AsArray().Select(Rendered.Text));
            Assert.Equal("notBreaching", alarm["TreatMissingData"]!.GetValue<string>());
        });
    }

    [Theory]
    [InlineData("dev", 5, 86400)]
    [InlineData("staging", 1, 3600)]
    [InlineData("prod", 1, 900)]
    public void Alarms_ThresholdsComeFromSettings(string environment, int failed, int age)
    {
        var alarms = Alarms(stacks[environment]);

        Assert.Equal(failed, alarms["ExecutionsFailed"]["Threshold"]!.GetValue<double>());
        Assert.Equal("ExecutionsFailed", alarms["ExecutionsFailed"]["MetricName"]!.GetValue<string>());
        Assert.Equal(failed, alarms["PostProcessorErrors"]["Threshold"]!.GetValue<double>());
        Assert.Equal(age, alarms["FailureQueueOldMessage"]["Threshold"]!.GetValue<double>());
        Assert.Equal("ApproximateAgeOfOldestMessage", alarms["EventQueueOldMessage"]["MetricName"]!.GetValue<string>());
        Assert.Equal(1, alarms["FailureQueueNotEmpty"]["Threshold"]!.GetValue<double>());
        Assert.Equal("GreaterThanOrEqualToThreshold", alarms["FailureQueueNotEmpty"]["ComparisonOperator"]!.GetValue<string>());
    }

    [Fact]
    public void Topic_IsEncryptedAndTlsOnly()
    {
        var stack = stacks["dev"];
        var topic = stack.Properties(TopicId(stack));
        var policy = stack.ResourcesOfType("AWS::SNS::TopicPolicy").Values.Single();
        var statements = policy["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray().Select(s => new Statement(s!.AsObject()));

        Assert.Equal("arn:" + LogicalIds.Key, Rendered.Text(topic["KmsMasterKeyId"]));
        Assert.Contains(statements, s => s.Effect == "Deny" && s.Condition("Bool", "aws:SecureTransport") == "false");
        var publish = Assert.Single(statements, s => s.IsAllow);
        Assert.Equal(["cloudwatch.amazonaws.com"], publish.ServicePrincipals);
        Assert.Equal(["sns:Publish"], publish.Actions);
        Assert.Equal("arn:aws:cloudwatch:us-east-1:123456789012:alarm:TranscribeStack-dev-*", publish.Condition("ArnLike", "aws:SourceArn"));
    }

    [Fact]
    public void Topic_EmailSubscription_OnlyWhenConfigured()
    {
        Assert.Empty(stacks["dev"].ResourcesOfType("AWS::SNS::Subscription"));
    }

    [Fact]
    public void Dashboard_ShowsExecutionsDurationWaitingLambdaAndQueues()
    {
        var dashboard = Assert.Single(stacks["dev"].ResourcesOfType("AWS::CloudWatch::Dashboard").Values);
        var body = Rendered.Text(dashboard["Properties"]!["DashboardBody"]);

        Assert.Contains("ExecutionsStarted", body, StringComparison.Ordinal);
        Assert.Contains("ExecutionsSucceeded", body, StringComparison.Ordinal);
        Assert.Contains("ExecutionsFailed", body, StringComparison.Ordinal);
        Assert.Contains("ExecutionTime", body, StringComparison.Ordinal);
        Assert.Contains("started - (succeeded + failed + timedOut + aborted)", body, StringComparison.Ordinal);
        Assert.Contains("\"Duration\"", body, StringComparison.Ordinal);
        Assert.Contains("ApproximateNumberOfMessagesVisible", body, StringComparison.Ordinal);
    }
}
