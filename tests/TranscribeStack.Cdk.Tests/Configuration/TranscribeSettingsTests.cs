namespace TranscribeStack.Cdk.Tests.Configuration;

/// <summary>
/// One theory row per rule of <see cref="TranscribeSettings"/> (each rule cites its Transcribe page in the
/// code): the combination is refused with one problem that names the key and says why.
/// </summary>
public sealed class TranscribeSettingsTests
{
    private static readonly EnvironmentSettings Dev = EnvironmentCatalog.Dev;

    /// <summary>dev's settings: en-US, speaker labels (4).</summary>
    private static readonly TranscribeSettings Fixed = Dev.Transcribe;

    private static readonly TranscribeSettings Identified = Fixed with
    {
        LanguageCode = null,
        IdentifyLanguage = true,
        LanguageOptions = ["en-US", "es-US"],
    };

    private static readonly TranscribeSettings Multiple = Fixed with
    {
        LanguageCode = null,
        IdentifyMultipleLanguages = true,
        LanguageOptions = ["en-US", "hi-IN"],
    };

    private static Dictionary<string, LanguageIdSetting> PerLanguage(params (string Language, LanguageIdSetting Setting)[] entries) =>
        entries.ToDictionary(e => e.Language, e => e.Setting);

    public static TheoryData<string, TranscribeSettings, string> Refused => new()
    {
        // Language: exactly one of LanguageCode, IdentifyLanguage, IdentifyMultipleLanguages.
        { "transcribe.languageCode", Fixed with { LanguageCode = null }, "needs exactly one" },
        { "transcribe.languageCode", Fixed with { IdentifyLanguage = true }, "must be unset when transcribe.identifyLanguage is true" },
        { "transcribe.languageCode", Fixed with { IdentifyMultipleLanguages = true },
            "must be unset when transcribe.identifyMultipleLanguages is true" },
        { "transcribe.identifyMultipleLanguages", Identified with { IdentifyMultipleLanguages = true },
            "must not be combined with transcribe.identifyLanguage" },
        { "transcribe.languageCode", Fixed with { LanguageCode = "en-XX" }, "batch language code" },
        { "transcribe.languageOptions", Fixed with { LanguageOptions = ["en-US", "es-US"] },
            "only applies when transcribe.identifyLanguage or transcribe.identifyMultipleLanguages is true" },
        { "transcribe.languageOptions", Identified with { LanguageOptions = ["en-US"] }, "at least 2" },
        { "transcribe.languageOptions", Identified with { LanguageOptions = ["en-US", "en-US"] }, "twice" },
        { "transcribe.languageOptions", Identified with { LanguageOptions = ["en-US", "xx-XX"] }, "batch language code" },

        // Per-language settings (LanguageIdSettings).
        { "transcribe.languageIdSettings", Fixed with { LanguageIdSettings = PerLanguage(("en-US", new() { VocabularyName = "v" })) },
            "only applies with language identification" },
        { "transcribe.languageIdSettings",
            Identified with { LanguageOptions = [], LanguageIdSettings = PerLanguage(("en-US", new() { VocabularyName = "v" })) },
            "needs transcribe.languageOptions" },
        { "transcribe.languageIdSettings.fr-FR",
            Identified with { LanguageIdSettings = PerLanguage(("fr-FR", new() { VocabularyName = "v" })) },
            "is not one of transcribe.languageOptions" },
        {
            "transcribe.languageIdSettings",
            Identified with
            {
                LanguageOptions = ["en-US", "es-US", "de-DE", "fr-FR", "it-IT", "ja-JP"],
                LanguageIdSettings = PerLanguage([.. new[] { "en-US", "es-US", "de-DE", "fr-FR", "it-IT", "ja-JP" }
                    .Select(l => (l, new LanguageIdSetting { VocabularyName = "v" }))]),
            },
            "at most 5"
        },
        { "transcribe.languageIdSettings.en-US", Identified with { LanguageIdSettings = PerLanguage(("en-US", new())) }, "names nothing" },
        { "transcribe.languageIdSettings.en-US.languageModelName",
            Multiple with { LanguageIdSettings = PerLanguage(("en-US", new() { LanguageModelName = "m" })) },
            "not supported with transcribe.identifyMultipleLanguages" },
        { "transcribe.languageIdSettings.en-US.vocabularyName",
            Identified with { LanguageIdSettings = PerLanguage(("en-US", new() { VocabularyName = "has space" })) }, "[0-9a-zA-Z._-]" },
        { "transcribe.languageIdSettings.es-US.vocabularyFilterName",
            Identified with { LanguageIdSettings = PerLanguage(("es-US", new() { VocabularyFilterName = new string('f', 201) })) },
            "1 to 200" },

        // Custom vocabulary, filter and language model of a fixed-language job.
        { "transcribe.vocabularyName", Identified with { VocabularyName = "v" }, "per language in transcribe.languageIdSettings" },
        { "transcribe.vocabularyFilterName", Multiple with { VocabularyFilterName = "f" },
            "per language in transcribe.languageIdSettings" },
        { "transcribe.languageModelName", Identified with { LanguageModelName = "m" }, "per language in transcribe.languageIdSettings" },
        { "transcribe.vocabularyName", Fixed with { VocabularyName = "bad name" }, "[0-9a-zA-Z._-]" },
        { "transcribe.languageModelName", Fixed with { LanguageModelName = "model/1" }, "[0-9a-zA-Z._-]" },
        { "transcribe.vocabularyFilterMethod", Fixed with { VocabularyFilterMethod = "blur" }, "remove, mask, tag" },

        // Speakers and channels.
        { "transcribe.channelIdentification", Fixed with { ShowSpeakerLabels = true, ChannelIdentification = true }, "choose one" },
        { "transcribe.maxSpeakerLabels", Fixed with { MaxSpeakerLabels = 31 }, "between 2 and 30" },
        { "transcribe.maxSpeakerLabels", Fixed with { MaxSpeakerLabels = 1 }, "between 2 and 30" },

        // PII redaction.
        { "transcribe.piiRedactionOutput", Fixed with { PiiRedaction = true, PiiRedactionOutput = "clear" },
            "redacted, redacted_and_unredacted" },
        { "transcribe.piiEntityTypes", Fixed with { PiiRedaction = true, PiiEntityTypes = ["NAME", "FAVOURITE_COLOUR"] },
            "valid choices are ADDRESS, AGE, ALL" },
        { "transcribe.piiEntityTypes", Fixed with { PiiRedaction = true, PiiEntityTypes = ["NAME", "NAME"] }, "twice" },
        { "transcribe.piiEntityTypes", Fixed with { PiiEntityTypes = ["NAME"] }, "only applies when transcribe.piiRedaction is true" },
        { "transcribe.piiRedaction", Identified with { PiiRedaction = true }, "not compatible with language identification" },
        { "transcribe.piiRedaction", Multiple with { PiiRedaction = true }, "not compatible with language identification" },
        { "transcribe.piiRedaction", Fixed with { LanguageCode = "ja-JP", PiiRedaction = true }, "not in transcribe.languageCode 'ja-JP'" },

        // Toxicity detection.
        { "transcribe.toxicityDetection", Fixed with { LanguageCode = "es-US", ToxicityDetection = true },
            "only in en-US, not in transcribe.languageCode 'es-US'" },
        { "transcribe.toxicityDetection", Identified with { ToxicityDetection = true }, "an identified language may be another" },

        // Subtitles.
        { "transcribe.subtitleFormats", Fixed with { SubtitleFormats = ["sub"] }, "srt, vtt" },
        { "transcribe.subtitleFormats", Fixed with { SubtitleFormats = ["vtt", "vtt"] }, "twice" },
        { "transcribe.subtitleOutputStartIndex", Fixed with { SubtitleFormats = ["srt"], SubtitleOutputStartIndex = 2 },
            "between 0 and 1" },
        { "transcribe.subtitleOutputStartIndex", Fixed with { SubtitleOutputStartIndex = 1 },
            "only applies when transcribe.subtitleFormats lists a format" },

        // The output's KMS encryption context.
        { "transcribe.kmsEncryptionContext",
            Fixed with { KmsEncryptionContext = Enumerable.Range(0, 11).ToDictionary(i => $"k{i}", i => "v") }, "at most 10" },
        { "transcribe.kmsEncryptionContext", Fixed with { KmsEncryptionContext = new Dictionary<string, string> { [" "] = "v" } },
            "not only white space" },
        { "transcribe.kmsEncryptionContext.team", Fixed with { KmsEncryptionContext = new Dictionary<string, string> { ["team"] = "" } },
            "1 to 2000 characters" },
        { "transcribe.kmsEncryptionContext", Fixed with { KmsEncryptionContext = new Dictionary<string, string> { ["path.$"] = "v" } },
            "must not end in '.$'" },
        { "transcribe.kmsEncryptionContext.team",
            Fixed with { KmsEncryptionContext = new Dictionary<string, string> { ["team"] = "${aws:username}" } }, "policy variable" },
    };

    public static TheoryData<string, TranscribeSettings> Accepted => new()
    {
        { "dev's defaults", Fixed },
        { "staging's defaults", EnvironmentCatalog.Staging.Transcribe },
        { "prod's defaults", EnvironmentCatalog.Prod.Transcribe },
        { "identification among any language", Fixed with { LanguageCode = null, IdentifyLanguage = true } },
        {
            "identification with per-language vocabulary, filter and model",
            Identified with
            {
                LanguageIdSettings = PerLanguage(
                    ("en-US", new() { VocabularyName = "v-en", VocabularyFilterName = "f-en", LanguageModelName = "m-en" }),
                    ("es-US", new() { VocabularyName = "v-es" })),
                ShowSpeakerLabels = false,
                ChannelIdentification = true,
            }
        },
        { "several languages with per-language vocabularies",
            Multiple with { LanguageIdSettings = PerLanguage(("en-US", new() { VocabularyName = "v", VocabularyFilterName = "f" })) } },
        {
            "everything a fixed US English job can have",
            Fixed with
            {
                MaxSpeakerLabels = 30,
                VocabularyName = "v",
                VocabularyFilterName = "f",
                VocabularyFilterMethod = "tag",
                LanguageModelName = "m",
                PiiRedaction = true,
                PiiRedactionOutput = "redacted_and_unredacted",
                PiiEntityTypes = ["NAME", "PHONE", "CREDIT_DEBIT_NUMBER"],
                ToxicityDetection = true,
                SubtitleFormats = ["srt", "vtt"],
                SubtitleOutputStartIndex = 1,
                KmsEncryptionContext = new Dictionary<string, string> { ["application"] = "transcribestack", ["aws:note"] = "x/y" },
            }
        },
        { "redaction in a language added in 2026", Fixed with { LanguageCode = "de-CH", PiiRedaction = true } },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Validate_RefusedCombination_NamesKeyAndReason(string key, TranscribeSettings transcribe, string reason)
    {
        var problems = (Dev with { Transcribe = transcribe }).Validate();

        var problem = Assert.Single(problems);
        Assert.StartsWith($"'{key}' = ", problem, StringComparison.Ordinal);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Validate_AcceptedCombination_HasNoProblem(string description, TranscribeSettings transcribe)
    {
        Assert.NotEmpty(description);
        Assert.Empty((Dev with { Transcribe = transcribe }).Validate());
    }

    [Fact]
    public void VocabularyNames_AreTheFixedAndEveryLanguagesOnce()
    {
        var transcribe = Identified with
        {
            LanguageIdSettings = PerLanguage(("en-US", new() { VocabularyName = "shared", VocabularyFilterName = "f" }),
                ("es-US", new() { VocabularyName = "shared", LanguageModelName = "m" })),
        };

        Assert.Equal(["shared"], transcribe.VocabularyNames);
        Assert.Equal(["f"], transcribe.VocabularyFilterNames);
        Assert.Equal(["m"], transcribe.LanguageModelNames);
    }
}
