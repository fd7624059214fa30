using TranscribeStack.Cdk.Monitoring;

namespace TranscribeStack.Cdk.Tests.Monitoring;

[Collection(SynthesizedStacksCollection.Name)]
public sealed class MonitoringTemplateTests(SynthesizedStacks stacks)
{
    private const string Alarm = "AWS::CloudWatch::Alarm";

    private static readonly string[] ExpectedAlarms =
    [
        "CompletionEventQueueNotEmpty", "DoorbellQueueNotEmpty", "EventQueueNotEmpty", "EventQueueOldMessage", "ExecutionEndQueueNotEmpty",
        "ExecutionsFailed", "ExecutionsThrottled", "ExecutionsTimedOut", "FailureQueueNotEmpty", "FailureQueueOldMessage",
        "IntakeDeadLetterQueueNotEmpty", "IntakeOldestUpload", "PostProcessorErrors", "PostProcessorThrottles",
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

        stack.Only(ids["ExecutionsFailed"])
            .HasResourceProperties(Alarm, new ObjectDict { ["MetricName"] = "ExecutionsFailed", ["Threshold"] = failed });
        stack.Only(ids["PostProcessorErrors"]).HasResourceProperties(Alarm, new ObjectDict { ["Threshold"] = failed });
        stack.Only(ids["FailureQueueOldMessage"]).HasResourceProperties(Alarm, new ObjectDict { ["Threshold"] = age });
        stack.Only(ids["EventQueueOldMessage"])
            .HasResourceProperties(Alarm, new ObjectDict { ["MetricName"] = "ApproximateAgeOfOldestMessage" });
        // The intake's oldest upload: intake.oldestUploadAlarmMinutes (a day) in seconds.
        stack.Only(ids["IntakeOldestUpload"]).HasResourceProperties(Alarm, new ObjectDict
        {
            ["MetricName"] = "ApproximateAgeOfOldestMessage",
            ["Dimensions"] = new object[]
            {
                new ObjectDict
                {
                    ["Name"] = "QueueName",
                    ["Value"] = new ObjectDict { ["Fn::GetAtt"] = new object[] { LogicalIds.IntakeQueue, "QueueName" } },
                },
            },
            ["Threshold"] = 24 * 60 * 60,
        });
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
        stack.Only(LogicalIds.AlarmTopic)
            .HasResourceProperties("AWS::SNS::Topic", new ObjectDict { ["KmsMasterKeyId"] = Cfn.Arn(LogicalIds.Key) });
        Assert.Contains(statements, s => s.Effect == "Deny" && s.Condition("Bool", "aws:SecureTransport") == "false");
        var publish = Assert.Single(statements, s => s.IsAllow);
        Assert.Equal(["cloudwatch.amazonaws.com"], publish.ServicePrincipals);
        Assert.Equal(["sns:Publish"], publish.Actions);
        Assert.Equal("arn:aws:cloudwatch:us-east-1:123456789012:alarm:TranscribeStack-dev-*",
            publish.Condition("ArnLike", "aws:SourceArn"));
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Topic_WithoutAlarmEmail_HasNoSubscription(string environment)
    {
        stacks[environment].Template.ResourceCountIs("AWS::SNS::Subscription", 0);
    }

    /// <summary>The dashboard's widgets, its body rendered (references as ref:/arn:) and parsed.</summary>
    private static JsonArray Widgets(SynthesizedStack stack)
    {
        var dashboard = Assert.Single(stack.ResourcesOfType("AWS::CloudWatch::Dashboard").Keys);
        return JsonNode.Parse(Rendered.Text(stack.Properties(dashboard)["DashboardBody"]))!["widgets"]!.AsArray();
    }

    private static JsonObject Widget(SynthesizedStack stack, string titleStart) =>
        Assert.Single(Widgets(stack),
            w => w!["properties"]?["title"]?.GetValue<string>().StartsWith(titleStart, StringComparison.Ordinal) == true)!.AsObject();

    /// <summary>A graph's metric rows (each a JSON array: namespace, name, dimensions..., then an options object).</summary>
    private static List<JsonArray> MetricRows(JsonObject widget) =>
        widget["properties"]!["metrics"]!.AsArray().Select(m => m!.AsArray()).ToList();

    private static string? Expression(JsonArray row) => row[^1] is JsonObject options ? options["expression"]?.GetValue<string>() : null;

    [Fact]
    public void Dashboard_KeepsExecutionsDurationLambdaQueuesAndAlarms()
    {
        var body = string.Join("\n", Widgets(stacks["dev"]).Select(w => w!.ToJsonString()));

        Assert.Contains("ExecutionsStarted", body, StringComparison.Ordinal);
        Assert.Contains("ExecutionsSucceeded", body, StringComparison.Ordinal);
        Assert.Contains("ExecutionTime", body, StringComparison.Ordinal);
        Assert.Contains("\"Duration\"", body, StringComparison.Ordinal);
        Assert.Contains("ApproximateNumberOfMessagesVisible", body, StringComparison.Ordinal);
        Assert.Equal(ExpectedAlarms.Length, Widget(stacks["dev"], "Alarms")["properties"]!["alarms"]!.AsArray().Count);
    }

    [Fact]
    public void Dashboard_ShowsTheIntakesDepthAndAge_AndTheWindowBesideTheRunningExecutions()
    {
        var intake = Widget(stacks["dev"], "Intake").ToJsonString();
        var running = Widget(stacks["dev"], "Executions running").ToJsonString();

        Assert.Contains("ApproximateNumberOfMessagesVisible", intake, StringComparison.Ordinal);
        Assert.Contains("ApproximateAgeOfOldestMessage", intake, StringComparison.Ordinal);
        Assert.Contains("\"value\":300", running, StringComparison.Ordinal);
    }

    [Fact]
    public void Dashboard_Backlog_IsTheRunningSumOfStartedMinusEveryEnd()
    {
        var rows = MetricRows(Widget(stacks["dev"], "Executions running"));

        Assert.Contains(
            rows,
            r => Expression(r) ==
                "RUNNING_SUM(FILL(started, 0) - (FILL(succeeded, 0) + FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)))");
        // The expression's inputs: the workflow's five execution counts, hidden behind the one line.
        Assert.Equal(
            ["ExecutionsAborted", "ExecutionsFailed", "ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsTimedOut"],
            rows.Where(r => Expression(r) is null).Select(r => r[1]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(rows.Where(r => Expression(r) is null), r => Assert.Equal("AWS/States", r[0]!.GetValue<string>()));
    }

    [Fact]
    public void Dashboard_OldestRunning_IsLabelledAsTheNearestMetric_TheLongestEndedExecution()
    {
        var row = Assert.Single(MetricRows(Widget(stacks["dev"], "Oldest running execution: no metric; nearest")));

        Assert.Equal("ExecutionTime", row[1]!.GetValue<string>());
        Assert.Equal("Maximum", row[^1]!["stat"]!.GetValue<string>());
    }

    [Fact]
    public void Dashboard_SaysWhatNoMetricGives_TranscribesQueueAndTheRunningCount()
    {
        var text = string.Join("\n",
            Widgets(stacks["dev"]).Where(w => w!["type"]!.GetValue<string>() == "text")
            .Select(w => w!["properties"]!["markdown"]!.GetValue<string>()));

        Assert.Contains("AWS/Transcribe publishes no metric of queued or running jobs", text, StringComparison.Ordinal);
        Assert.Contains("--status-filter RUNNING", text, StringComparison.Ordinal);
        Assert.Contains("min_by(executions, &startDate)", text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Dashboard_SkippedPerHour_CountsTheWorkflowsSkippedEndInItsOwnLogGroup(string environment)
    {
        var widget = Widget(stacks[environment], "Uploads SKIPPED per hour");
        var query = widget["properties"]!["query"]!.GetValue<string>();

        Assert.Equal("log", widget["type"]!.GetValue<string>());
        // A log query widget names its groups in the query: SOURCE '<group>' | ...
        Assert.StartsWith($"SOURCE 'ref:{LogicalIds.WorkflowLogGroup}' | ", query, StringComparison.Ordinal);
        Assert.Contains($"filter type = \"SucceedStateEntered\" and details.name = \"{StateNames.Workflow.UploadSkipped}\"", query,
            StringComparison.Ordinal);
        Assert.Contains("by bin(1h)", query, StringComparison.Ordinal);
    }

    [Fact]
    public void Dashboard_SkippedEndState_IsTheWorkflowsSucceedStateAfterRecordingTheSkip()
    {
        // The dashboard names the state; the workflow (cdk/Workflow) defines it: this fails when they drift.
        var definition = StateMachineDefinition.Of(stacks["dev"]);

        definition.HasState(OperatorsDashboard.SkippedEndState, new ObjectDict { ["Type"] = "Succeed" });
        // Reached only from recording the SKIPPED item: entering it means the item was written.
        Assert.Equal(
            [StateNames.Workflow.FreeSkippedUploadsSlot],
            definition.StateNames.Where(name => definition.Transitions(name)
                .Any(t => t.EndsWith(": " + OperatorsDashboard.SkippedEndState, StringComparison.Ordinal))));
    }

    [Fact]
    public void Dashboard_FailedPerHour_CountsMessagesSentToTheFailureQueue()
    {
        var row = Assert.Single(MetricRows(Widget(stacks["dev"], "Uploads FAILED per hour")));

        Assert.Equal(["AWS/SQS", "NumberOfMessagesSent", "QueueName", "queuename:" + LogicalIds.FailureQueue],
            row.Take(4).Select(n => n!.GetValue<string>()));
        Assert.Equal(3600, row[^1]!["period"]!.GetValue<int>());
        Assert.Equal("Sum", row[^1]!["stat"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Dashboard_AudioMinutesPerDay_ReadsThePostProcessorsMetricOfItsEnvironment(string environment)
    {
        var row = Assert.Single(MetricRows(Widget(stacks[environment], "Audio minutes transcribed per day")));

        Assert.Equal([PipelineMetrics.Namespace, PipelineMetrics.AudioMinutes, PipelineMetrics.EnvironmentDimension, environment],
            row.Take(4).Select(n => n!.GetValue<string>()));
        Assert.Equal(86400, row[^1]!["period"]!.GetValue<int>());
        Assert.Equal("Sum", row[^1]!["stat"]!.GetValue<string>());
        // The post-processor is told the same environment, the dimension's value in its metric lines.
        stacks[environment].Only(LogicalIds.PostProcessorFunction).HasResourceProperties("AWS::Lambda::Function", new ObjectDict
        {
            ["Environment"] = new ObjectDict { ["Variables"] = new ObjectDict { [PipelineMetrics.EnvironmentVariable] = environment } },
        });
    }

    [Theory]
    [InlineData("dev", "minutes * 0.024")] // no PII redaction
    [InlineData("staging", "minutes * 0.0264")] // $0.024 + $0.0024 for redaction
    [InlineData("prod", "minutes * 0.0264")]
    public void Dashboard_Cost_IsTheAudioMinutesTimesThePublishedPrice(string environment, string expression)
    {
        var widget = Widget(stacks[environment], "Transcribe cost per day (USD)");
        var rows = MetricRows(widget);

        Assert.Contains(rows, r => Expression(r) == expression);
        Assert.Contains(rows, r => Expression(r) is null && r[1]!.GetValue<string>() == PipelineMetrics.AudioMinutes);
        Assert.Contains($"price of {TranscribePrice.Retrieved}", widget["properties"]!["title"]!.GetValue<string>(),
            StringComparison.Ordinal);
    }
}
