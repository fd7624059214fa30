namespace TranscribeStack.Cdk.Configuration;

/// <summary>The three environments the project deploys. dev is the default (see cdk.json).</summary>
public static class EnvironmentCatalog
{
    public const string DefaultName = "dev";

    public static IReadOnlyList<string> Names { get; } = ["dev", "staging", "prod"];

    /// <summary>The settings of one environment, or an <see cref="InvalidSettingsException"/> naming the valid choices.</summary>
    public static EnvironmentSettings Get(string name) => name switch
    {
        "dev" => Dev,
        "staging" => Staging,
        "prod" => Prod,
        _ => throw new InvalidSettingsException(
            $"Unknown environment '{name}' (context key 'env'). Valid choices are {string.Join(", ", Names)}; "
            + "select one with -c env=<name>."),
    };

    /// <summary>Cheap and disposable: stateful resources are destroyed with the stack, short retention.</summary>
    public static EnvironmentSettings Dev { get; } = new()
    {
        Name = "dev",
        Tags = new TagSettings { CostCenter = "speech-platform-dev", Owner = "platform-team", DataClassification = "Internal" },
        RemovalPolicy = RemovalPolicy.DESTROY,
        DeletionProtection = false,
        LogRetention = RetentionDays.TWO_WEEKS,
        Storage = new StorageSettings
        {
            RawAudioInfrequentAccessAfterDays = 30,
            RawAudioExpireAfterDays = 60,
            TranscriptExpireAfterDays = 60,
            NoncurrentVersionExpireAfterDays = 7,
            AccessLogExpireAfterDays = 30,
        },
        Transcribe = new TranscribeSettings
        {
            LanguageCode = "en-US",
            ShowSpeakerLabels = true,
            MaxSpeakerLabels = 4,
            // Above the concurrent-job quota Transcribe queues a job instead of refusing it: a burst of
            // uploads is held in every environment, not recorded as failures.
            AllowDeferredExecution = true,
        },
        Workflow = new WorkflowSettings
        {
            // The completion event notices a job within seconds; when it is lost, the plan's next poll
            // does, within 4 minutes (see PollPacing): a lost event's job is recorded within 5 minutes.
            MinPollIntervalSeconds = 60,
            MaxPollIntervalSeconds = 240,
            // An assumption, not a published figure: tune it from the dashboard's execution duration.
            ExpectedJobSecondsPerAudioSecond = 0.5,
            MaxJobMinutes = 10 * 60,
            ExecutionTimeoutMinutes = 12 * 60,
            // A burst's starts throttled at the request-rate quota keep retrying for about half an hour
            // (20 attempts, back-off up to 5 minutes, full jitter): in every environment, none is recorded
            // as a failure (npm run bench:burst).
            StartJobRetryMaxAttempts = 20,
            StartJobRetryMaxBackoffSeconds = 300,
            PollRetryMaxAttempts = 6,
            PollRetryMaxBackoffSeconds = 60,
            LogLevel = LogLevel.ALL,
        },
        JobPlanner = new JobPlannerSettings { ReservedConcurrency = null },
        PostProcessor = new PostProcessorSettings
        {
            MemorySizeMb = 512,
            TimeoutSeconds = 60,
            ReservedConcurrency = null,
            MaxTranscriptBytes = 256L * 1024 * 1024,
            LowConfidenceThreshold = 0.5,
        },
        Tracing = true,
        Alarms = new AlarmSettings
        {
            FailedExecutionsThreshold = 5,
            LambdaErrorsThreshold = 5,
            DeadLetterAgeSeconds = 24 * 3600,
            PeriodMinutes = 5,
            EvaluationPeriods = 1,
        },
    };

    /// <summary>Production-shaped, but its data may be recreated: retained data, shorter retention than prod.</summary>
    public static EnvironmentSettings Staging { get; } = Dev with
    {
        Name = "staging",
        Tags = new TagSettings { CostCenter = "speech-platform", Owner = "platform-team", DataClassification = "Confidential" },
        RemovalPolicy = RemovalPolicy.RETAIN,
        LogRetention = RetentionDays.ONE_MONTH,
        Storage = Dev.Storage with
        {
            RawAudioExpireAfterDays = 180,
            TranscriptExpireAfterDays = 180,
            NoncurrentVersionExpireAfterDays = 30,
            AccessLogExpireAfterDays = 90,
        },
        Transcribe = Dev.Transcribe with { PiiRedaction = true, SubtitleFormats = ["vtt"] },
        JobPlanner = new JobPlannerSettings { ReservedConcurrency = 20 },
        PostProcessor = Dev.PostProcessor with { MemorySizeMb = 1024, ReservedConcurrency = 20 },
        Alarms = Dev.Alarms with { FailedExecutionsThreshold = 1, LambdaErrorsThreshold = 1, DeadLetterAgeSeconds = 3600 },
        Reprocessing = new ReprocessingSettings { MaxConcurrency = 25 },
    };

    /// <summary>Customer data: retained and protected, audio kept as evidence, Transcribe queues bursts.</summary>
    public static EnvironmentSettings Prod { get; } = Staging with
    {
        Name = "prod",
        Tags = new TagSettings { CostCenter = "speech-platform", Owner = "platform-team", DataClassification = "Restricted" },
        DeletionProtection = true,
        LogRetention = RetentionDays.ONE_YEAR,
        Storage = Staging.Storage with
        {
            RawAudioInfrequentAccessAfterDays = 30,
            RawAudioExpireAfterDays = null,
            TranscriptExpireAfterDays = null,
            NoncurrentVersionExpireAfterDays = 90,
            AccessLogExpireAfterDays = 365,
        },
        // Queued jobs may wait for a free slot: they are given more time.
        // Polls keep a shorter budget than starts (a poll still throttled after it counts as "still
        // running"): every poll's retries count against the 25,000 history events an execution may
        // write (tests/judges/limits.mjs).
        Workflow = Staging.Workflow with { MaxJobMinutes = 24 * 60, ExecutionTimeoutMinutes = 28 * 60 },
        JobPlanner = new JobPlannerSettings { ReservedConcurrency = 50 },
        PostProcessor = Staging.PostProcessor with { ReservedConcurrency = 50 },
        Alarms = Staging.Alarms with { DeadLetterAgeSeconds = 900 },
        Reprocessing = new ReprocessingSettings { MaxConcurrency = 50 },
    };
}
