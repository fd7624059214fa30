using System.Globalization;
using Amazon.CDK.AWS.Lambda;
using TranscribeStack.Contracts;
using TranscribeStack.Cdk.Configuration;
using TranscribeStack.Cdk.Encryption;
using TranscribeStack.Cdk.ExecutionEnds;
using TranscribeStack.Cdk.Functions;
using TranscribeStack.Cdk.Ingestion;
using TranscribeStack.Cdk.Metadata;
using TranscribeStack.Cdk.Monitoring;
using TranscribeStack.Cdk.Notification;
using TranscribeStack.Cdk.Operations;
using TranscribeStack.Cdk.Buckets;
using TranscribeStack.Cdk.Reprocessing;
using TranscribeStack.Cdk.Transcripts;
using TranscribeStack.Cdk.Triggering;
using TranscribeStack.Cdk.Workflow;

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
        var accessLogs = new AccessLogBucket(this, "AccessLogs", new AccessLogBucketProps
        {
            ExpireAfterDays = settings.Storage.AccessLogExpireAfterDays,
            RemovalPolicy = settings.RemovalPolicy,
        });
        var media = new MediaIngestion(this, "MediaIngestion", new MediaIngestionProps
        {
            Key = encryption.Key,
            AccessLogsBucket = accessLogs.Bucket,
            MediaPrefix = settings.Storage.MediaPrefix,
            SignalPrefix = "intake-signals/",
            TranscribeSourceArnPattern = transcribeSourceArn,
            InfrequentAccessAfterDays = settings.Storage.RawAudioInfrequentAccessAfterDays,
            ExpireAfterDays = settings.Storage.RawAudioExpireAfterDays,
            NoncurrentVersionExpireAfterDays = settings.Storage.NoncurrentVersionExpireAfterDays,
            RemovalPolicy = settings.RemovalPolicy,
        });
        var transcripts = new TranscriptStorage(this, "TranscriptStorage", new TranscriptStorageProps
        {
            Key = encryption.Key,
            AccessLogsBucket = accessLogs.Bucket,
            TranscriptPrefix = settings.Storage.TranscriptPrefix,
            TranscribeSourceArnPattern = transcribeSourceArn,
            ExpireAfterDays = settings.Storage.TranscriptExpireAfterDays,
            NoncurrentVersionExpireAfterDays = settings.Storage.NoncurrentVersionExpireAfterDays,
            RemovalPolicy = settings.RemovalPolicy,
        });
        var metadata = new JobMetadataTable(this, "JobMetadata", new JobMetadataTableProps
        {
            Key = encryption.Key,
            DeletionProtection = settings.DeletionProtection,
            RemovalPolicy = settings.RemovalPolicy,
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
            Key = encryption.Key,
            LogRetention = settings.LogRetention,
            RemovalPolicy = settings.RemovalPolicy,
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
            Key = encryption.Key,
            LogRetention = settings.LogRetention,
            RemovalPolicy = settings.RemovalPolicy,
        });
        transcripts.GrantReadTranscripts(postProcessor.Role);
        metadata.GrantPutItem(postProcessor.Role);

        var workflow = new TranscriptionWorkflow(this, "Workflow", new TranscriptionWorkflowProps
        {
            EnvironmentName = settings.Name,
            Key = encryption.Key,
            Media = media,
            Transcripts = transcripts,
            Metadata = metadata,
            JobPlanner = planner.Function,
            PostProcessor = postProcessor.Function,
            JobNamePrefix = settings.JobNamePrefix,
            Transcribe = settings.Transcribe,
            Workflow = settings.Workflow,
            LogRetention = settings.LogRetention,
            RemovalPolicy = settings.RemovalPolicy,
        });

        var completion = new JobCompletionNotifier(this, "CompletionNotifier", new JobCompletionNotifierProps
        {
            EnvironmentName = settings.Name,
            Key = encryption.Key,
            Metadata = metadata,
            JobNamePrefix = settings.JobNamePrefix,
            LogRetention = settings.LogRetention,
            RemovalPolicy = settings.RemovalPolicy,
        });

        // Every upload waits in the durable intake; the admitter starts its named execution while the window has room.
        var trigger = new UploadTrigger(this, "UploadTrigger", new UploadTriggerProps
        {
            RawBucket = media.Bucket,
            MediaPrefix = media.MediaPrefix,
            SignalPrefix = media.SignalPrefix,
            Key = encryption.Key,
            RemovalPolicy = settings.RemovalPolicy,
        });
        var admitter = new IntakeAdmitter(this, "IntakeAdmitter", new IntakeAdmitterProps
        {
            EnvironmentName = settings.Name,
            Intake = trigger.IntakeQueue,
            SignalBucket = media.Bucket,
            SignalPrefix = media.SignalPrefix,
            Metadata = metadata,
            Workflow = workflow.StateMachine,
            JobPlanner = planner.Function,
            Window = settings.Intake.Window,
            Key = encryption.Key,
            LogRetention = settings.LogRetention,
            RemovalPolicy = settings.RemovalPolicy,
        });

        // Executions that time out, are stopped or fail outside the failure branch are recorded too.
        var executionEnds = new ExecutionEndRecorder(this, "ExecutionEndRecorder", new ExecutionEndRecorderProps
        {
            EnvironmentName = settings.Name,
            Key = encryption.Key,
            Workflow = workflow.StateMachine,
            JobNamePrefix = settings.JobNamePrefix,
            Metadata = metadata,
            FailureQueue = workflow.FailureQueue,
            Admitter = admitter.StateMachine,
            LogRetention = settings.LogRetention,
            RemovalPolicy = settings.RemovalPolicy,
        });

        // One command re-processes a prefix: each object a named re-run, bounded under Transcribe's quota.
        var reprocessing = new PrefixReprocessing(this, "Reprocessing", new PrefixReprocessingProps
        {
            EnvironmentName = settings.Name,
            Media = media,
            Intake = trigger,
            Admitter = admitter.StateMachine,
            MaxConcurrency = settings.Reprocessing.MaxConcurrency,
            Key = encryption.Key,
            LogRetention = settings.LogRetention,
            RemovalPolicy = settings.RemovalPolicy,
        });
        _ = new CfnOutput(this, "ReprocessingStateMachineArn", new CfnOutputProps
        {
            Description = "Re-process a prefix: aws stepfunctions start-execution --state-machine-arn <this> --input '{\"prefix\":\"media/<folder>/\",\"rerun\":\"<marker>\"}'",
            Value = reprocessing.StateMachine.StateMachineArn,
        });

        var alarmArnPattern = FormatArn(new ArnComponents { Service = "cloudwatch", Resource = "alarm", ResourceName = $"{StackName}-*", ArnFormat = ArnFormat.COLON_RESOURCE_NAME });
        var monitoring = new PipelineMonitoring(this, "Monitoring", new PipelineMonitoringProps
        {
            AlarmArnPattern = alarmArnPattern,
            EnvironmentName = settings.Name,
            Key = encryption.Key,
            StateMachine = workflow.StateMachine,
            PostProcessor = postProcessor.Function,
            FailureQueue = workflow.FailureQueue,
            EventDeadLetterQueue = trigger.DeadLetterQueue,
            Intake = trigger.IntakeQueue,
            IntakeDeadLetterQueue = trigger.IntakeDeadLetterQueue,
            DoorbellDeadLetterQueue = admitter.DeadLetterQueue,
            OldestUploadAlarmMinutes = settings.Intake.OldestUploadAlarmMinutes,
            Window = settings.Intake.Window,
            CompletionEventDeadLetterQueue = completion.DeadLetterQueue,
            ExecutionEndDeadLetterQueue = executionEnds.DeadLetterQueue,
            Alarms = settings.Alarms,
            WorkflowLogs = workflow.LogGroup,
            WorkflowLogLevel = settings.Workflow.LogLevel,
            PiiRedaction = settings.Transcribe.PiiRedaction,
        });

        var operators = new OperatorAccess(this, "OperatorAccess", new OperatorAccessProps
        {
            EnvironmentName = settings.Name,
            Key = encryption.Key,
            Workflow = workflow.StateMachine,
            WorkflowName = workflow.StateMachineName,
            Reprocessing = reprocessing.StateMachine,
            ReprocessingName = reprocessing.StateMachineName,
            DeadLetterReplays = [admitter.StateMachine, executionEnds.StateMachine],
            Intake = trigger,
            JobNamePrefix = settings.JobNamePrefix,
            ExecutionLogs = [workflow.LogGroup, admitter.LogGroup, reprocessing.LogGroup, completion.LogGroup, executionEnds.LogGroup],
            Dashboard = monitoring.Dashboard,
            AlarmArnPattern = alarmArnPattern,
            Metadata = metadata,
            DeadLetterQueues = [workflow.FailureQueue, trigger.DeadLetterQueue, trigger.IntakeDeadLetterQueue, admitter.DeadLetterQueue, completion.DeadLetterQueue, executionEnds.DeadLetterQueue],
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
            FormatArn(new ArnComponents { Service = "events", Resource = "rule", ResourceName = $"{StackName}-*", ArnFormat = ArnFormat.SLASH_RESOURCE_NAME }));

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
