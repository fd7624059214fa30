namespace TranscribeStack.Cdk.Configuration;

/// <summary>
/// An environment's settings that passed <see cref="EnvironmentSettings.Validate"/>: the only form the
/// stack accepts, and only <see cref="EnvironmentSettings.EnsureValid"/> makes one, so settings nobody
/// validated (a catalog entry changed with <c>with</c>, say) cannot reach a construct.
/// </summary>
public sealed class ValidatedSettings
{
    private ValidatedSettings(EnvironmentSettings value) => Value = value;

    public EnvironmentSettings Value { get; }

    /// <summary>Validates <paramref name="settings"/>, or throws <see cref="InvalidSettingsException"/> listing every problem.</summary>
    /// <param name="source">Where values came from besides the catalog (a settings file), named in the message.</param>
    internal static ValidatedSettings Of(EnvironmentSettings settings, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var problems = settings.Validate();
        return problems.Count == 0
            ? new ValidatedSettings(settings)
            : throw new InvalidSettingsException(
                source is null ? "Invalid TranscribeStack settings:"
                    : $"Invalid TranscribeStack settings ({settings.Name}, with {source}):",
                problems);
    }
}
