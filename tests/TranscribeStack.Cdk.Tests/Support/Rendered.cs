using System.Text.RegularExpressions;

namespace TranscribeStack.Cdk.Tests.Support;

/// <summary>
/// Renders CloudFormation intrinsics to plain strings so statements can be compared and matched:
/// <c>Ref X</c> -> <c>ref:X</c>, <c>GetAtt X.Arn</c> -> <c>arn:X</c>, pseudo parameters to fixed values.
/// </summary>
internal static class Rendered
{
    public const string Account = "123456789012";
    public const string Region = "us-east-1";

    public static string Text(JsonNode? node) => node switch
    {
        null => string.Empty,
        JsonValue value => value.ToString(),
        JsonObject o when o.ContainsKey("Ref") => o["Ref"]!.GetValue<string>() switch
        {
            "AWS::Partition" => "aws",
            "AWS::Region" => Region,
            "AWS::AccountId" => Account,
            "AWS::StackName" => "STACK",
            "AWS::URLSuffix" => "amazonaws.com",
            var name => "ref:" + name,
        },
        JsonObject o when o.ContainsKey("Fn::GetAtt") =>
            $"{Attribute(o["Fn::GetAtt"]!.AsArray())}:{o["Fn::GetAtt"]![0]!.GetValue<string>()}",
        JsonObject o when o.ContainsKey("Fn::Join") => string.Join(
            o["Fn::Join"]![0]!.GetValue<string>(),
            o["Fn::Join"]![1]!.AsArray().Select(Text)),
        _ => throw new NotSupportedException("Unexpected intrinsic: " + node.ToJsonString()),
    };

    /// <summary>A value that may be a single item or a list, as a list of rendered strings.</summary>
    public static IReadOnlyList<string> List(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => array.Select(Text).ToList(),
        _ => [Text(node)],
    };

    /// <summary>Wildcard match (* and ?); IAM matches actions ignoring case, resources and EventBridge wildcards with it.</summary>
    public static bool Matches(string pattern, string value, bool ignoreCase = true) =>
        Regex.IsMatch(
            value,
            "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None,
            TimeSpan.FromSeconds(1));

    private static string Attribute(JsonArray getAtt) => getAtt[1]!.GetValue<string>().ToLowerInvariant();
}
