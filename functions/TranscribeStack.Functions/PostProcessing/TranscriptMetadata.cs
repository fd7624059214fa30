namespace TranscribeStack.Functions.PostProcessing;

/// <summary>What a finished transcript says about the job, computed in one streaming pass.</summary>
public sealed record TranscriptMetadata
{
    public string? LanguageCode { get; init; }

    /// <summary>The language Transcribe identified (highest score), when language identification was used.</summary>
    public string? IdentifiedLanguage { get; init; }

    public double? IdentifiedLanguageScore { get; init; }

    /// <summary>End of the last word or speaker segment, in seconds.</summary>
    public double DurationSeconds { get; init; }

    /// <summary>Pronunciation items (punctuation excluded).</summary>
    public int WordCount { get; init; }

    /// <summary>
    /// Mean recognition confidence of pronunciation items; null for a transcript without words.
    /// Redacted [PII] words are left out: their confidence, when present, says how sure Transcribe is that they are PII.
    /// </summary>
    public double? AverageConfidence { get; init; }

    /// <summary>Lowest recognition confidence of a pronunciation item (redacted words left out, as above).</summary>
    public double? MinConfidence { get; init; }

    /// <summary>Pronunciation items whose recognition confidence is below the configured threshold.</summary>
    public int LowConfidenceWordCount { get; init; }

    /// <summary>Number of speakers (speaker identification only), else null.</summary>
    public int? SpeakerCount { get; init; }

    /// <summary>Seconds each speaker label talked (speaker identification only).</summary>
    public IReadOnlyDictionary<string, double> SpeakerTalkSeconds { get; init; } = new Dictionary<string, double>();

    /// <summary>Number of audio channels transcribed separately (channel identification only), else null.</summary>
    public int? ChannelCount { get; init; }

    public bool PiiRedacted { get; init; }

    public long TranscriptBytes { get; init; }
}
