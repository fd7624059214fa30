namespace TranscribeStack.Cdk.Storage;

public sealed class SecureBucketProps
{
    /// <summary>SSE-KMS with a bucket key under this key; null means S3-managed keys (log buckets).</summary>
    public IKey? EncryptionKey { get; init; }

    /// <summary>Where server access logs go; null only for the access-log bucket itself.</summary>
    public IBucket? AccessLogsBucket { get; init; }

    public string? AccessLogsPrefix { get; init; }

    public bool EventBridgeEnabled { get; init; }

    public ILifecycleRule[] LifecycleRules { get; init; } = [];

    public required RemovalPolicy RemovalPolicy { get; init; }
}

/// <summary>
/// The baseline every bucket of the pipeline shares: no public access, encryption, TLS 1.2+ only
/// (deny aws:SecureTransport false), versioning, bucket-owner-enforced ownership (no ACLs), access logs.
/// </summary>
public sealed class SecureBucket : Construct
{
    private readonly IKey? encryptionKey;

    public SecureBucket(Construct scope, string id, SecureBucketProps props)
        : base(scope, id)
    {
        encryptionKey = props.EncryptionKey;
        Bucket = new Bucket(this, "Bucket", new BucketProps
        {
            BlockPublicAccess = BlockPublicAccess.BLOCK_ALL,
            Encryption = props.EncryptionKey is null ? BucketEncryption.S3_MANAGED : BucketEncryption.KMS,
            EncryptionKey = props.EncryptionKey,
            // A bucket key cuts KMS requests (and cost) for every object read and write.
            BucketKeyEnabled = props.EncryptionKey is not null,
            EnforceSSL = true,
            MinimumTLSVersion = 1.2,
            Versioned = true,
            ObjectOwnership = ObjectOwnership.BUCKET_OWNER_ENFORCED,
            ServerAccessLogsBucket = props.AccessLogsBucket,
            ServerAccessLogsPrefix = props.AccessLogsPrefix,
            LifecycleRules = props.LifecycleRules,
            RemovalPolicy = props.RemovalPolicy,
        });
        NagAcknowledgements.AcknowledgeAll(
            Bucket,
            "Cross-region replication needs a replica bucket and region the operator owns; versioning, lifecycle retention and retained "
            + "buckets in staging/prod cover recovery in-region. Add replication where the organisation's DR policy requires it.",
            "HIPAA.Security-S3BucketReplicationEnabled",
            "NIST.800.53.R5-S3BucketReplicationEnabled",
            "PCI.DSS.321-S3BucketReplicationEnabled");
        if (props.EventBridgeEnabled)
        {
            // Set on the bucket itself: this CDK version's EventBridgeEnabled deploys a custom-resource
            // Lambda that needs s3:PutBucketNotification on "*".
            ((CfnBucket)Bucket.Node.DefaultChild!).NotificationConfiguration = new CfnBucket.NotificationConfigurationProperty
            {
                EventBridgeConfiguration = new CfnBucket.EventBridgeConfigurationProperty { EventBridgeEnabled = true },
            };
        }
    }

    public IBucket Bucket { get; }

    /// <summary>
    /// One S3 action on the objects under <paramref name="prefix"/> only, plus the named rights on the
    /// bucket's key for S3's own calls with this bucket's encryption context (see <see cref="KeyGrants"/>).
    /// The bucket's GrantRead/GrantPut would add bucket-wide List, GetBucket*, Abort* and ACL rights
    /// that no principal of the pipeline uses.
    /// </summary>
    public Grant GrantOnPrefix(IGrantable grantee, string s3Action, string prefix, params string[] keyActions)
    {
        ArgumentNullException.ThrowIfNull(grantee);
        var grant = Grant.AddToPrincipal(new GrantOnPrincipalOptions
        {
            Grantee = grantee,
            Actions = [s3Action],
            ResourceArns = [Bucket.ArnForObjects(prefix + "*")],
        });
        if (grantee.GrantPrincipal is IRole role)
        {
            NagAcknowledgements.Acknowledge(
                NagAcknowledgements.DefaultPolicy(role),
                new NagAcknowledgement("AwsSolutions-IAM5",
                    $"{s3Action} on the objects under the prefix '{prefix}' of {Node.Id}: every object there is this principal's to use, "
                    + "nothing else in the bucket."));
        }

        if (keyActions.Length == 0)
        {
            return grant;
        }

        var key = encryptionKey
            ?? throw new InvalidOperationException($"{Node.Path} has no KMS key to grant {string.Join(", ", keyActions)} on.");
        // With bucket keys S3 asks KMS with the bucket's ARN as the encryption context.
        return grant.Combine(
            key.GrantViaService(grantee, "s3", keyActions, new KeyValuePair<string, string>("aws:s3:arn", Bucket.BucketArn)));
    }

    /// <summary>
    /// Adds a bucket-policy statement letting <paramref name="service"/> do <paramref name="action"/>
    /// on objects under <paramref name="prefix"/> only, for this account's own resources matching
    /// <paramref name="sourceArnPattern"/> (confused-deputy protection).
    /// </summary>
    public void AllowServiceOnPrefix(string sid, string service, string action, string prefix, string sourceArnPattern)
    {
        Bucket.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = sid,
            Principals = [new ServicePrincipal(service)],
            Actions = [action],
            Resources = [Bucket.ArnForObjects(prefix + "*")],
            Conditions = ConfusedDeputy.Conditions(sourceArnPattern),
        }));
    }
}
