using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Amazon.CDK.AWS.Logs;
using LogGroupProps = Amazon.CDK.AWS.Logs.LogGroupProps;
using Amazon.CDK.AWS.SQS;
using Amazon.CDK.AWS.StepFunctions;
using Amazon.CDK.AWS.StepFunctions.Tasks;
using TranscribeStack.Cdk.Messaging;
using TranscribeStack.Cdk.Metadata;
using TranscribeStack.Cdk.Workflow;
using TranscribeStack.Contracts;

namespace TranscribeStack.Cdk.Notification;

public sealed class JobCompletionNotifierProps : LoggingConstructProps
{
    public required string EnvironmentName { get; init; }

    /// <summary>Where a waiting execution keeps its task token (the job's TRANSCRIBING item).</summary>
    public required JobMetadataTable Metadata { get; init; }

    /// <summary>Only events of jobs named with this prefix (this stack's jobs) are taken.</summary>
    public required string JobNamePrefix { get; init; }
}

/// <summary>
/// Wakes the execution that waits for a job when Transcribe reports the job COMPLETED or FAILED: an
/// EventBridge rule on "Transcribe Job State Change" for this account and this stack's job names starts
/// a small Express workflow that reads the waiting execution's task token from the job's item and calls
/// SendTaskSuccess. Made of SDK integrations, not a function: no code to run or patch, and the C# SDK
/// for Step Functions is not available to this project. The events are best effort: a lost, late,
/// duplicate or early event wakes nobody (or nobody still waiting) and fails nothing; the workflow's
/// polling plan notices the job then.
/// </summary>
public sealed class JobCompletionNotifier : Construct
{
    /// <summary>What the notifier reads of a job's item.</summary>
    internal static readonly IReadOnlyList<string> ReadAttributes = [JobMetadataSchema.JobName, JobMetadataSchema.TaskToken, JobMetadataSchema.Status];

    /// <summary>The statuses Transcribe's "Transcribe Job State Change" reports a finished job with.</summary>
    private static readonly string[] FinalStatuses = ["COMPLETED", "FAILED"];

    // The SDK integration's error names for Step Functions ("Sfn." + the modeled error): the token no
    // longer belongs to a waiting task (it timed out, the execution ended, or a newer wait replaced it).
    private static readonly string[] StaleToken = ["Sfn.TaskTimedOutException", "Sfn.TaskDoesNotExistException", "Sfn.InvalidTokenException"];

    public JobCompletionNotifier(Construct scope, string id, JobCompletionNotifierProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        var workflow = EventStartedExpressWorkflow.Create(this, new EventStartedExpressWorkflowOptions
        {
            Key = props.Key,
            LogRetention = props.LogRetention,
            RemovalPolicy = props.RemovalPolicy,
            Comment = $"TranscribeStack ({props.EnvironmentName}): wake the execution waiting for a finished transcription job",
            Definition = () => Definition(props),
            Timeout = Duration.Minutes(1),
            RoleDescription = "TranscribeStack completion notifier: wakes the execution waiting for a job",
            GrantRole = role =>
            {
                // Read only the token and status of a job's item, nothing else of the table.
                props.Metadata.GrantGetItem(role, ReadAttributes);
                // SendTaskSuccess has no resource type and no condition key (Service Authorization Reference):
                // it cannot be limited to the workflow's executions by IAM. The task token is the capability:
                // only the executions' own tokens, stored in this stack's table, are ever sent.
                role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
                {
                    Sid = "WakeTheWaitingExecution",
                    Actions = ["states:SendTaskSuccess"],
                    Resources = ["*"],
                }));
                NagAcknowledgements.Acknowledge(
                    NagAcknowledgements.DefaultPolicy(role),
                    new NagAcknowledgement("AwsSolutions-IAM5", "states:SendTaskSuccess, log delivery and X-Ray have no resource type (see UnscopedActions)."));
            },
            RuleDescription = "Wakes the workflow execution waiting for a finished transcription job of this stack",
            EventPattern = new EventPattern
            {
                Source = ["aws.transcribe"],
                DetailType = ["Transcribe Job State Change"],
                Account = [Stack.Of(this).Account],
                Detail = new Dictionary<string, object>
                {
                    ["TranscriptionJobStatus"] = FinalStatuses,
                    ["TranscriptionJobName"] = new object[] { new Dictionary<string, object> { ["prefix"] = props.JobNamePrefix } },
                },
            },
            TargetRoleDescription = "TranscribeStack completion events: starts the notifier",
            // Past an hour the waiting execution has polled the job anyway.
            MaxEventAge = Duration.Hours(1),
            RetryAttempts = 20,
        });

        StateMachine = workflow.StateMachine;
        Role = workflow.Role;
        TargetRole = workflow.TargetRole;
        LogGroup = workflow.LogGroup;
        Rule = workflow.Rule;
        DeadLetterQueue = workflow.DeadLetterQueue;
    }

    public IStateMachine StateMachine { get; }

    public ILogGroup LogGroup { get; }

    public IRole Role { get; }

    public IRole TargetRole { get; }

    public Rule Rule { get; }

    /// <summary>Completion events EventBridge could not deliver (the jobs are still noticed by polling).</summary>
    public IQueue DeadLetterQueue { get; }

    private Chain Definition(JobCompletionNotifierProps props)
    {
        var lookUp = new CallAwsService(this, "Look up the waiting execution", new CallAwsServiceProps
        {
            Comment = "The job's item holds the task token of the execution waiting for it, while it is TRANSCRIBING.",
            Service = "dynamodb",
            Action = "getItem",
            // The role takes no policy updates; its statements are granted above.
            IamResources = ["*"],
            Parameters = new Dictionary<string, object>
            {
                ["TableName"] = props.Metadata.Table.TableName,
                ["Key"] = new Dictionary<string, object> { [JobMetadataSchema.JobName] = new Dictionary<string, object> { ["S"] = JsonPath.StringAt("$.detail.TranscriptionJobName") } },
                ["ProjectionExpression"] = string.Join(", ", ReadAttributes.Select(name => $"#{name}")),
                ["ExpressionAttributeNames"] = ReadAttributes.ToDictionary(name => $"#{name}", name => (object)name),
                // The token is written just before the workflow waits: read the latest.
                ["ConsistentRead"] = true,
            },
            ResultPath = "$.waiting",
        });
        lookUp.AddRetry(Retries.DynamoDbSdk(maxAttempts: 3));

        var wake = new CallAwsService(this, "Wake the waiting execution", new CallAwsServiceProps
        {
            Comment = "The execution polls the job right away and goes on as its status says.",
            Service = "sfn",
            Action = "sendTaskSuccess",
            IamResources = ["*"],
            Parameters = new Dictionary<string, object>
            {
                ["TaskToken"] = JsonPath.StringAt($"$.waiting.Item.{JobMetadataSchema.TaskToken}.S"),
                // The event's detail (job name and status) as the task's output, a JSON string.
                ["Output.$"] = "States.JsonToString($.detail)",
            },
            ResultPath = JsonPath.DISCARD,
        });
        var movedOn = new Succeed(this, "The execution has moved on", new SucceedProps
        {
            Comment = "The wait timed out or was replaced: the execution polls the job by its plan.",
        });
        wake.AddCatch(movedOn, new CatchProps { Errors = StaleToken, ResultPath = JsonPath.DISCARD });

        return Chain.Start(lookUp).Next(new Choice(this, "Is an execution waiting for the job?")
            .When(
                Condition.And(
                    Condition.IsPresent($"$.waiting.Item.{JobMetadataSchema.TaskToken}.S"),
                    Condition.StringEquals($"$.waiting.Item.{JobMetadataSchema.Status}.S", JobMetadataSchema.Transcribing)),
                wake.Next(new Succeed(this, "The execution is awake")))
            .Otherwise(new Succeed(this, "No execution is waiting", new SucceedProps
            {
                Comment = "An unknown or finished job, a re-run's, or an event before the wait began: the plan's poll notices the job.",
            })));
    }
}
