namespace TranscribeStack.Cdk.Tests.Security;

[Collection(SynthesizedStacksCollection.Name)]
public sealed class MetadataTableTests(SynthesizedStacks stacks)
{
    private const string Table = "AWS::DynamoDB::Table";

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Table_IsOnDemandWithPointInTimeRecoveryAndPipelineKey(string environment)
    {
        stacks[environment].Only(LogicalIds.Table).HasResourceProperties(Table, new ObjectDict
        {
            ["BillingMode"] = "PAY_PER_REQUEST",
            ["PointInTimeRecoverySpecification"] = new ObjectDict { ["PointInTimeRecoveryEnabled"] = true },
            ["SSESpecification"] = new ObjectDict
            {
                ["SSEEnabled"] = true,
                ["SSEType"] = "KMS",
                ["KMSMasterKeyId"] = Cfn.Arn(LogicalIds.Key),
            },
        });
    }

    [Fact]
    public void Table_KeyDesign_OneItemPerJobAndStatusIndex()
    {
        stacks["dev"].Only(LogicalIds.Table).HasResourceProperties(Table, new ObjectDict
        {
            ["KeySchema"] = new[] { KeyPart("jobName", "HASH") },
            ["GlobalSecondaryIndexes"] = new[]
            {
                new ObjectDict
                {
                    ["IndexName"] = "byStatus",
                    ["KeySchema"] = new[] { KeyPart("status", "HASH"), KeyPart("updatedAt", "RANGE") },
                },
            },
        });
    }

    [Theory]
    [InlineData("dev", false, "Delete")]
    [InlineData("staging", false, "Retain")]
    [InlineData("prod", true, "Retain")]
    public void Table_Protection_FollowsSettings(string environment, bool deletionProtection, string deletionPolicy)
    {
        stacks[environment].Only(LogicalIds.Table).HasResource(Table, new ObjectDict
        {
            ["Properties"] = new ObjectDict { ["DeletionProtectionEnabled"] = deletionProtection },
            ["DeletionPolicy"] = deletionPolicy,
            ["UpdateReplacePolicy"] = deletionPolicy,
        });
    }

    private static ObjectDict KeyPart(string attribute, string keyType) => new() { ["AttributeName"] = attribute, ["KeyType"] = keyType };
}
