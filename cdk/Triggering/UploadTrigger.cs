using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Amazon.CDK.AWS.S3;
using Amazon.CDK.AWS.SQS;
using Amazon.CDK.AWS.StepFunctions;

namespace TranscribeStack.Cdk.Triggering;

public sealed class UploadTriggerProps : EncryptedConstructProps
{
    public required IBucket RawBucket { get; init; }

    public required string MediaPrefix { get; init; }

    public required IStateMachine StateMachine { get; init; }
}

/// <summary>
/// Starts one workflow execution per object created under the media prefix: an EventBridge rule on
/// the raw bucket's Object Created events, delivered through its own role, retried, and dead-lettered
/// when it cannot be delivered. The rule filters by prefix only; the job planner decides whether the
/// object is a media file Transcribe accepts and records anything else as SKIPPED (see README).
/// </summary>
public sealed class UploadTrigger : Construct
{
    public UploadTrigger(Construct scope, string id, UploadTriggerProps props)
        : base(scope, id)
    {
        DeadLetterQueue = Messaging.EncryptedDeadLetterQueue.Create(this, "EventDeadLetterQueue", props.Key, props.RemovalPolicy);

        var role = AccountServiceRoles.Create(this, "TargetRole", "events.amazonaws.com", "TranscribeStack upload trigger: starts workflow executions");
        props.StateMachine.GrantStartExecution(role);

        Rule = new Rule(this, "Rule", new RuleProps
        {
            Description = "Starts a transcription for each media file uploaded under the media prefix",
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
        Rule.AddTarget(new SfnStateMachine(props.StateMachine, new SfnStateMachineProps
        {
            Role = role,
            DeadLetterQueue = DeadLetterQueue,
            MaxEventAge = Duration.Hours(24),
            RetryAttempts = 185,
        }));
        TargetRole = role;
        NagAcknowledgements.AcknowledgeInlinePolicy(role);
    }

    public Rule Rule { get; }

    public IRole TargetRole { get; }

    public IQueue DeadLetterQueue { get; }

    /// <summary>
    /// The key filter: the media prefix alone. EventBridge cannot require a prefix and a suffix of the
    /// same field (a field's matchers are OR'd), and spelling each extension in every letter case as a
    /// wildcard makes a rule EventBridge refuses as too complex. A <c>prefix</c> matcher adds no
    /// complexity and keeps the pattern short; extensions are checked by the planner, which records
    /// what it cannot transcribe instead of dropping it.
    /// </summary>
    public static object[] KeyPattern(string mediaPrefix) =>
        [new Dictionary<string, object> { ["prefix"] = mediaPrefix }];
}
