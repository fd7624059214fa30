namespace TranscribeStack.Cdk.Configuration;

/// <summary>
/// How Transcribe is asked to transcribe: the workflow passes these to StartTranscriptionJob. Every
/// combination Transcribe refuses is refused here, at synth, with the page that states the rule.
/// A setting marked [StartJobParameter] is sent as that member of the request (StartJobOptions renders it), in
/// the order of the properties here; [SettingChoices] and [SettingRange] state its valid values once, for the
/// validation, the settings file's schema and Transcribe's stand-in in the test kit (contracts/transcribe-facts.json).
/// </summary>
public sealed record TranscribeSettings
{
    // The pages the rules below come from.
    private const string StartJobApi = "https://docs.aws.amazon.com/transcribe/latest/APIReference/API_StartTranscriptionJob.html";
    private const string SettingsApi = "https://docs.aws.amazon.com/transcribe/latest/APIReference/API_Settings.html";
    private const string LanguageIdPage = "https://docs.aws.amazon.com/transcribe/latest/dg/lang-id-batch.html";

    /// <summary>Fixed language of the media, e.g. en-US; null when a language identification option is on.</summary>
    [SettingChoices(typeof(TranscribeLanguages), nameof(TranscribeLanguages.BatchLanguageCodes))]
    [StartJobParameter("LanguageCode")]
    public string? LanguageCode { get; init; }

    /// <summary>Let Transcribe identify the one language of the media (among <see cref="LanguageOptions"/>, when given).</summary>
    [StartJobParameter("IdentifyLanguage")]
    public bool IdentifyLanguage { get; init; }

    /// <summary>Let Transcribe identify and transcribe every language spoken in the media.</summary>
    [StartJobParameter("IdentifyMultipleLanguages")]
    public bool IdentifyMultipleLanguages { get; init; }

    /// <summary>The candidate languages of identification: two or more, or none for any language.</summary>
    [SettingChoices(typeof(TranscribeLanguages), nameof(TranscribeLanguages.BatchLanguageCodes))]
    [StartJobParameter("LanguageOptions")]
    public IReadOnlyList<string> LanguageOptions { get; init; } = [];

    /// <summary>Per candidate language (a key of this map): its custom vocabulary, vocabulary filter and language model.</summary>
    [SettingChoices(typeof(TranscribeLanguages), nameof(TranscribeLanguages.BatchLanguageCodes))]
    [StartJobParameter("LanguageIdSettings")]
    public IReadOnlyDictionary<string, LanguageIdSetting> LanguageIdSettings { get; init; } = new Dictionary<string, LanguageIdSetting>();

    /// <summary>Label up to <see cref="MaxSpeakerLabels"/> speakers (cannot be combined with channel identification).</summary>
    [StartJobParameter("Settings.ShowSpeakerLabels")]
    public bool ShowSpeakerLabels { get; init; }

    /// <summary>
    /// SettingsApi, MaxSpeakerLabels: 2 to 30; https://docs.aws.amazon.com/transcribe/latest/dg/diarization.html:
    /// "Amazon Transcribe can differentiate between a maximum of 30 unique speakers".
    /// </summary>
    [SettingRange(2, 30)]
    [StartJobParameter("Settings.MaxSpeakerLabels", When = nameof(ShowSpeakerLabels))]
    public int MaxSpeakerLabels { get; init; } = 2;

    /// <summary>Transcribe each audio channel separately (cannot be combined with speaker labels).</summary>
    [StartJobParameter("Settings.ChannelIdentification")]
    public bool ChannelIdentification { get; init; }

    /// <summary>Custom vocabulary of a fixed-language job (with identification: per language in
    /// <see cref="LanguageIdSettings"/>).</summary>
    [StartJobParameter("Settings.VocabularyName")]
    public string? VocabularyName { get; init; }

    /// <summary>Custom vocabulary filter of a fixed-language job (with identification: per language).</summary>
    [StartJobParameter("Settings.VocabularyFilterName")]
    public string? VocabularyFilterName { get; init; }

    /// <summary>mask, remove or tag: how every vocabulary filter of the job is applied (its own or a language's).</summary>
    [SettingChoices(typeof(TranscribeSettings), nameof(FilterMethods))]
    [StartJobParameter("Settings.VocabularyFilterMethod", When = nameof(FiltersVocabulary))]
    public string VocabularyFilterMethod { get; init; } = "mask";

    /// <summary>Custom language model of a fixed-language job (ModelSettings; with identification: per language).</summary>
    [StartJobParameter("ModelSettings.LanguageModelName")]
    public string? LanguageModelName { get; init; }

    /// <summary>Redact personally identifiable information from the transcript.</summary>
    [StartJobParameter("ContentRedaction.RedactionType", Json = "\"PII\"")]
    public bool PiiRedaction { get; init; }

    /// <summary>redacted, or redacted_and_unredacted (which also stores an unredacted copy).</summary>
    [SettingChoices(typeof(TranscribeSettings), nameof(RedactionOutputs))]
    [StartJobParameter("ContentRedaction.RedactionOutput", When = nameof(PiiRedaction))]
    public string PiiRedactionOutput { get; init; } = "redacted";

    /// <summary>The PII types to redact; none listed redacts every type.</summary>
    [SettingChoices(typeof(TranscribeLanguages), nameof(TranscribeLanguages.PiiEntityTypes))]
    [StartJobParameter("ContentRedaction.PiiEntityTypes", When = nameof(PiiRedaction))]
    public IReadOnlyList<string> PiiEntityTypes { get; init; } = [];

    /// <summary>Score every speech segment for toxic speech (ToxicityCategories ALL, the only category Transcribe accepts).</summary>
    [StartJobParameter("ToxicityDetection", Json = """[{ "ToxicityCategories": ["ALL"] }]""")]
    public bool ToxicityDetection { get; init; }

    /// <summary>
    /// KMSEncryptionContext: pairs Transcribe adds to the output's KMS requests. The key policy and the
    /// roles grant the output encryption only with exactly these pairs (see SECURITY.md).
    /// </summary>
    [StartJobParameter("KMSEncryptionContext")]
    public IReadOnlyDictionary<string, string> KmsEncryptionContext { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Let Transcribe queue jobs above the account's concurrent-job quota instead of refusing them
    /// (JobExecutionSettings.AllowDeferredExecution, which needs a data-access role).
    /// </summary>
    [StartJobParameter("JobExecutionSettings.AllowDeferredExecution")]
    public bool AllowDeferredExecution { get; init; }

    /// <summary>Subtitle files written beside the transcript: srt and/or vtt.</summary>
    [SettingChoices(typeof(TranscribeSettings), nameof(SubtitleFormatChoices))]
    [StartJobParameter("Subtitles.Formats")]
    public IReadOnlyList<string> SubtitleFormats { get; init; } = [];

    /// <summary>
    /// Number of the first subtitle: 0 (Transcribe's default when unset) or 1
    /// (https://docs.aws.amazon.com/transcribe/latest/APIReference/API_Subtitles.html: OutputStartIndex 0 to 1).
    /// </summary>
    [SettingRange(0, 1)]
    [StartJobParameter("Subtitles.OutputStartIndex")]
    public int? SubtitleOutputStartIndex { get; init; }

    public static IReadOnlyList<string> RedactionOutputs { get; } = ["redacted", "redacted_and_unredacted"];

    public static IReadOnlyList<string> FilterMethods { get; } = ["remove", "mask", "tag"];

    public static IReadOnlyList<string> SubtitleFormatChoices { get; } = ["srt", "vtt"];

    /// <summary>StartJobApi, LanguageOptions: identification among fewer than two languages is refused.</summary>
    public const int MinLanguageOptions = 2;

    /// <summary>StartJobApi, LanguageIdSettings: "LanguageIdSettings supports two to five language codes."</summary>
    public const int MaxLanguageIdSettings = 5;

    /// <summary>StartJobApi, KMSEncryptionContext: at most 10 pairs.</summary>
    public const int MaxKmsEncryptionContextPairs = 10;

    /// <summary>Either identification option: the language is not fixed at synth.</summary>
    public bool IdentifiesLanguage => IdentifyLanguage || IdentifyMultipleLanguages;

    /// <summary>Every custom vocabulary, vocabulary filter and language model the job names.</summary>
    public IEnumerable<string> VocabularyNames => Names(VocabularyName, s => s.VocabularyName);

    public IEnumerable<string> VocabularyFilterNames => Names(VocabularyFilterName, s => s.VocabularyFilterName);

    /// <summary>The job names a vocabulary filter, its own or a language's: the one filter method applies to all.</summary>
    public bool FiltersVocabulary => VocabularyFilterNames.Any();

    public IEnumerable<string> LanguageModelNames => Names(LanguageModelName, s => s.LanguageModelName);

    private IEnumerable<string> Names(string? fixedLanguage, Func<LanguageIdSetting, string?> perLanguage) =>
        new[] { fixedLanguage }.Concat(LanguageIdSettings.Values.Select(perLanguage)).OfType<string>().Distinct(StringComparer.Ordinal);

    internal void Validate(SettingsCheck check)
    {
        ValidateLanguage(check);
        ValidateCustomizations(check);
        ValidateSpeakers(check);
        ValidateRedaction(check);
        ValidateToxicity(check);
        ValidateSubtitles(check);
        ValidateEncryptionContext(check);
        check.Ranges(this, "transcribe");
    }

    private void ValidateLanguage(SettingsCheck check)
    {
        var languages = TranscribeLanguages.BatchLanguageCodes;

        // StartJobApi, LanguageCode: "you must include one of LanguageCode, IdentifyLanguage, or
        // IdentifyMultipleLanguages in your request. If you include more than one of these parameters,
        // your transcription job fails."
        if (LanguageCode is null)
        {
            check.That(IdentifiesLanguage, "transcribe.languageCode", null,
                "expected a language code such as en-US, or set transcribe.identifyLanguage or transcribe.identifyMultipleLanguages: "
                + "Transcribe needs exactly one of them");
        }
        else
        {
            check.That(!IdentifiesLanguage, "transcribe.languageCode", LanguageCode,
                $"must be unset when transcribe.{(IdentifyLanguage ? "identifyLanguage" : "identifyMultipleLanguages")} is true: "
                + "Transcribe fails a job with both a fixed language code and language identification");
            // https://docs.aws.amazon.com/transcribe/latest/dg/supported-languages.html
            check.Among("transcribe.languageCode", LanguageCode, languages,
                "expected a batch language code of Transcribe such as en-US (supported-languages.html)");
        }

        // StartJobApi: the same rule between the two identification options.
        check.That(!(IdentifyLanguage && IdentifyMultipleLanguages), "transcribe.identifyMultipleLanguages", true,
            "must not be combined with transcribe.identifyLanguage: Transcribe fails a job with both; use identifyLanguage for one "
            + "language per file, identifyMultipleLanguages for several");

        if (!IdentifiesLanguage)
        {
            // StartJobApi, LanguageOptions: "If you include LanguageOptions in your request, you must also include IdentifyLanguage."
            check.That(LanguageOptions.Count == 0, "transcribe.languageOptions", string.Join(",", LanguageOptions),
                "only applies when transcribe.identifyLanguage or transcribe.identifyMultipleLanguages is true");
            // StartJobApi, LanguageIdSettings: per-language settings are for automatic language identification;
            // without it the vocabulary, filter and model are named in Settings/ModelSettings.
            check.That(LanguageIdSettings.Count == 0, "transcribe.languageIdSettings", string.Join(",", LanguageIdSettings.Keys),
                "only applies with language identification; for a fixed language use transcribe.vocabularyName, vocabularyFilterName and "
                + "languageModelName");
            return;
        }

        // LanguageIdPage: "If you choose to include language codes, you must include at least two."
        check.That(LanguageOptions.Count is 0 or >= MinLanguageOptions, "transcribe.languageOptions", string.Join(",", LanguageOptions),
            $"must list at least {MinLanguageOptions} language codes, or none: Transcribe refuses a single option");
        check.That(LanguageOptions.Distinct(StringComparer.Ordinal).Count() == LanguageOptions.Count, "transcribe.languageOptions",
            string.Join(",", LanguageOptions), "lists a language twice");
        foreach (var option in LanguageOptions)
        {
            check.Among("transcribe.languageOptions", option, languages,
                "expected a batch language code of Transcribe such as en-US (supported-languages.html)");
        }

        if (LanguageIdSettings.Count == 0)
        {
            return;
        }

        // StartJobApi, IdentifyLanguage: "If you include LanguageIdSettings, also include LanguageOptions."
        check.That(LanguageOptions.Count > 0, "transcribe.languageIdSettings", string.Join(",", LanguageIdSettings.Keys),
            "needs transcribe.languageOptions: Transcribe requires LanguageOptions with LanguageIdSettings");
        // StartJobApi, LanguageIdSettings: "LanguageIdSettings supports two to five language codes."
        check.That(LanguageIdSettings.Count <= MaxLanguageIdSettings, "transcribe.languageIdSettings",
            string.Join(",", LanguageIdSettings.Keys),
            $"names more than {MaxLanguageIdSettings} languages: Transcribe supports at most {MaxLanguageIdSettings}");
        foreach (var (language, setting) in LanguageIdSettings)
        {
            var key = $"transcribe.languageIdSettings.{language}";
            check.Among(key, language, languages, "expected a batch language code of Transcribe such as en-US (supported-languages.html)");
            // LanguageIdPage: the custom resources apply only when their language is the one identified,
            // and identification picks among LanguageOptions: a language outside them would never be used.
            check.That(LanguageOptions.Count == 0 || LanguageOptions.Contains(language, StringComparer.Ordinal), key, language,
                "is not one of transcribe.languageOptions: Transcribe identifies only among the options, "
                + "so these settings would never apply");
            check.That(
                setting.VocabularyName is not null || setting.VocabularyFilterName is not null || setting.LanguageModelName is not null,
                key, "{}", "names nothing: give a vocabularyName, vocabularyFilterName or languageModelName");
            CheckResourceName(check, $"{key}.vocabularyName", setting.VocabularyName);
            CheckResourceName(check, $"{key}.vocabularyFilterName", setting.VocabularyFilterName);
            CheckResourceName(check, $"{key}.languageModelName", setting.LanguageModelName);
            // LanguageIdPage: "Note that multi-language identification doesn't support custom language models."
            check.That(setting.LanguageModelName is null || !IdentifyMultipleLanguages, $"{key}.languageModelName",
                setting.LanguageModelName,
                "is not supported with transcribe.identifyMultipleLanguages: Transcribe's multi-language identification takes no custom "
                + "language models");
        }
    }

    private void ValidateCustomizations(SettingsCheck check)
    {
        // SettingsApi / StartJobApi, Settings: with automatic language identification a custom vocabulary,
        // vocabulary filter or language model is given per language in LanguageIdSettings instead.
        const string PerLanguage = "is for a fixed transcribe.languageCode; with language identification name it per language in "
            + "transcribe.languageIdSettings";
        if (IdentifiesLanguage)
        {
            check.That(VocabularyName is null, "transcribe.vocabularyName", VocabularyName, PerLanguage);
            check.That(VocabularyFilterName is null, "transcribe.vocabularyFilterName", VocabularyFilterName, PerLanguage);
            check.That(LanguageModelName is null, "transcribe.languageModelName", LanguageModelName, PerLanguage);
        }

        CheckResourceName(check, "transcribe.vocabularyName", VocabularyName);
        CheckResourceName(check, "transcribe.vocabularyFilterName", VocabularyFilterName);
        CheckResourceName(check, "transcribe.languageModelName", LanguageModelName);
        // SettingsApi, VocabularyFilterMethod: mask, remove or tag.
        check.OneOf("transcribe.vocabularyFilterMethod", VocabularyFilterMethod, FilterMethods);
    }

    /// <summary>SettingsApi and API_ModelSettings.html: names are 1 to 200 of [0-9a-zA-Z._-].</summary>
    private static void CheckResourceName(SettingsCheck check, string key, string? name)
    {
        if (name is not null)
        {
            check.Matches(key, name, "^[0-9a-zA-Z._-]{1,200}$", "1 to 200 of [0-9a-zA-Z._-]");
        }
    }

    private void ValidateSpeakers(SettingsCheck check)
    {
        // SettingsApi, ShowSpeakerLabels: "You can't include both ShowSpeakerLabels and
        // ChannelIdentification in the same request. Including both parameters returns a BadRequestException."
        check.That(!(ShowSpeakerLabels && ChannelIdentification), "transcribe.channelIdentification", ChannelIdentification,
            "Transcribe rejects speaker labels (transcribe.showSpeakerLabels) and channel identification in one job; choose one");
    }

    private void ValidateRedaction(SettingsCheck check)
    {
        // https://docs.aws.amazon.com/transcribe/latest/APIReference/API_ContentRedaction.html
        check.OneOf("transcribe.piiRedactionOutput", PiiRedactionOutput, RedactionOutputs);
        check.That(PiiEntityTypes.Distinct(StringComparer.Ordinal).Count() == PiiEntityTypes.Count, "transcribe.piiEntityTypes",
            string.Join(",", PiiEntityTypes), "lists a type twice");
        foreach (var type in PiiEntityTypes)
        {
            check.OneOf("transcribe.piiEntityTypes", type, TranscribeLanguages.PiiEntityTypes);
        }

        if (!PiiRedaction)
        {
            check.That(PiiEntityTypes.Count == 0, "transcribe.piiEntityTypes", string.Join(",", PiiEntityTypes),
                "only applies when transcribe.piiRedaction is true");
            return;
        }

        // https://docs.aws.amazon.com/transcribe/latest/dg/pii-redaction-batch.html: "Redaction is not
        // compatible with language identification"; LanguageIdPage: "Redaction ... not currently supported
        // with multi-language identification".
        check.That(!IdentifiesLanguage, "transcribe.piiRedaction", true,
            "needs a fixed transcribe.languageCode: Transcribe's PII redaction is not compatible with language identification "
            + "(transcribe.identifyLanguage, transcribe.identifyMultipleLanguages)");
        // The same page and the document history: the languages of batch redaction.
        check.That(LanguageCode is null || TranscribeLanguages.RedactionLanguageCodes.Contains(LanguageCode, StringComparer.Ordinal),
            "transcribe.piiRedaction", true,
            $"Transcribe redacts PII only in {string.Join(", ", TranscribeLanguages.RedactionLanguageCodes)}, not in "
            + $"transcribe.languageCode '{LanguageCode}'");
    }

    private void ValidateToxicity(SettingsCheck check)
    {
        if (!ToxicityDetection)
        {
            return;
        }

        // https://docs.aws.amazon.com/transcribe/latest/dg/toxicity.html: "Toxicity detection is only
        // available for batch transcriptions in US English (en-US)." An identified language is not known
        // to be en-US at synth, so identification is refused too.
        check.That(!IdentifiesLanguage, "transcribe.toxicityDetection", true, "needs a fixed transcribe.languageCode of en-US: "
            + "Transcribe detects toxic speech only in US English, and an identified language may be another");
        check.That(LanguageCode is null || TranscribeLanguages.ToxicityLanguageCodes.Contains(LanguageCode, StringComparer.Ordinal),
            "transcribe.toxicityDetection", true,
            $"Transcribe detects toxic speech only in {string.Join(", ", TranscribeLanguages.ToxicityLanguageCodes)}, not in "
            + $"transcribe.languageCode '{LanguageCode}'");
    }

    private void ValidateSubtitles(SettingsCheck check)
    {
        // https://docs.aws.amazon.com/transcribe/latest/APIReference/API_Subtitles.html: Formats vtt | srt.
        check.That(SubtitleFormats.Distinct(StringComparer.Ordinal).Count() == SubtitleFormats.Count, "transcribe.subtitleFormats",
            string.Join(",", SubtitleFormats), "lists a format twice");
        foreach (var format in SubtitleFormats)
        {
            check.OneOf("transcribe.subtitleFormats", format, SubtitleFormatChoices);
        }

        if (SubtitleOutputStartIndex is { } start)
        {
            check.That(SubtitleFormats.Count > 0, "transcribe.subtitleOutputStartIndex", start,
                "only applies when transcribe.subtitleFormats lists a format");
        }
    }

    private void ValidateEncryptionContext(SettingsCheck check)
    {
        // StartJobApi, KMSEncryptionContext: at most 10 pairs, keys and values of 1 to 2000 characters that
        // are not only white space. (OutputEncryptionKMSKeyId, which the context needs, is always the stack key.)
        check.That(KmsEncryptionContext.Count <= MaxKmsEncryptionContextPairs, "transcribe.kmsEncryptionContext",
            string.Join(",", KmsEncryptionContext.Keys),
            $"has more than {MaxKmsEncryptionContextPairs} pairs: Transcribe accepts at most {MaxKmsEncryptionContextPairs}");
        foreach (var (name, value) in KmsEncryptionContext)
        {
            check.That(name.Length is >= 1 and <= 2000 && !string.IsNullOrWhiteSpace(name), "transcribe.kmsEncryptionContext", name,
                "a key must be 1 to 2000 characters, not only white space");
            check.That(value.Length is >= 1 and <= 2000 && !string.IsNullOrWhiteSpace(value), $"transcribe.kmsEncryptionContext.{name}",
                value, "a value must be 1 to 2000 characters, not only white space");
            // Step Functions reads a parameter name ending in ".$" as a path into the execution's state.
            check.That(!name.EndsWith(".$", StringComparison.Ordinal), "transcribe.kmsEncryptionContext", name,
                "a key must not end in '.$': Step Functions would read it as a path, not as the pair");
            // The pairs become IAM conditions (kms:EncryptionContext:<key> = value), where IAM would read
            // "${" as the start of a policy variable: keep it out so the policy matches the pair exactly.
            check.That(!name.Contains("${", StringComparison.Ordinal) && !value.Contains("${", StringComparison.Ordinal),
                $"transcribe.kmsEncryptionContext.{name}", value,
                "keys and values must not contain '${': IAM would read it as a policy variable in the key policy's condition");
        }
    }
}

/// <summary>A candidate language's custom vocabulary, vocabulary filter and custom language model.</summary>
public sealed record LanguageIdSetting
{
    public string? VocabularyName { get; init; }

    public string? VocabularyFilterName { get; init; }

    public string? LanguageModelName { get; init; }
}
