namespace TranscribeStack.Cdk.Tests.Security;

[Collection(SynthesizedStacksCollection.Name)]
public sealed class BucketTests(SynthesizedStacks stacks)
{
    // AWS's documented confused-deputy form for Transcribe (see ConfusedDeputy.TranscribeSourceArn).
    private const string TranscribeSourceArn = "arn:aws:transcribe:us-east-1:123456789012:*";
    private const string Raw = "arn:" + LogicalIds.RawBucket;
    private const string Transcripts = "arn:" + LogicalIds.TranscriptBucket;
    private const string Bucket = "AWS::S3::Bucket";

    public static TheoryData<string> Buckets => new(LogicalIds.AccessLogBucket, LogicalIds.RawBucket, LogicalIds.TranscriptBucket);

    private SynthesizedStack Dev => stacks["dev"];

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Buckets_EachBlocksAllPublicAccess(string environment)
    {
        var template = stacks[environment].Template;

        template.ResourceCountIs(Bucket, 3);
        template.AllResourcesProperties(Bucket, new ObjectDict
        {
            ["PublicAccessBlockConfiguration"] = new ObjectDict
            {
                ["BlockPublicAcls"] = true,
                ["BlockPublicPolicy"] = true,
                ["IgnorePublicAcls"] = true,
                ["RestrictPublicBuckets"] = true,
            },
        });
    }

    [Theory]
    [MemberData(nameof(SynthesizedStacks.Environments), MemberType = typeof(SynthesizedStacks))]
    public void Buckets_EachIsVersionedAndOwnerEnforced(string environment)
    {
        stacks[environment].Template.AllResourcesProperties(Bucket, new ObjectDict
        {
            ["VersioningConfiguration"] = new ObjectDict { ["Status"] = "Enabled" },
            ["OwnershipControls"] = new ObjectDict { ["Rules"] = new[] { new ObjectDict { ["ObjectOwnership"] = "BucketOwnerEnforced" } } },
        });
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
        Dev.Only(bucket).HasResourceProperties(Bucket, Encryption(new ObjectDict
        {
            ["ServerSideEncryptionByDefault"] = new ObjectDict
            {
                ["SSEAlgorithm"] = "aws:kms",
                ["KMSMasterKeyID"] = Cfn.Arn(LogicalIds.Key),
            },
            ["BucketKeyEnabled"] = true,
        }));
    }

    [Fact]
    public void AccessLogBucket_UsesS3ManagedKeysAsLogDeliveryRequires()
    {
        Dev.Only(LogicalIds.AccessLogBucket).HasResourceProperties(Bucket, Encryption(new ObjectDict
        {
            ["ServerSideEncryptionByDefault"] = new ObjectDict { ["SSEAlgorithm"] = "AES256" },
        }));
    }

    [Theory]
    [InlineData(LogicalIds.RawBucket, "raw-audio/")]
    [InlineData(LogicalIds.TranscriptBucket, "transcripts/")]
    public void Bucket_LogsAccessToTheLogBucket(string bucket, string prefix)
    {
        Dev.Only(bucket).HasResourceProperties(Bucket, new ObjectDict
        {
            ["LoggingConfiguration"] = new ObjectDict
            {
                ["DestinationBucketName"] = Cfn.Ref(LogicalIds.AccessLogBucket),
                ["LogFilePrefix"] = prefix,
            },
        });
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
        Assert.Contains(allows,
            a => a.Condition("ArnLike", "aws:SourceArn") == Raw
            && a.Resources.SequenceEqual(["arn:" + LogicalIds.AccessLogBucket + "/raw-audio/*"]));
        Assert.Contains(allows,
            a => a.Condition("ArnLike", "aws:SourceArn") == Transcripts
            && a.Resources.SequenceEqual(["arn:" + LogicalIds.AccessLogBucket + "/transcripts/*"]));
    }

    [Fact]
    public void RawBucket_SendsEventBridgeNotificationsWithoutCustomResource()
    {
        Dev.Only(LogicalIds.RawBucket).HasResourceProperties(Bucket, new ObjectDict
        {
            ["NotificationConfiguration"] =
                new ObjectDict { ["EventBridgeConfiguration"] = new ObjectDict { ["EventBridgeEnabled"] = true } },
        });
        Dev.Template.ResourceCountIs("Custom::S3BucketNotifications", 0);
    }

    [Theory]
    [InlineData(LogicalIds.RawBucket, "s3:GetObject", Raw + "/media/*")]
    [InlineData(LogicalIds.TranscriptBucket, "s3:PutObject", Transcripts + "/transcripts/*")]
    public void BucketPolicy_TranscribeService_ReadsMediaOrWritesTranscriptsUnderThePrefixOnly(string bucket, string action, string objects)
    {
        var allow = Assert.Single(Dev.BucketPolicyStatements(bucket), s => s.IsAllow);

        Assert.Equal(["transcribe.amazonaws.com"], allow.ServicePrincipals);
        Assert.Equal([action], allow.Actions);
        Assert.Equal([objects], allow.Resources);
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
    [InlineData("dev", 60, 7)]
    [InlineData("staging", 180, 30)]
    [InlineData("prod", null, 90)]
    public void RawBucket_Lifecycle_FollowsTheEnvironment(string environment, int? expireDays, int noncurrentDays)
    {
        // prod keeps the audio as evidence: it moves to infrequent access and never expires.
        stacks[environment].Only(LogicalIds.RawBucket).HasResourceProperties(Bucket, new ObjectDict
        {
            ["LifecycleConfiguration"] = new ObjectDict
            {
                ["Rules"] = new[]
                {
                    new ObjectDict
                    {
                        ["Status"] = "Enabled",
                        ["ExpirationInDays"] = expireDays is { } days ? (object)days : Match.Absent(),
                        ["Transitions"] = new[] { new ObjectDict { ["StorageClass"] = "STANDARD_IA", ["TransitionInDays"] = 30 } },
                        ["NoncurrentVersionExpiration"] = new ObjectDict { ["NoncurrentDays"] = noncurrentDays },
                    },
                    // The intake doorbell's objects have started the admitter: a day is enough.
                    new ObjectDict
                    {
                        ["Id"] = "IntakeSignals",
                        ["Prefix"] = "intake-signals/",
                        ["Status"] = "Enabled",
                        ["ExpirationInDays"] = 1,
                        ["NoncurrentVersionExpiration"] = new ObjectDict { ["NoncurrentDays"] = 1 },
                    },
                },
            },
        });
    }

    [Theory]
    [InlineData("dev", 30)]
    [InlineData("staging", 90)]
    [InlineData("prod", 365)]
    public void AccessLogBucket_Retention_FollowsTheEnvironment(string environment, int expireDays)
    {
        stacks[environment].Only(LogicalIds.AccessLogBucket).HasResourceProperties(Bucket, new ObjectDict
        {
            ["LifecycleConfiguration"] = new ObjectDict
            {
                ["Rules"] = new[] { new ObjectDict { ["Status"] = "Enabled", ["ExpirationInDays"] = expireDays } },
            },
        });
    }

    /// <summary>A bucket encryption pattern with exactly this one rule.</summary>
    private static ObjectDict Encryption(ObjectDict rule) => new()
    {
        ["BucketEncryption"] = new ObjectDict { ["ServerSideEncryptionConfiguration"] = new[] { rule } },
    };
}
