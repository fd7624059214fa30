using Amazon.CDK.AWS.KinesisFirehose;

namespace TranscribeStack.Cdk.Triggering;

public sealed class IntakeDoorbellProps : PipelineConstructProps
{
    /// <summary>The bucket the buffered records are written to (the raw-audio bucket, under <see cref="Prefix"/>).</summary>
    public required IBucket Bucket { get; init; }

    public required string Prefix { get; init; }

    /// <summary>Seconds a record waits for others before the buffer is written as one object.</summary>
    public required int BufferSeconds { get; init; }
}

/// <summary>
/// The admitter's doorbell: a Firehose stream (Direct PUT) that the upload rule sends one small record per
/// upload, buffered a few seconds into one object under the signal prefix. Firehose takes bursts of hundreds
/// of thousands of records a second, costs nothing while idle, and turns any number of uploads into one
/// object per buffer: the object's creation is what starts the admitter. The records say nothing the intake
/// does not hold; a lost one only delays admission until the next doorbell or the next finished job.
/// </summary>
public sealed class IntakeDoorbell : Construct
{
    public IntakeDoorbell(Construct scope, string id, IntakeDoorbellProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        var role = AccountServiceRoles.Create(this, "Role", "firehose.amazonaws.com",
            "TranscribeStack intake doorbell: Firehose writes the buffered records under the signal prefix");
        // PutObject under the signal prefix only, the key through S3 for this bucket (no bucket-wide list or read).
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "WriteTheSignals",
            Actions = ["s3:PutObject", "s3:AbortMultipartUpload"],
            Resources = [props.Bucket.ArnForObjects($"{props.Prefix}*")],
        }));
        props.Context.Key.GrantViaService(role, "s3", ["kms:GenerateDataKey", "kms:Decrypt"],
            new KeyValuePair<string, string>("aws:s3:arn", props.Bucket.BucketArn));
        NagAcknowledgements.AcknowledgeInlinePolicy(role);

        var stream = new CfnDeliveryStream(this, "Stream", new CfnDeliveryStreamProps
        {
            DeliveryStreamType = "DirectPut",
            // The records are one word each; the stream encrypts them at rest all the same.
            DeliveryStreamEncryptionConfigurationInput =
                new CfnDeliveryStream.DeliveryStreamEncryptionConfigurationInputProperty { KeyType = "AWS_OWNED_CMK" },
            ExtendedS3DestinationConfiguration = new CfnDeliveryStream.ExtendedS3DestinationConfigurationProperty
            {
                BucketArn = props.Bucket.BucketArn,
                RoleArn = role.RoleArn,
                Prefix = props.Prefix,
                ErrorOutputPrefix = $"{props.Prefix}errors/",
                CompressionFormat = "UNCOMPRESSED",
                // A burst becomes one object a buffer: the interval bounds the admission delay of an idle pipeline.
                BufferingHints = new CfnDeliveryStream.BufferingHintsProperty { IntervalInSeconds = props.BufferSeconds, SizeInMBs = 128 },
                EncryptionConfiguration = new CfnDeliveryStream.EncryptionConfigurationProperty
                {
                    KmsEncryptionConfig = new CfnDeliveryStream.KMSEncryptionConfigProperty { AwskmsKeyArn = props.Context.Key.KeyArn },
                },
            },
        });
        // Firehose checks its role when the stream is created: the role's policy must exist first.
        stream.Node.AddDependency(role);
        NagAcknowledgements.Acknowledge(
            NagAcknowledgements.DefaultPolicy(role),
            new NagAcknowledgement("AwsSolutions-IAM5",
                "Firehose names each object it writes (date path and a generated suffix) under the signal prefix: PutObject on the prefix, "
                + "never on the bucket or media/."));
        // EventBridge rings the doorbell as this role, for this account only (as every target role here): the
        // rule target (KinesisFirehoseStream) takes the stream's child "EventsRole" when there is one, instead
        // of making one that trusts EventBridge without a condition.
        TargetRole = AccountServiceRoles.Create(stream, "EventsRole", "events.amazonaws.com",
            "TranscribeStack intake doorbell: EventBridge puts the upload rule's records into the stream");
        Stream = stream;
        Role = role;
    }

    public CfnDeliveryStream Stream { get; }

    public IRole Role { get; }

    /// <summary>The upload rule's target role (PutRecord on the stream, granted by the rule target).</summary>
    public Role TargetRole { get; }
}
