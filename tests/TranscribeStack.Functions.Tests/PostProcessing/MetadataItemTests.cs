using TranscribeStack.Functions.PostProcessing;

namespace TranscribeStack.Functions.Tests.PostProcessing;

/// <summary>The DynamoDB item a COMPLETED job is recorded as.</summary>
public sealed class MetadataItemTests
{
    private static CompletedJob Job(TranscriptMetadata metadata) => new(
        "job-1",
        "s3://raw/media/a.mp3",
        "s3://transcripts/transcripts/job-1.json",
        "arn:aws:states:us-east-1:123456789012:execution:sm:e1",
        new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.FromHours(1)),
        new DateTimeOffset(2026, 11, 22, 12, 0, 0, 250, TimeSpan.Zero),
        metadata);

    [Fact]
    public void EmptyAudio_OmitsFiguresThatDoNotApply()
    {
        var item = DynamoJobMetadataStore.Item(Job(new TranscriptMetadata { LanguageCode = "en-US", TranscriptBytes = 120 }));

        Assert.Equal(
            ["completedAt", "durationSeconds", "executionArn", "jobName", "languageCode", "lowConfidenceWordCount", "mediaUri", "piiRedacted", "recordedAt", "status", "transcriptBytes", "transcriptUri", "updatedAt", "wordCount"],
            item.Keys.Order(StringComparer.Ordinal));
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
        var item = DynamoJobMetadataStore.Item(Job(new TranscriptMetadata
        {
            LanguageCode = "es-US",
            IdentifiedLanguage = "es-US",
            IdentifiedLanguageScore = 0.8812,
            DurationSeconds = 5.25,
            WordCount = 4,
            AverageConfidence = 0.84,
            MinConfidence = 0.45,
            LowConfidenceWordCount = 1,
            SpeakerCount = 2,
            SpeakerTalkSeconds = new Dictionary<string, double> { ["spk_0"] = 2.75, ["spk_1"] = 2.5 },
            ChannelCount = 2,
            PiiRedacted = true,
            TranscriptBytes = 4096,
        }));

        Assert.Equal("COMPLETED", item["status"].S);
        Assert.Equal("es-US", item["identifiedLanguage"].S);
        Assert.Equal("0.8812", item["identifiedLanguageScore"].N);
        Assert.Equal("5.25", item["durationSeconds"].N);
        Assert.Equal("0.84", item["averageConfidence"].N);
        Assert.Equal("0.45", item["minConfidence"].N);
        Assert.Equal("2", item["speakerCount"].N);
        Assert.Equal("2.75", item["speakerTalkSeconds"].M["spk_0"].N);
        Assert.Equal("2", item["channelCount"].N);
        Assert.True(item["piiRedacted"].BOOL);
        Assert.Equal("4096", item["transcriptBytes"].N);
    }
}
