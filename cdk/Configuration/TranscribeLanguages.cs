namespace TranscribeStack.Cdk.Configuration;

/// <summary>
/// What Amazon Transcribe accepts, per language and per feature, as its documentation states it. Each
/// list says where it comes from; a test compares the two that the AWS SDK also models (language codes,
/// PII entity types) with @aws-sdk/client-transcribe, so a copy that drifts fails.
/// </summary>
public static class TranscribeLanguages
{
    /// <summary>
    /// Language codes of batch transcription: the LanguageCode enum of StartTranscriptionJob
    /// (https://docs.aws.amazon.com/transcribe/latest/dg/supported-languages.html).
    /// </summary>
    public static IReadOnlyList<string> BatchLanguageCodes { get; } =
    [
        "ab-GE", "af-ZA", "am-ET", "ar-AE", "ar-SA", "ast-ES", "az-AZ", "ba-RU", "be-BY", "bg-BG",
        "bn-IN", "bs-BA", "ca-ES", "ckb-IQ", "ckb-IR", "cs-CZ", "cy-GB", "cy-WL", "da-DK", "de-CH",
        "de-DE", "el-GR", "en-AB", "en-AU", "en-GB", "en-IE", "en-IN", "en-NZ", "en-US", "en-WL",
        "en-ZA", "es-ES", "es-MX", "es-US", "et-EE", "et-ET", "eu-ES", "fa-AF", "fa-IR", "fi-FI",
        "fr-CA", "fr-FR", "ga-IE", "gd-GB", "gl-ES", "gu-IN", "ha-NG", "he-IL", "hi-IN", "hr-HR",
        "ht-HT", "hu-HU", "hy-AM", "id-ID", "is-IS", "it-IT", "ja-JP", "jv-ID", "kab-DZ", "ka-GE",
        "kk-KZ", "km-KH", "kn-IN", "ko-KR", "ky-KG", "lg-IN", "lt-LT", "lv-LV", "mhr-RU", "mi-NZ",
        "mk-MK", "ml-IN", "mn-MN", "mr-IN", "ms-MY", "mt-MT", "my-MM", "ne-NP", "nl-NL", "no-NO",
        "or-IN", "pa-IN", "pl-PL", "ps-AF", "pt-BR", "pt-PT", "ro-RO", "ru-RU", "rw-RW", "si-LK",
        "sk-SK", "sl-SI", "so-SO", "sq-AL", "sr-RS", "su-ID", "sv-SE", "sw-BI", "sw-KE", "sw-RW",
        "sw-TZ", "sw-UG", "ta-IN", "te-IN", "th-TH", "tl-PH", "tr-TR", "tt-RU", "ug-CN", "uk-UA",
        "uz-UZ", "vi-VN", "wo-SN", "zh-CN", "zh-HK", "zh-TW", "zu-ZA",
    ];

    /// <summary>
    /// Languages of PII redaction in batch jobs: US English and US Spanish
    /// (https://docs.aws.amazon.com/transcribe/latest/dg/pii-redaction-batch.html), and since 1 May 2026
    /// French, Canadian French, German, Swiss German, Italian, Portuguese and Brazilian Portuguese
    /// (https://docs.aws.amazon.com/transcribe/latest/dg/doc-history.html, "PII redaction for batch
    /// transcription jobs now supports additional languages").
    /// </summary>
    public static IReadOnlyList<string> RedactionLanguageCodes { get; } =
        ["en-US", "es-US", "fr-FR", "fr-CA", "de-DE", "de-CH", "it-IT", "pt-PT", "pt-BR"];

    /// <summary>
    /// Toxicity detection "is only available for batch transcriptions in US English (en-US)"
    /// (https://docs.aws.amazon.com/transcribe/latest/dg/toxicity.html).
    /// </summary>
    public static IReadOnlyList<string> ToxicityLanguageCodes { get; } = ["en-US"];

    /// <summary>
    /// ContentRedaction.PiiEntityTypes: the PII types of batch redaction
    /// (https://docs.aws.amazon.com/transcribe/latest/dg/pii-redaction-batch.html, and the types added on
    /// 22 May 2026 in https://docs.aws.amazon.com/transcribe/latest/dg/doc-history.html). ALL means every type.
    /// </summary>
    public static IReadOnlyList<string> PiiEntityTypes { get; } =
    [
        "ADDRESS", "AGE", "ALL", "AWS_ACCESS_KEY", "AWS_SECRET_KEY", "BANK_ACCOUNT_NUMBER",
        "BANK_ROUTING", "CA_HEALTH_NUMBER", "CA_SOCIAL_INSURANCE_NUMBER", "CREDIT_DEBIT_CVV", "CREDIT_DEBIT_EXPIRY", "CREDIT_DEBIT_NUMBER",
        "DATE_TIME", "DRIVER_ID", "EMAIL", "INTERNATIONAL_BANK_ACCOUNT_NUMBER", "IP_ADDRESS", "LICENSE_PLATE",
        "MAC_ADDRESS", "NAME", "PASSPORT_NUMBER", "PASSWORD", "PHONE", "PIN",
        "SSN", "SWIFT_CODE", "URL", "USERNAME", "US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER", "VEHICLE_IDENTIFICATION_NUMBER",
    ];
}
