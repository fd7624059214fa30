namespace TranscribeStack.Cdk.Tests;

/// <summary>
/// The logical ids the tests name, and the only place a hashed id is written. Those of the stateful
/// resources are a contract: a changed id makes CloudFormation replace the resource (a new, empty
/// bucket or table). GuardTests pins them.
/// </summary>
internal static class LogicalIds
{
    public const string Key = "EncryptionKey3A692D6E";
    public const string AccessLogBucket = "AccessLogsBucket8883DEB7";
    public const string RawBucket = "MediaIngestionRawAudioBucketE37345C6";
    public const string TranscriptBucket = "TranscriptStorageTranscriptsBucketA7DD8431";
    public const string Table = "JobMetadataTable1618D43C";
    public const string FailureQueue = "WorkflowFailureQueueF75E0A59";
    public const string EventDeadLetterQueue = "UploadTriggerEventDeadLetterQueueAFD945C8";
    public const string CompletionEventDeadLetterQueue = "CompletionNotifierEventDeadLetterQueue85B363AE";

    public const string WorkflowRole = "WorkflowRole98C7DC98";
    public const string WorkflowRolePolicy = "WorkflowRoleDefaultPolicy3B788295";
    public const string PostProcessorRole = "PostProcessorRole199883D5";
    public const string JobPlannerRole = "JobPlannerRole48299733";

    /// <summary>The role Transcribe runs a queued job as (queueing is on in every environment).</summary>
    public const string DataAccessRole = "WorkflowTranscribeDataAccessRoleE7A518F4";

    public const string StateMachine = "WorkflowStateMachine8F1B1C15";
    public const string PostProcessorFunction = "PostProcessorFunctionE61CD0B7";
    public const string JobPlannerFunction = "JobPlannerFunction86F0FE2B";
    public const string Rule = "UploadTriggerRule631B2AC7";
    public const string IntakeQueue = "UploadTriggerIntakeQueue029DC2D4";
    public const string IntakeDeadLetterQueue = "UploadTriggerIntakeDeadLetterQueueA3B7C117";
    public const string DoorbellStream = "UploadTriggerDoorbellStream470025D1";
    public const string DoorbellRole = "UploadTriggerDoorbellRoleA3088090";
    public const string DoorbellTargetRole = "UploadTriggerDoorbellStreamEventsRole12D46BEA";
    public const string Admitter = "IntakeAdmitterStateMachine721160ED";
    public const string AdmitterRole = "IntakeAdmitterRoleFE4F8BD6";
    public const string AdmitterRule = "IntakeAdmitterRuleA1E16EBA";
    public const string AdmitterTargetRole = "IntakeAdmitterTargetRole72AD714C";
    public const string AdmitterDeadLetterQueue = "IntakeAdmitterEventDeadLetterQueueB65669F1";
    public const string AdmitterLogGroup = "IntakeAdmitterLogs26C61FE8";
    public const string Reprocessing = "ReprocessingStateMachine3FE8AFA5";
    public const string ReprocessingRole = "ReprocessingRole1A0E5D8B";

    public const string CompletionRule = "CompletionNotifierRule9A0FCEBD";
    public const string Notifier = "CompletionNotifierStateMachineFCB34308";
    public const string NotifierRole = "CompletionNotifierRoleB2F46944";
    public const string NotifierTargetRole = "CompletionNotifierTargetRole0D0CC7A0";

    public const string ExecutionEndRule = "ExecutionEndRecorderRuleB9B157D9";
    public const string Recorder = "ExecutionEndRecorderStateMachine8B3833B8";
    public const string RecorderRole = "ExecutionEndRecorderRole2CDE6FA9";
    public const string RecorderTargetRole = "ExecutionEndRecorderTargetRoleD8B146FA";
    public const string ExecutionEndDeadLetterQueue = "ExecutionEndRecorderEventDeadLetterQueueE66AE7C6";

    public const string OperatorPolicy = "OperatorAccessPolicy98D96132";

    /// <summary>Only with operators.assumedBy (config/example.prod.json names a principal).</summary>
    public const string OperatorRole = "OperatorAccessRole9E35FED5";

    public const string WorkflowLogGroup = "WorkflowLogs8B0907C7";
    public const string NotifierLogGroup = "CompletionNotifierLogs3ED38F4C";
    public const string RecorderLogGroup = "ExecutionEndRecorderLogs80E47849";
    public const string PostProcessorLogGroup = "PostProcessorLogs300DB520";
    public const string JobPlannerLogGroup = "JobPlannerLogsFF4F2553";
    public const string ReprocessingLogGroup = "ReprocessingLogs91E2AC8E";

    public const string AlarmTopic = "MonitoringAlarmTopicAF62D4F1";
    public const string Dashboard = "MonitoringDashboard0C3675C6";

    public static readonly (string Type, string Id)[] Stateful =
    [
        ("AWS::KMS::Key", Key),
        ("AWS::S3::Bucket", AccessLogBucket),
        ("AWS::S3::Bucket", RawBucket),
        ("AWS::S3::Bucket", TranscriptBucket),
        ("AWS::DynamoDB::Table", Table),
        ("AWS::SQS::Queue", FailureQueue),
        ("AWS::SQS::Queue", EventDeadLetterQueue),
        ("AWS::SQS::Queue", CompletionEventDeadLetterQueue),
        ("AWS::SQS::Queue", ExecutionEndDeadLetterQueue),
    ];
}
