namespace TranscribeStack.Cdk.Storage;

public sealed class AccessLogBucketProps : PipelineConstructProps
{
    /// <summary>How long access logs are kept (<c>storage.accessLogExpireAfterDays</c>).</summary>
    public required StorageSettings Settings { get; init; }
}

/// <summary>
/// Receives the S3 server access logs of the other buckets. S3 log delivery supports only SSE-S3
/// on the target bucket, so this is the one bucket without the pipeline key.
/// </summary>
public sealed class AccessLogBucket : Construct
{
    public AccessLogBucket(Construct scope, string id, AccessLogBucketProps props)
        : base(scope, id)
    {
        var bucket = new SecureBucket(this, "Logs", new SecureBucketProps
        {
            RemovalPolicy = props.Context.RemovalPolicy,
            LifecycleRules =
            [
                new LifecycleRule
                {
                    Id = "ExpireAccessLogs",
                    Expiration = Duration.Days(props.Settings.AccessLogExpireAfterDays),
                    NoncurrentVersionExpiration = Duration.Days(1),
                    AbortIncompleteMultipartUploadAfter = Duration.Days(1),
                },
            ],
        });
        Bucket = bucket.Bucket;
        NagAcknowledgements.Acknowledge(
            bucket.Bucket,
            new NagAcknowledgement("HIPAA.Security-S3DefaultEncryptionKMS",
                "S3 server access log delivery supports only SSE-S3 on the target bucket."),
            new NagAcknowledgement("NIST.800.53.R5-S3DefaultEncryptionKMS",
                "S3 server access log delivery supports only SSE-S3 on the target bucket."),
            new NagAcknowledgement("PCI.DSS.321-S3DefaultEncryptionKMS",
                "S3 server access log delivery supports only SSE-S3 on the target bucket."));
    }

    public IBucket Bucket { get; }
}
