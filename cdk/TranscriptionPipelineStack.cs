using System.Globalization;
using TranscribeStack.Cdk.Functions;
using TranscribeStack.Cdk.Monitoring;
using TranscribeStack.Cdk.Operations;
using TranscribeStack.Cdk.Triggering;
using TranscribeStack.Cdk.WorkflowEvents;

namespace TranscribeStack.Cdk;

public sealed class TranscriptionPipelineStackProps : StackProps
{
    /// <summary>Validated settings only (see <see cref="EnvironmentSettings.EnsureValid"/>).</summary>
    public required ValidatedSettings Settings { get; init; }

    /// <summary>The published functions project (see <see cref="DotnetPublishBundling"/>).</summary>
    public required Code FunctionsCode { get; init; }
}

/// <summary>
/// The one deployable stack of an environment. It only composes the pipeline's constructs
/// and wires them together; each concern lives in its own construct.
/// </summary>
public sealed class TranscriptionPipelineStack : Stack
{
    public const string ApplicationName = "TranscribeStack";

    private const string FunctionsAssembly = "TranscribeStack.Functions";

    public TranscriptionPipelineStack(Construct scope, string id, TranscriptionPipelineStackProps props)
        : base(scope, id, WithDefaults(props))
    {
        var settings = props.Settings.Value;
        // Transcribe, as a service principal, is matched by AWS's documented confused-deputy ARN form.
        var transcribeSourceArn = ConfusedDeputy.TranscribeSourceArn(this);

        var encryption = new PipelineKey(this, "Encryption", new PipelineKeyProps
        {
            EnvironmentName = settings.Name,
            RemovalPolicy = settings.RemovalPolicy,
        });
        // What every construct is given: built once, passed as one prop.
        var context = new PipelineContext
        {
            EnvironmentName = settings.Name,
            Key = encryption.Key,
            LogRetention = settings.LogRetention,
            RemovalPolicy = settings.RemovalPolicy,
            JobNamePrefix = settings.JobNamePrefix,
        };
        var accessLogs = new AccessLogBucket(this, "AccessLogs", new AccessLogBucketProps
        {
            Context = context,
            Settings = settings.Storage,
        });
        var media = new MediaIngestion(this, "MediaIngestion", new MediaIngestionProps
        {
            Context = context,
            AccessLogsBucket = accessLogs.Bucket,
            Settings = settings.Storage,
            SignalPrefix = "intake-signals/",
        });
        var transcripts = new TranscriptStorage(this, "TranscriptStorage", new TranscriptStorageProps
        {
            Context = context,
            AccessLogsBucket = accessLogs.Bucket,
            Settings = settings.Storage,
        });
        var metadata = new JobMetadataTable(this, "JobMetadata", new JobMetadataTableProps
        {
            Context = context,
            DeletionProtection = settings.DeletionProtection,
        });

        var pacing = settings.Workflow.Pacing();
        var planner = new PipelineFunction(this, "JobPlanner", new PipelineFunctionProps
        {
            Description = "TranscribeStack: derives the transcription job from an upload event",
            Code = props.FunctionsCode,
            Handler = $"{FunctionsAssembly}::{FunctionsAssembly}.JobPlanning.JobPlannerHandler::HandleAsync",
            MemorySizeMb = 256,
            TimeoutSeconds = 10,
            ReservedConcurrency = settings.JobPlanner.ReservedConcurrency,
            Tracing = settings.Tracing,
            Environment = new Dictionary<string, string>
            {
                ["JOB_NAME_PREFIX"] = settings.JobNamePrefix,
                // The rule lets through every object under the prefix; the planner skips what is not media.
                ["MEDIA_PREFIX"] = media.MediaPrefix,
                ["TRANSCRIPT_PREFIX"] = settings.Storage.TranscriptPrefix,
                // With PII redaction Transcribe writes redacted-<job>.json; that is the one to record.
                ["TRANSCRIPT_FILE_PREFIX"] = settings.Transcribe.PiiRedaction ? "redacted-" : string.Empty,
                // How the state machine polls each job (see PollPacing).
                ["POLL_MIN_INTERVAL_SECONDS"] = pacing.MinIntervalSeconds.ToString(CultureInfo.InvariantCulture),
                ["POLL_MAX_INTERVAL_SECONDS"] = pacing.MaxIntervalSeconds.ToString(CultureInfo.InvariantCulture),
                ["POLL_GIVE_UP_AFTER_SECONDS"] = pacing.GivesUpAfterSeconds.ToString(CultureInfo.InvariantCulture),
                ["JOB_SECONDS_PER_AUDIO_SECOND"] = pacing.JobSecondsPerAudioSecond.ToString(CultureInfo.InvariantCulture),
            },
            Context = context,
        });
        var postProcessor = new PipelineFunction(this, "PostProcessor", new PipelineFunctionProps
        {
            Description = "TranscribeStack: turns a finished transcript into job metadata",
            Code = props.FunctionsCode,
            Handler = $"{FunctionsAssembly}::{FunctionsAssembly}.PostProcessing.PostProcessorHandler::HandleAsync",
            MemorySizeMb = settings.PostProcessor.MemorySizeMb,
            TimeoutSeconds = settings.PostProcessor.TimeoutSeconds,
            ReservedConcurrency = settings.PostProcessor.ReservedConcurrency,
            Tracing = settings.Tracing,
            Environment = new Dictionary<string, string>
            {
                ["TABLE_NAME"] = metadata.Table.TableName,
                ["MAX_TRANSCRIPT_BYTES"] = settings.PostProcessor.MaxTranscriptBytes.ToString(CultureInfo.InvariantCulture),
                ["LOW_CONFIDENCE_THRESHOLD"] = settings.PostProcessor.LowConfidenceThreshold.ToString(CultureInfo.InvariantCulture),
                ["TOXICITY_THRESHOLD"] = settings.PostProcessor.ToxicityThreshold.ToString(CultureInfo.InvariantCulture),
                // The value of the audio-minutes metric's dimension (the dashboard reads it by environment).
                [PipelineMetrics.EnvironmentVariable] = settings.Name,
            },
            Context = context,
        });
        transcripts.GrantReadTranscripts(postProcessor.Role);
        metadata.GrantPutItem(postProcessor.Role);

        var workflow = new TranscriptionWorkflow(this, "Workflow", new TranscriptionWorkflowProps
        {
            Context = context,
            Media = media,
            Transcripts = transcripts,
            Metadata = metadata,
            JobPlanner = planner.Function,
            PostProcessor = postProcessor.Function,
            Transcribe = settings.Transcribe,
            Settings = settings.Workflow,
        });

        var completion = new JobCompletionNotifier(this, "CompletionNotifier", new JobCompletionNotifierProps
        {
            Context = context,
            Metadata = metadata,
        });

        // Every upload waits in the durable intake; the admitter starts its named execution while the window has room.
        var trigger = new UploadTrigger(this, "UploadTrigger", new UploadTriggerProps
        {
            Media = media,
            Context = context,
        });
        var admitter = new IntakeAdmitter(this, "IntakeAdmitter", new IntakeAdmitterProps
        {
            Context = context,
            Intake = trigger.IntakeQueue,
            Media = media,
            Metadata = metadata,
            Workflow = workflow.StateMachine,
            JobPlanner = planner.Function,
            Window = settings.Intake.Window,
        });

        // Executions that time out, are stopped or fail outside the failure branch are recorded too.
        var executionEnds = new ExecutionEndRecorder(this, "ExecutionEndRecorder", new ExecutionEndRecorderProps
        {
            Context = context,
            Workflow = workflow.StateMachine,
            JobNamePrefix = settings.JobNamePrefix,
            Metadata = metadata,
            FailureQueue = workflow.FailureQueue,
            Admitter = admitter.Express.StateMachine,
        });

        // One command re-processes a prefix: each object a named re-run, bounded under Transcribe's quota.
        var reprocessing = new PrefixReprocessing(this, "Reprocessing", new PrefixReprocessingProps
        {
            Context = context,
            Media = media,
            Intake = trigger,
            Admitter = admitter.Express.StateMachine,
            MaxConcurrency = settings.Reprocessing.MaxConcurrency,
        });
        _ = new CfnOutput(this, "ReprocessingStateMachineArn", new CfnOutputProps
        {
            Description = "Re-process a prefix: aws stepfunctions start-execution --state-machine-arn <this> --input "
                + "'{\"prefix\":\"media/<folder>/\",\"rerun\":\"<marker>\"}'",
            Value = reprocessing.StateMachine.StateMachineArn,
        });

        // Every dead-letter queue of the stack, with the alarm that says something is in it: operators drain them all.
        MonitoredDeadLetterQueue[] deadLetterQueues =
        [
            new(workflow.FailureQueue, "FailureQueueNotEmpty", "A failure is waiting in the failure dead-letter queue.",
                "FailureQueueOldMessage", "A failure has waited too long in the failure dead-letter queue."),
            new(trigger.DeadLetterQueue, "EventQueueNotEmpty",
                "An upload event could not be delivered to the state machine: it is in the event dead-letter queue.",
                "EventQueueOldMessage", "An undelivered upload event has waited too long in the event dead-letter queue."),
            new(trigger.IntakeDeadLetterQueue, "IntakeDeadLetterQueueNotEmpty",
                "An upload was received from the intake ten times without being admitted: it is in the intake's dead-letter queue "
                + "(runbook: drain the dead-letter queues)."),
            new(admitter.Express.DeadLetterQueue, "DoorbellQueueNotEmpty",
                "EventBridge could not start the intake admitter for a doorbell: uploads wait until the next doorbell or finished job "
                + "(runbook: drain a stuck intake)."),
            new(completion.Express.DeadLetterQueue, "CompletionEventQueueNotEmpty",
                "A Transcribe completion event could not be delivered to the notifier: the job's backstop poll still notices it, within "
                + "workflow.maxPollIntervalSeconds."),
            new(executionEnds.Express.DeadLetterQueue, "ExecutionEndQueueNotEmpty",
                "The end of an execution that timed out, was stopped or failed outside its failure branch could not be delivered to the "
                + "recorder: it has no FAILED item and no dead letter yet (runbook: docs/runbook.md, drain the dead-letter queues)."),
        ];
        var alarmArnPattern = FormatArn(new ArnComponents
        {
            Service = "cloudwatch",
            Resource = "alarm",
            ResourceName = $"{StackName}-*",
            ArnFormat = ArnFormat.COLON_RESOURCE_NAME,
        });
        var monitoring = new PipelineMonitoring(this, "Monitoring", new PipelineMonitoringProps
        {
            AlarmArnPattern = alarmArnPattern,
            Context = context,
            Workflow = workflow.StateMachine,
            PostProcessor = postProcessor.Function,
            FailureQueue = workflow.FailureQueue,
            DeadLetterQueues = deadLetterQueues,
            Intake = trigger.IntakeQueue,
            OldestUploadAlarmMinutes = settings.Intake.OldestUploadAlarmMinutes,
            Window = settings.Intake.Window,
            Alarms = settings.Alarms,
            WorkflowLogs = workflow.LogGroup,
            WorkflowLogLevel = settings.Workflow.LogLevel,
            PiiRedaction = settings.Transcribe.PiiRedaction,
        });

        var operators = new OperatorAccess(this, "OperatorAccess", new OperatorAccessProps
        {
            Context = context,
            Workflow = workflow.StateMachine,
            WorkflowName = workflow.StateMachineName,
            Reprocessing = reprocessing.StateMachine,
            ReprocessingName = reprocessing.StateMachineName,
            DeadLetterReplays = [admitter.Express.StateMachine, executionEnds.Express.StateMachine],
            Intake = trigger,
            ExecutionLogs = [workflow.LogGroup, admitter.Express.LogGroup, reprocessing.LogGroup, completion.Express.LogGroup,
                executionEnds.Express.LogGroup],
            Dashboard = monitoring.Dashboard,
            AlarmArnPattern = alarmArnPattern,
            Metadata = metadata,
            DeadLetterQueues = [.. deadLetterQueues.Select(q => q.Queue)],
            Media = media,
            Transcripts = transcripts,
            Settings = settings.Operators,
        });
        // CloudWatch alarms publish to the encrypted topic: only alarms of this account, this region.
        encryption.AllowServiceToSendEncryptedMessages(
            "AllowCloudWatchAlarmsToPublishToTheAlarmTopic",
            "cloudwatch.amazonaws.com",
            alarmArnPattern);

        encryption.AllowCloudWatchLogs();
        encryption.AllowTranscribeService(transcribeSourceArn, settings.Transcribe.KmsEncryptionContext);
        // The rule's ARN would make a cycle (key -> rule -> queue -> key): pin the stack's rule-name prefix.
        encryption.AllowServiceToSendEncryptedMessages(
            "AllowEventBridgeToDeadLetterThisStacksEvents",
            "events.amazonaws.com",
            FormatArn(new ArnComponents
            {
                Service = "events",
                Resource = "rule",
                ResourceName = $"{StackName}-*",
                ArnFormat = ArnFormat.SLASH_RESOURCE_NAME,
            }));

        Encryption = encryption;
        AccessLogs = accessLogs;
        MediaIngestion = media;
        TranscriptStorage = transcripts;
        JobMetadata = metadata;
        JobPlanner = planner;
        PostProcessor = postProcessor;
        Workflow = workflow;
        CompletionNotifier = completion;
        ExecutionEndRecorder = executionEnds;
        UploadTrigger = trigger;
        IntakeAdmitter = admitter;
        Reprocessing = reprocessing;
        Monitoring = monitoring;
        OperatorAccess = operators;
        ApplyTags(this, settings);
    }

    // The composed constructs, each under the name of its construct id.
    public PipelineKey Encryption { get; }

    public AccessLogBucket AccessLogs { get; }

    public MediaIngestion MediaIngestion { get; }

    public TranscriptStorage TranscriptStorage { get; }

    public JobMetadataTable JobMetadata { get; }

    public PipelineFunction JobPlanner { get; }

    public PipelineFunction PostProcessor { get; }

    public TranscriptionWorkflow Workflow { get; }

    public JobCompletionNotifier CompletionNotifier { get; }

    public ExecutionEndRecorder ExecutionEndRecorder { get; }

    public UploadTrigger UploadTrigger { get; }

    public IntakeAdmitter IntakeAdmitter { get; }

    public PrefixReprocessing Reprocessing { get; }

    public PipelineMonitoring Monitoring { get; }

    public OperatorAccess OperatorAccess { get; }

    private static TranscriptionPipelineStackProps WithDefaults(TranscriptionPipelineStackProps props)
    {
        var settings = props.Settings.Value;
        props.Env ??= settings.ToCdkEnvironment();
        props.StackName ??= settings.StackName;
        props.Description ??= $"{ApplicationName} ({settings.Name}): event-driven Amazon Transcribe batch pipeline";
        props.TerminationProtection ??= settings.DeletionProtection;
        return props;
    }

    private static void ApplyTags(Stack stack, EnvironmentSettings settings)
    {
        var tags = Amazon.CDK.Tags.Of(stack);
        tags.Add("Environment", settings.Name);
        tags.Add("Application", ApplicationName);
        tags.Add("CostCenter", settings.Tags.CostCenter);
        tags.Add("Owner", settings.Tags.Owner);
        tags.Add("DataClassification", settings.Tags.DataClassification);
    }
}
