using System.Text.Json;
using TranscribeStack.Functions.PostProcessing;

namespace TranscribeStack.Functions.Tests.PostProcessing;

/// <summary>
/// The audio-minutes metric: one CloudWatch embedded metric format line per job the post-processor records,
/// read back as CloudWatch Logs would (one JSON document per line) and checked member by member.
/// </summary>
public sealed class AudioMinutesMetricTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static PostProcessRequest Request() =>
        new("job-1", "s3://raw/media/a.mp3", "transcripts-bucket", "transcripts/job-1.json",
            "arn:aws:states:us-east-1:123456789012:execution:sm:e1", null);

    private static async Task<string> Process(string fixture, bool firstRecord = true, string environment = "staging")
    {
        var output = new StringWriter();
        var processor = new PostProcessor(
            new FixtureSource(fixture), new Store(firstRecord), new TranscriptAnalyzer(0.5, 1024 * 1024), 1024 * 1024, new FixedClock(Now),
            new EmbeddedMetricsWriter(output, environment));
        await processor.ProcessAsync(Request());
        return output.ToString();
    }

    private static JsonElement SingleDocument(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.EndsWith("\n", output, StringComparison.Ordinal);
        return JsonDocument.Parse(lines[0]).RootElement;
    }

    [Fact]
    public async Task RecordedJob_EmitsOneDirectiveInThePipelinesNamespaceWithTheEnvironmentDimension()
    {
        var emf = SingleDocument(await Process("speakers.json"));
        var directive = Assert.Single(emf.GetProperty("_aws").GetProperty("CloudWatchMetrics").EnumerateArray());

        Assert.Equal("TranscribeStack", directive.GetProperty("Namespace").GetString());
        var dimensions = Assert.Single(directive.GetProperty("Dimensions").EnumerateArray());
        Assert.Equal(["Environment"], dimensions.EnumerateArray().Select(d => d.GetString()));
        var metric = Assert.Single(directive.GetProperty("Metrics").EnumerateArray());
        Assert.Equal("AudioMinutes", metric.GetProperty("Name").GetString());
        Assert.Equal("None", metric.GetProperty("Unit").GetString());
        // Every dimension and metric the directive names is a member of the root, as EMF requires.
        Assert.Equal("staging", emf.GetProperty("Environment").GetString());
        Assert.Equal(JsonValueKind.Number, emf.GetProperty("AudioMinutes").ValueKind);
    }

    [Fact]
    public async Task RecordedJob_ValueIsTheTranscriptsAudioInMinutes()
    {
        // speakers.json: its last speaker segment ends at 5.25 s.
        var emf = SingleDocument(await Process("speakers.json"));

        Assert.Equal(0.0875, emf.GetProperty("AudioMinutes").GetDouble(), 6);
        Assert.Equal("job-1", emf.GetProperty("jobName").GetString());
    }

    [Fact]
    public async Task RecordedJob_TimestampIsWhenItWasRecorded_InEpochMilliseconds()
    {
        var emf = SingleDocument(await Process("plain.json"));

        Assert.Equal(Now.ToUnixTimeMilliseconds(), emf.GetProperty("_aws").GetProperty("Timestamp").GetInt64());
        // plain.json: its last word ends at 2.45 s.
        Assert.Equal(2.45 / 60, emf.GetProperty("AudioMinutes").GetDouble(), 4);
    }

    [Fact]
    public async Task AlreadyRecordedJob_EmitsNothing_SoADuplicateIsNotCountedTwice()
    {
        Assert.Equal(string.Empty, await Process("speakers.json", firstRecord: false));
    }

    [Fact]
    public async Task BadTranscript_EmitsNothing()
    {
        var output = new StringWriter();
        var processor = new PostProcessor(
            new BytesSource("{\"results\":"u8.ToArray()), new Store(true), new TranscriptAnalyzer(0.5, 1024), 1024, new FixedClock(Now),
            new EmbeddedMetricsWriter(output, "dev"));

        await Assert.ThrowsAnyAsync<Exception>(() => processor.ProcessAsync(Request()));

        Assert.Equal(string.Empty, output.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void Writer_WithoutAnEnvironment_IsRefused(string environment)
    {
        Assert.Throws<ArgumentException>(() => new EmbeddedMetricsWriter(TextWriter.Null, environment));
    }

    private sealed class FixtureSource(string name) : ITranscriptSource
    {
        public Task<(Stream Content, long? Length)> OpenAsync(string bucket, string key, CancellationToken cancellationToken) =>
            Task.FromResult<(Stream, long?)>((Fixture.Stream(name), null));
    }

    private sealed class BytesSource(byte[] bytes) : ITranscriptSource
    {
        public Task<(Stream Content, long? Length)> OpenAsync(string bucket, string key, CancellationToken cancellationToken) =>
            Task.FromResult<(Stream, long?)>((new MemoryStream(bytes), bytes.Length));
    }

    private sealed class Store(bool firstRecord) : IJobMetadataStore
    {
        public Task<bool> RecordCompletedAsync(CompletedJob job, CancellationToken cancellationToken) => Task.FromResult(firstRecord);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
