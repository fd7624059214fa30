using TranscribeStack.Cdk.Triggering;
using Timeout = Amazon.CDK.AWS.StepFunctions.Timeout;

namespace TranscribeStack.Cdk.WorkflowEvents;

public sealed class ExecutionEndRecorderProps : PipelineConstructProps
{
    /// <summary>The workflow whose executions' ends are recorded.</summary>
    public required IStateMachine Workflow { get; init; }

    /// <summary>The environment's job-name prefix: a job is named prefix + execution name (JobNames), the item's key.</summary>
    public required string JobNamePrefix { get; init; }

    /// <summary>Where the job's FAILED item is written (unless the job is COMPLETED or the failure is recorded).</summary>
    public required JobMetadataTable Metadata { get; init; }

    /// <summary>The workflow's failure queue: the dead letter has the facts of the workflow's own failure messages.</summary>
    public required IQueue FailureQueue { get; init; }

    /// <summary>The intake admitter: an ended execution's slot is freed through it.</summary>
    public required IStateMachine Admitter { get; init; }
}

/// <summary>
/// Records the end of every workflow execution that ended without its failure branch: an execution that
/// timed out (the state machine's timeout), was stopped (StopExecution), or failed outside the branch
/// (an error no Catch takes) leaves one FAILED item and one message in the failure queue, as a caught
/// failure does. An EventBridge rule on Step Functions' "Execution Status Change" events of the workflow
/// (TIMED_OUT, ABORTED, FAILED) starts a small Express workflow of SDK integrations that names the job after
/// the execution (the one rule of JobNames: no planner is asked), reads the job's item, and records the end only
/// when nobody did: a COMPLETED job, a skipped upload's SKIPPED item, or a failure the branch recorded (a FAILED
/// item with this execution's ARN) adds nothing, and the write's condition keeps a second delivery of the
/// same event from adding anything either. Step Functions sends these events on a best-effort basis: the
/// alarms on timed-out executions stay.
/// </summary>
public sealed class ExecutionEndRecorder : Construct
{
    /// <summary>The statuses of an execution that may have ended without recording its job.</summary>
    internal static readonly string[] EndStatuses = ["TIMED_OUT", "ABORTED", "FAILED"];

    /// <summary>What the recorder reads of a job's item: whether it is final, and which execution wrote it.</summary>
    internal static readonly IReadOnlyList<string> ReadAttributes = [JobMetadataSchema.JobName, JobMetadataSchema.Status, ExecutionArn];

    /// <summary>The attributes of the FAILED item it writes (the workflow's failure branch writes the same ones).</summary>
    internal static readonly IReadOnlyList<string> WrittenAttributes =
        [JobMetadataSchema.JobName, JobMetadataSchema.Status, "error", "failureReason", "mediaUri", ExecutionArn, "failedAt",
            JobMetadataSchema.UpdatedAt];

    private const string ExecutionArn = "executionArn";

    // The ended execution, as the "Step Functions Execution Status Change" event describes it.
    private const string Status = "$.detail.status";
    private const string Error = "$.detail.error";
    private const string Cause = "$.detail.cause";
    private const string EndedExecutionArn = "$.detail.executionArn";

    /// <summary>How many times the execution was redriven before this end (0: it ended the first time).</summary>
    private const string RedriveCount = "$.detail.redriveCount";

    /// <summary>Where the execution's input, parsed, is kept: the upload event, which names the media.</summary>
    private const string Input = "$.execution.input";

    /// <summary>What the item of the job says, as read.</summary>
    private const string Recorded = "$.recorded.Item";

    public ExecutionEndRecorder(Construct scope, string id, ExecutionEndRecorderProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        Express = EventStartedExpressWorkflow.Create(this, new EventStartedExpressWorkflowOptions
        {
            Context = props.Context,
            Comment = $"TranscribeStack ({props.Context.EnvironmentName}): record a workflow execution that timed out, was stopped or "
                + "failed outside its failure branch",
            Definition = () => Definition(props),
            // An Express workflow's longest: the SDK calls' retries fit well within it.
            Timeout = Duration.Minutes(5),
            RoleDescription = "TranscribeStack execution-end recorder: records executions that ended outside the failure branch",
            GrantRole = role =>
            {
                // Read only whether the job's item is final and which execution wrote it; write only FAILED items.
                props.Metadata.GrantGetItem(role, ReadAttributes);
                props.Metadata.GrantPutItem(role, WrittenAttributes);
                // The dead letter: SendMessage only, with the key through SQS for this queue (as the workflow's role).
                EncryptedDeadLetterQueue.GrantSendMessage(props.FailureQueue, props.Context.Key, role);
                // The ended execution leaves the window: the admitter frees its slot (once) and admits the next upload.
                props.Admitter.GrantStartExecution(role);
                NagAcknowledgements.Acknowledge(
                    NagAcknowledgements.DefaultPolicy(role),
                    new NagAcknowledgement("AwsSolutions-IAM5", "Log delivery and X-Ray have no resource type (see UnscopedActions)."));
            },
            RuleDescription = "Records workflow executions that timed out, were stopped or failed outside the failure branch",
            EventPattern = new EventPattern
            {
                Source = ["aws.states"],
                DetailType = ["Step Functions Execution Status Change"],
                Account = [Stack.Of(this).Account],
                Detail = new Dictionary<string, object>
                {
                    ["stateMachineArn"] = new[] { props.Workflow.StateMachineArn },
                    ["status"] = EndStatuses,
                },
            },
            TargetRoleDescription = "TranscribeStack execution ends: starts the execution-end recorder",
            // An undelivered end is a missing record: retried as long as an upload event is.
            MaxEventAge = Duration.Hours(24),
            RetryAttempts = 185,
        });
    }

    /// <summary>Its Express state machine, the rule that starts it, their roles, log group and the rule's dead-letter queue.</summary>
    public EventStartedExpressWorkflow Express { get; }

    /// <summary>Name the job, see whether its end is recorded, and record it if not: happy path first.</summary>
    /// <summary>The job's item has <paramref name="status"/> (and what <paramref name="more"/> adds).</summary>
    private static Condition RecordedIs(string status, params Condition[] more) =>
        Condition.And(
            [
                Condition.IsPresent($"{Recorded}.{JobMetadataSchema.Status}.S"),
                Condition.StringEquals($"{Recorded}.{JobMetadataSchema.Status}.S", status),
                .. more,
            ]);

    private Succeed Done(string name, string comment) => new(this, name, new SucceedProps { Comment = comment });

    private Chain Definition(ExecutionEndRecorderProps props)
    {
        var record = RecordTheEnd(props);
        var describe = DescribeTheEnd(record);
        var lookUp = LookUpTheJob(props).Next(new Choice(this, StateNames.EndRecorder.IsEndAlreadyRecorded)
            .When(
                RecordedIs(JobMetadataSchema.Completed),
                Done(
                    StateNames.EndRecorder.JobIsCompleted,
                    "COMPLETED is final: the transcript is recorded, whatever happened to the execution afterwards."))
            .When(
                RecordedIs(
                    JobMetadataSchema.Failed,
                    Condition.IsPresent($"{Recorded}.{ExecutionArn}.S"),
                    Condition.StringEqualsJsonPath($"{Recorded}.{ExecutionArn}.S", EndedExecutionArn)),
                Done(
                    StateNames.EndRecorder.FailureIsRecorded,
                    "The failure branch (or an earlier delivery of this event) wrote the item and the dead letter."))
            // A skipped upload's execution that FAILED could not write its SKIPPED item (DynamoDB unavailable):
            // recorded like any failure, until a redrive writes the item.
            .When(
                RecordedIs(JobMetadataSchema.Skipped, Condition.Not(Condition.StringEquals(Status, "FAILED"))),
                Done(StateNames.EndRecorder.UploadWasSkipped, "The execution recorded its SKIPPED item: there is no job to record."))
            .Otherwise(describe));

        var named = NameTheJob(props, lookUp);
        var inputKnown = new Choice(this, StateNames.EndRecorder.DoesEventCarryExecutionsInput, new ChoiceProps
        {
            Comment = "Step Functions leaves the input out of the event when it is too large for it.",
        })
            .When(Condition.IsString("$.detail.input"), new Pass(this, StateNames.EndRecorder.ReadExecutionsInput, new PassProps
            {
                Comment = "The event carries the input as a JSON string: the upload event (and a re-run marker).",
                // (JsonPath.StringToJson returns a token jsii cannot pass in a dictionary: the intrinsic is written out.)
                Parameters = new Dictionary<string, object> { ["input.$"] = "States.StringToJson($.detail.input)" },
                ResultPath = "$.execution",
            }).Next(named))
            .Otherwise(named);

        var free = IntakeAdmitter.FreeTheSlotOf(
            this,
            StateNames.EndRecorder.FreeEndedExecutionsSlot,
            props.Admitter,
            "$.detail.name",
            "The admitter frees the execution's slot (once: a redriven execution's later end frees nothing) and admits the next upload.");
        // The end is recorded whatever happens to the slot.
        free.AddCatch(inputKnown, new CatchProps { Errors = [Errors.ALL], ResultPath = JsonPath.DISCARD });
        return Chain.Start(free).Next(inputKnown);
    }

    /// <summary>
    /// The job is named after the ended execution by the one rule (JobNames): the workflow's, whether it planned
    /// the job, skipped the upload or could not plan it. The media URI is the upload's, as the planner gives it.
    /// </summary>
    private Choice NameTheJob(ExecutionEndRecorderProps props, IChainable next)
    {
        var jobName = ExecutionJobNames.Of(props.Context.JobNamePrefix, "$.detail.name");
        Pass Name(string name, string mediaUri) => new(this, name, new PassProps
        {
            Parameters = new Dictionary<string, object>
            {
                [PlanPaths.Name(nameof(JobPlan.JobName))] = jobName,
                [PlanPaths.Name(nameof(JobPlan.MediaUri))] = mediaUri,
            },
            ResultPath = PlanPaths.Job,
        });

        var bucket = $"{Input}.detail.bucket.name";
        var key = $"{Input}.detail.object.key";
        var mediaUri = JsonPath.Format("s3://{}/{}", JsonPath.StringAt(bucket), JsonPath.StringAt(key));
        var withUpload = Name(StateNames.EndRecorder.NameJobOfUpload, mediaUri);
        var withoutUpload = Name(StateNames.EndRecorder.NameJobOfUnknownUpload, "unknown (the input names no bucket and key)");
        withUpload.Next(next);
        withoutUpload.Next(next);
        return new Choice(this, StateNames.EndRecorder.DoesInputNameUpload)
            .When(Condition.And(Condition.IsPresent(bucket), Condition.IsPresent(key)), withUpload)
            .Otherwise(withoutUpload);
    }

    private CallAwsService LookUpTheJob(ExecutionEndRecorderProps props)
    {
        // The failure branch writes its item just before the execution ends: read the latest.
        var task = SdkCall.Create(
            this,
            StateNames.EndRecorder.LookUpJob,
            "dynamodb",
            "getItem",
            props.Metadata.ReadLatest(PlanPaths.JobName, ReadAttributes),
            resultPath: "$.recorded",
            comment: "Its status and the execution that wrote it say whether this end is recorded already.");
        // Not caught: recording without knowing what is recorded could send a second dead letter. The run
        // fails instead (its logs and the Express metrics show it); the event is not delivered again.
        task.AddRetry(Retries.DynamoDbSdk(maxAttempts: 5));
        return task;
    }

    /// <summary>$.failure = {jobName, mediaUri, error, reason, executionArn}, by how the execution ended.</summary>
    private Choice DescribeTheEnd(IChainable next) =>
        new Choice(this, StateNames.EndRecorder.HowDidExecutionEnd)
            .When(Condition.StringEquals(Status, "TIMED_OUT"), Describe(
                StateNames.EndRecorder.DescribeTimedOutExecution,
                error: "States.Timeout",
                reason: "The execution timed out (the state machine's timeout) before it recorded the job.",
                next))
            .When(Condition.And(Condition.StringEquals(Status, "ABORTED"), Condition.IsString(Cause)), Describe(
                StateNames.EndRecorder.DescribeExecutionStoppedWithCause,
                error: "ExecutionAborted",
                reason: JsonPath.Format("The execution was stopped before it recorded the job: {}", JsonPath.StringAt(Cause)),
                next))
            .When(Condition.StringEquals(Status, "ABORTED"), Describe(
                StateNames.EndRecorder.DescribeStoppedExecution,
                error: "ExecutionAborted",
                reason: "The execution was stopped (StopExecution) before it recorded the job.",
                next))
            .When(Condition.And(FailedForAPassingCause(), Condition.IsString(Cause)), Describe(
                StateNames.EndRecorder.DescribeExecutionThatFailedForPassingCause,
                error: JsonPath.StringAt(Error),
                reason: JsonPath.Format(PassingReason + " {}", JsonPath.StringAt(Cause)),
                next))
            .When(FailedForAPassingCause(), Describe(
                StateNames.EndRecorder.DescribeExecutionThatFailedForPassingCauseWithoutCause,
                error: JsonPath.StringAt(Error),
                reason: PassingReason,
                next))
            .When(Condition.And(Condition.IsString(Error), Condition.IsString(Cause)), Describe(
                StateNames.EndRecorder.DescribeExecutionThatFailedOutsideFailureBranch,
                error: JsonPath.StringAt(Error),
                reason: JsonPath.StringAt(Cause),
                next))
            .When(Condition.IsString(Error), Describe(
                StateNames.EndRecorder.DescribeExecutionThatFailedWithoutCause,
                error: JsonPath.StringAt(Error),
                reason: "The execution failed outside the failure branch, without a cause.",
                next))
            .Otherwise(Describe(
                StateNames.EndRecorder.DescribeExecutionThatFailedWithoutError,
                error: "ExecutionFailed",
                reason: "The execution failed outside the failure branch, without an error or a cause.",
                next));

    /// <summary>What the dead letter and the item say of a passing failure: the operator redrives it.</summary>
    internal const string PassingReason =
        "A passing cause, still there after the retries of the step: the execution stopped at the failed step and can be redriven (Step "
        + "Functions console, the execution, Redrive), which runs that step again.";

    /// <summary>The workflow does not catch these (Retries.Passing): the execution failed at the step itself.</summary>
    private static Condition FailedForAPassingCause() => Condition.And(
        Condition.StringEquals(Status, "FAILED"),
        Condition.IsString(Error),
        Condition.Or(Retries.Passing.Select(error => Condition.StringEquals(Error, error)).ToArray()));

    /// <summary>The facts of the workflow's failure messages, for this execution.</summary>
    private Pass Describe(string name, string error, string reason, IChainable next)
    {
        var pass = new Pass(this, name, new PassProps
        {
            Parameters = new Dictionary<string, object>
            {
                ["jobName"] = JsonPath.StringAt(PlanPaths.JobName),
                ["mediaUri"] = JsonPath.StringAt(PlanPaths.MediaUri),
                ["error"] = error,
                ["reason"] = reason,
                ["executionArn"] = JsonPath.StringAt(EndedExecutionArn),
            },
            ResultPath = "$.failure",
        });
        pass.Next(next);
        return pass;
    }

    /// <summary>One FAILED item (unless COMPLETED, or this end is recorded meanwhile) and one dead letter.</summary>
    private DynamoPutItem RecordTheEnd(ExecutionEndRecorderProps props)
    {
        string Now() => JsonPath.StringAt("$$.State.EnteredTime");
        var put = new DynamoPutItem(this, StateNames.EndRecorder.RecordEndInMetadataTable, new DynamoPutItemProps
        {
            Table = props.Metadata.Table,
            Item = new Dictionary<string, DynamoAttributeValue>
            {
                [JobMetadataSchema.JobName] = DynamoAttributeValue.FromString(JsonPath.StringAt("$.failure.jobName")),
                [JobMetadataSchema.Status] = DynamoAttributeValue.FromString(JobMetadataSchema.Failed),
                ["error"] = DynamoAttributeValue.FromString(JsonPath.StringAt("$.failure.error")),
                ["failureReason"] = DynamoAttributeValue.FromString(JsonPath.StringAt("$.failure.reason")),
                ["mediaUri"] = DynamoAttributeValue.FromString(JsonPath.StringAt("$.failure.mediaUri")),
                [ExecutionArn] = DynamoAttributeValue.FromString(JsonPath.StringAt("$.failure.executionArn")),
                // When the execution ended (the event's time), not when this ran.
                ["failedAt"] = DynamoAttributeValue.FromString(JsonPath.StringAt("$.time")),
                [JobMetadataSchema.UpdatedAt] = DynamoAttributeValue.FromString(Now()),
            },
            // COMPLETED is final; and a second delivery of the same event, racing this one, finds the end recorded.
            ConditionExpression = $"({JobMetadataSchema.CompletedIsFinal}) AND (attribute_not_exists(#executionArn) OR #executionArn <> "
                + ":executionArn OR #status <> :failed)",
            ExpressionAttributeNames = new Dictionary<string, string>(JobMetadataSchema.CompletedIsFinalNames)
            {
                ["#executionArn"] = ExecutionArn,
            },
            ExpressionAttributeValues = new Dictionary<string, DynamoAttributeValue>(
                JobMetadataSchema.CompletedIsFinalValues.ToDictionary(v => v.Key, v => DynamoAttributeValue.FromString(v.Value)))
            {
                [":failed"] = DynamoAttributeValue.FromString(JobMetadataSchema.Failed),
                [":executionArn"] = DynamoAttributeValue.FromString(JsonPath.StringAt("$.failure.executionArn")),
            },
            ResultPath = JsonPath.DISCARD,
        });
        put.AddRetry(Retries.DynamoDb());

        var send = new SqsSendMessage(this, StateNames.EndRecorder.SendEndToDeadLetterQueue, new SqsSendMessageProps
        {
            Queue = props.FailureQueue,
            MessageBody = TaskInput.FromJsonPathAt("$.failure"),
            ResultPath = JsonPath.DISCARD,
        });
        send.AddRetry(Retries.Sqs());
        send.Next(new Succeed(this, StateNames.EndRecorder.EndIsRecorded,
            new SucceedProps { Comment = "One FAILED item and one dead letter, as the failure branch leaves." }));

        // A redrive keeps the execution's ARN: its first end sent this execution's dead letter (the operator
        // redrove it from there), so a redrive that fails again updates the item and sends none.
        var deadLettered = new Choice(this, StateNames.EndRecorder.WasExecutionRedriven, new ChoiceProps
        {
            Comment = "No execution sends two dead letters: a redriven execution's earlier end sent its one.",
        })
            .When(
                Condition.And(Condition.IsNumeric(RedriveCount), Condition.NumberGreaterThan(RedriveCount, 0)),
                new Succeed(this, StateNames.EndRecorder.RedrivenEndIsRecorded,
                    new SucceedProps { Comment = "The FAILED item says how the redrive ended; the dead letter of its first end stands." }))
            .Otherwise(send);

        // The job became COMPLETED, or another delivery of this event recorded it, since the look-up.
        put.AddCatch(new Succeed(this, StateNames.EndRecorder.EndWasRecordedMeanwhile),
            new CatchProps { Errors = ["DynamoDB.ConditionalCheckFailedException"], ResultPath = JsonPath.DISCARD });
        // Whatever else happens to the record, the end still reaches the dead-letter queue (as in the workflow).
        put.AddCatch(deadLettered, new CatchProps { Errors = [Errors.ALL], ResultPath = JsonPath.DISCARD });
        put.Next(deadLettered);
        return put;
    }
}
