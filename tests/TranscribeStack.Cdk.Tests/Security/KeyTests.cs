namespace TranscribeStack.Cdk.Tests.Security;

[Collection(SynthesizedStacksCollection.Name)]
public sealed class KeyTests(SynthesizedStacks stacks)
{
    // AWS's documented confused-deputy form for Transcribe (see ConfusedDeputy.TranscribeSourceArn).
    private const string TranscribeSourceArn = "arn:aws:transcribe:us-east-1:123456789012:*";

    private IReadOnlyList<Statement> KeyPolicy => stacks["dev"].KeyPolicyStatements(LogicalIds.Key);

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Key_IsSymmetricRotatedAndAliasedPerEnvironment(string environment)
    {
        var stack = stacks[environment];

        stack.Template.ResourceCountIs("AWS::KMS::Key", 1);
        stack.Only(LogicalIds.Key).HasResourceProperties("AWS::KMS::Key", new ObjectDict
        {
            ["EnableKeyRotation"] = true,
            ["KeySpec"] = "SYMMETRIC_DEFAULT",
        });
        stack.Template.ResourceCountIs("AWS::KMS::Alias", 1);
        stack.Template.HasResourceProperties("AWS::KMS::Alias", new ObjectDict
        {
            ["AliasName"] = $"alias/transcribestack/{environment}",
            ["TargetKeyId"] = Cfn.Arn(LogicalIds.Key),
        });
    }

    [Fact]
    public void KeyPolicy_HasOnlyAdminAndServiceStatements()
    {
        Assert.Equal(5, KeyPolicy.Count);
        Assert.All(KeyPolicy, s => Assert.True(s.IsAllow));
    }

    [Fact]
    public void KeyPolicy_AccountAdmin_IsTheOnlyAccountWideStatement()
    {
        var admin = Assert.Single(KeyPolicy, s => s.AwsPrincipals.Count > 0);

        Assert.Equal(["arn:aws:iam::123456789012:root"], admin.AwsPrincipals);
        Assert.Equal(["kms:*"], admin.Actions);
        Assert.Null(admin.Conditions);
    }

    [Fact]
    public void KeyPolicy_CloudWatchLogs_OnlyForThisStacksLogGroups()
    {
        var logs = Assert.Single(KeyPolicy, s => s.ServicePrincipals.Contains("logs.us-east-1.amazonaws.com"));

        // Only actions the encryption-context condition applies to (not kms:DescribeKey).
        Assert.Equal(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"], logs.Actions);
        Assert.Equal("arn:aws:logs:us-east-1:123456789012:log-group:TranscribeStack-dev-*",
            logs.Condition("ArnLike", "kms:EncryptionContext:aws:logs:arn"));
    }

    [Fact]
    public void KeyPolicy_TranscribeService_OnlyForThisAccountsTranscribe()
    {
        var transcribe = Assert.Single(KeyPolicy, s => s.ServicePrincipals.Contains("transcribe.amazonaws.com"));

        Assert.Equal(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], transcribe.Actions);
        Assert.Equal("123456789012", transcribe.Condition("StringEquals", "aws:SourceAccount"));
        Assert.Equal(TranscribeSourceArn, transcribe.Condition("ArnLike", "aws:SourceArn"));
    }

    [Theory]
    [InlineData("events.amazonaws.com", "arn:aws:events:us-east-1:123456789012:rule/TranscribeStack-dev-*")]
    [InlineData("cloudwatch.amazonaws.com", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:TranscribeStack-dev-*")]
    public void KeyPolicy_MessageSenders_OnlyForThisStacksSources(string service, string sourceArnPattern)
    {
        // EventBridge dead-letters into the encrypted event queue; alarms publish to the encrypted topic.
        var sender = Assert.Single(KeyPolicy, s => s.ServicePrincipals.Contains(service));

        Assert.Equal(["kms:Decrypt", "kms:GenerateDataKey"], sender.Actions);
        Assert.Equal("123456789012", sender.Condition("StringEquals", "aws:SourceAccount"));
        Assert.Equal(sourceArnPattern, sender.Condition("ArnLike", "aws:SourceArn"));
    }

    [Theory]
    [InlineData("dev", "Delete")]
    [InlineData("staging", "Retain")]
    [InlineData("prod", "Retain")]
    public void Key_RemovalPolicy_FollowsSettings(string environment, string policy)
    {
        stacks[environment].Only(LogicalIds.Key).HasResource("AWS::KMS::Key", new ObjectDict
        {
            ["DeletionPolicy"] = policy,
            ["UpdateReplacePolicy"] = policy,
        });
    }
}
