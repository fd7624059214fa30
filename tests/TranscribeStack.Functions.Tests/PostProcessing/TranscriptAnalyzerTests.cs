using TranscribeStack.Functions.PostProcessing;

namespace TranscribeStack.Functions.Tests.PostProcessing;

public sealed class TranscriptAnalyzerTests
{
    private static readonly TranscriptAnalyzer Analyzer = new(lowConfidenceThreshold: 0.5, maxBytes: 1024 * 1024);

    private static Task<TranscriptMetadata> Analyze(string fixture) => Analyzer.AnalyzeAsync(Fixture.Stream(fixture));

    [Fact]
    public async Task Plain_CountsWordsNotPunctuation()
    {
        var m = await Analyze("plain.json");

        Assert.Equal("en-US", m.LanguageCode);
        Assert.Equal(3, m.WordCount);
        Assert.Equal(2.45, m.DurationSeconds);
        Assert.Equal(Math.Round((0.998 + 0.402 + 0.9) / 3, 4), m.AverageConfidence);
        Assert.Equal(0.402, m.MinConfidence);
        Assert.Equal(1, m.LowConfidenceWordCount);
        Assert.Null(m.SpeakerCount);
        Assert.Empty(m.SpeakerTalkSeconds);
        Assert.Null(m.ChannelCount);
        Assert.False(m.PiiRedacted);
        Assert.Null(m.IdentifiedLanguage);
        Assert.Equal(Fixture.Bytes("plain.json").Length, m.TranscriptBytes);
    }

    [Fact]
    public async Task SpeakerLabels_SumTalkTimePerSpeakerFromSegments()
    {
        var m = await Analyze("speakers.json");

        Assert.Equal(2, m.SpeakerCount);
        Assert.Equal(1.5 + 1.25, m.SpeakerTalkSeconds["spk_0"], 3);
        Assert.Equal(2.5, m.SpeakerTalkSeconds["spk_1"], 3);
        Assert.Equal(5.25, m.DurationSeconds);
        Assert.Equal(4, m.WordCount);
        Assert.Equal(1, m.LowConfidenceWordCount);
        Assert.Equal("en-GB", m.LanguageCode);
    }

    [Fact]
    public async Task ChannelIdentification_CountsChannelsAndWordsOnce()
    {
        var m = await Analyze("channels.json");

        Assert.Equal(2, m.ChannelCount);
        Assert.Equal(3, m.WordCount);
        Assert.Equal(0.88, m.MinConfidence);
    }

    [Fact]
    public async Task Redacted_IsReportedAsPiiRedacted()
    {
        var m = await Analyze("redacted.json");

        Assert.True(m.PiiRedacted);
    }

    [Fact]
    public async Task Redacted_WordsCountButStayOutOfConfidence()
    {
        var m = await Analyze("redacted.json");

        Assert.Equal(6, m.WordCount);
        Assert.Equal(Math.Round((0.99 + 0.99 + 0.42 + 0.97) / 4, 4), m.AverageConfidence);
        Assert.Equal(0.42, m.MinConfidence);
        Assert.Equal(1, m.LowConfidenceWordCount);
        Assert.Equal(4.1, m.DurationSeconds);
    }

    [Fact]
    public async Task RedactedWordWithAConfidence_StaysOutOfConfidence()
    {
        const string Json = """
            {"results": {"items": [
              {"type": "pronunciation", "start_time": "0.1", "end_time": "0.4", "alternatives": [{"confidence": "0.9", "content": "Hi"}]},
              {"type": "pronunciation", "start_time": "0.4", "end_time": "0.9", "alternatives": [{"confidence": "0.1", "content": "[PII]"}]}]}}
            """;

        var m = await Analyzer.AnalyzeAsync(Fixture.Text(Json));

        Assert.Equal(2, m.WordCount);
        Assert.Equal(0.9, m.MinConfidence);
        Assert.Equal(0, m.LowConfidenceWordCount);
    }

    [Theory]
    [InlineData("{\"isRedacted\": true, \"results\": {\"items\": []}}")]
    [InlineData("{\"results\": {\"items\": [{\"type\": \"pronunciation\", \"alternatives\": [{\"content\": \"[PII]\"}]}]}}")]
    [InlineData("{\"results\": {\"items\": [{\"type\": \"pronunciation\", \"alternatives\": [{\"content\": \"x\", \"redactions\": []}]}]}}")]
    public async Task AnyRedactionMark_IsPiiRedacted(string json)
    {
        var m = await Analyzer.AnalyzeAsync(Fixture.Text(json));

        Assert.True(m.PiiRedacted);
    }

    [Fact]
    public async Task LanguageIdentification_ReportsTheBestScoringLanguage()
    {
        var m = await Analyze("language-id.json");

        Assert.Equal("es-US", m.IdentifiedLanguage);
        Assert.Equal(0.8812, m.IdentifiedLanguageScore);
        Assert.Equal("es-US", m.LanguageCode);
    }

    [Fact]
    public async Task EmptyAudio_HasNoWordsAndNoConfidence()
    {
        var m = await Analyze("empty.json");

        Assert.Equal(0, m.WordCount);
        Assert.Null(m.AverageConfidence);
        Assert.Null(m.MinConfidence);
        Assert.Equal(0, m.DurationSeconds);
        Assert.Equal(0, m.LowConfidenceWordCount);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task AnyChunking_GivesTheSameResult(int chunk)
    {
        var whole = await Analyze("speakers.json");
        var trickled = await Analyzer.AnalyzeAsync(new Fixture.Trickle(Fixture.Bytes("speakers.json"), chunk));

        Assert.Equal(whole with { SpeakerTalkSeconds = whole.SpeakerTalkSeconds }, trickled with { SpeakerTalkSeconds = whole.SpeakerTalkSeconds });
        Assert.Equal(whole.SpeakerTalkSeconds, trickled.SpeakerTalkSeconds);
    }

    [Fact]
    public async Task Truncated_IsMalformedWithPosition()
    {
        var bytes = Fixture.Bytes("plain.json");
        var error = await Assert.ThrowsAsync<MalformedTranscriptException>(() => Analyzer.AnalyzeAsync(new MemoryStream(bytes[..(bytes.Length / 2)])));

        Assert.Contains("truncated at byte", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"results\": {\"items\": [ }")]
    [InlineData("not json")]
    [InlineData("{\"results\": {}} trailing")]
    public async Task InvalidJson_IsMalformed(string json)
    {
        var error = await Assert.ThrowsAsync<MalformedTranscriptException>(() => Analyzer.AnalyzeAsync(Fixture.Text(json)));

        Assert.Contains("byte", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"jobName\": \"x\"}", "no 'results'")]
    [InlineData("[1, 2]", "JSON array")]
    [InlineData("{\"results\": []}", "'results' is an array")]
    [InlineData("{\"results\": {\"items\": {}}}", "'results.items' is an object")]
    [InlineData("{\"results\": {\"items\": [{\"type\": \"pronunciation\", \"alternatives\": [{\"confidence\": \"high\", \"content\": \"a\"}]}]}}", "confidence' is 'high'")]
    [InlineData("{\"results\": {\"items\": [{\"type\": \"pronunciation\", \"alternatives\": [{\"confidence\": \"1.7\", \"content\": \"a\"}]}]}}", "between 0 and 1")]
    [InlineData("{\"results\": {\"items\": [{\"type\": \"pronunciation\", \"alternatives\": []}]}}", "no alternatives[0].confidence")]
    [InlineData("{\"results\": {\"items\": [{\"type\": \"pronunciation\", \"start_time\": \"Infinity\", \"alternatives\": [{\"confidence\": \"0.9\"}]}]}}", "start_time' is 'Infinity'")]
    [InlineData("{\"results\": {\"items\": [{\"type\": 1, \"alternatives\": []}]}}", "type' is Number; expected a string")]
    [InlineData("{\"results\": {\"items\": [{\"type\": \"pronunciation\", \"speaker_label\": null}]}}", "speaker_label' is Null")]
    [InlineData("{\"status\": 3, \"results\": {}}", "'status' is Number")]
    [InlineData("{\"status\": \"FAILED\", \"results\": {}}", "expected COMPLETED")]
    public async Task UnexpectedShape_NamesTheField(string json, string expected)
    {
        var error = await Assert.ThrowsAsync<UnexpectedTranscriptShapeException>(() => Analyzer.AnalyzeAsync(Fixture.Text(json)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverTheLimit_IsTooLargeWhileStreaming()
    {
        var small = new TranscriptAnalyzer(0.5, maxBytes: 100);

        var error = await Assert.ThrowsAsync<TranscriptTooLargeException>(() => small.AnalyzeAsync(Fixture.Stream("plain.json")));

        Assert.Contains("100 bytes", error.Message, StringComparison.Ordinal);
    }
}
