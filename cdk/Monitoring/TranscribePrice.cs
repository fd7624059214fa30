using System.Globalization;

namespace TranscribeStack.Cdk.Monitoring;

/// <summary>
/// Amazon Transcribe's published batch price, the one place the dashboard's cost figure comes from. US East
/// (N. Virginia), standard batch transcription, tier 1 (the first 250,000 minutes of a month; later tiers are
/// cheaper, other regions may differ), billed per second with a 15-second minimum per job; PII redaction is
/// an add-on per minute. As published on <see cref="Page"/>, retrieved <see cref="Retrieved"/> (the page as
/// known on that date: there is no network here). The cost benchmark (benchmarks/pipeline/cost.mjs) quotes the
/// same figures: update both, and the date, together.
/// </summary>
public static class TranscribePrice
{
    public const double UsdPerAudioMinute = 0.024;

    public const double PiiRedactionUsdPerAudioMinute = 0.0024;

    public const string Retrieved = "2026-11-26";

    public const string Page = "https://aws.amazon.com/transcribe/pricing/";

    /// <summary>Dollars per audio minute of a job of these settings: the batch price, plus redaction when it runs.</summary>
    public static double PerMinute(bool piiRedaction) => UsdPerAudioMinute + (piiRedaction ? PiiRedactionUsdPerAudioMinute : 0);

    /// <summary>The price as the dashboard states it.</summary>
    public static string Describe(bool piiRedaction) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"${UsdPerAudioMinute} per audio minute{(piiRedaction ? $" + ${PiiRedactionUsdPerAudioMinute} PII redaction" : string.Empty)} "
            + $"(us-east-1, batch, tier 1: first 250,000 min a month; {Page}, retrieved {Retrieved})");
}
