namespace TranscribeStack.Cdk.Security;

/// <summary>One acknowledged cdk-nag finding and why it does not apply.</summary>
/// <param name="RuleId">The rule, e.g. AwsSolutions-S1 or NIST.800.53.R5-S3BucketReplicationEnabled.</param>
/// <param name="Reason">Why the finding is accepted here (cdk-nag wants at least 10 characters).</param>
public sealed record NagAcknowledgement(string RuleId, string Reason);

/// <summary>
/// Writes acknowledgements as the standard <c>cdk_nag.rules_to_suppress</c> template metadata of a
/// resource, which the cdk-nag check (tests/nag) reads from the synthesized template. C# cannot use
/// the cdk-nag NuGet package here (not served), so the metadata is written directly.
/// </summary>
public static class NagAcknowledgements
{
    private const string MetadataKey = "cdk_nag";

    /// <summary>
    /// Adds acknowledgements to the CloudFormation resource behind <paramref name="construct"/>. A rule
    /// acknowledged again on the same resource (two grants on one role's policy, say) gets one entry
    /// whose reason joins both: cdk-nag takes the first matching entry and would leave the second stale.
    /// </summary>
    public static void Acknowledge(IConstruct construct, params NagAcknowledgement[] acknowledgements)
    {
        ArgumentNullException.ThrowIfNull(construct);
        var resource = construct as CfnResource ?? construct.Node.DefaultChild as CfnResource
            ?? throw new ArgumentException($"{construct.Node.Path} has no CloudFormation resource to acknowledge findings on",
                nameof(construct));
        var reasons = new List<KeyValuePair<string, string>>();
        if (resource.GetMetadata(MetadataKey) is IDictionary<string, object> current
            && current.TryGetValue("rules_to_suppress", out var rules) && rules is object[] array)
        {
            reasons.AddRange(
                array.Cast<IDictionary<string, object>>().Select(
                    r => new KeyValuePair<string, string>((string)r["id"], (string)r["reason"])));
        }

        foreach (var acknowledgement in acknowledgements)
        {
            var index = reasons.FindIndex(r => r.Key == acknowledgement.RuleId);
            if (index < 0)
            {
                reasons.Add(new KeyValuePair<string, string>(acknowledgement.RuleId, acknowledgement.Reason));
            }
            else if (!reasons[index].Value.Contains(acknowledgement.Reason, StringComparison.Ordinal))
            {
                reasons[index] = new KeyValuePair<string, string>(acknowledgement.RuleId,
                    $"{reasons[index].Value} {acknowledgement.Reason}");
            }
        }

        resource.AddMetadata(MetadataKey, new Dictionary<string, object>
        {
            ["rules_to_suppress"] = reasons.Select(
                r => (object)new Dictionary<string, object> { ["id"] = r.Key, ["reason"] = r.Value }).ToArray(),
        });
    }

    /// <summary>One reason for several rules (the same finding in several rule packs).</summary>
    public static void AcknowledgeAll(IConstruct construct, string reason, params string[] rules) =>
        Acknowledge(construct, rules.Select(rule => new NagAcknowledgement(rule, reason)).ToArray());

    /// <summary>The role's default policy, where grants put its statements (and cdk-nag reports them).</summary>
    public static IConstruct DefaultPolicy(IRole role)
    {
        ArgumentNullException.ThrowIfNull(role);
        return role.Node.TryFindChild("DefaultPolicy")
            ?? throw new InvalidOperationException($"{role.Node.Path} has no default policy yet: acknowledge after its first grant.");
    }

    /// <summary>
    /// A role's policy is created with the role, for it alone (the CDK grant model): HIPAA, NIST and
    /// PCI ask for managed policies instead, which could be attached to other principals.
    /// </summary>
    public static void AcknowledgeInlinePolicy(IRole role) =>
        AcknowledgeAll(
            DefaultPolicy(role),
            "A role-specific policy created with its one role (the CDK grant model): a customer-managed policy could be attached to other "
            + "principals, which least privilege avoids.",
            "HIPAA.Security-IAMNoInlinePolicy",
            "NIST.800.53.R5-IAMNoInlinePolicy",
            "PCI.DSS.321-IAMNoInlinePolicy");
}
