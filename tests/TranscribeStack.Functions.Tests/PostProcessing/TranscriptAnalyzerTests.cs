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
    public async Task Redacted_CountsRedactedItemsPerType()
    {
        var m = await Analyze("redacted.json");

        Assert.True(m.RedactedTranscript);
        Assert.True(m.PiiRedacted);
        Assert.Equal(2, m.PiiRedactedItemCount);
        Assert.Equal(new Dictionary<string, int> { ["NAME"] = 1, ["PHONE"] = 1 }, m.PiiRedactionsByType);
    }

    [Fact]
    public async Task RedactedCopyWithNothingFound_IsRedactedTranscriptWithoutPii()
    {
        var m = await Analyze("redacted-nothing.json");

        Assert.True(m.RedactedTranscript);
        Assert.False(m.PiiRedacted);
        Assert.Equal(0, m.PiiRedactedItemCount);
        Assert.Empty(m.PiiRedactionsByType);
        Assert.Equal(4, m.WordCount);
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
              {"type": "pronunciation", "start_time": "0.4", "end_time": "0.9",
               "alternatives": [{"confidence": "0.1", "content": "[PII]"}]}]}}
            """;

        var m = await Analyzer.AnalyzeAsync(Fixture.Text(Json));

        Assert.Equal(2, m.WordCount);
        Assert.Equal(0.9, m.MinConfidence);
        Assert.Equal(0, m.LowConfidenceWordCount);
    }

    [Theory]
    [InlineData("{\"results\": {\"items\": [{\"type\": \"pronunciation\", \"alternatives\": [{\"content\": \"[PII]\"}]}]}}", true)]
    [InlineData("{\"results\": {\"items\": [{\"type\": \"pronunciation\", \"alternatives\": [{\"content\": \"x\", \"redactions\": " +
        "[{\"category\": \"PII\"}]}]}]}}", true)]
    [InlineData("{\"isRedacted\": true, \"results\": {\"items\": []}}", false)]
    [InlineData("{\"results\": {\"items\": [{\"type\": \"pronunciation\", \"alternatives\": [{\"content\": \"x\", \"confidence\": " +
        "\"0.9\", \"redactions\": []}]}]}}", false)]
    public async Task PiiRedacted_OnlyWhenAnItemWasRedacted(string json, bool redacted)
    {
        var m = await Analyzer.AnalyzeAsync(Fixture.Text(json));

        Assert.Equal(redacted, m.PiiRedacted);
        Assert.Empty(m.PiiRedactionsByType);
    }

    [Fact]
    public async Task MultipleLanguages_ReportSecondsPerLanguage()
    {
        var m = await Analyze("language-id-multiple.json");

        Assert.Equal(new Dictionary<string, double> { ["en-US"] = 2.45, ["hi-IN"] = 5.325 }, m.LanguageSeconds);
        Assert.Null(m.LanguageCode);
        Assert.Null(m.IdentifiedLanguage);
        Assert.Equal(8, m.WordCount);
        Assert.Equal(1, m.LowConfidenceWordCount);
    }

    [Fact]
    public async Task FixedLanguage_RealOutputCarriesNoLanguage()
    {
        var m = await Analyze("fixed-language.json");

        Assert.Null(m.LanguageCode);
        Assert.Empty(m.LanguageSeconds);
        Assert.Equal(3, m.WordCount);
    }

    [Fact]
    public async Task Toxicity_CountsSegmentsAtTheThresholdAndTheHighestScorePerCategory()
    {
        var m = await new TranscriptAnalyzer(0.5, 1024 * 1024, toxicityThreshold: 0.7638).AnalyzeAsync(Fixture.Stream("toxicity.json"));

        var toxicity = Assert.IsType<ToxicitySummary>(m.Toxicity);
        Assert.Equal(3, toxicity.SegmentCount);
        Assert.Equal(2, toxicity.ToxicSegmentCount);
        Assert.Equal(0.7638, toxicity.Threshold);
        Assert.Equal(0.9816, toxicity.MaxToxicity);
        Assert.Equal(0.9913, toxicity.MaxByCategory["profanity"]);
        Assert.Equal(0.8811, toxicity.MaxByCategory["violence_or_threat"]);
        Assert.Equal(7, toxicity.MaxByCategory.Count);
    }

    [Fact]
    public async Task NoToxicityDetection_HasNoToxicity()
    {
        Assert.Null((await Analyze("plain.json")).Toxicity);
    }

    [Theory]
    [InlineData("content", "Hello")]
    [InlineData("transcript", "Hello world")]
    [InlineData("speaker_label", "spk_0")]
    [InlineData("jobName", "transcribestack")]
    public async Task InvalidUtf8_IsMalformed(string where, string text)
    {
        // A byte that never occurs in UTF-8, inside a string the analyzer reads or skips.
        var bytes = Fixture.Bytes(where == "speaker_label" ? "speakers.json" : "plain.json");
        var at = System.Text.Encoding.UTF8.GetString(bytes).IndexOf(text, StringComparison.Ordinal);
        Assert.True(at > 0, text);
        bytes[at + 1] = 0xFF;

        var error = await Assert.ThrowsAsync<MalformedTranscriptException>(() => Analyzer.AnalyzeAsync(new MemoryStream(bytes)));

        Assert.Contains("not valid UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"results\": {\"items\": [{\"type\": \"pronunciation\", \"alternatives\": [{\"confidence\": \"0.9\", \"content\": " +
        "\"a\\uD800b\"}]}]}}")]
    [InlineData("{\"results\": {\"items\": [{\"type\": \"pronunciation\", \"speaker_label\": \"\\uDC00\", \"alternatives\": " +
        "[{\"confidence\": \"0.9\"}]}]}}")]
    [InlineData("{\"status\": \"\\uD800\", \"results\": {}}")]
    public async Task EscapedLoneSurrogate_IsMalformedOrReadAsText(string json)
    {
        // Valid JSON escapes that are no text: refused as malformed where read; never any other error.
        var error = await Record.ExceptionAsync(() => Analyzer.AnalyzeAsync(Fixture.Text(json)));

        Assert.True(error is null or MalformedTranscriptException, error?.ToString());
    }

    [Fact]
    public async Task TooManyDistinctLabels_IsAnUnexpectedShape()
    {
        var items = string.Join(",", Enumerable.Range(0, TranscriptAnalyzer.MaxDistinctLabels + 1).Select(i =>
            $$"""{"type": "pronunciation", "speaker_label": "spk_{{i}}", "alternatives": [{"confidence": "0.9", "content": "a"}]}"""));

        var json = "{\"results\": {\"items\": [" + items + "]}}";

        var error = await Assert.ThrowsAsync<UnexpectedTranscriptShapeException>(() => Analyzer.AnalyzeAsync(Fixture.Text(json)));

        Assert.Contains("more than 256 distinct values", error.Message, StringComparison.Ordinal);
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

        Assert.Equal(Fixture.Describe(whole), Fixture.Describe(trickled));
        Assert.Equal(whole.SpeakerTalkSeconds, trickled.SpeakerTalkSeconds);
    }

    [Fact]
    public async Task Truncated_IsMalformedWithPosition()
    {
        var bytes = Fixture.Bytes("plain.json");
        var error = await Assert.ThrowsAsync<MalformedTranscriptException>(() =>
            Analyzer.AnalyzeAsync(new MemoryStream(bytes[..(bytes.Length / 2)])));

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
    [InlineData("{\"results\": {\"items\": [{\"type\": \"pronunciation\", \"alternatives\": [{\"confidence\": \"high\", \"content\": " +
        "\"a\"}]}]}}", "confidence' is 'high'")]
    [InlineData("{\"results\": {\"items\": [{\"type\": \"pronunciation\", \"alternatives\": [{\"confidence\": \"1.7\", \"content\": " +
        "\"a\"}]}]}}", "between 0 and 1")]
    [InlineData("{\"results\": {\"items\": [{\"type\": \"pronunciation\", \"alternatives\": []}]}}", "no alternatives[0].confidence")]
    [InlineData("{\"results\": {\"items\": [{\"type\": \"pronunciation\", \"start_time\": \"Infinity\", \"alternatives\": " +
        "[{\"confidence\": \"0.9\"}]}]}}", "start_time' is 'Infinity'")]
    [InlineData("{\"results\": {\"items\": [{\"type\": 1, \"alternatives\": []}]}}", "type' is Number; expected a string")]
    [InlineData("{\"results\": {\"items\": [{\"type\": \"pronunciation\", \"speaker_label\": null}]}}", "speaker_label' is Null")]
    [InlineData("{\"status\": 3, \"results\": {}}", "'status' is Number")]
    [InlineData("{\"status\": \"FAILED\", \"results\": {}}", "expected COMPLETED")]
    [InlineData("{\"results\": {\"toxicity_detection\": [{\"toxicity\": \"high\"}]}}", "toxicity' is 'high'")]
    [InlineData("{\"results\": {\"toxicity_detection\": [{\"toxicity\": 1.5}]}}", "between 0 and 1")]
    [InlineData("{\"results\": {\"toxicity_detection\": [{\"text\": \"x\"}]}}", "has no toxicity")]
    [InlineData("{\"results\": {\"toxicity_detection\": [{\"toxicity\": 0.1, \"categories\": {\"insult\": {}}}]}}",
        "categories' is an object")]
    [InlineData("{\"results\": {\"toxicity_detection\": {}}}", "'results.toxicity_detection' is an object")]
    [InlineData("{\"results\": {\"language_codes\": [{\"language_code\": \"en-US\"}]}}", "lacks its language_code or duration_in_seconds")]
    [InlineData("{\"results\": {\"language_codes\": [{\"language_code\": \"en-US\", \"duration_in_seconds\": -1}]}}", "0 or more")]
    [InlineData("{\"results\": {\"items\": [{\"type\": \"pronunciation\", \"alternatives\": [{\"content\": \"[PII]\", \"redactions\": " +
        "[{\"type\": 7}]}]}]}}", "redactions[].type' is Number")]
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
