using Amazon.CDK.AWS.StepFunctions;

namespace TranscribeStack.Cdk.Tests.Configuration;

public sealed class EnvironmentSettingsTests
{
    private static readonly EnvironmentSettings Valid = EnvironmentCatalog.Dev;

    public static TheoryData<string, EnvironmentSettings, string> InvalidCases => new()
    {
        { "tags.dataClassification", Valid with { Tags = Valid.Tags with { DataClassification = "Secret" } },
            "Public, Internal, Confidential, Restricted" },
        { "tags.owner", Valid with { Tags = Valid.Tags with { Owner = "" } }, "tag-safe" },
        { "storage.mediaPrefix", Valid with { Storage = Valid.Storage with { MediaPrefix = "Media" } }, "ending in '/'" },
        { "storage.rawAudioInfrequentAccessAfterDays",
            Valid with { Storage = Valid.Storage with { RawAudioInfrequentAccessAfterDays = 7 } }, "between 30 and 3650" },
        { "storage.rawAudioExpireAfterDays", Valid with { Storage = Valid.Storage with { RawAudioExpireAfterDays = 10 } },
            "between 31 and" },
        { "storage.accessLogExpireAfterDays", Valid with { Storage = Valid.Storage with { AccessLogExpireAfterDays = 0 } },
            "between 1 and 3650" },
        { "transcribe.languageCode", Valid with { Transcribe = Valid.Transcribe with { LanguageCode = "english" } }, "such as en-US" },
        { "transcribe.languageCode", Valid with { Transcribe = Valid.Transcribe with { LanguageCode = null } }, "such as en-US" },
        { "transcribe.maxSpeakerLabels", Valid with { Transcribe = Valid.Transcribe with { MaxSpeakerLabels = 31 } }, "between 2 and 30" },
        { "transcribe.channelIdentification",
            Valid with { Transcribe = Valid.Transcribe with { ShowSpeakerLabels = true, ChannelIdentification = true } }, "choose one" },
        { "transcribe.piiRedactionOutput", Valid with { Transcribe = Valid.Transcribe with { PiiRedactionOutput = "clear" } },
            "redacted, redacted_and_unredacted" },
        { "transcribe.subtitleFormats", Valid with { Transcribe = Valid.Transcribe with { SubtitleFormats = ["sub"] } }, "srt, vtt" },
        { "transcribe.languageCode", Valid with { Transcribe = Valid.Transcribe with { IdentifyLanguage = true } }, "must be unset" },
        { "transcribe.languageOptions",
            Valid with { Transcribe = Valid.Transcribe with { LanguageCode = null, IdentifyLanguage = true, LanguageOptions = ["en-US"] } },
            "at least 2" },
        { "transcribe.vocabularyName", Valid with { Transcribe = Valid.Transcribe with { VocabularyName = "bad name" } },
            "[0-9a-zA-Z._-]" },
        { "workflow.maxPollIntervalSeconds", Valid with { Workflow = Valid.Workflow with { MaxPollIntervalSeconds = 5 } },
            "between 60 and 270" },
        { "workflow.maxPollIntervalSeconds", Valid with { Workflow = Valid.Workflow with { MaxPollIntervalSeconds = 3600 } },
            "between 60 and 270" },
        { "workflow.minPollIntervalSeconds", Valid with { Workflow = Valid.Workflow with { MinPollIntervalSeconds = 0 } },
            "between 1 and 3600" },
        { "workflow.expectedJobSecondsPerAudioSecond",
            Valid with { Workflow = Valid.Workflow with { ExpectedJobSecondsPerAudioSecond = 0 } }, "between 0.01 and 10" },
        { "workflow.expectedJobSecondsPerAudioSecond",
            Valid with { Workflow = Valid.Workflow with { ExpectedJobSecondsPerAudioSecond = double.NaN } }, "between 0.01 and 10" },
        { "workflow.maxJobMinutes", Valid with { Workflow = Valid.Workflow with { MaxJobMinutes = 0 } }, "between 1 and" },
        { "workflow.maxJobMinutes", Valid with { Workflow = Valid.Workflow with { MaxJobMinutes = 660 } },
            "at most 90% of workflow.executionTimeoutMinutes (720)" },
        { "workflow.maxJobMinutes",
            Valid with { Workflow = Valid.Workflow with { MinPollIntervalSeconds = 1, MaxPollIntervalSeconds = 2 } },
            "takes 35999 polls, more than 480" },
        { "workflow.logLevel", Valid with { Workflow = Valid.Workflow with { LogLevel = LogLevel.OFF } }, "must not be OFF" },
        { "postProcessor.memorySizeMb", Valid with { PostProcessor = Valid.PostProcessor with { MemorySizeMb = 64 } },
            "between 128 and 10240" },
        { "postProcessor.timeoutSeconds", Valid with { PostProcessor = Valid.PostProcessor with { TimeoutSeconds = 901 } },
            "between 3 and 900" },
        { "postProcessor.reservedConcurrency", Valid with { PostProcessor = Valid.PostProcessor with { ReservedConcurrency = 0 } },
            "between 1 and 1000" },
        { "postProcessor.lowConfidenceThreshold", Valid with { PostProcessor = Valid.PostProcessor with { LowConfidenceThreshold = 1.5 } },
            "between 0 and 1" },
        { "alarms.periodMinutes", Valid with { Alarms = Valid.Alarms with { PeriodMinutes = 0 } }, "between 1 and 1440" },
        { "operators.assumedBy", Valid with { Operators = new OperatorSettings { AssumedBy = "oncall" } },
            "the ARN of an IAM role, user or account root" },
        { "operators.assumedBy", Valid with { Operators = new OperatorSettings { AssumedBy = "arn:aws:iam::123456789012:group/oncall" } },
            "the ARN of an IAM role, user or account root" },
        { "operators.assumedBy",
            Valid with { Operators = new OperatorSettings { AssumedBy = "arn:aws:sts::123456789012:assumed-role/oncall/me" } },
            "the ARN of an IAM role, user or account root" },
        { "reprocessing.maxConcurrency", Valid with { Reprocessing = new ReprocessingSettings { MaxConcurrency = 0 } },
            "between 1 and 1000" },
        { "reprocessing.maxConcurrency", Valid with { Reprocessing = new ReprocessingSettings { MaxConcurrency = 1001 } },
            "between 1 and 1000" },
        { "intake.window", Valid with { Intake = new IntakeSettings { Window = 0 } }, "between 1 and 1000" },
        { "intake.window", Valid with { Intake = new IntakeSettings { Window = 10_000 } }, "between 1 and 1000" },
        { "intake.oldestUploadAlarmMinutes", Valid with { Intake = new IntakeSettings { OldestUploadAlarmMinutes = 14 * 24 * 60 } },
            "between 5 and 18720" },
    };

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public void Catalog_Window_KeepsTranscribeBusyAndFarFromItsQueue(string name)
    {
        var intake = EnvironmentCatalog.Get(name).Intake;

        // Every concurrent job of Transcribe's default quota taken, a few more queued in Transcribe for the
        // hand-off between a finished job and the next admission, and far from the 10,000 jobs it can queue.
        Assert.InRange(intake.Window, IntakeSettings.TranscribeConcurrentJobsQuota + 1, IntakeSettings.TranscribeConcurrentJobsQuota * 2);
        Assert.Equal(24 * 60, intake.OldestUploadAlarmMinutes);
    }

    [Theory]
    [InlineData("arn:aws:iam::123456789012:role/oncall")]
    [InlineData("arn:aws:iam::123456789012:role/teams/speech/oncall")]
    [InlineData("arn:aws:iam::210987654321:user/alice")]
    [InlineData("arn:aws:iam::210987654321:root")]
    [InlineData("arn:aws-us-gov:iam::123456789012:role/oncall")]
    public void Validate_OperatorsAssumedByAPrincipalArn_IsValid(string principal)
    {
        Assert.Empty((Valid with { Operators = new OperatorSettings { AssumedBy = principal } }).Validate());
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public void Catalog_Operators_NoRoleAndNoMediaOrTranscriptsByDefault(string name)
    {
        var operators = EnvironmentCatalog.Get(name).Operators;

        Assert.Equal(new OperatorSettings { AssumedBy = null, CanReadMedia = false, CanReadTranscripts = false }, operators);
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public void Catalog_EachEnvironment_IsValid(string name)
    {
        Assert.Empty(EnvironmentCatalog.Get(name).Validate());
    }

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Validate_InvalidValue_NamesKeyAndRule(string key, EnvironmentSettings settings, string rule)
    {
        var problems = settings.Validate();

        var problem = Assert.Single(problems);
        Assert.StartsWith($"'{key}' = ", problem, StringComparison.Ordinal);
        Assert.Contains(rule, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Stack_AcceptsOnlySettingsThatEnsureValidMade()
    {
        Assert.Empty(typeof(ValidatedSettings).GetConstructors());
        Assert.Equal(typeof(ValidatedSettings),
            typeof(TranscriptionPipelineStackProps).GetProperty(nameof(TranscriptionPipelineStackProps.Settings))!.PropertyType);
        Assert.Same(Valid, Valid.EnsureValid().Value);
    }

    [Fact]
    public void EnsureValid_SeveralProblems_ListsEveryOne()
    {
        var settings = Valid with
        {
            Account = "1",
            PostProcessor = Valid.PostProcessor with { MemorySizeMb = 1 },
        };

        var error = Assert.Throws<InvalidSettingsException>(() => settings.EnsureValid());

        Assert.Equal(2, error.Problems.Count);
        Assert.Contains("'account' = '1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'postProcessor.memorySizeMb' = '1'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LanguageIdentificationWithOptions_IsValid()
    {
        var settings = Valid with
        {
            Transcribe = Valid.Transcribe with { LanguageCode = null, IdentifyLanguage = true, LanguageOptions = ["en-US", "es-US"] },
        };

        Assert.Empty(settings.Validate());
    }
}
