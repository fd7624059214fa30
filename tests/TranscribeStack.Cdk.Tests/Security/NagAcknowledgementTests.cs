using TranscribeStack.Cdk.Tests.Support;

namespace TranscribeStack.Cdk.Tests.Security;

[Collection(SynthesizedStacksCollection.Name)]
public sealed class NagAcknowledgementTests(SynthesizedStacks stacks)
{
    [Fact]
    public void Acknowledgements_AreWrittenAsCdkNagTemplateMetadata()
    {
        var metadata = stacks["dev"].Resources[LogicalIds.AccessLogBucket]!["Metadata"]!["cdk_nag"]!["rules_to_suppress"]!.AsArray();

        Assert.Contains(metadata, r => r!["id"]!.GetValue<string>() == "NIST.800.53.R5-S3DefaultEncryptionKMS" && r["reason"]!.GetValue<string>().Contains("log delivery supports only SSE-S3", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Acknowledgements_EachHaveARealReason(string environment)
    {
        var rules = stacks[environment].Resources
            .SelectMany(r => r.Value!["Metadata"]?["cdk_nag"]?["rules_to_suppress"]?.AsArray() ?? []);

        Assert.NotEmpty(rules);
        Assert.All(rules, r => Assert.True(r!["reason"]!.GetValue<string>().Length >= 20, r.ToJsonString()));
    }
}
