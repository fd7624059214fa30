namespace TranscribeStack.Cdk.Configuration;

/// <summary>
/// Turns the raw context (from Program.cs: <c>-c key=value</c> or cdk.json) and the CLI's
/// default account/region into <see cref="ValidatedSettings"/>: the environment's catalog
/// settings, then a settings file's values (<c>-c settingsFile=config/prod.json</c>), then the context's
/// account, region and alarm e-mail.
/// </summary>
public static class SettingsResolver
{
    /// <summary>The context keys the app reads; anything else in the context is ignored by the app.</summary>
    public static IReadOnlyList<string> ContextKeys { get; } = ["env", "settingsFile", "account", "region", "alarmEmail"];

    /// <param name="context">Values of <see cref="ContextKeys"/>; a missing or empty key is absent.</param>
    /// <param name="defaultAccount">CDK_DEFAULT_ACCOUNT, set by the CLI when credentials are available.</param>
    /// <param name="defaultRegion">CDK_DEFAULT_REGION, set by the CLI when a region is configured.</param>
    public static ValidatedSettings Resolve(IReadOnlyDictionary<string, string?> context, string? defaultAccount = null,
        string? defaultRegion = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = Value(context, "env") ?? EnvironmentCatalog.DefaultName;
        var settings = EnvironmentCatalog.Get(name);

        var file = Value(context, "settingsFile");
        if (file is not null)
        {
            settings = SettingsOverrides.Apply(settings, ReadSettingsFile(file), file);
        }

        settings = settings with
        {
            Account = Value(context, "account") ?? settings.Account ?? NullIfEmpty(defaultAccount),
            Region = Value(context, "region") ?? settings.Region ?? NullIfEmpty(defaultRegion),
        };

        if (Value(context, "alarmEmail") is { } email)
        {
            settings = settings with { Alarms = settings.Alarms with { Email = email } };
        }

        return settings.EnsureValid(file);
    }

    /// <summary>The file's text; a path relative to the working directory (the CLI runs the app from the folder of cdk.json).</summary>
    private static string ReadSettingsFile(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            return File.ReadAllText(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidSettingsException(
                $"Settings file '{path}' (context key 'settingsFile') cannot be read: {e.Message} Give a JSON file such as "
                + $"config/example.prod.json, relative to {Directory.GetCurrentDirectory()}.", e);
        }
    }

    private static string? Value(IReadOnlyDictionary<string, string?> context, string key) =>
        context.TryGetValue(key, out var value) ? NullIfEmpty(value?.Trim()) : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
