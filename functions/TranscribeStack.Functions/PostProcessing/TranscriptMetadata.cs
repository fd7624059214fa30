namespace TranscribeStack.Functions.PostProcessing;

/// <summary>What a finished transcript says about the job, computed in one streaming pass.</summary>
public sealed record TranscriptMetadata
{
    /// <summary>results.language_code: real transcripts carry it only when language identification ran.</summary>
    public string? LanguageCode { get; init; }

    /// <summary>The language Transcribe identified (highest score), when single-language identification ran.</summary>
    public string? IdentifiedLanguage { get; init; }

    public double? IdentifiedLanguageScore { get; init; }

    /// <summary>results.language_codes: seconds spoken per language, when multi-language identification ran.</summary>
    public IReadOnlyDictionary<string, double> LanguageSeconds { get; init; } = new Dictionary<string, double>();

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

    /// <summary>The transcript is a redacted copy (its root says isRedacted), whether or not anything was redacted.</summary>
    public bool RedactedTranscript { get; init; }

    /// <summary>Items replaced by [PII] or carrying a redaction.</summary>
    public int PiiRedactedItemCount { get; init; }

    /// <summary>Redactions per PII type, where the output names the type (alternatives[0].redactions[].type).</summary>
    public IReadOnlyDictionary<string, int> PiiRedactionsByType { get; init; } = new Dictionary<string, int>();

    /// <summary>Something was redacted.</summary>
    public bool PiiRedacted => PiiRedactedItemCount > 0;

    /// <summary>results.toxicity_detection summarized, when toxicity detection ran; else null.</summary>
    public ToxicitySummary? Toxicity { get; init; }

    public long TranscriptBytes { get; init; }
}

/// <summary>The toxicity of a transcript: how many segments reach the threshold, and the highest scores.</summary>
public sealed record ToxicitySummary
{
    /// <summary>Speech segments Transcribe scored.</summary>
    public int SegmentCount { get; init; }

    /// <summary>The threshold the post-processor was configured with.</summary>
    public double Threshold { get; init; }

    /// <summary>Segments whose overall toxicity is at or above <see cref="Threshold"/>.</summary>
    public int ToxicSegmentCount { get; init; }

    /// <summary>The highest overall toxicity of a segment; null without segments.</summary>
    public double? MaxToxicity { get; init; }

    /// <summary>The highest score per category (profanity, hate_speech, sexual, insult, violence_or_threat, graphic,
    /// harassment_or_abuse).</summary>
    public IReadOnlyDictionary<string, double> MaxByCategory { get; init; } = new Dictionary<string, double>();
}
