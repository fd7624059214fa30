using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.SNS;
using Amazon.CDK.AWS.SNS.Subscriptions;
using Amazon.CDK.AWS.SQS;
using Amazon.CDK.AWS.StepFunctions;
using TranscribeStack.Cdk.Configuration;

namespace TranscribeStack.Cdk.Monitoring;

public sealed class PipelineMonitoringProps
{
    public required string EnvironmentName { get; init; }

    public required IKey Key { get; init; }

    public required IStateMachine StateMachine { get; init; }

    public required IFunction PostProcessor { get; init; }

    public required IQueue FailureQueue { get; init; }

    public required IQueue EventDeadLetterQueue { get; init; }

    /// <summary>The durable intake: its oldest upload's age alarms.</summary>
    public required IQueue Intake { get; init; }

    /// <summary>Intake messages received ten times without being admitted.</summary>
    public required IQueue IntakeDeadLetterQueue { get; init; }

    /// <summary>Doorbell starts EventBridge could not deliver to the admitter.</summary>
    public required IQueue DoorbellDeadLetterQueue { get; init; }

    /// <summary>Uploads in flight at most (<c>intake.window</c>): the dashboard draws it beside the running executions.</summary>
    public required int Window { get; init; }

    /// <summary>The oldest upload's age in the intake that alarms (<c>intake.oldestUploadAlarmMinutes</c>).</summary>
    public required int OldestUploadAlarmMinutes { get; init; }

    /// <summary>Completion events that could not be delivered: jobs are then noticed by polling, later.</summary>
    public required IQueue CompletionEventDeadLetterQueue { get; init; }

    /// <summary>Execution ends that could not be delivered to the recorder: those executions have no record yet.</summary>
    public required IQueue ExecutionEndDeadLetterQueue { get; init; }

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
/// What an operator watches: alarms on failed, timed-out and throttled executions, on anything in
/// either dead-letter queue and its age, and on post-processor errors and throttles, all sent to one
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
            DisplayName = $"TranscribeStack {props.EnvironmentName} alarms",
            MasterKey = props.Key,
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
        Add("ExecutionsFailed", "Transcriptions failed: see the failure dead-letter queue and the FAILED items (runbook: docs/runbook.md, what a failure means).", props.StateMachine.MetricFailed(sum), settings.FailedExecutionsThreshold);
        Add("ExecutionsTimedOut", "Executions hit the state machine timeout: a job ran longer than the configured limit.", props.StateMachine.MetricTimedOut(sum), 1);
        Add("ExecutionsThrottled", "Step Functions throttled executions: uploads are arriving faster than the account's execution quota.", props.StateMachine.MetricThrottled(sum), 1);
        Add("FailureQueueNotEmpty", "A failure is waiting in the failure dead-letter queue.", props.FailureQueue.MetricApproximateNumberOfMessagesVisible(max), 1);
        Add("FailureQueueOldMessage", "A failure has waited too long in the failure dead-letter queue.", props.FailureQueue.MetricApproximateAgeOfOldestMessage(max), settings.DeadLetterAgeSeconds);
        Add("EventQueueNotEmpty", "An upload event could not be delivered to the state machine: it is in the event dead-letter queue.", props.EventDeadLetterQueue.MetricApproximateNumberOfMessagesVisible(max), 1);
        Add("IntakeOldestUpload", "An upload has waited in the intake longer than intake.oldestUploadAlarmMinutes: a backlog larger than the window drains, or the intake is stuck (runbook: drain a stuck intake).", props.Intake.MetricApproximateAgeOfOldestMessage(max), props.OldestUploadAlarmMinutes * 60);
        Add("IntakeDeadLetterQueueNotEmpty", "An upload was received from the intake ten times without being admitted: it is in the intake's dead-letter queue (runbook: drain the dead-letter queues).", props.IntakeDeadLetterQueue.MetricApproximateNumberOfMessagesVisible(max), 1);
        Add("DoorbellQueueNotEmpty", "EventBridge could not start the intake admitter for a doorbell: uploads wait until the next doorbell or finished job (runbook: drain a stuck intake).", props.DoorbellDeadLetterQueue.MetricApproximateNumberOfMessagesVisible(max), 1);
        Add("CompletionEventQueueNotEmpty", "A Transcribe completion event could not be delivered to the notifier: the job's backstop poll still notices it, within workflow.maxPollIntervalSeconds.", props.CompletionEventDeadLetterQueue.MetricApproximateNumberOfMessagesVisible(max), 1);
        Add("ExecutionEndQueueNotEmpty", "The end of an execution that timed out, was stopped or failed outside its failure branch could not be delivered to the recorder: it has no FAILED item and no dead letter yet (runbook: docs/runbook.md, drain the dead-letter queues).", props.ExecutionEndDeadLetterQueue.MetricApproximateNumberOfMessagesVisible(max), 1);
        Add("EventQueueOldMessage", "An undelivered upload event has waited too long in the event dead-letter queue.", props.EventDeadLetterQueue.MetricApproximateAgeOfOldestMessage(max), settings.DeadLetterAgeSeconds);
        Add("PostProcessorErrors", "The post-processor failed: bad transcripts or service errors.", props.PostProcessor.MetricErrors(sum), settings.LambdaErrorsThreshold);
        Add("PostProcessorThrottles", "The post-processor was throttled: raise its reserved concurrency.", props.PostProcessor.MetricThrottles(sum), 1);
        Alarms = alarms;

        var dashboard = Dashboard = new Dashboard(this, "Dashboard", new DashboardProps { DefaultInterval = Duration.Hours(24) });
        foreach (var row in OperatorsDashboard.Rows(new DashboardSources(
            props.EnvironmentName, props.StateMachine, props.WorkflowLogs, props.WorkflowLogLevel == LogLevel.ALL, props.PostProcessor,
            props.FailureQueue, props.EventDeadLetterQueue, props.Intake, props.Window, props.PiiRedaction, period, alarms)))
        {
            dashboard.AddWidgets(row);
        }
    }

    public ITopic Topic { get; }

    /// <summary>The operators' dashboard.</summary>
    public Dashboard Dashboard { get; }

    public IReadOnlyList<Alarm> Alarms { get; }
}
