namespace TranscribeStack.Cdk.Tests.Security;

[Collection(SynthesizedStacksCollection.Name)]
public sealed class NagAcknowledgementTests(SynthesizedStacks stacks)
{
    [Fact]
    public void Acknowledgements_AreWrittenAsCdkNagTemplateMetadata()
    {
        stacks["dev"].Only(LogicalIds.AccessLogBucket).HasResource("AWS::S3::Bucket", new ObjectDict
        {
            ["Metadata"] = new ObjectDict
            {
                ["cdk_nag"] = new ObjectDict
                {
                    ["rules_to_suppress"] = Match.ArrayWith(
                    [
                        new ObjectDict
                        {
                            ["id"] = "NIST.800.53.R5-S3DefaultEncryptionKMS",
                            ["reason"] = Match.StringLikeRegexp("log delivery supports only SSE-S3"),
                        },
                    ]),
                },
            },
        });
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Acknowledgements_EachHaveARealReason(string environment)
    {
        var rules = stacks[environment].Resources
            .SelectMany(r => r.Value?["Metadata"]?["cdk_nag"]?["rules_to_suppress"]?.AsArray() ?? []);

        Assert.NotEmpty(rules);
        Assert.All(rules, r => Assert.True(r?["reason"]?.GetValue<string>().Length >= 20, r?.ToJsonString()));
    }
}
