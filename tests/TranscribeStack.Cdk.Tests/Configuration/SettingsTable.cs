using System.Globalization;
using System.Text;
using Amazon.CDK.AWS.Logs;

namespace TranscribeStack.Cdk.Tests.Configuration;

/// <summary>
/// The "Settings per environment" table of docs/settings.md, rendered from <see cref="EnvironmentCatalog"/>: the rows' labels are
/// written here, every value is read from the catalog, so the table cannot drift from the code.
/// </summary>
internal static class SettingsTable
{
    private static readonly (string Setting, Func<EnvironmentSettings, string> Value)[] Rows =
    [
        ("removal policy of data (buckets, table, key, logs)", s => s.RemovalPolicy.ToString().ToLowerInvariant()),
        ("table deletion protection, stack termination protection", s => OnOff(s.DeletionProtection)),
        ("log retention", s => Retention(s.LogRetention)),
        ("raw audio: to Standard-IA / expires",
            s => $"{s.Storage.RawAudioInfrequentAccessAfterDays} d / {Days(s.Storage.RawAudioExpireAfterDays)}"),
        ("transcripts expire", s => Days(s.Storage.TranscriptExpireAfterDays)),
        ("overwritten or deleted object versions expire (`noncurrentVersionExpireAfterDays`)",
            s => Days(s.Storage.NoncurrentVersionExpireAfterDays)),
        ("access logs expire", s => Days(s.Storage.AccessLogExpireAfterDays)),
        ("language (`transcribe.languageCode`; or `identifyLanguage` / `identifyMultipleLanguages` among `languageOptions`, with " +
            "per-language `languageIdSettings`)", s => Language(s.Transcribe)),
        ("custom vocabulary, vocabulary filter (method), custom language model",
            s =>
            $"{s.Transcribe.VocabularyName ?? "none"}, {s.Transcribe.VocabularyFilterName ?? "none"} " +
            $"({s.Transcribe.VocabularyFilterMethod}), {s.Transcribe.LanguageModelName ?? "none"}"),
        ("speaker labels (max speakers), channel identification",
            s => $"{OnOff(s.Transcribe.ShowSpeakerLabels)}" +
            $"{(s.Transcribe.ShowSpeakerLabels ? $" ({s.Transcribe.MaxSpeakerLabels})" : string.Empty)}, " +
            $"{OnOff(s.Transcribe.ChannelIdentification)}"),
        ("PII redaction (output, entity types), subtitles (start index)", s => $"{Redaction(s.Transcribe)}, {Subtitles(s.Transcribe)}"),
        ("toxicity detection, output KMS encryption context",
            s =>
            $"{OnOff(s.Transcribe.ToxicityDetection)}, " +
            $"{(s.Transcribe.KmsEncryptionContext.Count == 0
                ? "none"
                : string.Join(" ", s.Transcribe.KmsEncryptionContext.Select(p => $"{p.Key}={p.Value}")))}"),
        ("Transcribe deferred execution (queueing)", s => OnOff(s.Transcribe.AllowDeferredExecution)),
        ("shortest / longest (backstop) poll interval, expected job seconds per audio second, job given up after (`maxJobMinutes`), " +
            "execution timeout",
            s =>
            $"{s.Workflow.MinPollIntervalSeconds} s / {s.Workflow.MaxPollIntervalSeconds} s, " +
            $"{Number(s.Workflow.ExpectedJobSecondsPerAudioSecond)}, {Minutes(s.Workflow.MaxJobMinutes)}, " +
            $"{Minutes(s.Workflow.ExecutionTimeoutMinutes)}"),
        ("Transcribe retries of a start (`startJobRetryMaxAttempts` / `startJobRetryMaxBackoffSeconds`)",
            s => $"{s.Workflow.StartJobRetryMaxAttempts} / {s.Workflow.StartJobRetryMaxBackoffSeconds} s"),
        ("Transcribe retries of a poll (`pollRetryMaxAttempts` / `pollRetryMaxBackoffSeconds`; a poll still throttled after them counts " +
            "as \"still running\")", s => $"{s.Workflow.PollRetryMaxAttempts} / {s.Workflow.PollRetryMaxBackoffSeconds} s"),
        ("execution log level (execution data)", s => $"{s.Workflow.LogLevel} ({OnOff(s.Workflow.IncludeExecutionData)})"),
        ("post-processor memory / timeout / reserved concurrency",
            s =>
            $"{s.PostProcessor.MemorySizeMb} MB / {s.PostProcessor.TimeoutSeconds} s / {Reserved(s.PostProcessor.ReservedConcurrency)}"),
        ("job planner reserved concurrency", s => Reserved(s.JobPlanner.ReservedConcurrency)),
        ("X-Ray tracing of both functions", s => OnOff(s.Tracing)),
        ("max transcript size, low-confidence threshold, toxicity threshold",
            s =>
            $"{s.PostProcessor.MaxTranscriptBytes / (1024 * 1024)} MiB, {Number(s.PostProcessor.LowConfidenceThreshold)}, " +
            $"{Number(s.PostProcessor.ToxicityThreshold)}"),
        ("alarms: failed executions / post-processor errors per period, oldest dead letter, period × periods",
            s =>
            $"{s.Alarms.FailedExecutionsThreshold} / {s.Alarms.LambdaErrorsThreshold}, {Seconds(s.Alarms.DeadLetterAgeSeconds)}, " +
            $"{s.Alarms.PeriodMinutes} min × {s.Alarms.EvaluationPeriods}"),
        ("tags: CostCenter / Owner / DataClassification", s => $"{s.Tags.CostCenter} / {s.Tags.Owner} / {s.Tags.DataClassification}"),
        ("operators' role (`operators.assumedBy`), operators read media / transcripts (`canReadMedia` / `canReadTranscripts`)",
            s => $"{s.Operators.AssumedBy ?? "none"}, {YesNo(s.Operators.CanReadMedia)} / {YesNo(s.Operators.CanReadTranscripts)}"),
        ($"uploads in flight at once, the window (`intake.window`; 1 to {IntakeSettings.WindowLimit}: Transcribe's " +
            $"{IntakeSettings.TranscribeConcurrentJobsQuota} concurrent jobs and a few queued in Transcribe), oldest upload in the " +
            "intake that alarms (`intake.oldestUploadAlarmMinutes`)",
            s => $"{s.Intake.Window}, {Minutes(s.Intake.OldestUploadAlarmMinutes)}"),
        ("re-processing: objects put into the intake at once (`reprocessing.maxConcurrency`; 1 to " +
            $"{ReprocessingSettings.MaxConcurrencyLimit})", s => s.Reprocessing.MaxConcurrency.ToString(CultureInfo.InvariantCulture)),
    ];

    /// <summary>The table, one column per environment of the catalog, as Markdown.</summary>
    public static string Render()
    {
        var environments = EnvironmentCatalog.Names.Select(EnvironmentCatalog.Get).ToList();
        var text = new StringBuilder();
        text.Append("| setting | ").AppendJoin(" | ", environments.Select(e => e.Name)).Append(" |\n");
        text.Append("| --- |").Append(string.Concat(environments.Select(_ => " --- |"))).Append('\n');
        foreach (var (setting, value) in Rows)
        {
            text.Append("| ").Append(setting).Append(" | ").AppendJoin(" | ", environments.Select(value)).Append(" |\n");
        }

        return text.ToString();
    }

    private static string OnOff(bool on) => on ? "on" : "off";

    private static string YesNo(bool yes) => yes ? "yes" : "no";

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Days(int? days) => days is { } d ? $"{d} d" : "never";

    private static string Reserved(int? concurrency) => concurrency?.ToString(CultureInfo.InvariantCulture) ?? "none";

    private static string Minutes(int minutes) => minutes % 60 == 0 ? $"{minutes / 60} h" : $"{minutes} min";

    private static string Seconds(int seconds) =>
        seconds % 3600 == 0 ? $"{seconds / 3600} h" : seconds % 60 == 0 ? $"{seconds / 60} min" : $"{seconds} s";

    private static string Retention(RetentionDays retention) => retention switch
    {
        RetentionDays.ONE_DAY => "1 day",
        RetentionDays.ONE_WEEK => "7 days",
        RetentionDays.TWO_WEEKS => "14 days",
        RetentionDays.ONE_MONTH => "30 days",
        RetentionDays.THREE_MONTHS => "90 days",
        RetentionDays.SIX_MONTHS => "180 days",
        RetentionDays.ONE_YEAR => "1 year",
        RetentionDays.TWO_YEARS => "2 years",
        RetentionDays.TEN_YEARS => "10 years",
        RetentionDays.INFINITE => "never expires",
        _ => retention.ToString(),
    };

    private static string Language(TranscribeSettings transcribe) =>
        transcribe.LanguageCode
        ?? $"{(transcribe.IdentifyMultipleLanguages ? "identify several" : "identify")} among " +
            $"{string.Join(", ", transcribe.LanguageOptions)}";

    private static string Redaction(TranscribeSettings transcribe) =>
        transcribe.PiiRedaction
            ? $"on ({transcribe.PiiRedactionOutput}, " +
                $"{(transcribe.PiiEntityTypes.Count == 0 ? "all types" : string.Join(" ", transcribe.PiiEntityTypes))})"
            : "off";

    private static string Subtitles(TranscribeSettings transcribe) =>
        transcribe.SubtitleFormats.Count == 0
            ? "no subtitles"
            : $"{string.Join(" ", transcribe.SubtitleFormats)} " +
                $"({transcribe.SubtitleOutputStartIndex?.ToString(CultureInfo.InvariantCulture) ?? "Transcribe's 0"})";
}
