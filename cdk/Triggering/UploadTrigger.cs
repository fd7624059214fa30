using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Amazon.CDK.AWS.KinesisFirehose;
using Amazon.CDK.AWS.S3;
using Amazon.CDK.AWS.SQS;
using TranscribeStack.Cdk.Encryption;
using TranscribeStack.Cdk.Messaging;

namespace TranscribeStack.Cdk.Triggering;

public sealed class UploadTriggerProps : EncryptedConstructProps
{
    public required IBucket RawBucket { get; init; }

    public required string MediaPrefix { get; init; }

    /// <summary>Where the doorbell's buffered records land: the admitter's rule listens for objects under it.</summary>
    public required string SignalPrefix { get; init; }
}

/// <summary>
/// Every object created under the media prefix becomes one message of the durable intake, before any call a
/// quota can refuse: the rule's target is the intake queue itself (SQS takes a burst of any size; its
/// messages are kept 14 days; a message received ten times without being admitted goes to the intake's own
/// dead-letter queue). The same rule rings a doorbell: a Firehose stream that buffers a few seconds of
/// uploads into one object under <see cref="UploadTriggerProps.SignalPrefix"/>, whose creation starts the
/// admitter (<see cref="IntakeAdmitter"/>) once per buffer, not once per upload: a burst of 50,000 uploads
/// starts a handful of admitter runs, one upload into an idle pipeline is admitted seconds later, and with no
/// uploads nothing runs (no schedule, no poller of the queue). Events EventBridge cannot deliver to the intake
/// go to the event dead-letter queue. The rule filters by prefix only; the planner records what is not media
/// as SKIPPED.
/// </summary>
public sealed class UploadTrigger : Construct
{
    /// <summary>Seconds Firehose buffers doorbell records before writing one object (0 to 900).</summary>
    internal const int DoorbellBufferSeconds = 5;

    /// <summary>How often a message may be received without being admitted before it is dead-lettered.</summary>
    internal const int IntakeMaxReceiveCount = 10;

    public UploadTrigger(Construct scope, string id, UploadTriggerProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        DeadLetterQueue = EncryptedDeadLetterQueue.Create(this, "EventDeadLetterQueue", props.Key, props.RemovalPolicy);
        IntakeDeadLetterQueue = EncryptedDeadLetterQueue.Create(this, "IntakeDeadLetterQueue", props.Key, props.RemovalPolicy);
        IntakeQueue = new Queue(this, "IntakeQueue", new QueueProps
        {
            Encryption = QueueEncryption.KMS,
            EncryptionMasterKey = props.Key,
            EnforceSSL = true,
            // The largest backlog waits here: 14 days is SQS's longest; the oldest-upload alarm fires long before.
            RetentionPeriod = Duration.Days(14),
            // Longer than an admitter run (an Express execution stops after 5 minutes): a received upload is not
            // seen again while its admission is under way.
            VisibilityTimeout = Duration.Minutes(5),
            DeadLetterQueue = new DeadLetterQueue { Queue = IntakeDeadLetterQueue, MaxReceiveCount = IntakeMaxReceiveCount },
            RemovalPolicy = props.RemovalPolicy,
        });

        Rule = new Rule(this, "Rule", new RuleProps
        {
            Description = "Puts each media file uploaded under the media prefix into the intake, and rings the admitter's doorbell",
            EventPattern = new EventPattern
            {
                Source = ["aws.s3"],
                DetailType = ["Object Created"],
                Detail = new Dictionary<string, object>
                {
                    ["bucket"] = new Dictionary<string, object> { ["name"] = new[] { props.RawBucket.BucketName } },
                    ["object"] = new Dictionary<string, object> { ["key"] = KeyPattern(props.MediaPrefix) },
                },
            },
        });
        // The body is the event itself, as the admitter starts the workflow with it.
        Rule.AddTarget(new SqsQueue(IntakeQueue, new SqsQueueProps
        {
            DeadLetterQueue = DeadLetterQueue,
            MaxEventAge = Duration.Hours(24),
            RetryAttempts = 185,
        }));

        Doorbell = new IntakeDoorbell(this, "Doorbell", new IntakeDoorbellProps
        {
            Key = props.Key,
            RemovalPolicy = props.RemovalPolicy,
            Bucket = props.RawBucket,
            Prefix = props.SignalPrefix,
            BufferSeconds = DoorbellBufferSeconds,
        });
        // A constant record: the doorbell says "uploads arrived", the intake holds which. KinesisFirehoseStreamV2
        // takes the L2 delivery stream, which this CDK version has only in an alpha package (not used here).
#pragma warning disable CS0612, CS0618
        Rule.AddTarget(new KinesisFirehoseStream(Doorbell.Stream, new KinesisFirehoseStreamProps
        {
            Message = RuleTargetInput.FromText("upload"),
        }));
#pragma warning restore CS0612, CS0618
    }

    public Rule Rule { get; }

    /// <summary>The durable intake: one message per upload event, its body the event.</summary>
    public Queue IntakeQueue { get; }

    /// <summary>Intake messages received ten times without being admitted.</summary>
    public IQueue IntakeDeadLetterQueue { get; }

    /// <summary>Upload events EventBridge could not put into the intake: each message's body is the event.</summary>
    public IQueue DeadLetterQueue { get; }

    public IntakeDoorbell Doorbell { get; }

    /// <summary>
    /// The key filter: the media prefix alone. EventBridge cannot require a prefix and a suffix of the
    /// same field (a field's matchers are OR'd), and spelling each extension in every letter case as a
    /// wildcard makes a rule EventBridge refuses as too complex. A <c>prefix</c> matcher adds no
    /// complexity and keeps the pattern short; extensions are checked by the planner, which records
    /// what it cannot transcribe instead of dropping it.
    /// </summary>
    public static object[] KeyPattern(string mediaPrefix) =>
        [new Dictionary<string, object> { ["prefix"] = mediaPrefix }];

    /// <summary>Sending one upload back into the intake (re-processing, an operator replaying a dead letter).</summary>
    public void GrantSendToIntake(IGrantable grantee, IKey key) => EncryptedDeadLetterQueue.GrantSendMessage(IntakeQueue, key, grantee);
}
