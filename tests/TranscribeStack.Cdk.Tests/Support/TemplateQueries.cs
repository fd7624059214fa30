using System.Text.Json.Nodes;

namespace TranscribeStack.Cdk.Tests.Support;

/// <summary>Finds resources and IAM statements in a synthesized template.</summary>
internal static class TemplateQueries
{
    /// <summary>The single logical id of a type whose id starts with <paramref name="prefix"/>.</summary>
    public static string LogicalId(this SynthesizedStack stack, string type, string prefix) =>
        Assert.Single(stack.ResourcesOfType(type).Keys, id => id.StartsWith(prefix, StringComparison.Ordinal));

    public static JsonObject Properties(this SynthesizedStack stack, string logicalId) =>
        stack.Resources[logicalId]!["Properties"]!.AsObject();

    /// <summary>Every statement of the identity policies attached to the role.</summary>
    public static IReadOnlyList<Statement> RoleStatements(this SynthesizedStack stack, string roleLogicalId)
    {
        var inline = stack.Properties(roleLogicalId)["Policies"]?.AsArray()
            .SelectMany(p => p!["PolicyDocument"]!["Statement"]!.AsArray()) ?? [];
        var attached = stack.ResourcesOfType("AWS::IAM::Policy").Values
            .Where(p => p["Properties"]!["Roles"]!.AsArray().Any(r => r!["Ref"]?.GetValue<string>() == roleLogicalId))
            .SelectMany(p => p["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray());
        Assert.Null(stack.Properties(roleLogicalId)["ManagedPolicyArns"]);
        return inline.Concat(attached).Select(s => new Statement(s!.AsObject())).ToList();
    }

    public static IReadOnlyList<Statement> TrustStatements(this SynthesizedStack stack, string roleLogicalId) =>
        stack.Properties(roleLogicalId)["AssumeRolePolicyDocument"]!["Statement"]!.AsArray()
            .Select(s => new Statement(s!.AsObject())).ToList();

    public static IReadOnlyList<Statement> BucketPolicyStatements(this SynthesizedStack stack, string bucketLogicalId) =>
        stack.ResourcesOfType("AWS::S3::BucketPolicy").Values
            .Where(p => p["Properties"]!["Bucket"]!["Ref"]?.GetValue<string>() == bucketLogicalId)
            .SelectMany(p => p["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray())
            .Select(s => new Statement(s!.AsObject())).ToList();

    public static IReadOnlyList<Statement> KeyPolicyStatements(this SynthesizedStack stack, string keyLogicalId) =>
        stack.Properties(keyLogicalId)["KeyPolicy"]!["Statement"]!.AsArray()
            .Select(s => new Statement(s!.AsObject())).ToList();

    /// <summary>Every identity-policy statement of the template (inline and attached).</summary>
    public static IEnumerable<(string Owner, Statement Statement)> AllIdentityStatements(this SynthesizedStack stack) =>
        stack.ResourcesOfType("AWS::IAM::Policy")
            .SelectMany(p => p.Value["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray().Select(s => (p.Key, new Statement(s!.AsObject()))))
            .Concat(stack.ResourcesOfType("AWS::IAM::Role")
                .SelectMany(r => (r.Value["Properties"]!["Policies"]?.AsArray() ?? [])
                    .SelectMany(p => p!["PolicyDocument"]!["Statement"]!.AsArray().Select(s => (r.Key, new Statement(s!.AsObject()))))));

    /// <summary>Every resource-policy statement (buckets, queues, topics, key).</summary>
    public static IEnumerable<(string Owner, Statement Statement)> AllResourceStatements(this SynthesizedStack stack) =>
        stack.Resources
            .Where(r => r.Value!["Type"]!.GetValue<string>() != "AWS::IAM::Policy")
            .Select(r => (r.Key, Props: r.Value!["Properties"]))
            .SelectMany(r => new[] { r.Props?["PolicyDocument"], r.Props?["KeyPolicy"] }
                .Where(d => d is not null)
                .SelectMany(d => d!["Statement"]!.AsArray().Select(s => (r.Key, new Statement(s!.AsObject())))));

    /// <summary>Whether any allow statement of <paramref name="statements"/> names the action on the resource.</summary>
    public static bool Allows(this IEnumerable<Statement> statements, string action, string resource) =>
        statements.Any(s => s.IsAllow && s.Covers(action, resource));
}
