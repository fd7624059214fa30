namespace TranscribeStack.Cdk.Configuration;

/// <summary>
/// Everything that differs between dev, staging and prod. One immutable, validated value:
/// <see cref="EnvironmentCatalog"/> defines the three environments, <see cref="SettingsResolver"/>
/// applies the few context overrides and validates, constructs only ever receive slices of it as props.
/// </summary>
public sealed record EnvironmentSettings
{
    /// <summary>Environment name: dev, staging or prod.</summary>
    public required string Name { get; init; }

    /// <summary>Target account; null synthesizes an environment-agnostic stack.</summary>
    public string? Account { get; init; }

    /// <summary>Target region; null synthesizes an environment-agnostic stack.</summary>
    public string? Region { get; init; }

    public required TagSettings Tags { get; init; }

    /// <summary>What CloudFormation does with stateful resources (buckets, table, key, log groups) on stack deletion.</summary>
    public required RemovalPolicy RemovalPolicy { get; init; }

    /// <summary>DynamoDB deletion protection and stack termination protection.</summary>
    public required bool DeletionProtection { get; init; }

    /// <summary>Retention of every CloudWatch log group of the stack.</summary>
    public required RetentionDays LogRetention { get; init; }

    public required StorageSettings Storage { get; init; }

    public required TranscribeSettings Transcribe { get; init; }

    public required WorkflowSettings Workflow { get; init; }

    public required JobPlannerSettings JobPlanner { get; init; }

    public required PostProcessorSettings PostProcessor { get; init; }

    /// <summary>X-Ray tracing of both functions (the state machine always traces).</summary>
    public required bool Tracing { get; init; }

    public required AlarmSettings Alarms { get; init; }

    /// <summary>The operators' managed policy and, when a principal is named, a role it may assume.</summary>
    public OperatorSettings Operators { get; init; } = new();

    /// <summary>Re-processing every object under a prefix (the re-processing workflow).</summary>
    public ReprocessingSettings Reprocessing { get; init; } = new();

    public IntakeSettings Intake { get; init; } = new();

    /// <summary>The CloudFormation stack name: one stack per environment.</summary>
    public string StackName => $"TranscribeStack-{Name}";

    /// <summary>Every transcription job of this environment is named with this prefix; IAM scopes Transcribe to it.</summary>
    public string JobNamePrefix => $"transcribestack-{Name}-";

    /// <summary>The CDK environment; account and region stay unresolved tokens when not given.</summary>
    public Amazon.CDK.Environment? ToCdkEnvironment() =>
        Account is null && Region is null ? null : new Amazon.CDK.Environment { Account = Account, Region = Region };

    /// <summary>Every problem with these settings, each naming the key, the bad value and what is valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        var check = new SettingsCheck(problems);

        check.OneOf("env", Name, EnvironmentCatalog.Names);
        if (Account is not null)
        {
            check.Matches("account", Account, "^[0-9]{12}$", "a 12-digit AWS account id");
        }

        if (Region is not null)
        {
            check.Matches("region", Region, "^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$", "an AWS region such as eu-west-1");
        }

        Tags.Validate(check);
        Storage.Validate(check);
        Transcribe.Validate(check);
        Workflow.Validate(check);
        JobPlanner.Validate(check);
        PostProcessor.Validate(check);
        Alarms.Validate(check);
        Operators.Validate(check);
        Reprocessing.Validate(check);
        Intake.Validate(check);
        return problems;
    }

    /// <summary>These settings as <see cref="ValidatedSettings"/>, or <see cref="InvalidSettingsException"/> listing every
    /// problem.</summary>
    /// <param name="source">Where values came from besides the catalog (a settings file), named in the message.</param>
    public ValidatedSettings EnsureValid(string? source = null) => ValidatedSettings.Of(this, source);
}

/// <summary>Cost-allocation and ownership tags put on every resource of the stack.</summary>
public sealed record TagSettings
{
    public required string CostCenter { get; init; }

    public required string Owner { get; init; }

    /// <summary>Public, Internal, Confidential or Restricted: audio and transcripts can carry personal data.</summary>
    [SettingChoices(typeof(TagSettings), nameof(Classifications))]
    public required string DataClassification { get; init; }

    public static IReadOnlyList<string> Classifications { get; } = ["Public", "Internal", "Confidential", "Restricted"];

    internal void Validate(SettingsCheck check)
    {
        check.Matches("tags.costCenter", CostCenter, @"^[\p{L}\p{N} _.:/=+\-@]{1,256}$", "1 to 256 tag-safe characters");
        check.Matches("tags.owner", Owner, @"^[\p{L}\p{N} _.:/=+\-@]{1,256}$", "1 to 256 tag-safe characters");
        check.OneOf("tags.dataClassification", DataClassification, Classifications);
    }
}

/// <summary>Bucket layout and lifecycle.</summary>
public sealed record StorageSettings
{
    /// <summary>Uploads under this prefix of the raw-audio bucket start a transcription.</summary>
    public string MediaPrefix { get; init; } = "media/";

    /// <summary>Transcribe writes its output under this prefix of the transcript bucket.</summary>
    public string TranscriptPrefix { get; init; } = "transcripts/";

    /// <summary>Raw audio moves to S3 Standard-IA after this many days.</summary>
    public required int RawAudioInfrequentAccessAfterDays { get; init; }

    /// <summary>Raw audio expires after this many days; null keeps it forever.</summary>
    public int? RawAudioExpireAfterDays { get; init; }

    /// <summary>Transcripts expire after this many days; null keeps them forever.</summary>
    public int? TranscriptExpireAfterDays { get; init; }

    /// <summary>Overwritten or deleted object versions are kept this many days.</summary>
    public required int NoncurrentVersionExpireAfterDays { get; init; }

    /// <summary>S3 server access logs are kept this many days.</summary>
    public required int AccessLogExpireAfterDays { get; init; }

    internal void Validate(SettingsCheck check)
    {
        check.Matches("storage.mediaPrefix", MediaPrefix, "^[a-z0-9][a-z0-9-]{0,62}/$",
            "lower-case letters, digits and '-' ending in '/', e.g. media/");
        check.Matches("storage.transcriptPrefix", TranscriptPrefix, "^[a-z0-9][a-z0-9-]{0,62}/$",
            "lower-case letters, digits and '-' ending in '/', e.g. transcripts/");
        // S3 requires at least 30 days in Standard before a transition to Standard-IA.
        check.InRange("storage.rawAudioInfrequentAccessAfterDays", RawAudioInfrequentAccessAfterDays, 30, 3650);
        if (RawAudioExpireAfterDays is { } rawExpiry)
        {
            check.InRange("storage.rawAudioExpireAfterDays", rawExpiry, RawAudioInfrequentAccessAfterDays + 1, 36500);
        }

        if (TranscriptExpireAfterDays is { } transcriptExpiry)
        {
            check.InRange("storage.transcriptExpireAfterDays", transcriptExpiry, 1, 36500);
        }

        check.InRange("storage.noncurrentVersionExpireAfterDays", NoncurrentVersionExpireAfterDays, 1, 3650);
        check.InRange("storage.accessLogExpireAfterDays", AccessLogExpireAfterDays, 1, 3650);
    }
}

/// <summary>The state machine: polling, retries, timeouts and logging.</summary>
public sealed record WorkflowSettings
{
    /// <summary>How the job planner paces polling (it receives these settings as environment variables).</summary>
    public PollPacing Pacing()
        => new(MinPollIntervalSeconds, MaxPollIntervalSeconds, MaxJobMinutes * 60L, ExpectedJobSecondsPerAudioSecond);

    /// <summary>Shortest wait between two backstop polls of a job, in seconds (a jittered wait is never shorter).</summary>
    public required int MinPollIntervalSeconds { get; init; }

    /// <summary>
    /// How long an execution waits for its job's completion event before polling the job anyway, in
    /// seconds: the one safety net for a lost event (see PollPacing). At most <see cref="LongestPollIntervalSeconds"/>.
    /// </summary>
    public required int MaxPollIntervalSeconds { get; init; }

    /// <summary>
    /// A job whose completion event was lost is recorded by its next backstop poll: within five minutes
    /// of its end, less the time the poll and the post-processor take.
    /// </summary>
    public const int LongestPollIntervalSeconds = 270;

    /// <summary>
    /// Expected transcription time per second of audio: with the audio length estimated from the upload's
    /// size, each plan records the job's expected length (the waits do not depend on it).
    /// </summary>
    public required double ExpectedJobSecondsPerAudioSecond { get; init; }

    /// <summary>A job still queued or running this long after it was started is given up as failed.</summary>
    public required int MaxJobMinutes { get; init; }

    /// <summary>The execution is stopped (and alarms fire) after this long.</summary>
    public required int ExecutionTimeoutMinutes { get; init; }

    /// <summary>Attempts at StartTranscriptionJob when Transcribe answers LimitExceeded (request rate or job quota) or
    /// InternalFailure.</summary>
    public required int StartJobRetryMaxAttempts { get; init; }

    /// <summary>Longest back-off between two StartTranscriptionJob attempts, in seconds.</summary>
    public required int StartJobRetryMaxBackoffSeconds { get; init; }

    /// <summary>
    /// Attempts at one GetTranscriptionJob poll. Kept apart from the start's budget: every poll of the
    /// plan may be retried, so this multiplies the longest execution's history (25,000 events at most).
    /// </summary>
    public required int PollRetryMaxAttempts { get; init; }

    /// <summary>Longest back-off between two attempts at one poll, in seconds.</summary>
    public required int PollRetryMaxBackoffSeconds { get; init; }

    /// <summary>ALL records every state transition (what cdk-nag asks for); execution data stays off.</summary>
    public required LogLevel LogLevel { get; init; }

    /// <summary>Log state input and output. Off by default: keys and transcripts can carry personal data.</summary>
    public bool IncludeExecutionData { get; init; }

    internal void Validate(SettingsCheck check)
    {
        check.InRange("workflow.minPollIntervalSeconds", MinPollIntervalSeconds, 1, 3600);
        check.InRange("workflow.maxPollIntervalSeconds", MaxPollIntervalSeconds, MinPollIntervalSeconds, LongestPollIntervalSeconds);
        check.That(ExpectedJobSecondsPerAudioSecond is >= 0.01 and <= 10, "workflow.expectedJobSecondsPerAudioSecond",
            ExpectedJobSecondsPerAudioSecond, "must be between 0.01 and 10");
        check.InRange("workflow.maxJobMinutes", MaxJobMinutes, 1, 90 * 24 * 60);
        // A Standard workflow runs at most one year; Transcribe keeps a job's record for 90 days.
        check.InRange("workflow.executionTimeoutMinutes", ExecutionTimeoutMinutes, 5, 90 * 24 * 60);
        check.InRange("workflow.startJobRetryMaxAttempts", StartJobRetryMaxAttempts, 1, 20);
        check.InRange("workflow.startJobRetryMaxBackoffSeconds", StartJobRetryMaxBackoffSeconds, 1, 900);
        check.InRange("workflow.pollRetryMaxAttempts", PollRetryMaxAttempts, 1, 20);
        check.InRange("workflow.pollRetryMaxBackoffSeconds", PollRetryMaxBackoffSeconds, 1, 900);
        check.That(LogLevel != LogLevel.OFF, "workflow.logLevel", LogLevel,
            "must not be OFF: operators need at least ERROR; choose ALL, ERROR or FATAL");
        // A job must be given up well before the execution timeout: a timed-out execution skips the
        // failure branch, so nothing would be recorded.
        check.That(
            MaxJobMinutes <= ExecutionTimeoutMinutes * 9L / 10,
            "workflow.maxJobMinutes",
            MaxJobMinutes,
            $"must be at most 90% of workflow.executionTimeoutMinutes ({ExecutionTimeoutMinutes}); lower it or raise the timeout");
        if (MinPollIntervalSeconds is >= 1 and <= 3600 && MaxPollIntervalSeconds >= MinPollIntervalSeconds
            && MaxPollIntervalSeconds <= LongestPollIntervalSeconds && MaxJobMinutes * 60L >= MinPollIntervalSeconds
            && ExpectedJobSecondsPerAudioSecond is >= 0.01 and <= 10)
        {
            // The most polls a plan holds is the plan of the shortest job: it must fit the execution's state.
            var polls = Pacing().MostPolls;
            check.That(
                polls <= PollPacing.MaxPolls,
                "workflow.maxJobMinutes",
                MaxJobMinutes,
                $"polling every {MinPollIntervalSeconds}-{MaxPollIntervalSeconds} s for {MaxJobMinutes} minutes takes {polls} polls, more "
                + $"than {PollPacing.MaxPolls}; raise the poll intervals or lower the minutes");
        }
    }
}

/// <summary>The durable intake and its window: how many uploads are in flight at once, and when a backlog alarms.</summary>
public sealed record IntakeSettings
{
    /// <summary>
    /// Transcribe's default quota of concurrent batch transcription jobs per account and region (adjustable;
    /// the Transcribe simulator of the test kit models the same figure).
    /// </summary>
    public const int TranscribeConcurrentJobsQuota = 250;

    /// <summary>The most the window may hold: far from Transcribe's queue of 10,000 jobs.</summary>
    public const int WindowLimit = 1000;

    /// <summary>
    /// This stack's uploads admitted and not yet finished, at most: each is one workflow execution and one job
    /// queued or running in Transcribe. The default, Transcribe's 250 concurrent jobs and 50 more queued in
    /// Transcribe, keeps Transcribe busy while a finished job's slot is handed to the next upload.
    /// </summary>
    public int Window { get; init; } = TranscribeConcurrentJobsQuota + 50;

    /// <summary>The alarm IntakeOldestUpload fires when the oldest upload has waited this long in the intake.</summary>
    public int OldestUploadAlarmMinutes { get; init; } = 24 * 60;

    internal void Validate(SettingsCheck check)
    {
        check.InRange("intake.window", Window, 1, WindowLimit);
        // SQS keeps a message 14 days at most: the alarm must fire before an upload could expire.
        check.InRange("intake.oldestUploadAlarmMinutes", OldestUploadAlarmMinutes, 5, 13 * 24 * 60);
    }
}

/// <summary>Re-processing a prefix: how many of its objects are put into the intake at once.</summary>
public sealed record ReprocessingSettings
{
    /// <summary>The most children the Distributed Map runs at once that this pipeline asks for.</summary>
    public const int MaxConcurrencyLimit = 1000;

    /// <summary>
    /// Objects put into the intake at once: the Distributed Map's MaxConcurrency. Each child only sends its
    /// object's upload event to the intake; the intake's window (<c>intake.window</c>) bounds the transcriptions.
    /// </summary>
    public int MaxConcurrency { get; init; } = 10;

    internal void Validate(SettingsCheck check) => check.InRange("reprocessing.maxConcurrency", MaxConcurrency, 1, MaxConcurrencyLimit);
}

/// <summary>The job-planning Lambda: a few milliseconds per upload, never the bottleneck, but bounded.</summary>
public sealed record JobPlannerSettings
{
    /// <summary>Reserved concurrency; null leaves the function on the account's unreserved pool.</summary>
    public int? ReservedConcurrency { get; init; }

    internal void Validate(SettingsCheck check)
    {
        if (ReservedConcurrency is { } reserved)
        {
            check.InRange("jobPlanner.reservedConcurrency", reserved, 1, 1000);
        }
    }
}

/// <summary>The post-processing Lambda.</summary>
public sealed record PostProcessorSettings
{
    public required int MemorySizeMb { get; init; }

    public required int TimeoutSeconds { get; init; }

    /// <summary>Reserved concurrency; null leaves the function on the account's unreserved pool.</summary>
    public int? ReservedConcurrency { get; init; }

    /// <summary>Transcripts larger than this are refused (a guard against runaway input).</summary>
    public required long MaxTranscriptBytes { get; init; }

    /// <summary>Words under this confidence are counted as low-confidence.</summary>
    public required double LowConfidenceThreshold { get; init; }

    /// <summary>With toxicity detection, speech segments scored at or above this are counted as toxic.</summary>
    public double ToxicityThreshold { get; init; } = 0.5;

    internal void Validate(SettingsCheck check)
    {
        check.InRange("postProcessor.memorySizeMb", MemorySizeMb, 128, 10240);
        check.InRange("postProcessor.timeoutSeconds", TimeoutSeconds, 3, 900);
        if (ReservedConcurrency is { } reserved)
        {
            check.InRange("postProcessor.reservedConcurrency", reserved, 1, 1000);
        }

        check.InRange("postProcessor.maxTranscriptBytes", MaxTranscriptBytes, 1024, 5L * 1024 * 1024 * 1024);
        check.That(LowConfidenceThreshold is > 0 and < 1, "postProcessor.lowConfidenceThreshold", LowConfidenceThreshold,
            "must be between 0 and 1 (exclusive)");
        // Transcribe scores toxicity from 0 to 1 (https://docs.aws.amazon.com/transcribe/latest/dg/toxicity.html).
        check.That(ToxicityThreshold is > 0 and <= 1, "postProcessor.toxicityThreshold", ToxicityThreshold,
            "must be above 0 and at most 1");
    }
}

/// <summary>Alarm thresholds and where alarms are sent.</summary>
public sealed record AlarmSettings
{
    /// <summary>Subscribed to the alarm topic when set.</summary>
    public string? Email { get; init; }

    /// <summary>Failed, timed-out or aborted executions in one period that raise the alarm.</summary>
    public required int FailedExecutionsThreshold { get; init; }

    /// <summary>Post-processor errors in one period that raise the alarm.</summary>
    public required int LambdaErrorsThreshold { get; init; }

    /// <summary>Age of the oldest dead-lettered message that raises the alarm, in seconds.</summary>
    public required int DeadLetterAgeSeconds { get; init; }

    public required int PeriodMinutes { get; init; }

    public required int EvaluationPeriods { get; init; }

    internal void Validate(SettingsCheck check)
    {
        if (Email is not null)
        {
            check.Matches("alarmEmail", Email, @"^[^@\s]+@[^@\s]+\.[^@\s]+$", "an e-mail address");
        }

        check.InRange("alarms.failedExecutionsThreshold", FailedExecutionsThreshold, 1, 10000);
        check.InRange("alarms.lambdaErrorsThreshold", LambdaErrorsThreshold, 1, 10000);
        check.InRange("alarms.deadLetterAgeSeconds", DeadLetterAgeSeconds, 60, 14 * 24 * 3600);
        check.InRange("alarms.periodMinutes", PeriodMinutes, 1, 1440);
        check.InRange("alarms.evaluationPeriods", EvaluationPeriods, 1, 100);
    }
}

/// <summary>
/// What the operators' managed policy allows beyond its fixed rights (executions, their logs, the
/// dashboard and alarms, the metadata table, the dead-letter queues), and who may assume the role it
/// is attached to. Everything is off by default: the policy exists, no role does.
/// </summary>
public sealed record OperatorSettings
{
    /// <summary>
    /// An IAM principal (a role, a user or an account root, by ARN) that may assume the operators' role;
    /// null creates no role (attach the managed policy to your own principals instead).
    /// </summary>
    public string? AssumedBy { get; init; }

    /// <summary>Read the uploaded media (s3:GetObject under the media prefix, decrypted through S3).</summary>
    public bool CanReadMedia { get; init; }

    /// <summary>Read the transcripts (s3:GetObject under the transcript prefix, decrypted through S3).</summary>
    public bool CanReadTranscripts { get; init; }

    internal void Validate(SettingsCheck check)
    {
        if (AssumedBy is not null)
        {
            // The forms IAM accepts as a principal of a trust policy, by ARN (iam reference_policies_elements_principal).
            check.Matches(
                "operators.assumedBy",
                AssumedBy,
                @"^arn:aws(-[a-z]+)*:iam::[0-9]{12}:(root|role/[\w+=,.@/-]{1,512}|user/[\w+=,.@/-]{1,512})$",
                "the ARN of an IAM role, user or account root, e.g. arn:aws:iam::123456789012:role/oncall");
        }
    }
}
