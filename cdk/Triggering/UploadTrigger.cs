using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.S3;
using Amazon.CDK.AWS.SQS;
using Amazon.CDK.AWS.StepFunctions;
using Amazon.CDK.AWS.StepFunctions.Tasks;
using TranscribeStack.Cdk.Encryption;
using TranscribeStack.Cdk.Messaging;
using TranscribeStack.Cdk.Workflow;
using TranscribeStack.Contracts;
using Timeout = Amazon.CDK.AWS.StepFunctions.Timeout;

namespace TranscribeStack.Cdk.Triggering;

public sealed class UploadTriggerProps : LoggingConstructProps
{
    public required string EnvironmentName { get; init; }

    public required IBucket RawBucket { get; init; }

    public required string MediaPrefix { get; init; }

    /// <summary>The workflow whose executions are started, one per upload, named after it.</summary>
    public required IStateMachine StateMachine { get; init; }

    /// <summary>The job planner: it names the execution (one fact, one place: the job name's hash).</summary>
    public required IFunction JobPlanner { get; init; }
}

/// <summary>
/// Starts one workflow execution per object created under the media prefix, named after the object, so
/// an operator finds it by typing part of the file name into the console's search. EventBridge targets
/// cannot name an execution: the rule on the raw bucket's Object Created events starts a small Express
/// workflow, the starter, which asks the job planner for the name (file name, hash of bucket, key and
/// version) and calls StartExecution with it and the event as input. A duplicate event gets the same name:
/// Step Functions answers with the running execution, or ExecutionAlreadyExists once it ended; either
/// means the upload is handled. Every hop keeps the event: EventBridge retries starting the starter for
/// 24 hours and dead-letters it; the starter retries a throttled StartExecution and, when it still
/// cannot start the workflow, sends the event to the same dead-letter queue. The rule filters by
/// prefix only; the planner records what is not media as SKIPPED (see README).
/// </summary>
public sealed class UploadTrigger : Construct
{
    /// <summary>Where the planner's answer (<see cref="NamedExecution"/>) is put in the starter's state.</summary>
    private const string Named = "$.named";

    /// <summary>Where a caught error is put: its name and cause go with the dead letter.</summary>
    private const string Caught = "$.error";

    private readonly UploadTriggerProps props;

    public UploadTrigger(Construct scope, string id, UploadTriggerProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        this.props = props;
        // Created first: the starter's definition dead-letters into it too (one queue, one alarm, one runbook).
        var deadLetterQueue = EncryptedDeadLetterQueue.Create(this, "EventDeadLetterQueue", props.Key, props.RemovalPolicy);
        var starter = EventStartedExpressWorkflow.Create(this, new EventStartedExpressWorkflowOptions
        {
            Key = props.Key,
            LogRetention = props.LogRetention,
            RemovalPolicy = props.RemovalPolicy,
            Comment = $"TranscribeStack ({props.EnvironmentName}): start the workflow execution of an upload, named after it",
            Definition = () => Definition(deadLetterQueue),
            // An Express workflow's longest; the retries below add up to well under it (see Definition).
            Timeout = Duration.Minutes(5),
            RoleDescription = "TranscribeStack upload starter: names and starts the workflow execution of an upload",
            GrantRole = role =>
            {
                // Only the planner names an execution, only the workflow is started.
                props.JobPlanner.GrantInvoke(role);
                props.StateMachine.GrantStartExecution(role);
                // The event it could not start with: SendMessage only, with the key through SQS for this queue.
                EncryptedDeadLetterQueue.GrantSendMessage(deadLetterQueue, props.Key, role);
                NagAcknowledgements.Acknowledge(
                    NagAcknowledgements.DefaultPolicy(role),
                    new NagAcknowledgement("AwsSolutions-IAM5", "Log delivery and X-Ray have no resource type (see UnscopedActions); the planner is invoked by any version qualifier (function:*)."));
            },
            RuleDescription = "Starts a transcription for each media file uploaded under the media prefix",
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
            TargetRoleDescription = "TranscribeStack upload trigger: starts the upload starter",
            MaxEventAge = Duration.Hours(24),
            RetryAttempts = 185,
            DeadLetterQueue = deadLetterQueue,
        });

        Rule = starter.Rule;
        TargetRole = starter.TargetRole;
        DeadLetterQueue = starter.DeadLetterQueue;
        Starter = starter.StateMachine;
        StarterRole = starter.Role;
        LogGroup = starter.LogGroup;
    }

    public Rule Rule { get; }

    /// <summary>EventBridge's role: starts the starter only.</summary>
    public IRole TargetRole { get; }

    /// <summary>Upload events that could not be delivered or started: each message's body is the event.</summary>
    public IQueue DeadLetterQueue { get; }

    /// <summary>The Express workflow that names and starts the workflow execution of an upload.</summary>
    public IStateMachine Starter { get; }

    public IRole StarterRole { get; }

    public ILogGroup LogGroup { get; }

    /// <summary>
    /// The key filter: the media prefix alone. EventBridge cannot require a prefix and a suffix of the
    /// same field (a field's matchers are OR'd), and spelling each extension in every letter case as a
    /// wildcard makes a rule EventBridge refuses as too complex. A <c>prefix</c> matcher adds no
    /// complexity and keeps the pattern short; extensions are checked by the planner, which records
    /// what it cannot transcribe instead of dropping it.
    /// </summary>
    public static object[] KeyPattern(string mediaPrefix) =>
        [new Dictionary<string, object> { ["prefix"] = mediaPrefix }];

    /// <summary>
    /// Name the execution, start it, and keep the event whatever happens: happy path first. Worst case of
    /// the retries, well under the 5 minutes an Express execution may run (it would end uncaught): naming
    /// 5 × 15 s plus Lambda's back-off (at most 30 s), starting 12 × 5 s plus back-off (at most ~100 s),
    /// the dead letter's SQS retries (seconds).
    /// </summary>
    private Chain Definition(IQueue deadLetterQueue)
    {
        var deadLetter = SendTheEventToTheDeadLetterQueue(deadLetterQueue);
        var handled = new Succeed(this, "The upload is already handled", new SucceedProps
        {
            Comment = "An execution of this name exists: a duplicate event, or an earlier delivery of this one, started it.",
        });
        var started = new Succeed(this, "The workflow execution is started");

        var unnamed = Start("Start the workflow execution without a name", name: null, handled, deadLetter).Next(started);
        var named = Start("Start the workflow execution named after the upload", JsonPath.StringAt($"{Named}.{PlanPaths.Name(nameof(NamedExecution.ExecutionName))}"), handled, deadLetter);
        return Chain.Start(NameTheExecution(onError: unnamed)).Next(named).Next(started);
    }

    private LambdaInvoke NameTheExecution(IChainable onError)
    {
        var task = new LambdaInvoke(this, "Name the execution after the upload", new LambdaInvokeProps
        {
            Comment = "The planner names it from bucket, key and version: every delivery of the event gets the same name.",
            LambdaFunction = props.JobPlanner,
            Payload = TaskInput.FromObject(new Dictionary<string, object> { [NamedExecution.RequestProperty] = JsonPath.EntirePayload }),
            PayloadResponseOnly = true,
            RetryOnServiceExceptions = false,
            ResultPath = Named,
            TaskTimeout = Timeout.Duration(Duration.Seconds(15)),
        });
        // Only the Lambda service's own transient errors; a function error says the event cannot be named.
        task.AddRetry(Retries.Lambda());
        // Not lost for want of a name: the workflow still runs, under a name Step Functions makes up, and
        // records a malformed event as a failure, as it did before executions were named.
        task.AddCatch(onError, new CatchProps { Errors = [Errors.ALL], ResultPath = JsonPath.DISCARD });
        return task;
    }

    private StepFunctionsStartExecution Start(string id, string? name, IChainable handled, IChainable deadLetter)
    {
        var task = new StepFunctionsStartExecution(this, id, new StepFunctionsStartExecutionProps
        {
            StateMachine = props.StateMachine,
            IntegrationPattern = IntegrationPattern.REQUEST_RESPONSE,
            // The workflow's input stays the upload event itself (its definition reads it as before).
            Input = TaskInput.FromJsonPathAt("$$.Execution.Input"),
            Name = name,
            ResultPath = JsonPath.DISCARD,
            TaskTimeout = Timeout.Duration(Duration.Seconds(5)),
        });
        task.AddRetry(Retries.NeverExecutionAlreadyExists());
        // A burst: too many open executions, KMS or the StartExecution rate throttled. Retried, then dead-lettered.
        task.AddRetry(Retries.StartExecutionThrottled());
        task.AddRetry(Retries.StartExecutionFailed());
        task.AddCatch(handled, new CatchProps { Errors = [Retries.ExecutionAlreadyExists], ResultPath = JsonPath.DISCARD });
        task.AddCatch(deadLetter, new CatchProps { Errors = [Errors.ALL], ResultPath = Caught });
        return task;
    }

    /// <summary>The event as EventBridge would have dead-lettered it; the starter's execution fails with why.</summary>
    private SqsSendMessage SendTheEventToTheDeadLetterQueue(IQueue deadLetterQueue)
    {
        var send = new SqsSendMessage(this, "Send the event to the dead-letter queue", new SqsSendMessageProps
        {
            Comment = "Nothing lost: start the starter (or the workflow) with the message's body once Step Functions recovers.",
            Queue = deadLetterQueue,
            // The body is the event alone, as EventBridge's dead letters: one way to replay both.
            MessageBody = TaskInput.FromJsonPathAt("$$.Execution.Input"),
            ResultPath = JsonPath.DISCARD,
        });
        send.AddRetry(Retries.Sqs());
        send.Next(new Fail(this, "The event is in the dead-letter queue", new FailProps
        {
            Comment = "Failed with StartExecution's error, so that the starter's execution says why; the queue's alarm fires.",
            ErrorPath = $"{Caught}.Error",
            CausePath = $"{Caught}.Cause",
        }));
        return send;
    }
}
