namespace TranscribeStack.Cdk.WorkflowEvents;

/// <summary>
/// The states that wake the execution waiting for a finished job, given <c>$.detail</c> with the job's
/// <c>TranscriptionJobName</c> and <c>TranscriptionJobStatus</c> (the shape of Transcribe's "Transcribe Job
/// State Change" detail): read the token from the job's TRANSCRIBING item and send it. The completion
/// notifier runs them for each event; a second wake-up of the same job (a duplicate event) meets a stale
/// token and ends quietly.
/// </summary>
internal static class WakeWaitingExecution
{
    /// <summary>What is read of a job's item.</summary>
    internal static readonly IReadOnlyList<string> ReadAttributes = [JobMetadataSchema.JobName, JobMetadataSchema.TaskToken,
        JobMetadataSchema.Status];

    /// <summary>The statuses of a finished job, as Transcribe reports them.</summary>
    internal static readonly string[] FinalStatuses = ["COMPLETED", "FAILED"];

    // The SDK integration's error names for Step Functions ("Sfn." + the modeled error): the token no
    // longer belongs to a waiting task (it timed out, the execution ended, or a newer wait replaced it).
    private static readonly string[] StaleToken = ["Sfn.TaskTimedOutException", "Sfn.TaskDoesNotExistException",
        "Sfn.InvalidTokenException"];

    /// <summary>What the states call: the token and status of a job's item, and SendTaskSuccess.</summary>
    public static void Grant(Role role, JobMetadataTable metadata)
    {
        // Read only the token and status of a job's item, nothing else of the table.
        metadata.GrantGetItem(role, ReadAttributes);
        // SendTaskSuccess has no resource type and no condition key (Service Authorization Reference):
        // it cannot be limited to the workflow's executions by IAM. The task token is the capability:
        // only the executions' own tokens, stored in this stack's table, are ever sent.
        role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "WakeTheWaitingExecution",
            Actions = ["states:SendTaskSuccess"],
            Resources = ["*"],
        }));
    }

    /// <summary>The states, in <paramref name="scope"/> (state names are unique per state machine).</summary>
    public static Chain Build(Construct scope, JobMetadataTable metadata)
    {
        // The token is written just before the workflow waits: read the latest.
        var lookUp = SdkCall.Create(
            scope,
            StateNames.Notifier.LookUpWaitingExecution,
            "dynamodb",
            "getItem",
            metadata.ReadLatest("$.detail.TranscriptionJobName", ReadAttributes),
            resultPath: "$.waiting",
            comment: "The job's item holds the task token of the execution waiting for it, while it is TRANSCRIBING.");
        lookUp.AddRetry(Retries.DynamoDbSdk(maxAttempts: 3));

        var wake = SdkCall.Create(
            scope,
            StateNames.Notifier.WakeWaitingExecution,
            "sfn",
            "sendTaskSuccess",
            new Dictionary<string, object>
            {
                ["TaskToken"] = JsonPath.StringAt($"$.waiting.Item.{JobMetadataSchema.TaskToken}.S"),
                // The detail (job name and status) as the task's output, a JSON string.
                ["Output.$"] = "States.JsonToString($.detail)",
            },
            comment: "The execution polls the job right away and goes on as its status says.");
        var movedOn = new Succeed(scope, StateNames.Notifier.ExecutionHasMovedOn, new SucceedProps
        {
            Comment = "The wait timed out, was replaced or was already woken: the execution goes on by its plan.",
        });
        wake.AddCatch(movedOn, new CatchProps { Errors = StaleToken, ResultPath = JsonPath.DISCARD });

        return Chain.Start(lookUp).Next(new Choice(scope, StateNames.Notifier.IsExecutionWaitingForJob)
            .When(
                Condition.And(
                    Condition.IsPresent($"$.waiting.Item.{JobMetadataSchema.TaskToken}.S"),
                    Condition.StringEquals($"$.waiting.Item.{JobMetadataSchema.Status}.S", JobMetadataSchema.Transcribing)),
                wake.Next(new Succeed(scope, StateNames.Notifier.ExecutionIsAwake)))
            .Otherwise(new Succeed(scope, StateNames.Notifier.NoExecutionIsWaiting, new SucceedProps
            {
                Comment = "An unknown or finished job, a re-run's, or an event before the wait began: the plan's poll notices the job.",
            })));
    }
}
