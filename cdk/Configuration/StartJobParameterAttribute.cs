namespace TranscribeStack.Cdk.Configuration;

/// <summary>
/// Names the member of the StartTranscriptionJob request a Transcribe setting is sent as, by its path in the request
/// (<c>Settings.ShowSpeakerLabels</c>). <see cref="StartJobOptions"/> renders every such setting the same way: true,
/// a value, a list or a map is sent; false, null, an empty list or map is left out.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class StartJobParameterAttribute(string path) : Attribute
{
    public string Path { get; } = path;

    /// <summary>The name of a boolean property of the settings: the member is sent only while it is true.</summary>
    public string? When { get; set; }

    /// <summary>For a boolean setting: the JSON sent when it is true (instead of true itself).</summary>
    public string? Json { get; set; }
}
