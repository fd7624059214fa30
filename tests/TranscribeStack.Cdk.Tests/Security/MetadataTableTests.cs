using TranscribeStack.Cdk.Tests.Support;

namespace TranscribeStack.Cdk.Tests.Security;

[Collection(SynthesizedStacksCollection.Name)]
public sealed class MetadataTableTests(SynthesizedStacks stacks)
{
    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Table_IsOnDemandWithPointInTimeRecoveryAndPipelineKey(string environment)
    {
        var table = stacks[environment].Properties(LogicalIds.Table);

        Assert.Equal("PAY_PER_REQUEST", table["BillingMode"]!.GetValue<string>());
        Assert.True(table["PointInTimeRecoverySpecification"]!["PointInTimeRecoveryEnabled"]!.GetValue<bool>());
        Assert.True(table["SSESpecification"]!["SSEEnabled"]!.GetValue<bool>());
        Assert.Equal("KMS", table["SSESpecification"]!["SSEType"]!.GetValue<string>());
        Assert.Equal("arn:" + LogicalIds.Key, Rendered.Text(table["SSESpecification"]!["KMSMasterKeyId"]));
    }

    [Fact]
    public void Table_KeyDesign_OneItemPerJobAndStatusIndex()
    {
        var table = stacks["dev"].Properties(LogicalIds.Table);

        var key = Assert.Single(table["KeySchema"]!.AsArray());
        Assert.Equal("jobName", key!["AttributeName"]!.GetValue<string>());
        var index = Assert.Single(table["GlobalSecondaryIndexes"]!.AsArray())!;
        Assert.Equal("byStatus", index["IndexName"]!.GetValue<string>());
        Assert.Equal(["status", "updatedAt"], index["KeySchema"]!.AsArray().Select(k => k!["AttributeName"]!.GetValue<string>()));
        Assert.Equal(["HASH", "RANGE"], index["KeySchema"]!.AsArray().Select(k => k!["KeyType"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("dev", false, "Delete")]
    [InlineData("staging", false, "Retain")]
    [InlineData("prod", true, "Retain")]
    public void Table_Protection_FollowsSettings(string environment, bool deletionProtection, string deletionPolicy)
    {
        var stack = stacks[environment];

        Assert.Equal(deletionProtection, stack.Properties(LogicalIds.Table)["DeletionProtectionEnabled"]?.GetValue<bool>() ?? false);
        Assert.Equal(deletionPolicy, stack.Resources[LogicalIds.Table]!["DeletionPolicy"]!.GetValue<string>());
    }
}
