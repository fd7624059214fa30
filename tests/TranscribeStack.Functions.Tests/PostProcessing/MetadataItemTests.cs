using TranscribeStack.Functions.PostProcessing;

namespace TranscribeStack.Functions.Tests.PostProcessing;

/// <summary>The DynamoDB item a COMPLETED job is recorded as: one shape, feature groups only when the feature ran.</summary>
public sealed class MetadataItemTests
{
    /// <summary>The attributes of every COMPLETED item.</summary>
    private static readonly string[] Always =
    [
        "completedAt", "durationSeconds", "executionArn", "jobName", "languageIdentification", "lowConfidenceWordCount", "mediaUri",
        "piiRedacted", "recordedAt", "redactedTranscript", "status", "transcriptBytes", "transcriptUri", "updatedAt", "wordCount",
    ];

    private static CompletedJob Job(TranscriptMetadata metadata, JobFacts? facts = null) => new(
        "job-1",
        "s3://raw/media/a.mp3",
        "s3://transcripts/transcripts/job-1.json",
        "arn:aws:states:us-east-1:123456789012:execution:sm:e1",
        new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.FromHours(1)),
        new DateTimeOffset(2026, 11, 22, 12, 0, 0, 250, TimeSpan.Zero),
        metadata,
        facts ?? JobFacts.From(null, metadata));

    [Fact]
    public void EmptyAudio_HasTheAttributesOfEveryItemAndTheLanguage()
    {
        var item = DynamoJobMetadataStore.Item(Job(new TranscriptMetadata { TranscriptBytes = 120 },
            new JobFacts { LanguageCode = "en-US" }));

        Assert.Equal(Always.Append("languageCode").Order(StringComparer.Ordinal), item.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("none", item["languageIdentification"].S);
        Assert.All(item.Values, v => Assert.False(v.NULL ?? false));
    }

    [Fact]
    public void Timestamps_AreIsoUtcWithMilliseconds()
    {
        var item = DynamoJobMetadataStore.Item(Job(new TranscriptMetadata()));

        Assert.Equal("2026-11-22T09:00:00.000Z", item["completedAt"].S);
        Assert.Equal("2026-11-22T12:00:00.250Z", item["updatedAt"].S);
        Assert.Equal(item["updatedAt"].S, item["recordedAt"].S);
    }

    [Fact]
    public void AllFigures_AreWrittenWithTheirTypes()
    {
        var metadata = new TranscriptMetadata
        {
            DurationSeconds = 5.25,
            WordCount = 4,
            AverageConfidence = 0.84,
            MinConfidence = 0.45,
            LowConfidenceWordCount = 1,
            SpeakerCount = 2,
            SpeakerTalkSeconds = new Dictionary<string, double> { ["spk_0"] = 2.75, ["spk_1"] = 2.5 },
            ChannelCount = 2,
            RedactedTranscript = true,
            PiiRedactedItemCount = 3,
            PiiRedactionsByType = new Dictionary<string, int> { ["NAME"] = 2, ["PHONE"] = 1 },
            Toxicity = new ToxicitySummary
            {
                SegmentCount = 3,
                ToxicSegmentCount = 2,
                Threshold = 0.5,
                MaxToxicity = 0.98,
                MaxByCategory = new Dictionary<string, double> { ["insult"] = 0.92 },
            },
            TranscriptBytes = 4096,
        };
        var facts = new JobFacts
        {
            LanguageCode = "es-US",
            LanguageIdentification = JobFacts.SingleLanguage,
            IdentifiedLanguageScore = 0.8812,
            RedactedTranscript = true,
            SubtitleFileUris = ["https://s3.us-east-1.amazonaws.com/b/transcripts/job-1.srt",
                "https://s3.us-east-1.amazonaws.com/b/transcripts/job-1.vtt"],
        };

        var item = DynamoJobMetadataStore.Item(Job(metadata, facts));

        Assert.Equal("COMPLETED", item["status"].S);
        Assert.Equal("es-US", item["languageCode"].S);
        Assert.Equal("single", item["languageIdentification"].S);
        Assert.Equal("0.8812", item["identifiedLanguageScore"].N);
        Assert.False(item.ContainsKey("languageSeconds"));
        Assert.Equal("5.25", item["durationSeconds"].N);
        Assert.Equal("0.84", item["averageConfidence"].N);
        Assert.Equal("0.45", item["minConfidence"].N);
        Assert.Equal("2", item["speakerCount"].N);
        Assert.Equal("2.75", item["speakerTalkSeconds"].M["spk_0"].N);
        Assert.Equal("2", item["channelCount"].N);
        Assert.True(item["redactedTranscript"].BOOL);
        Assert.True(item["piiRedacted"].BOOL);
        Assert.Equal("3", item["piiRedactedItemCount"].N);
        Assert.Equal("2", item["piiRedactionsByType"].M["NAME"].N);
        Assert.Equal("2", item["toxicity"].M["toxicSegmentCount"].N);
        Assert.Equal("3", item["toxicity"].M["segmentCount"].N);
        Assert.Equal("0.5", item["toxicity"].M["threshold"].N);
        Assert.Equal("0.98", item["toxicity"].M["maxToxicity"].N);
        Assert.Equal("0.92", item["toxicity"].M["maxByCategory"].M["insult"].N);
        Assert.Equal(facts.SubtitleFileUris, item["subtitleFileUris"].L.Select(u => u.S));
        Assert.Equal("4096", item["transcriptBytes"].N);
    }

    [Fact]
    public void MultipleLanguages_AreRecordedWithTheirSeconds()
    {
        var facts = new JobFacts
        {
            LanguageCode = "hi-IN",
            LanguageIdentification = JobFacts.MultipleLanguages,
            LanguageSeconds = new Dictionary<string, double> { ["en-US"] = 2.45, ["hi-IN"] = 5.325 },
        };

        var item = DynamoJobMetadataStore.Item(Job(new TranscriptMetadata(), facts));

        Assert.Equal("multiple", item["languageIdentification"].S);
        Assert.Equal("5.325", item["languageSeconds"].M["hi-IN"].N);
        Assert.False(item.ContainsKey("identifiedLanguageScore"));
    }

    [Fact]
    public void RedactedCopyWithNothingFound_SaysSo()
    {
        var item = DynamoJobMetadataStore.Item(Job(new TranscriptMetadata { RedactedTranscript = true }));

        Assert.True(item["redactedTranscript"].BOOL);
        Assert.False(item["piiRedacted"].BOOL);
        Assert.Equal("0", item["piiRedactedItemCount"].N);
        Assert.Empty(item["piiRedactionsByType"].M);
    }
}
