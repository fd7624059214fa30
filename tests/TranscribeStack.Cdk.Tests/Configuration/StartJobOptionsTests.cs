using TranscribeStack.Cdk.Configuration;

namespace TranscribeStack.Cdk.Tests.Configuration;

/// <summary>
/// The options declared with [StartJobParameter]: how they are rendered into the StartTranscriptionJob request
/// (the synthesized requests of every environment and settings file are compared in the workflow's template tests).
/// </summary>
public sealed class StartJobOptionsTests
{
    private static readonly TranscribeSettings EnglishOnly = new() { LanguageCode = "en-US" };

    [Fact]
    public void Options_EachHasItsOwnPath()
    {
        var paths = StartJobOptions.All.Select(o => o.Path).ToList();

        Assert.Equal(paths.Count, paths.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Options_WhenNamesABooleanOfTheSettings()
    {
        Assert.All(StartJobOptions.All.Where(o => o.Parameter.When is not null), o =>
            Assert.Equal(typeof(bool), typeof(TranscribeSettings).GetProperty(o.Parameter.When!)?.PropertyType));
    }

    [Fact]
    public void Render_DefaultsAndFalse_AreLeftOut()
    {
        // MaxSpeakerLabels, VocabularyFilterMethod and PiiRedactionOutput have defaults, but their companions are off.
        var request = new Dictionary<string, object>();

        StartJobOptions.Render(EnglishOnly, request);

        Assert.Equal(["LanguageCode"], request.Keys);
    }

    [Fact]
    public void Render_AWhenMember_IsSentWithItsCompanion()
    {
        var request = new Dictionary<string, object>();

        StartJobOptions.Render(EnglishOnly with { ShowSpeakerLabels = true, MaxSpeakerLabels = 7 }, request);

        var settings = Assert.IsType<Dictionary<string, object>>(request["Settings"]);
        Assert.Equal(true, settings["ShowSpeakerLabels"]);
        Assert.Equal(7, settings["MaxSpeakerLabels"]);
    }

    [Fact]
    public void Render_ATrueBoolWithJson_SendsTheJson()
    {
        var request = new Dictionary<string, object>();

        StartJobOptions.Render(EnglishOnly with { PiiRedaction = true }, request);

        var redaction = Assert.IsType<Dictionary<string, object>>(request["ContentRedaction"]);
        Assert.Equal("PII", redaction["RedactionType"]);
        Assert.Equal("redacted", redaction["RedactionOutput"]);
        Assert.False(redaction.ContainsKey("PiiEntityTypes"), "no types listed: every type is redacted");
    }

    [Fact]
    public void Ranges_AValueOutsideTheAttributesRange_IsRefusedUnderItsKey()
    {
        var problems = (EnvironmentCatalog.Dev with { Transcribe = EnvironmentCatalog.Dev.Transcribe with { MaxSpeakerLabels = 31 } })
            .Validate();

        Assert.Contains(problems,
            p => p.StartsWith("'transcribe.maxSpeakerLabels' = '31': must be between 2 and 30", StringComparison.Ordinal));
    }
}
