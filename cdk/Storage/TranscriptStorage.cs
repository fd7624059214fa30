namespace TranscribeStack.Cdk.Storage;

public sealed class TranscriptStorageProps : PipelineConstructProps
{
    public required IBucket AccessLogsBucket { get; init; }

    /// <summary>The prefix Transcribe writes under (e.g. transcripts/), and how long transcripts are kept.</summary>
    public required StorageSettings Settings { get; init; }
}

/// <summary>
/// The transcript bucket. Transcribe writes its JSON (and subtitles) under the transcript prefix,
/// encrypted with the pipeline key; the post-processor reads it from there.
/// </summary>
public sealed class TranscriptStorage : Construct
{
    private readonly SecureBucket bucket;
    private readonly IKey key;

    public TranscriptStorage(Construct scope, string id, TranscriptStorageProps props)
        : base(scope, id)
    {
        TranscriptPrefix = props.Settings.TranscriptPrefix;
        key = props.Context.Key;
        bucket = new SecureBucket(this, "Transcripts", new SecureBucketProps
        {
            EncryptionKey = props.Context.Key,
            AccessLogsBucket = props.AccessLogsBucket,
            AccessLogsPrefix = "transcripts/",
            LifecycleRules =
            [
                new LifecycleRule
                {
                    Id = "TranscriptLifecycle",
                    Expiration = props.Settings.TranscriptExpireAfterDays is { } days ? Duration.Days(days) : null,
                    NoncurrentVersionExpiration = Duration.Days(props.Settings.NoncurrentVersionExpireAfterDays),
                    AbortIncompleteMultipartUploadAfter = Duration.Days(7),
                },
            ],
            RemovalPolicy = props.Context.RemovalPolicy,
        });
        // Service-principal reading of Transcribe's access model: the service writes output, only under its prefix.
        bucket.AllowServiceOnPrefix("AllowTranscribeToWriteTranscripts", "transcribe.amazonaws.com", "s3:PutObject", TranscriptPrefix,
            ConfusedDeputy.TranscribeSourceArn(Stack.Of(this)));
        Bucket = bucket.Bucket;
    }

    public IBucket Bucket { get; }

    public string TranscriptPrefix { get; }

    /// <summary>
    /// What StartTranscriptionJob's caller needs for output: Transcribe first writes
    /// &lt;prefix&gt;.write_access_check_file.temp AS THE CALLER and answers BadRequestException if that is
    /// denied, then writes the transcript encrypted with the key. Only s3:PutObject on the prefix:
    /// Bucket.GrantPut would add s3:Abort* and object ACL rights. The key rights hold for S3's calls
    /// for this bucket (documented) and for Transcribe's own calls on the caller's behalf
    /// (kms:ViaService transcribe: our assumption, AWS does not say whether Transcribe makes them).
    /// With <paramref name="outputEncryptionContext"/> (the job's KMSEncryptionContext), Transcribe's own
    /// calls are granted only with those pairs, which Transcribe documents for the output's encryption;
    /// S3's calls keep their documented aws:s3:arn condition (the check file carries no pairs).
    /// </summary>
    public Grant GrantTranscribeOutput(IGrantable caller, IReadOnlyDictionary<string, string>? outputEncryptionContext = null)
    {
        string[] keyActions = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"];
        return bucket.GrantOnPrefix(caller, "s3:PutObject", TranscriptPrefix, keyActions)
            .Combine(key.GrantViaService(caller, "transcribe", keyActions, outputEncryptionContext));
    }

    /// <summary>s3:GetObject on the transcript prefix and kms:Decrypt through S3 for this bucket (the post-processor).</summary>
    public Grant GrantReadTranscripts(IGrantable grantee)
    {
        return bucket.GrantOnPrefix(grantee, "s3:GetObject", TranscriptPrefix, "kms:Decrypt");
    }
}
