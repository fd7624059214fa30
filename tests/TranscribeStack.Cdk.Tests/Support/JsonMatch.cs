namespace TranscribeStack.Cdk.Tests.Support;

/// <summary>
/// CDK's matchers applied to JSON that is not a template resource (the state machine's definition),
/// failing with the same mismatch report as <see cref="Template.HasResourceProperties"/>.
/// </summary>
internal static class JsonMatch
{
    public static void AssertMatches(Matcher pattern, JsonNode actual, string what)
    {
        var result = pattern.Test(Plain(actual)!);
        if (result.HasFailed())
        {
            Assert.Fail($"{what} does not match:{System.Environment.NewLine}{result.RenderMismatch()}");
        }
    }

    /// <summary>The JSON as dictionaries, arrays and primitives: what jsii passes to the matcher.</summary>
    private static object? Plain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => Plain(p.Value)),
        JsonArray a => a.Select(Plain).ToArray(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number => v.GetValue<double>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        },
        _ => throw new NotSupportedException(node.ToJsonString()),
    };
}
