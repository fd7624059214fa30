namespace TranscribeStack.Cdk.Storage;

public sealed class MediaIngestionProps : PipelineConstructProps
{
    public required IBucket AccessLogsBucket { get; init; }

    /// <summary>The media prefix uploads go under (e.g. media/), and how long raw audio is kept where.</summary>
    public required StorageSettings Settings { get; init; }

    /// <summary>The intake doorbell's objects go under this prefix (kept a day), e.g. intake-signals/.</summary>
    public required string SignalPrefix { get; init; }
}

/// <summary>
/// The raw-audio bucket: uploads under the media prefix emit EventBridge events. Versioned because
/// raw audio is immutable evidence. Transcribe (as a service principal) may read the media prefix only.
/// </summary>
public sealed class MediaIngestion : Construct
{
    private readonly SecureBucket raw;
    private readonly IKey key;

    public MediaIngestion(Construct scope, string id, MediaIngestionProps props)
        : base(scope, id)
    {
        MediaPrefix = props.Settings.MediaPrefix;
        SignalPrefix = props.SignalPrefix;
        key = props.Context.Key;
        var rules = new List<ILifecycleRule>
        {
            new LifecycleRule
            {
                Id = "RawAudioLifecycle",
                Transitions = [
                    new Transition { StorageClass = StorageClass.INFREQUENT_ACCESS,
                        TransitionAfter = Duration.Days(props.Settings.RawAudioInfrequentAccessAfterDays) }],
                Expiration = props.Settings.RawAudioExpireAfterDays is { } days ? Duration.Days(days) : null,
                NoncurrentVersionExpiration = Duration.Days(props.Settings.NoncurrentVersionExpireAfterDays),
                AbortIncompleteMultipartUploadAfter = Duration.Days(7),
            },
            // The doorbell's objects have done their work once they started the admitter.
            new LifecycleRule
            {
                Id = "IntakeSignals",
                Prefix = props.SignalPrefix,
                Expiration = Duration.Days(1),
                NoncurrentVersionExpiration = Duration.Days(1),
            },
        };
        raw = new SecureBucket(this, "RawAudio", new SecureBucketProps
        {
            EncryptionKey = props.Context.Key,
            AccessLogsBucket = props.AccessLogsBucket,
            AccessLogsPrefix = "raw-audio/",
            EventBridgeEnabled = true,
            LifecycleRules = rules.ToArray(),
            RemovalPolicy = props.Context.RemovalPolicy,
        });
        // Service-principal reading of Transcribe's access model: the service reads media, nothing else.
        raw.AllowServiceOnPrefix("AllowTranscribeToReadMedia", "transcribe.amazonaws.com", "s3:GetObject", MediaPrefix,
            ConfusedDeputy.TranscribeSourceArn(Stack.Of(this)));
        Bucket = raw.Bucket;
    }

    public IBucket Bucket { get; }

    public string MediaPrefix { get; }

    /// <summary>Where the intake doorbell writes (outside the media prefix: the upload rule never sees it).</summary>
    public string SignalPrefix { get; }

    /// <summary>
    /// The EventBridge pattern of the objects created in this bucket under <paramref name="prefix"/>: the upload rule's
    /// (the media prefix) and the admitter's (the signal prefix). The key filter is the prefix alone: EventBridge cannot
    /// require a prefix and a suffix of the same field (a field's matchers are OR'd), and spelling each extension in every
    /// letter case as a wildcard makes a rule EventBridge refuses as too complex. A <c>prefix</c> matcher adds no
    /// complexity and keeps the pattern short; extensions are checked by the planner, which records what it cannot
    /// transcribe instead of dropping it.
    /// </summary>
    public EventPattern ObjectsCreatedUnder(string prefix) => new()
    {
        Source = ["aws.s3"],
        DetailType = ["Object Created"],
        Detail = new Dictionary<string, object>
        {
            ["bucket"] = new Dictionary<string, object> { ["name"] = new[] { Bucket.BucketName } },
            ["object"] =
                new Dictionary<string, object> { ["key"] = new object[] { new Dictionary<string, object> { ["prefix"] = prefix } } },
        },
    };

    /// <summary>
    /// s3:GetObject on the media prefix and kms:Decrypt: what the Transcribe caller (and the role a
    /// queued job runs as) needs to read media. Bucket.GrantRead would also give List and GetBucket*
    /// on the whole bucket, hence the narrow statement. The key is usable through S3 for this bucket,
    /// and through Transcribe (see <see cref="TranscriptStorage.GrantTranscribeOutput"/>).
    /// </summary>
    public Grant GrantReadMedia(IGrantable grantee)
    {
        return raw.GrantOnPrefix(grantee, "s3:GetObject", MediaPrefix, "kms:Decrypt")
            .Combine(key.GrantViaService(grantee, "transcribe", ["kms:Decrypt"]));
    }

    /// <summary>
    /// s3:GetObject on the media prefix and kms:Decrypt through S3 for this bucket only: a person reading an
    /// upload (an operator, when the settings allow it). Unlike <see cref="GrantReadMedia"/>, nothing
    /// through Transcribe.
    /// </summary>
    public Grant GrantDownloadMedia(IGrantable grantee) => raw.GrantOnPrefix(grantee, "s3:GetObject", MediaPrefix, "kms:Decrypt");
}
