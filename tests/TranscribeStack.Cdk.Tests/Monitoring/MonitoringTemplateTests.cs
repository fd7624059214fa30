
namespace TranscribeStack.Cdk.Tests.Monitoring;

[Collection(SynthesizedStacksCollection.Name)]
public sealed class MonitoringTemplateTests(SynthesizedStacks stacks)
{
    private const string Alarm = "AWS::CloudWatch::Alarm";

    private static readonly string[] ExpectedAlarms =
    [
        "CompletionEventQueueNotEmpty", "EventQueueNotEmpty", "EventQueueOldMessage", "ExecutionEndQueueNotEmpty", "ExecutionsFailed", "ExecutionsThrottled", "ExecutionsTimedOut",
        "FailureQueueNotEmpty", "FailureQueueOldMessage", "PostProcessorErrors", "PostProcessorThrottles",
    ];

    /// <summary>The alarm's construct id (under Monitoring) to its logical id.</summary>
    private static Dictionary<string, string> AlarmIds(SynthesizedStack stack) =>
        stack.ResourcesOfType(Alarm).Keys
            .ToDictionary(id => ExpectedAlarms.Single(name => id.StartsWith("Monitoring" + name, StringComparison.Ordinal)));

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Alarms_CoverExecutionsQueuesAndThePostProcessor(string environment)
    {
        stacks[environment].Template.ResourceCountIs(Alarm, ExpectedAlarms.Length);
        Assert.Equal(ExpectedAlarms, AlarmIds(stacks[environment]).Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Alarms_NotifyTheTopicOnAlarmAndRecovery(string environment)
    {
        stacks[environment].Template.AllResourcesProperties(Alarm, new ObjectDict
        {
            ["AlarmActions"] = new[] { Cfn.Ref(LogicalIds.AlarmTopic) },
            ["OKActions"] = new[] { Cfn.Ref(LogicalIds.AlarmTopic) },
            ["TreatMissingData"] = "notBreaching",
        });
    }

    [Theory]
    [InlineData("dev", 5, 86400)]
    [InlineData("staging", 1, 3600)]
    [InlineData("prod", 1, 900)]
    public void Alarms_ThresholdsComeFromSettings(string environment, int failed, int age)
    {
        var stack = stacks[environment];
        var ids = AlarmIds(stack);

        stack.Only(ids["ExecutionsFailed"]).HasResourceProperties(Alarm, new ObjectDict { ["MetricName"] = "ExecutionsFailed", ["Threshold"] = failed });
        stack.Only(ids["PostProcessorErrors"]).HasResourceProperties(Alarm, new ObjectDict { ["Threshold"] = failed });
        stack.Only(ids["FailureQueueOldMessage"]).HasResourceProperties(Alarm, new ObjectDict { ["Threshold"] = age });
        stack.Only(ids["EventQueueOldMessage"]).HasResourceProperties(Alarm, new ObjectDict { ["MetricName"] = "ApproximateAgeOfOldestMessage" });
        stack.Only(ids["FailureQueueNotEmpty"]).HasResourceProperties(Alarm, new ObjectDict
        {
            ["Threshold"] = 1,
            ["ComparisonOperator"] = "GreaterThanOrEqualToThreshold",
        });
    }

    [Fact]
    public void Topic_IsEncryptedAndTlsOnly()
    {
        var stack = stacks["dev"];
        var statements = stack.TopicPolicyStatements(LogicalIds.AlarmTopic);

        stack.Template.ResourceCountIs("AWS::SNS::Topic", 1);
        stack.Template.ResourceCountIs("AWS::SNS::TopicPolicy", 1);
        stack.Only(LogicalIds.AlarmTopic).HasResourceProperties("AWS::SNS::Topic", new ObjectDict { ["KmsMasterKeyId"] = Cfn.Arn(LogicalIds.Key) });
        Assert.Contains(statements, s => s.Effect == "Deny" && s.Condition("Bool", "aws:SecureTransport") == "false");
        var publish = Assert.Single(statements, s => s.IsAllow);
        Assert.Equal(["cloudwatch.amazonaws.com"], publish.ServicePrincipals);
        Assert.Equal(["sns:Publish"], publish.Actions);
        Assert.Equal("arn:aws:cloudwatch:us-east-1:123456789012:alarm:TranscribeStack-dev-*", publish.Condition("ArnLike", "aws:SourceArn"));
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Topic_WithoutAlarmEmail_HasNoSubscription(string environment)
    {
        stacks[environment].Template.ResourceCountIs("AWS::SNS::Subscription", 0);
    }

    [Fact]
    public void Dashboard_ShowsExecutionsDurationWaitingLambdaAndQueues()
    {
        var stack = stacks["dev"];
        var dashboard = Assert.Single(stack.ResourcesOfType("AWS::CloudWatch::Dashboard").Keys);
        var body = Rendered.Text(stack.Properties(dashboard)["DashboardBody"]);

        Assert.Contains("ExecutionsStarted", body, StringComparison.Ordinal);
        Assert.Contains("ExecutionsSucceeded", body, StringComparison.Ordinal);
        Assert.Contains("ExecutionsFailed", body, StringComparison.Ordinal);
        Assert.Contains("ExecutionTime", body, StringComparison.Ordinal);
        Assert.Contains("started - (succeeded + failed + timedOut + aborted)", body, StringComparison.Ordinal);
        Assert.Contains("\"Duration\"", body, StringComparison.Ordinal);
        Assert.Contains("ApproximateNumberOfMessagesVisible", body, StringComparison.Ordinal);
    }
}
