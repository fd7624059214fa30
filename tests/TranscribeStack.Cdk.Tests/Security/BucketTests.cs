using TranscribeStack.Cdk.Tests.Support;

namespace TranscribeStack.Cdk.Tests.Security;

[Collection(SynthesizedStacksCollection.Name)]
public sealed class BucketTests(SynthesizedStacks stacks)
{
    // AWS's documented confused-deputy form for Transcribe (see ConfusedDeputy.TranscribeSourceArn).
    private const string TranscribeSourceArn = "arn:aws:transcribe:us-east-1:123456789012:*";
    private const string Raw = "arn:" + LogicalIds.RawBucket;
    private const string Transcripts = "arn:" + LogicalIds.TranscriptBucket;

    public static TheoryData<string> Buckets => new(LogicalIds.AccessLogBucket, LogicalIds.RawBucket, LogicalIds.TranscriptBucket);

    private SynthesizedStack Dev => stacks["dev"];

    [Theory]
    [MemberData(nameof(Buckets))]
    public void Bucket_BlocksAllPublicAccess(string bucket)
    {
        var block = Dev.Properties(bucket)["PublicAccessBlockConfiguration"]!;

        Assert.All(["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"], flag => Assert.True(block[flag]!.GetValue<bool>()));
    }

    [Theory]
    [MemberData(nameof(Buckets))]
    public void Bucket_IsVersionedAndOwnerEnforced(string bucket)
    {
        var properties = Dev.Properties(bucket);

        Assert.Equal("Enabled", properties["VersioningConfiguration"]!["Status"]!.GetValue<string>());
        Assert.Equal("BucketOwnerEnforced", properties["OwnershipControls"]!["Rules"]![0]!["ObjectOwnership"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Buckets))]
    public void BucketPolicy_DeniesRequestsWithoutTls(string bucket)
    {
        var deny = Assert.Single(Dev.BucketPolicyStatements(bucket), s => s.Condition("Bool", "aws:SecureTransport") is not null);

        Assert.Equal("Deny", deny.Effect);
        Assert.Equal("false", deny.Condition("Bool", "aws:SecureTransport"));
        Assert.Equal(["*"], deny.AwsPrincipals);
        Assert.Equal(["s3:*"], deny.Actions);
        Assert.Contains($"arn:{bucket}/*", deny.Resources);
        Assert.Contains($"arn:{bucket}", deny.Resources);
    }

    [Theory]
    [MemberData(nameof(Buckets))]
    public void BucketPolicy_DeniesTlsOlderThan12(string bucket)
    {
        var deny = Assert.Single(Dev.BucketPolicyStatements(bucket), s => s.Condition("NumericLessThan", "s3:TlsVersion") is not null);

        Assert.Equal("Deny", deny.Effect);
        Assert.Equal("1.2", deny.Condition("NumericLessThan", "s3:TlsVersion"));
    }

    [Theory]
    [InlineData(LogicalIds.RawBucket)]
    [InlineData(LogicalIds.TranscriptBucket)]
    public void Bucket_UsesPipelineKeyWithBucketKey(string bucket)
    {
        var rule = Dev.Properties(bucket)["BucketEncryption"]!["ServerSideEncryptionConfiguration"]![0]!;

        Assert.Equal("aws:kms", rule["ServerSideEncryptionByDefault"]!["SSEAlgorithm"]!.GetValue<string>());
        Assert.Equal("arn:" + LogicalIds.Key, Rendered.Text(rule["ServerSideEncryptionByDefault"]!["KMSMasterKeyID"]));
        Assert.True(rule["BucketKeyEnabled"]!.GetValue<bool>());
    }

    [Fact]
    public void AccessLogBucket_UsesS3ManagedKeysAsLogDeliveryRequires()
    {
        var rule = Dev.Properties(LogicalIds.AccessLogBucket)["BucketEncryption"]!["ServerSideEncryptionConfiguration"]![0]!;

        Assert.Equal("AES256", rule["ServerSideEncryptionByDefault"]!["SSEAlgorithm"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(LogicalIds.RawBucket, "raw-audio/")]
    [InlineData(LogicalIds.TranscriptBucket, "transcripts/")]
    public void Bucket_LogsAccessToTheLogBucket(string bucket, string prefix)
    {
        var logging = Dev.Properties(bucket)["LoggingConfiguration"]!;

        Assert.Equal("ref:" + LogicalIds.AccessLogBucket, Rendered.Text(logging["DestinationBucketName"]));
        Assert.Equal(prefix, logging["LogFilePrefix"]!.GetValue<string>());
    }

    [Fact]
    public void AccessLogBucket_AcceptsLogsOnlyFromThePipelineBucketsEachInItsPrefix()
    {
        var allows = Dev.BucketPolicyStatements(LogicalIds.AccessLogBucket).Where(s => s.IsAllow).ToList();

        Assert.Equal(2, allows.Count);
        Assert.All(allows, allow =>
        {
            Assert.Equal(["logging.s3.amazonaws.com"], allow.ServicePrincipals);
            Assert.Equal(["s3:PutObject"], allow.Actions);
            Assert.Equal("123456789012", allow.Condition("StringEquals", "aws:SourceAccount"));
        });
        Assert.Contains(allows, a => a.Condition("ArnLike", "aws:SourceArn") == Raw && a.Resources.SequenceEqual(["arn:" + LogicalIds.AccessLogBucket + "/raw-audio/*"]));
        Assert.Contains(allows, a => a.Condition("ArnLike", "aws:SourceArn") == Transcripts && a.Resources.SequenceEqual(["arn:" + LogicalIds.AccessLogBucket + "/transcripts/*"]));
    }

    [Fact]
    public void RawBucket_SendsEventBridgeNotificationsWithoutCustomResource()
    {
        Assert.True(Dev.Properties(LogicalIds.RawBucket)["NotificationConfiguration"]!["EventBridgeConfiguration"]!["EventBridgeEnabled"]!.GetValue<bool>());
        Assert.Empty(Dev.ResourcesOfType("Custom::S3BucketNotifications"));
    }

    [Fact]
    public void RawBucketPolicy_TranscribeService_ReadsMediaPrefixOnly()
    {
        var allow = Assert.Single(Dev.BucketPolicyStatements(LogicalIds.RawBucket), s => s.IsAllow);

        Assert.Equal(["transcribe.amazonaws.com"], allow.ServicePrincipals);
        Assert.Equal(["s3:GetObject"], allow.Actions);
        Assert.Equal([Raw + "/media/*"], allow.Resources);
        Assert.Equal("123456789012", allow.Condition("StringEquals", "aws:SourceAccount"));
        Assert.Equal(TranscribeSourceArn, allow.Condition("ArnLike", "aws:SourceArn"));
    }

    [Fact]
    public void TranscriptBucketPolicy_TranscribeService_WritesTranscriptPrefixOnly()
    {
        var allow = Assert.Single(Dev.BucketPolicyStatements(LogicalIds.TranscriptBucket), s => s.IsAllow);

        Assert.Equal(["transcribe.amazonaws.com"], allow.ServicePrincipals);
        Assert.Equal(["s3:PutObject"], allow.Actions);
        Assert.Equal([Transcripts + "/transcripts/*"], allow.Resources);
        Assert.Equal("123456789012", allow.Condition("StringEquals", "aws:SourceAccount"));
        Assert.Equal(TranscribeSourceArn, allow.Condition("ArnLike", "aws:SourceArn"));
    }

    [Theory]
    [InlineData(Transcripts + "/transcripts/transcribestack-dev-a-0123.json", true)]
    [InlineData(Transcripts + "/transcripts/.write_access_check_file.temp", true)]
    [InlineData(Transcripts + "/other/file.json", false)]
    [InlineData(Transcripts + "/transcripts", false)]
    [InlineData(Transcripts + "/media/transcripts/x.json", false)]
    public void TranscriptBucketPolicy_TranscribeService_CannotWriteOutsideItsPrefix(string objectArn, bool allowed)
    {
        var statements = Dev.BucketPolicyStatements(LogicalIds.TranscriptBucket);

        Assert.Equal(allowed, statements.Allows("s3:PutObject", objectArn));
    }

    [Theory]
    [InlineData("s3:PutObject", Raw + "/media/a.mp3")]
    [InlineData("s3:DeleteObject", Raw + "/media/a.mp3")]
    [InlineData("s3:GetObject", Raw + "/private/a.mp3")]
    [InlineData("s3:GetObject", Transcripts + "/transcripts/a.json")]
    public void BucketPolicies_TranscribeService_HasNothingElse(string action, string resource)
    {
        var statements = Dev.BucketPolicyStatements(LogicalIds.RawBucket).Concat(Dev.BucketPolicyStatements(LogicalIds.TranscriptBucket));

        Assert.False(statements.Allows(action, resource));
    }

    [Theory]
    [InlineData("dev", 60)]
    [InlineData("prod", null)]
    public void RawBucket_Lifecycle_FollowsSettings(string environment, int? expireDays)
    {
        var rule = stacks[environment].Properties(LogicalIds.RawBucket)["LifecycleConfiguration"]!["Rules"]![0]!;

        Assert.Equal(expireDays, rule["ExpirationInDays"]?.GetValue<int>());
        Assert.Equal("STANDARD_IA", rule["Transitions"]![0]!["StorageClass"]!.GetValue<string>());
        Assert.Equal(stacks[environment].Settings.Storage.RawAudioInfrequentAccessAfterDays, rule["Transitions"]![0]!["TransitionInDays"]!.GetValue<int>());
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void AccessLogBucket_Retention_FollowsSettings(string environment)
    {
        var rule = stacks[environment].Properties(LogicalIds.AccessLogBucket)["LifecycleConfiguration"]!["Rules"]![0]!;

        Assert.Equal(stacks[environment].Settings.Storage.AccessLogExpireAfterDays, rule["ExpirationInDays"]!.GetValue<int>());
    }
}
