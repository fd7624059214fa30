using Amazon.CDK.AWS.Logs;

namespace TranscribeStack.Cdk.Tests.Configuration;

/// <summary>A settings file (JSON) over an environment's catalog settings, and how a bad one is refused.</summary>
public sealed class SettingsOverridesTests
{
    private const string Source = "config/test.json";

    private static EnvironmentSettings Apply(string json, EnvironmentSettings? settings = null) =>
        SettingsOverrides.Apply(settings ?? EnvironmentCatalog.Dev, json, Source);

    [Fact]
    public void Apply_EmptyObject_KeepsTheCatalog()
    {
        var settings = Apply("{}");

        Assert.Equal(EnvironmentCatalog.Dev.Transcribe, settings.Transcribe);
        Assert.Equal(EnvironmentCatalog.Dev.Workflow, settings.Workflow);
    }

    [Fact]
    public void Apply_NestedKey_ReplacesOnlyThatValue()
    {
        var settings = Apply("""{"transcribe": {"maxSpeakerLabels": 10}}""");

        Assert.Equal(10, settings.Transcribe.MaxSpeakerLabels);
        Assert.Equal("en-US", settings.Transcribe.LanguageCode);
        Assert.True(settings.Transcribe.ShowSpeakerLabels);
    }

    [Fact]
    public void Apply_Null_UnsetsAnOptionalValue()
    {
        var settings = Apply("""{"transcribe": {"languageCode": null, "identifyLanguage": true}, "storage": """ +
            """{"rawAudioExpireAfterDays": null}}""");

        Assert.Null(settings.Transcribe.LanguageCode);
        Assert.True(settings.Transcribe.IdentifyLanguage);
        Assert.Null(settings.Storage.RawAudioExpireAfterDays);
    }

    [Fact]
    public void Apply_ListsAndMaps_AreReplacedWhole()
    {
        var settings = Apply("""
            {"transcribe": {
              "languageCode": null, "identifyMultipleLanguages": true, "languageOptions": ["en-US", "hi-IN"],
              "languageIdSettings": {"hi-IN": {"vocabularyName": "names-hi"}},
              "kmsEncryptionContext": {"team": "speech"}}}
            """, EnvironmentCatalog.Staging);

        Assert.Equal(["en-US", "hi-IN"], settings.Transcribe.LanguageOptions);
        Assert.Equal("names-hi", settings.Transcribe.LanguageIdSettings["hi-IN"].VocabularyName);
        Assert.Null(settings.Transcribe.LanguageIdSettings["hi-IN"].LanguageModelName);
        Assert.Equal("speech", Assert.Single(settings.Transcribe.KmsEncryptionContext).Value);
        Assert.Equal(["vtt"], settings.Transcribe.SubtitleFormats);
    }

    [Fact]
    public void Apply_EnumSettings_AreNamedByTheirMembers()
    {
        var settings = Apply("""{"removalPolicy": "RETAIN", "logRetention": "ONE_YEAR", "workflow": {"logLevel": "ERROR"}}""");

        Assert.Equal(RemovalPolicy.RETAIN, settings.RemovalPolicy);
        Assert.Equal(RetentionDays.ONE_YEAR, settings.LogRetention);
        Assert.Equal(Amazon.CDK.AWS.StepFunctions.LogLevel.ERROR, settings.Workflow.LogLevel);
    }

    [Fact]
    public void Apply_SchemaKey_IsIgnored()
    {
        Assert.Equal(EnvironmentCatalog.Dev.Transcribe, Apply("""{"$schema": "./settings.schema.json"}""").Transcribe);
    }

    [Fact]
    public void Apply_BadJson_NamesTheFileAndWhere()
    {
        var error = Assert.Throws<InvalidSettingsException>(() => Apply("{\"transcribe\": {\"maxSpeakerLabels\": 4,}}"));

        Assert.StartsWith($"{Source} is not valid JSON at line 1, byte 39:", error.Message, StringComparison.Ordinal);
        Assert.Contains("trailing comma", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> RefusedFiles => new()
    {
        { """{"transcribe": {"speakerLabels": true}}""",
            "'transcribe.speakerLabels' is not a setting. Keys of 'transcribe' are: languageCode, identifyLanguage," },
        { """{"transcribee": {}}""", "'transcribee' is not a setting. Top-level keys are: name, account, region, tags," },
        { """{"transcribe": {"languageIdSettings": {"en-US": {"vocabulary": "x"}}}}""",
            "'transcribe.languageIdSettings.en-US.vocabulary' is not a setting. Keys of 'transcribe.languageIdSettings.en-US' are: " +
            "vocabularyName, vocabularyFilterName, languageModelName." },
        { """{"transcribe": {"maxSpeakerLabels": "four"}}""", "'transcribe.maxSpeakerLabels' = \"four\": expected a whole number." },
        { """{"transcribe": {"maxSpeakerLabels": 2.5}}""", "'transcribe.maxSpeakerLabels' = 2.5: expected a whole number." },
        { """{"transcribe": {"subtitleOutputStartIndex": "1"}}""",
            "'transcribe.subtitleOutputStartIndex' = \"1\": expected a whole number (or null)." },
        { """{"transcribe": {"showSpeakerLabels": "yes"}}""", "'transcribe.showSpeakerLabels' = \"yes\": expected true or false." },
        { """{"transcribe": {"showSpeakerLabels": null}}""",
            "'transcribe.showSpeakerLabels' = null: must not be null: expected true or false." },
        { """{"transcribe": {"languageOptions": "en-US"}}""", "'transcribe.languageOptions' = \"en-US\": expected a list of strings." },
        { """{"transcribe": {"languageOptions": ["en-US", 1]}}""",
            "'transcribe.languageOptions' = 1: expected a list of strings; this item is not a string." },
        { """{"transcribe": {"kmsEncryptionContext": {"team": 1}}}""", "'transcribe.kmsEncryptionContext.team' = 1: expected a string." },
        { """{"transcribe": []}""", "'transcribe' = []: expected an object with the keys languageCode, identifyLanguage," },
        { """{"removalPolicy": "KEEP"}""", "'removalPolicy' = \"KEEP\": valid choices are DESTROY, RETAIN, SNAPSHOT" },
        { """{"postProcessor": {"memorySizeMb": 4294967296}}""",
            "'postProcessor.memorySizeMb' = 4294967296: expected a whole number of at most 2147483647." },
        { """{"name": "prod"}""", "'name' = 'prod': this file is for environment 'prod', but the environment selected is 'dev'" },
    };

    [Theory]
    [MemberData(nameof(RefusedFiles))]
    public void Apply_WhatTheRecordDoesNotHold_NamesFileKeyValueAndWhatIsAllowed(string json, string expected)
    {
        var error = Assert.Throws<InvalidSettingsException>(() => Apply(json));

        Assert.StartsWith($"Invalid TranscribeStack settings in {Source}:", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_SeveralProblems_ListsEveryOne()
    {
        var error = Assert.Throws<InvalidSettingsException>(() =>
            Apply("""{"transcribe": {"maxSpeakerLabels": "x", "colour": "blue"}, "alarms": {"periodMinutes": false}}"""));

        Assert.Equal(3, error.Problems.Count);
    }

    [Fact]
    public void Resolve_OutOfRangeValueInAFile_NamesTheFileKeyValueAndRange()
    {
        using var file = new SettingsFile("""{"transcribe": {"maxSpeakerLabels": 31}}""");

        var error = Assert.Throws<InvalidSettingsException>(() =>
            SettingsResolver.Resolve(Context(("env", "staging"), ("settingsFile", file.Path))));

        Assert.StartsWith($"Invalid TranscribeStack settings (staging, with {file.Path}):", error.Message, StringComparison.Ordinal);
        Assert.Equal("'transcribe.maxSpeakerLabels' = '31': must be between 2 and 30.", Assert.Single(error.Problems));
    }

    [Fact]
    public void Resolve_RefusedCombinationInAFile_NamesTheKeysAndTheReason()
    {
        using var file = new SettingsFile("""{"transcribe": {"channelIdentification": true}}""");

        var error = Assert.Throws<InvalidSettingsException>(() => SettingsResolver.Resolve(Context(("settingsFile", file.Path))));

        Assert.Contains(file.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("'transcribe.channelIdentification' = 'true': Transcribe rejects speaker labels (transcribe.showSpeakerLabels) " +
            "and channel identification in one job", Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_MissingFile_NamesThePathAndTheContextKey()
    {
        var error = Assert.Throws<InvalidSettingsException>(() => SettingsResolver.Resolve(Context(("settingsFile", "config/none.json"))));

        Assert.StartsWith("Settings file 'config/none.json' (context key 'settingsFile') cannot be read:", error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ContextAccount_WinsOverTheFile()
    {
        using var file = new SettingsFile("""{"account": "111122223333", "region": "eu-west-1"}""");

        var settings = SettingsResolver.Resolve(Context(("settingsFile", file.Path), ("account", "210987654321"))).Value;

        Assert.Equal("210987654321", settings.Account);
        Assert.Equal("eu-west-1", settings.Region);
    }

    [Fact]
    public void Resolve_TheExampleProdFile_IsValidAndCarriesItsOptions()
    {
        var settings = SettingsResolver.Resolve(Context(("env", "prod"), ("settingsFile", ExampleFile))).Value;

        Assert.Equal("prod", settings.Name);
        Assert.True(settings.Transcribe.ToxicityDetection);
        Assert.Equal("redacted_and_unredacted", settings.Transcribe.PiiRedactionOutput);
        Assert.NotEmpty(settings.Transcribe.KmsEncryptionContext);
        Assert.Equal(["srt", "vtt"], settings.Transcribe.SubtitleFormats);
        Assert.Equal(new OperatorSettings
        {
            AssumedBy = "arn:aws:iam::123456789012:role/transcribestack-oncall",
            CanReadMedia = true,
            CanReadTranscripts = true
        }, settings.Operators);
    }

    [Fact]
    public void Apply_Operators_AreReadFromTheFile()
    {
        var settings = Apply("""{"operators": {"assumedBy": "arn:aws:iam::123456789012:role/oncall", "canReadTranscripts": true}}""");

        Assert.Equal("arn:aws:iam::123456789012:role/oncall", settings.Operators.AssumedBy);
        Assert.True(settings.Operators.CanReadTranscripts);
        Assert.False(settings.Operators.CanReadMedia);
    }

    [Fact]
    public void Resolve_OperatorsAssumedByNotAnArn_NamesTheFileKeyAndForm()
    {
        using var file = new SettingsFile("""{"operators": {"assumedBy": "oncall"}}""");

        var error = Assert.Throws<InvalidSettingsException>(() => SettingsResolver.Resolve(Context(("settingsFile", file.Path))));

        Assert.Contains(file.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("'operators.assumedBy' = 'oncall': expected the ARN of an IAM role, user or account root", error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_TheExampleProdFileForAnotherEnvironment_IsRefused()
    {
        var error = Assert.Throws<InvalidSettingsException>(() =>
            SettingsResolver.Resolve(Context(("env", "dev"), ("settingsFile", ExampleFile))));

        Assert.Contains("this file is for environment 'prod', but the environment selected is 'dev'", error.Message,
            StringComparison.Ordinal);
    }

    internal static string ExampleFile => Path.Combine(RepositoryFiles.Root, "config", "example.prod.json");

    private static Dictionary<string, string?> Context(params (string Key, string? Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value);

    /// <summary>A settings file in the temporary folder, deleted afterwards.</summary>
    private sealed class SettingsFile : IDisposable
    {
        public SettingsFile(string json)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"settings-{Guid.NewGuid():N}.json");
            File.WriteAllText(Path, json);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
