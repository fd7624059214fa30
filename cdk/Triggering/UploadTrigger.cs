using Amazon.CDK.AWS.Events.Targets;
using Amazon.CDK.AWS.KinesisFirehose;

namespace TranscribeStack.Cdk.Triggering;

public sealed class UploadTriggerProps : PipelineConstructProps
{
    /// <summary>
    /// The uploads: objects created under its media prefix. The doorbell's buffered records land under its signal
    /// prefix, where the admitter's rule listens.
    /// </summary>
    public required MediaIngestion Media { get; init; }
}

/// <summary>
/// Every object created under the media prefix becomes one message of the durable intake, before any call a
/// quota can refuse: the rule's target is the intake queue itself (SQS takes a burst of any size; its
/// messages are kept 14 days; a message received ten times without being admitted goes to the intake's own
/// dead-letter queue). The same rule rings a doorbell: a Firehose stream that buffers a few seconds of
/// uploads into one object under <see cref="MediaIngestion.SignalPrefix"/>, whose creation starts the
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
        DeadLetterQueue = EncryptedDeadLetterQueue.Create(this, "EventDeadLetterQueue", props.Context);
        IntakeDeadLetterQueue = EncryptedDeadLetterQueue.Create(this, "IntakeDeadLetterQueue", props.Context);
        IntakeQueue = new Queue(this, "IntakeQueue", new QueueProps
        {
            Encryption = QueueEncryption.KMS,
            EncryptionMasterKey = props.Context.Key,
            EnforceSSL = true,
            // The largest backlog waits here: 14 days is SQS's longest; the oldest-upload alarm fires long before.
            RetentionPeriod = Duration.Days(14),
            // Longer than an admitter run (an Express execution stops after 5 minutes): a received upload is not
            // seen again while its admission is under way.
            VisibilityTimeout = Duration.Minutes(5),
            DeadLetterQueue = new DeadLetterQueue { Queue = IntakeDeadLetterQueue, MaxReceiveCount = IntakeMaxReceiveCount },
            RemovalPolicy = props.Context.RemovalPolicy,
        });

        Rule = new Rule(this, "Rule", new RuleProps
        {
            Description = "Puts each media file uploaded under the media prefix into the intake, and rings the admitter's doorbell",
            EventPattern = props.Media.ObjectsCreatedUnder(props.Media.MediaPrefix),
        });
        // The body is the event itself, as the admitter starts the workflow with it. SqsQueue, given a KMS-encrypted
        // queue, would let any rule of the account send (aws:SourceAccount) and put the key into the key policy
        // for EventBridge's every use: given a view of the queue without its key it grants nothing, and this
        // statement lets this rule alone send; the key policy's EventBridge statement (this stack's rules) encrypts.
        IntakeQueue.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "AllowTheUploadRuleToFillTheIntake",
            Principals = [new ServicePrincipal("events.amazonaws.com")],
            Actions = ["sqs:SendMessage"],
            Resources = [IntakeQueue.QueueArn],
            Conditions =
                new Dictionary<string, object> { ["ArnEquals"] = new Dictionary<string, object> { ["aws:SourceArn"] = Rule.RuleArn } },
        }));
        Rule.AddTarget(new SqsQueue(
            Queue.FromQueueAttributes(
                this, "IntakeTarget", new QueueAttributes { QueueArn = IntakeQueue.QueueArn, QueueUrl = IntakeQueue.QueueUrl }),
            new SqsQueueProps
            {
                DeadLetterQueue = DeadLetterQueue,
                MaxEventAge = Duration.Hours(24),
                RetryAttempts = 185,
            }));

        Doorbell = new IntakeDoorbell(this, "Doorbell", new IntakeDoorbellProps
        {
            Context = props.Context,
            Bucket = props.Media.Bucket,
            Prefix = props.Media.SignalPrefix,
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
        NagAcknowledgements.AcknowledgeInlinePolicy(Doorbell.TargetRole);
        NagAcknowledgements.AcknowledgeAll(
            Rule,
            "The doorbell target (Firehose) takes no dead-letter queue here; its record carries nothing the intake does not hold, and a "
            + "lost ring only delays admission until the next ring or finished job. The intake target has the event dead-letter queue.",
            "Serverless-EventBusDLQ");
    }

    public Rule Rule { get; }

    /// <summary>The durable intake: one message per upload event, its body the event.</summary>
    public Queue IntakeQueue { get; }

    /// <summary>Intake messages received ten times without being admitted.</summary>
    public IQueue IntakeDeadLetterQueue { get; }

    /// <summary>Upload events EventBridge could not put into the intake: each message's body is the event.</summary>
    public IQueue DeadLetterQueue { get; }

    public IntakeDoorbell Doorbell { get; }

    /// <summary>Sending one upload back into the intake (re-processing, an operator replaying a dead letter).</summary>
    public void GrantSendToIntake(IGrantable grantee, IKey key) => EncryptedDeadLetterQueue.GrantSendMessage(IntakeQueue, key, grantee);
}
