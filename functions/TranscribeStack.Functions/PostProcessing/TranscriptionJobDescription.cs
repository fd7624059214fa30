using System.Text.Json.Serialization;

namespace TranscribeStack.Functions.PostProcessing;

/// <summary>
/// The parts of GetTranscriptionJob's <c>TranscriptionJob</c> that say what the job did. The state
/// machine passes the whole object it polled (member names as the API writes them); other members are ignored.
/// </summary>
public sealed record TranscriptionJobDescription
{
    /// <summary>The fixed or identified language (single-language jobs).</summary>
    [JsonPropertyName("LanguageCode")]
    public string? LanguageCode { get; init; }

    [JsonPropertyName("IdentifyLanguage")]
    public bool? IdentifyLanguage { get; init; }

    [JsonPropertyName("IdentifyMultipleLanguages")]
    public bool? IdentifyMultipleLanguages { get; init; }

    /// <summary>The confidence of the identified language (IdentifyLanguage).</summary>
    [JsonPropertyName("IdentifiedLanguageScore")]
    public double? IdentifiedLanguageScore { get; init; }

    /// <summary>Every identified language and how long it is spoken (IdentifyMultipleLanguages).</summary>
    [JsonPropertyName("LanguageCodes")]
    public IReadOnlyList<JobLanguageDuration>? LanguageCodes { get; init; }

    [JsonPropertyName("Subtitles")]
    public JobSubtitles? Subtitles { get; init; }

    /// <summary>Present when the job redacted PII.</summary>
    [JsonPropertyName("ContentRedaction")]
    public JobContentRedaction? ContentRedaction { get; init; }
}

public sealed record JobLanguageDuration
{
    [JsonPropertyName("LanguageCode")]
    public string? LanguageCode { get; init; }

    [JsonPropertyName("DurationInSeconds")]
    public double? DurationInSeconds { get; init; }
}

public sealed record JobSubtitles
{
    [JsonPropertyName("SubtitleFileUris")]
    public IReadOnlyList<string>? SubtitleFileUris { get; init; }
}

public sealed record JobContentRedaction
{
    [JsonPropertyName("RedactionOutput")]
    public string? RedactionOutput { get; init; }
}

/// <summary>What the job did, from its description and its transcript: the facts of the COMPLETED item.</summary>
public sealed record JobFacts
{
    public const string NoIdentification = "none";
    public const string SingleLanguage = "single";
    public const string MultipleLanguages = "multiple";

    /// <summary>The job's language; with several languages, the one spoken longest.</summary>
    public string? LanguageCode { get; init; }

    /// <summary>none (a fixed language), single or multiple: how the language was decided.</summary>
    public string LanguageIdentification { get; init; } = NoIdentification;

    public double? IdentifiedLanguageScore { get; init; }

    /// <summary>Seconds spoken per language (multiple only).</summary>
    public IReadOnlyDictionary<string, double> LanguageSeconds { get; init; } = new Dictionary<string, double>();

    /// <summary>The transcript read is a redacted copy.</summary>
    public bool RedactedTranscript { get; init; }

    public IReadOnlyList<string> SubtitleFileUris { get; init; } = [];

    /// <summary>
    /// The job description wins where it speaks (real transcripts carry results.language_code only when
    /// identification ran); the transcript fills in for a job the state machine did not describe.
    /// </summary>
    public static JobFacts From(TranscriptionJobDescription? job, TranscriptMetadata transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var seconds = job?.LanguageCodes is { Count: > 0 } codes
            ? codes.Where(c => c.LanguageCode is not null).GroupBy(c => c.LanguageCode!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => Math.Round(g.Sum(c => c.DurationInSeconds ?? 0), 3), StringComparer.Ordinal)
            : transcript.LanguageSeconds;
        var identification = job?.IdentifyMultipleLanguages == true || seconds.Count > 0 ? MultipleLanguages
            : job?.IdentifyLanguage == true || job?.IdentifiedLanguageScore is not null
                || transcript.IdentifiedLanguage is not null ? SingleLanguage
            : NoIdentification;
        var longest = seconds.OrderByDescending(s => s.Value).ThenBy(s => s.Key, StringComparer.Ordinal).Select(
            s => s.Key).FirstOrDefault();
        return new JobFacts
        {
            LanguageCode = job?.LanguageCode ?? transcript.LanguageCode ?? longest,
            LanguageIdentification = identification,
            IdentifiedLanguageScore = identification == SingleLanguage ? job?.IdentifiedLanguageScore
                ?? transcript.IdentifiedLanguageScore : null,
            LanguageSeconds = identification == MultipleLanguages ? seconds : new Dictionary<string, double>(),
            RedactedTranscript = transcript.RedactedTranscript || job?.ContentRedaction is not null,
            SubtitleFileUris = job?.Subtitles?.SubtitleFileUris ?? [],
        };
    }
}
