namespace TranscribeStack.Cdk.Configuration;

/// <summary>
/// The inclusive range of a whole-number setting: the validation refuses a value outside it, the settings file's
/// JSON Schema states it, and Transcribe's stand-in in the test kit (through contracts/transcribe-facts.json) refuses
/// a request member outside it, so the range is written once.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SettingRangeAttribute(long minimum, long maximum) : Attribute
{
    public long Minimum { get; } = minimum;

    public long Maximum { get; } = maximum;
}
