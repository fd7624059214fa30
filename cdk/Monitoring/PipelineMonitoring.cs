using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.SNS;
using Amazon.CDK.AWS.SNS.Subscriptions;

namespace TranscribeStack.Cdk.Monitoring;

/// <summary>A dead-letter queue the operators are alarmed about as soon as anything is in it.</summary>
/// <param name="AlarmName">The alarm's construct id, e.g. <c>FailureQueueNotEmpty</c>.</param>
/// <param name="Description">What a message there means, and where the runbook handles it.</param>
/// <param name="OldMessageAlarmName">Also an alarm on the age of its oldest message (<c>alarms.deadLetterAgeSeconds</c>).</param>
/// <param name="OldMessageDescription">That alarm's description.</param>
public sealed record MonitoredDeadLetterQueue(IQueue Queue, string AlarmName, string Description, string? OldMessageAlarmName = null,
    string? OldMessageDescription = null);

public sealed class PipelineMonitoringProps : PipelineConstructProps
{
    /// <summary>The transcription workflow: its failed, timed-out and throttled executions alarm.</summary>
    public required IStateMachine Workflow { get; init; }

    public required IFunction PostProcessor { get; init; }

    /// <summary>The workflow's failure queue: the messages sent to it count the FAILED uploads on the dashboard.</summary>
    public required IQueue FailureQueue { get; init; }

    /// <summary>
    /// Every dead-letter queue of the stack, in the order of their alarms. The dashboard draws the depth of those
    /// with an age alarm (the failure queue and the upload events' queue).
    /// </summary>
    public required IReadOnlyList<MonitoredDeadLetterQueue> DeadLetterQueues { get; init; }

    /// <summary>The durable intake: its oldest upload's age alarms.</summary>
    public required IQueue Intake { get; init; }

    /// <summary>Uploads in flight at most (<c>intake.window</c>): the dashboard draws it beside the running executions.</summary>
    public required int Window { get; init; }

    /// <summary>The oldest upload's age in the intake that alarms (<c>intake.oldestUploadAlarmMinutes</c>).</summary>
    public required int OldestUploadAlarmMinutes { get; init; }

    public required AlarmSettings Alarms { get; init; }

    /// <summary>The workflow's execution log group: the dashboard counts SKIPPED uploads from its state events.</summary>
    public required ILogGroup WorkflowLogs { get; init; }

    /// <summary>The workflow's log level: state events (and so the SKIPPED count) are logged only at ALL.</summary>
    public required LogLevel WorkflowLogLevel { get; init; }

    /// <summary>Whether jobs run PII redaction, which Transcribe prices on top of the transcription.</summary>
    public required bool PiiRedaction { get; init; }

    /// <summary>ARN pattern of this stack's alarms (generated names start with the stack name).</summary>
    public required string AlarmArnPattern { get; init; }
}

/// <summary>
/// What an operator watches: alarms on failed, timed-out and throttled executions, on the intake's oldest upload,
/// on anything in any dead-letter queue (and on the age of those given an age alarm), and on post-processor errors
/// and throttles, all sent to one
/// KMS-encrypted, TLS-only topic; and the operators' dashboard (<see cref="OperatorsDashboard"/>).
/// </summary>
public sealed class PipelineMonitoring : Construct
{
    public PipelineMonitoring(Construct scope, string id, PipelineMonitoringProps props)
        : base(scope, id)
    {
        var settings = props.Alarms;
        var period = Duration.Minutes(settings.PeriodMinutes);
        Topic = new Topic(this, "AlarmTopic", new TopicProps
        {
            DisplayName = $"TranscribeStack {props.Context.EnvironmentName} alarms",
            MasterKey = props.Context.Key,
        });
        // Written out: this CDK version's Topic.EnforceSSL does not create the policy. Replacing the
        // default policy also means naming who may publish: this stack's alarms, nobody else.
        Topic.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "DenyWithoutTls",
            Effect = Effect.DENY,
            Principals = [new AnyPrincipal()],
            // The topic's data actions that exist in IAM (there is no sns:Receive).
            Actions = ["sns:Publish", "sns:Subscribe"],
            Resources = [Topic.TopicArn],
            Conditions = new Dictionary<string, object> { ["Bool"] = new Dictionary<string, object> { ["aws:SecureTransport"] = "false" } },
        }));
        Topic.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "AllowThisStacksAlarmsToPublish",
            Principals = [new ServicePrincipal("cloudwatch.amazonaws.com")],
            Actions = ["sns:Publish"],
            Resources = [Topic.TopicArn],
            Conditions = ConfusedDeputy.Conditions(props.AlarmArnPattern),
        }));
        if (settings.Email is { } email)
        {
            Topic.AddSubscription(new EmailSubscription(email));
        }

        var action = new SnsAction(Topic);
        var alarms = new List<Alarm>();
        Alarm Add(string name, string description, IMetric metric, double threshold)
        {
            var alarm = new Alarm(this, name, new AlarmProps
            {
                AlarmDescription = description,
                Metric = metric,
                Threshold = threshold,
                EvaluationPeriods = settings.EvaluationPeriods,
                ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                // No data means nothing happened: no uploads is not an incident.
                TreatMissingData = TreatMissingData.NOT_BREACHING,
            });
            alarm.AddAlarmAction(action);
            alarm.AddOkAction(action);
            alarms.Add(alarm);
            return alarm;
        }

        var sum = new MetricOptions { Period = period, Statistic = Stats.SUM };
        var max = new MetricOptions { Period = period, Statistic = Stats.MAXIMUM };
        Add("ExecutionsFailed",
            "Transcriptions failed: see the failure dead-letter queue and the FAILED items (runbook: docs/runbook.md, "
            + "what a failure means).",
            props.Workflow.MetricFailed(sum),
            settings.FailedExecutionsThreshold);
        Add("ExecutionsTimedOut", "Executions hit the state machine timeout: a job ran longer than the configured limit.",
            props.Workflow.MetricTimedOut(sum), 1);
        Add("ExecutionsThrottled", "Step Functions throttled executions: uploads are arriving faster than the account's execution quota.",
            props.Workflow.MetricThrottled(sum), 1);
        Add("IntakeOldestUpload",
            "An upload has waited in the intake longer than intake.oldestUploadAlarmMinutes: a backlog larger than the window drains, or "
            + "the intake is stuck (runbook: drain a stuck intake).",
            props.Intake.MetricApproximateAgeOfOldestMessage(max),
            props.OldestUploadAlarmMinutes * 60);
        foreach (var deadLetters in props.DeadLetterQueues)
        {
            Add(deadLetters.AlarmName, deadLetters.Description, deadLetters.Queue.MetricApproximateNumberOfMessagesVisible(max), 1);
            if (deadLetters.OldMessageAlarmName is { } oldMessage)
            {
                Add(oldMessage, deadLetters.OldMessageDescription ?? deadLetters.Description,
                    deadLetters.Queue.MetricApproximateAgeOfOldestMessage(max), settings.DeadLetterAgeSeconds);
            }
        }

        Add("PostProcessorErrors", "The post-processor failed: bad transcripts or service errors.", props.PostProcessor.MetricErrors(sum),
            settings.LambdaErrorsThreshold);
        Add("PostProcessorThrottles", "The post-processor was throttled: raise its reserved concurrency.",
            props.PostProcessor.MetricThrottles(sum), 1);
        Alarms = alarms;

        var dashboard = Dashboard = new Dashboard(this, "Dashboard", new DashboardProps { DefaultInterval = Duration.Hours(24) });
        foreach (var row in OperatorsDashboard.Rows(new DashboardSources(
            props.Context.EnvironmentName, props.Workflow, props.WorkflowLogs, props.WorkflowLogLevel == LogLevel.ALL, props.PostProcessor,
            props.FailureQueue,
            [.. props.DeadLetterQueues.Where(q => q.OldMessageAlarmName is not null).Select(q => q.Queue)], props.Intake, props.Window,
            props.PiiRedaction, period, alarms)))
        {
            dashboard.AddWidgets(row);
        }
    }

    public ITopic Topic { get; }

    /// <summary>The operators' dashboard.</summary>
    public Dashboard Dashboard { get; }

    public IReadOnlyList<Alarm> Alarms { get; }
}
