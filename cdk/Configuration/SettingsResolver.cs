namespace TranscribeStack.Cdk.Configuration;

/// <summary>
/// Turns the raw context (from Program.cs: <c>-c key=value</c> or cdk.json) and the CLI's
/// default account/region into validated <see cref="EnvironmentSettings"/>.
/// </summary>
public static class SettingsResolver
{
    /// <summary>The context keys the app reads; anything else in the context is ignored by the app.</summary>
    public static IReadOnlyList<string> ContextKeys { get; } = ["env", "account", "region", "alarmEmail"];

    /// <param name="context">Values of <see cref="ContextKeys"/>; a missing or empty key is absent.</param>
    /// <param name="defaultAccount">CDK_DEFAULT_ACCOUNT, set by the CLI when credentials are available.</param>
    /// <param name="defaultRegion">CDK_DEFAULT_REGION, set by the CLI when a region is configured.</param>
    public static ValidatedSettings Resolve(IReadOnlyDictionary<string, string?> context, string? defaultAccount = null, string? defaultRegion = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = Value(context, "env") ?? EnvironmentCatalog.DefaultName;
        var settings = EnvironmentCatalog.Get(name) with
        {
            Account = Value(context, "account") ?? NullIfEmpty(defaultAccount),
            Region = Value(context, "region") ?? NullIfEmpty(defaultRegion),
        };

        if (Value(context, "alarmEmail") is { } email)
        {
            settings = settings with { Alarms = settings.Alarms with { Email = email } };
        }

        return settings.EnsureValid();
    }

    private static string? Value(IReadOnlyDictionary<string, string?> context, string key) =>
        context.TryGetValue(key, out var value) ? NullIfEmpty(value?.Trim()) : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
