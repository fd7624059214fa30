using TranscribeStack.Functions.PostProcessing;

namespace TranscribeStack.Functions.Tests.PostProcessing;

/// <summary>The post-processor's own rules, with in-memory stand-ins for its two ports (not for the AWS SDK).</summary>
public sealed class PostProcessorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static PostProcessRequest Request(string? completedAt = null) =>
        new("job-1", "s3://raw/media/a.mp3", "transcripts-bucket", "transcripts/job-1.json",
            "arn:aws:states:us-east-1:123456789012:execution:sm:e1", completedAt);

    private static PostProcessor Processor(ITranscriptSource source, RecordingStore store, long maxBytes = 1024 * 1024) =>
        new(source, store, new TranscriptAnalyzer(0.5, maxBytes), maxBytes, new FixedClock(Now));

    [Fact]
    public async Task ContentLengthOverLimit_FailsBeforeReadingTheBody()
    {
        var body = new UnreadableStream();
        var store = new RecordingStore();
        var processor = Processor(new FixedSource(body, Length: 5_000), store, maxBytes: 4_096);

        var error = await Assert.ThrowsAsync<TranscriptTooLargeException>(() => processor.ProcessAsync(Request()));

        Assert.Contains("5000 bytes; the limit is 4096 bytes", error.Message, StringComparison.Ordinal);
        Assert.False(body.WasRead);
        Assert.True(body.WasDisposed);
        Assert.Empty(store.Jobs);
    }

    [Fact]
    public async Task UnknownLength_IsStillLimitedWhileReading()
    {
        var store = new RecordingStore();
        var processor = Processor(new FixedSource(Fixture.Stream("speakers.json"), Length: null), store, maxBytes: 500);

        await Assert.ThrowsAsync<TranscriptTooLargeException>(() => processor.ProcessAsync(Request()));

        Assert.Empty(store.Jobs);
    }

    [Fact]
    public async Task MissingCompletionTime_RecordsNow()
    {
        var store = new RecordingStore();

        await Processor(new FixedSource(Fixture.Stream("plain.json"), null), store).ProcessAsync(Request());

        Assert.Equal(Now, Assert.Single(store.Jobs).CompletedAt);
    }

    [Fact]
    public async Task CompletionTimeWithOffset_IsRecordedInUtc()
    {
        var store = new RecordingStore();

        await Processor(new FixedSource(Fixture.Stream("plain.json"), null), store).ProcessAsync(Request("2026-11-22T11:30:00+01:00"));

        Assert.Equal(new DateTimeOffset(2026, 11, 22, 10, 30, 0, TimeSpan.Zero), Assert.Single(store.Jobs).CompletedAt);
        Assert.Equal(TimeSpan.Zero, store.Jobs[0].CompletedAt.Offset);
    }

    [Fact]
    public async Task BadCompletionTime_IsInvalidRequestAndReadsNothing()
    {
        var body = new UnreadableStream();
        var store = new RecordingStore();

        var error = await Assert.ThrowsAsync<InvalidJobRequestException>(() => Processor(new FixedSource(body, 10), store)
            .ProcessAsync(Request("yesterday")));

        Assert.Contains("jobCompletedAt 'yesterday'", error.Message, StringComparison.Ordinal);
        Assert.False(body.WasRead);
        Assert.Empty(store.Jobs);
    }

    [Fact]
    public async Task AlreadyCompleted_IsAlreadyRecordedOutcome()
    {
        var store = new RecordingStore { Accept = false };

        var result = await Processor(new FixedSource(Fixture.Stream("plain.json"), null), store).ProcessAsync(Request());

        Assert.Equal("AlreadyRecorded", result.Outcome);
        Assert.Equal(3, result.WordCount);
    }

    [Fact]
    public async Task FixedLanguageJob_RecordsTheJobsLanguage()
    {
        // Real transcripts of a fixed-language job carry no results.language_code: the job description does.
        var store = new RecordingStore();
        var job = new TranscriptionJobDescription { LanguageCode = "en-US" };

        await Processor(new FixedSource(Fixture.Stream("fixed-language.json"), null), store)
            .ProcessAsync(Request() with { TranscriptionJob = job });

        var facts = Assert.Single(store.Jobs).Facts;
        Assert.Equal("en-US", facts.LanguageCode);
        Assert.Equal(JobFacts.NoIdentification, facts.LanguageIdentification);
        Assert.Null(facts.IdentifiedLanguageScore);
    }

    [Fact]
    public async Task SingleLanguageIdentification_RecordsTheLanguageAndItsScoreFromTheJob()
    {
        var store = new RecordingStore();
        var job = new TranscriptionJobDescription { IdentifyLanguage = true, LanguageCode = "es-US", IdentifiedLanguageScore = 0.9 };

        await Processor(new FixedSource(Fixture.Stream("language-id.json"), null), store)
            .ProcessAsync(Request() with { TranscriptionJob = job });

        var facts = Assert.Single(store.Jobs).Facts;
        Assert.Equal("es-US", facts.LanguageCode);
        Assert.Equal(JobFacts.SingleLanguage, facts.LanguageIdentification);
        Assert.Equal(0.9, facts.IdentifiedLanguageScore);
    }

    [Fact]
    public async Task MultipleLanguages_RecordTheSecondsPerLanguageAndTheLongestAsTheLanguage()
    {
        var store = new RecordingStore();
        var job = new TranscriptionJobDescription
        {
            IdentifyMultipleLanguages = true,
            LanguageCodes = [new() { LanguageCode = "en-US", DurationInSeconds = 2.45 },
                new() { LanguageCode = "hi-IN", DurationInSeconds = 5.325 }],
        };

        await Processor(new FixedSource(Fixture.Stream("language-id-multiple.json"), null), store)
            .ProcessAsync(Request() with { TranscriptionJob = job });

        var facts = Assert.Single(store.Jobs).Facts;
        Assert.Equal("hi-IN", facts.LanguageCode);
        Assert.Equal(JobFacts.MultipleLanguages, facts.LanguageIdentification);
        Assert.Equal(new Dictionary<string, double> { ["en-US"] = 2.45, ["hi-IN"] = 5.325 }, facts.LanguageSeconds);
    }

    [Fact]
    public async Task NoJobDescription_FallsBackToTheTranscript()
    {
        var store = new RecordingStore();

        await Processor(new FixedSource(Fixture.Stream("language-id-multiple.json"), null), store).ProcessAsync(Request());

        var facts = Assert.Single(store.Jobs).Facts;
        Assert.Equal("hi-IN", facts.LanguageCode);
        Assert.Equal(JobFacts.MultipleLanguages, facts.LanguageIdentification);
    }

    [Fact]
    public async Task SubtitlesAndRedaction_AreTakenFromTheJob()
    {
        var store = new RecordingStore();
        var job = new TranscriptionJobDescription
        {
            LanguageCode = "en-US",
            Subtitles = new JobSubtitles { SubtitleFileUris = ["https://s3.us-east-1.amazonaws.com/b/transcripts/job-1.vtt"] },
            ContentRedaction = new JobContentRedaction { RedactionOutput = "redacted" },
        };

        await Processor(new FixedSource(Fixture.Stream("fixed-language.json"), null), store)
            .ProcessAsync(Request() with { TranscriptionJob = job });

        var recorded = Assert.Single(store.Jobs);
        Assert.Equal(["https://s3.us-east-1.amazonaws.com/b/transcripts/job-1.vtt"], recorded.Facts.SubtitleFileUris);
        Assert.True(recorded.Facts.RedactedTranscript);
        Assert.False(recorded.Metadata.PiiRedacted);
    }

    private sealed record FixedSource(Stream Content, long? Length) : ITranscriptSource
    {
        public Task<(Stream Content, long? Length)> OpenAsync(string bucket, string key, CancellationToken cancellationToken) =>
            Task.FromResult((Content, Length));
    }

    private sealed class RecordingStore : IJobMetadataStore
    {
        public List<CompletedJob> Jobs { get; } = [];

        public bool Accept { get; init; } = true;

        public Task<bool> RecordCompletedAsync(CompletedJob job, CancellationToken cancellationToken)
        {
            Jobs.Add(job);
            return Task.FromResult(Accept);
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>A body that records whether anyone tried to read it.</summary>
    private sealed class UnreadableStream : MemoryStream
    {
        public bool WasRead { get; private set; }

        public bool WasDisposed { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => throw Fail();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw Fail();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => throw Fail();

        protected override void Dispose(bool disposing)
        {
            WasDisposed = true;
            base.Dispose(disposing);
        }

        private InvalidOperationException Fail()
        {
            WasRead = true;
            return new InvalidOperationException("The body was read.");
        }
    }
}
