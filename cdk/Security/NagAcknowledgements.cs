using Amazon.CDK;
using Constructs;

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

    /// <summary>Adds acknowledgements to the CloudFormation resource behind <paramref name="construct"/>.</summary>
    public static void Acknowledge(IConstruct construct, params NagAcknowledgement[] acknowledgements)
    {
        ArgumentNullException.ThrowIfNull(construct);
        var resource = construct as CfnResource ?? construct.Node.DefaultChild as CfnResource
            ?? throw new ArgumentException($"{construct.Node.Path} has no CloudFormation resource to acknowledge findings on", nameof(construct));
        var existing = resource.GetMetadata(MetadataKey) is IDictionary<string, object> current && current.TryGetValue("rules_to_suppress", out var rules) && rules is object[] array
            ? array.ToList()
            : [];
        existing.AddRange(acknowledgements.Select(a => (object)new Dictionary<string, object> { ["id"] = a.RuleId, ["reason"] = a.Reason }));
        resource.AddMetadata(MetadataKey, new Dictionary<string, object> { ["rules_to_suppress"] = existing.ToArray() });
    }
}
