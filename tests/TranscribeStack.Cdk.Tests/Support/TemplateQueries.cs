namespace TranscribeStack.Cdk.Tests.Support;

/// <summary>
/// IAM statements of a synthesized template, rendered (<see cref="Statement"/>), for assertions about what
/// a policy allows; resource properties are asserted with the template's own API (<c>Template</c>, <c>Only</c>).
/// </summary>
internal static class TemplateQueries
{
    private const string ManagedPolicy = "AWS::IAM::ManagedPolicy";

    public static JsonObject Properties(this SynthesizedStack stack, string logicalId) =>
        stack.Resources[logicalId]?["Properties"]?.AsObject() ?? throw new KeyNotFoundException($"No properties of '{logicalId}'");

    /// <summary>Every statement of the identity policies attached to the role.</summary>
    public static IReadOnlyList<Statement> RoleStatements(this SynthesizedStack stack, string roleLogicalId)
    {
        var role = stack.Properties(roleLogicalId);
        Assert.Null(role["ManagedPolicyArns"]);
        var inline = InlinePolicies(role);
        var attached = stack.ResourcesOfType("AWS::IAM::Policy").Values
            .Select(p => p["Properties"])
            .Where(p => Rendered.List(p?["Roles"]).Contains("ref:" + roleLogicalId))
            .Select(p => p?["PolicyDocument"]);
        return inline.Concat(attached).SelectMany(StatementsOf).ToList();
    }

    /// <summary>
    /// The queue's one Allow statement: EventBridge may send (sqs:SendMessage) only for the rule (aws:SourceArn).
    /// The assertions about it that differ by queue (its resource) are the caller's.
    /// </summary>
    public static Statement QueueAllowsOnlyTheRule(this SynthesizedStack stack, string queueLogicalId, string ruleLogicalId)
    {
        var allow = Assert.Single(stack.QueuePolicyStatements(queueLogicalId), s => s.IsAllow);
        Assert.Equal(["events.amazonaws.com"], allow.ServicePrincipals);
        Assert.Equal(["sqs:SendMessage"], allow.Actions);
        Assert.Equal("arn:" + ruleLogicalId, allow.Condition("ArnEquals", "aws:SourceArn"));
        return allow;
    }

    /// <summary>Every statement of a customer-managed policy (AWS::IAM::ManagedPolicy).</summary>
    public static IReadOnlyList<Statement> ManagedPolicyStatements(this SynthesizedStack stack, string policyLogicalId) =>
        StatementsOf(stack.Properties(policyLogicalId)["PolicyDocument"]);

    public static IReadOnlyList<Statement> TrustStatements(this SynthesizedStack stack, string roleLogicalId) =>
        StatementsOf(stack.Properties(roleLogicalId)["AssumeRolePolicyDocument"]);

    public static IReadOnlyList<Statement> KeyPolicyStatements(this SynthesizedStack stack, string keyLogicalId) =>
        StatementsOf(stack.Properties(keyLogicalId)["KeyPolicy"]);

    public static IReadOnlyList<Statement> BucketPolicyStatements(this SynthesizedStack stack, string bucketLogicalId) =>
        stack.ResourcePolicyStatements("AWS::S3::BucketPolicy", "Bucket", bucketLogicalId);

    public static IReadOnlyList<Statement> QueuePolicyStatements(this SynthesizedStack stack, string queueLogicalId) =>
        stack.ResourcePolicyStatements("AWS::SQS::QueuePolicy", "Queues", queueLogicalId);

    public static IReadOnlyList<Statement> TopicPolicyStatements(this SynthesizedStack stack, string topicLogicalId) =>
        stack.ResourcePolicyStatements("AWS::SNS::TopicPolicy", "Topics", topicLogicalId);

    /// <summary>Every identity-policy statement of the template (inline, attached and customer-managed), with its owner's logical
    /// id.</summary>
    public static IEnumerable<(string Owner, Statement Statement)> AllIdentityStatements(this SynthesizedStack stack) =>
        stack.ResourcesOfType("AWS::IAM::Policy").Concat(stack.ResourcesOfType(ManagedPolicy))
            .SelectMany(p => StatementsOf(p.Value["Properties"]?["PolicyDocument"]).Select(s => (p.Key, s)))
            .Concat(stack.ResourcesOfType("AWS::IAM::Role")
                .SelectMany(r => InlinePolicies(r.Value["Properties"]).SelectMany(StatementsOf).Select(s => (r.Key, s))));

    /// <summary>Every resource-policy statement (buckets, queues, topics, key), with its owner's logical id.</summary>
    public static IEnumerable<(string Owner, Statement Statement)> AllResourceStatements(this SynthesizedStack stack) =>
        stack.Resources
            .Where(r => r.Value?["Type"]?.GetValue<string>() is not ("AWS::IAM::Policy" or ManagedPolicy))
            .SelectMany(r => new[] { r.Value?["Properties"]?["PolicyDocument"], r.Value?["Properties"]?["KeyPolicy"] }
                .SelectMany(StatementsOf)
                .Select(s => (r.Key, s)));

    /// <summary>Whether any allow statement of <paramref name="statements"/> names the action on the resource.</summary>
    public static bool Allows(this IEnumerable<Statement> statements, string action, string resource) =>
        statements.Any(s => s.IsAllow && s.Covers(action, resource));

    /// <summary>The statements of the policies of <paramref name="type"/> whose <paramref name="target"/> names the resource.</summary>
    private static IReadOnlyList<Statement> ResourcePolicyStatements(this SynthesizedStack stack, string type, string target,
        string logicalId) =>
        stack.ResourcesOfType(type).Values
            .Select(p => p["Properties"])
            .Where(p => Rendered.List(p?[target]).Contains("ref:" + logicalId))
            .SelectMany(p => StatementsOf(p?["PolicyDocument"]))
            .ToList();

    private static IEnumerable<JsonNode?> InlinePolicies(JsonNode? roleProperties) =>
        (roleProperties?["Policies"]?.AsArray() ?? []).Select(p => p?["PolicyDocument"]);

    private static IReadOnlyList<Statement> StatementsOf(JsonNode? document) =>
        (document?["Statement"]?.AsArray() ?? []).Select(s => new Statement(s!.AsObject())).ToList();
}
