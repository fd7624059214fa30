using TranscribeStack.Cdk.Triggering;
using Timeout = Amazon.CDK.AWS.StepFunctions.Timeout;

namespace TranscribeStack.Cdk.Workflow;

/// <summary>The states of the workflow, one method each, in the order an upload meets them.</summary>
public sealed partial class TranscriptionWorkflow
{
    // Errors Step Functions reports for an SDK integration: "<Service>.<modeled error>", with the
    // Exception suffix added where the model's name lacks it (the passing ones are in Retries).
    internal const string TranscribeLimitExceeded = Retries.TranscribeLimitExceeded;
    internal const string TranscribeInternalFailure = Retries.TranscribeInternalFailure;
    internal const string TranscribeConflict = "Transcribe.ConflictException";

    // The permanent failures, caught and recorded by the failure branch: running the step again cannot
    // help. Every other error (the passing ones of Retries.Passing, after their retries, and any error
    // nobody foresaw) is not caught: the execution fails at its step, the execution-end recorder records
    // it, and an operator redrives it from that step once the cause is gone.

    /// <summary>The job planner's refusals of its input (a function error is the exception's type).</summary>
    internal static readonly string[] PlannerRefusals = ["InvalidJobRequestException", "UnsupportedMediaFormatException"];

    /// <summary>Transcribe refused the request: bad media, a refused setting, denied output access.</summary>
    internal const string TranscribeBadRequest = "Transcribe.BadRequestException";

    /// <summary>GetTranscriptionJob refused, or the job is gone: polling again cannot help.</summary>
    internal static readonly string[] PollRefusals = [TranscribeBadRequest, "Transcribe.NotFoundException"];

    /// <summary>The post-processor cannot read the transcript, or its request is malformed.</summary>
    internal static readonly string[] BadTranscript =
        ["TranscriptNotFoundException", "MalformedTranscriptException", "UnexpectedTranscriptShapeException", "TranscriptTooLargeException",
            "InvalidJobRequestException"];

    /// <summary>The skipped upload's item is COMPLETED (COMPLETED is final): writing it again cannot help.</summary>
    internal const string ItemIsCompleted = "DynamoDB.ConditionalCheckFailedException";

    private const string JobStatus = "$.transcription.status";

    /// <summary>The execution's own name: the job is named after it (JobNames).</summary>
    private const string ExecutionName = "$$.Execution.Name";

    /// <summary>The status a throttled poll records: not Transcribe's, ours (see PollWasThrottled).</summary>
    internal const string PollThrottled = "POLL_THROTTLED";

    // The role takes no policy updates: the statements a task would add are written out in
    // TranscriptionWorkflow.Permissions.cs, so the tasks' own IAM resources are never attached.
    private static readonly string[] NotAttached = ["*"];

    private LambdaInvoke PlanJob(IChainable onError)
    {
        var task = new LambdaInvoke(this, StateNames.Workflow.PlanTranscriptionJob, new LambdaInvokeProps
        {
            Comment = "Derives the media URI, format and polling plan from the upload event, and the job name from the execution's, "
                + "or says why the upload is skipped.",
            LambdaFunction = props.JobPlanner,
            // The execution's name (the job is named after it) and its whole input: the upload event and a re-run marker, if any.
            Payload = TaskInput.FromObject(new Dictionary<string, object>
            {
                [PlanRequest.ExecutionNameProperty] = JsonPath.StringAt(ExecutionName),
                [PlanRequest.UploadProperty] = JsonPath.EntirePayload,
            }),
            PayloadResponseOnly = true,
            RetryOnServiceExceptions = false,
            ResultPath = PlanPaths.Job,
            TaskTimeout = Timeout.Duration(Duration.Minutes(1)),
        });
        task.AddRetry(Retries.Lambda());
        // A malformed event is not retried: it is recorded with the original event kept. Lambda's service
        // errors after their retries, or a timeout, are not caught: the execution is redriven from here.
        task.AddCatch(onError, new CatchProps { Errors = PlannerRefusals, ResultPath = "$.error" });
        return task;
    }

    /// <summary>
    /// A hand-started execution may lack the bucket or key: describe it without them rather than fail. The item is
    /// the execution's job's, named by the same rule as a planned job, so the execution-end recorder finds it too.
    /// </summary>
    private Choice DescribePlanningFailure(IChainable failed) =>
        new Choice(this, StateNames.Workflow.DoesInputNameUpload)
            .When(
                Condition.And(Condition.IsPresent("$.detail.bucket.name"), Condition.IsPresent("$.detail.object.key")),
                DescribeFailure(
                    StateNames.Workflow.DescribePlanningFailure,
                    jobName: ExecutionJobNames.Of(props.Context.JobNamePrefix, ExecutionName),
                    mediaUri: JsonPath.Format("s3://{}/{}", JsonPath.StringAt("$.detail.bucket.name"),
                        JsonPath.StringAt("$.detail.object.key")),
                    error: JsonPath.StringAt("$.error.Error"),
                    reason: JsonPath.StringAt("$.error.Cause"),
                    next: failed))
            .Otherwise(DescribeFailure(
                StateNames.Workflow.DescribePlanningFailureOfIncompleteInput,
                jobName: ExecutionJobNames.Of(props.Context.JobNamePrefix, ExecutionName),
                mediaUri: "unknown (the input names no bucket and key)",
                error: JsonPath.StringAt("$.error.Error"),
                reason: JsonPath.StringAt("$.error.Cause"),
                next: failed));

    private CallAwsService StartJob(IChainable onConflict, IChainable onError)
    {
        var task = new CallAwsService(this, StateNames.Workflow.StartTranscriptionJob, new CallAwsServiceProps
        {
            Comment = "Transcribe first writes a check file into the output prefix as this role, then starts or queues the job.",
            Service = "transcribe",
            Action = "startTranscriptionJob",
            IamResources = NotAttached,
            Parameters = request.Parameters(),
            ResultPath = JsonPath.DISCARD,
            TaskTimeout = Timeout.Duration(Duration.Minutes(1)),
        });
        // Rate and quota excess pass: back off exponentially with full jitter, capped. Still refused after
        // the budget (or timed out): not caught, the execution fails here and a redrive starts the job again.
        task.AddRetry(Retries.Transcribe(props.Settings.StartJobRetryMaxAttempts, props.Settings.StartJobRetryMaxBackoffSeconds));
        // The job exists: a duplicate event, or a redrive of a start that timed out after Transcribe took it.
        task.AddCatch(onConflict, new CatchProps { Errors = [TranscribeConflict], ResultPath = JsonPath.DISCARD });
        // BadRequestException (bad media, denied output access): not retried, recorded.
        task.AddCatch(onError, new CatchProps { Errors = [TranscribeBadRequest], ResultPath = "$.error" });
        return task;
    }

    private Pass JoinExistingJob() => new(this, StateNames.Workflow.JoinExistingJob, new PassProps
    {
        Comment = "A duplicate event for the same object maps to the same job name: follow that job instead of failing.",
    });

    /// <summary>
    /// Stores this execution's task token in the job's item (status TRANSCRIBING) and waits until it is
    /// woken (SendTaskSuccess) by Transcribe's completion event. The plan's current wait bounds it: when
    /// no event comes (events are best effort), the job is polled; that poll is the one safety net.
    /// </summary>
    private CallAwsService WaitForJob(IChainable whenNoEvent, IChainable whenItemIsFinal, IChainable whenCannotWait)
    {
        var task = new CallAwsService(this, StateNames.Workflow.WaitForJobToFinish, new CallAwsServiceProps
        {
            Comment = "Woken by Transcribe's completion event; when none comes within the plan's wait, the job is polled.",
            Service = "dynamodb",
            Action = "updateItem",
            IamResources = NotAttached,
            IntegrationPattern = IntegrationPattern.WAIT_FOR_TASK_TOKEN,
            Parameters = new Dictionary<string, object>
            {
                ["TableName"] = props.Metadata.Table.TableName,
                ["Key"] = JobMetadataTable.KeyOf(PlanPaths.JobName),
                // updatedAt of a waiting item: when the first execution waiting for the job started, before
                // the job was created (the status index lists the longest waits first).
                ["UpdateExpression"] = "SET #taskToken = :taskToken, #status = :transcribing, #mediaUri = :mediaUri, #executionArn = "
                    + ":executionArn, #updatedAt = if_not_exists(#updatedAt, :started)",
                // Never on a COMPLETED or SKIPPED item, nor on another execution's FAILED one: only a new item, one
                // that is still waiting, or the FAILED item of this very execution, which is being redriven (its
                // error and failureReason stay until the item is COMPLETED, or FAILED again).
                ["ConditionExpression"] = "attribute_not_exists(#jobName) OR #status = :transcribing OR (#status = :failed AND "
                    + "#executionArn = :executionArn)",
                ["ExpressionAttributeNames"] = JobMetadataTable.ExpressionNames(WaitingItemAttributes),
                ["ExpressionAttributeValues"] = new Dictionary<string, object>
                {
                    [":taskToken"] = new Dictionary<string, object> { ["S"] = JsonPath.TaskToken },
                    [":transcribing"] = new Dictionary<string, object> { ["S"] = JobMetadataSchema.Transcribing },
                    [":failed"] = new Dictionary<string, object> { ["S"] = JobMetadataSchema.Failed },
                    [":mediaUri"] = new Dictionary<string, object> { ["S"] = JsonPath.StringAt(PlanPaths.MediaUri) },
                    [":executionArn"] = new Dictionary<string, object> { ["S"] = JsonPath.ExecutionId },
                    [":started"] = new Dictionary<string, object> { ["S"] = JsonPath.StringAt("$$.Execution.StartTime") },
                },
            },
            ResultPath = JsonPath.DISCARD,
            TaskTimeout = Timeout.At(PlanPaths.WaitSeconds),
        });
        // DynamoDB throttled or busy: store the token again (a few times; each counts in the history).
        task.AddRetry(Retries.DynamoDbSdk(maxAttempts: 3));
        // No event within the plan's wait (lost, or the job still runs): poll now, as the plan says.
        task.AddCatch(whenNoEvent, new CatchProps { Errors = [Errors.TIMEOUT], ResultPath = JsonPath.DISCARD });
        // The item is final (a duplicate upload of a recorded job, whose job has ended): nothing will wake
        // this wait, poll now.
        task.AddCatch(whenItemIsFinal, new CatchProps { Errors = [ConditionFailed], ResultPath = JsonPath.DISCARD });
        // The token could not be stored (DynamoDB unavailable after the retries): wait a little, then poll.
        task.AddCatch(whenCannotWait, new CatchProps { Errors = [Errors.ALL], ResultPath = JsonPath.DISCARD });
        return task;
    }

    /// <summary>The SDK integration's name for DynamoDB's refused condition.</summary>
    internal const string ConditionFailed = "DynamoDb.ConditionalCheckFailedException";

    /// <summary>The attributes the wait writes; the role may write only these (dynamodb:Attributes).</summary>
    internal static IReadOnlyList<string> WaitingItemAttributes { get; } =
        [JobMetadataSchema.JobName, JobMetadataSchema.TaskToken, JobMetadataSchema.Status, "mediaUri", "executionArn",
            JobMetadataSchema.UpdatedAt];

    private Wait WaitBeforePolling() => new(this, StateNames.Workflow.WaitBeforePolling, new WaitProps
    {
        Comment = "Only when the wait for the job could not start: the shortest poll interval, then a poll.",
        Time = WaitTime.Duration(Duration.Seconds(props.Settings.MinPollIntervalSeconds)),
    });

    private CallAwsService GetJobStatus(IChainable whenThrottled, IChainable onError)
    {
        var task = new CallAwsService(this, StateNames.Workflow.GetTranscriptionJobStatus, new CallAwsServiceProps
        {
            Service = "transcribe",
            Action = "getTranscriptionJob",
            IamResources = NotAttached,
            Parameters = new Dictionary<string, object> { ["TranscriptionJobName"] = JsonPath.StringAt(PlanPaths.JobName) },
            ResultSelector = new Dictionary<string, object>
            {
                ["status"] = JsonPath.StringAt("$.TranscriptionJob.TranscriptionJobStatus"),
                // StringAt only marks the path; the whole job object is selected.
                ["job"] = JsonPath.StringAt("$.TranscriptionJob"),
            },
            ResultPath = "$.transcription",
            TaskTimeout = Timeout.Duration(Duration.Minutes(1)),
        });
        // GetTranscriptionJob has its own rate quota: a burst of polls is throttled, not failed.
        task.AddRetry(Retries.Transcribe(props.Settings.PollRetryMaxAttempts, props.Settings.PollRetryMaxBackoffSeconds));
        // Still throttled after the retries: the job's status is unknown, not failed; the plan's next
        // wait and poll follow (a bounded budget per poll keeps the execution's history small). The one
        // passing error the workflow catches: the plan's next poll is this step run again, without an operator.
        task.AddCatch(whenThrottled, new CatchProps { Errors = [TranscribeLimitExceeded], ResultPath = JsonPath.DISCARD });
        // The job is refused or gone. InternalFailureException after its retries, or a timeout, is not caught:
        // the execution is redriven from this poll.
        task.AddCatch(onError, new CatchProps { Errors = PollRefusals, ResultPath = "$.error" });
        return task;
    }

    /// <summary>A poll that stayed throttled: the status is unknown, so the job counts as still running.</summary>
    private Pass PollWasThrottled() => new(this, StateNames.Workflow.NoteThatPollWasThrottled, new PassProps
    {
        Comment = "Transcribe refused the poll over its request-rate quota, even after the retries: treated as still running.",
        Result = Result.FromObject(new Dictionary<string, object> { ["status"] = PollThrottled }),
        ResultPath = "$.transcription",
    });

    private Choice CheckJobStatus(IChainable completed, IChainable stillRunning, IChainable failed)
    {
        var running = Condition.Or(
            Condition.StringEquals(JobStatus, "QUEUED"),
            Condition.StringEquals(JobStatus, "IN_PROGRESS"),
            Condition.StringEquals(JobStatus, PollThrottled));
        return new Choice(this, StateNames.Workflow.CheckJobStatus, new ChoiceProps
        {
            Comment = "QUEUED counts as running (Transcribe queues jobs above its quota), and so does a poll that stayed throttled.",
        })
            .When(Condition.StringEquals(JobStatus, "COMPLETED"), completed)
            .When(Condition.StringEquals(JobStatus, "FAILED"), DescribeFailure(
                StateNames.Workflow.DescribeFailedTranscription,
                jobName: JsonPath.StringAt(PlanPaths.JobName),
                mediaUri: JsonPath.StringAt(PlanPaths.MediaUri),
                error: "TranscriptionJobFailed",
                reason: JsonPath.StringAt("$.transcription.job.FailureReason"),
                next: failed))
            // The plan's waits end at workflow.maxJobMinutes: a job that never finishes ends in the failure branch.
            .When(
                Condition.And(running, Condition.NumberGreaterThanEqualsJsonPath(PlanPaths.LaterPollsMade, PlanPaths.LaterPolls)),
                DescribeFailure(
                    StateNames.Workflow.DescribeJobThatDidNotFinish,
                    jobName: JsonPath.StringAt(PlanPaths.JobName),
                    mediaUri: JsonPath.StringAt(PlanPaths.MediaUri),
                    error: "TranscriptionJobTimedOut",
                    reason: JsonPath.Format(
                        "The job was still {} after {} seconds of polling.",
                        JsonPath.StringAt(JobStatus),
                        JsonPath.StringAt(PlanPaths.GivesUpAfterSeconds)),
                    next: failed))
            .When(running, stillRunning)
            .Otherwise(DescribeFailure(
                StateNames.Workflow.DescribeUnexpectedJobStatus,
                jobName: JsonPath.StringAt(PlanPaths.JobName),
                mediaUri: JsonPath.StringAt(PlanPaths.MediaUri),
                error: "UnexpectedJobStatus",
                reason: JsonPath.Format("Transcribe reported the status {}.", JsonPath.StringAt(JobStatus)),
                next: failed));
    }

    /// <summary>The next entry of the planner's waits (the backstop's longest interval, jittered per job) becomes the current
    /// wait.</summary>
    private Pass ScheduleNextPoll() => new(this, StateNames.Workflow.ScheduleNextPoll, new PassProps
    {
        Parameters = new Dictionary<string, object>
        {
            [PlanPaths.Name(nameof(PollingPlan.WaitSeconds))] = JsonPath.ArrayGetItem(JsonPath.ListAt(PlanPaths.LaterWaitSeconds),
                JsonPath.NumberAt(PlanPaths.LaterPollsMade)),
            [PlanPaths.Name(nameof(PollingPlan.LaterWaitSeconds))] = JsonPath.ListAt(PlanPaths.LaterWaitSeconds),
            [PlanPaths.Name(nameof(PollingPlan.LaterPolls))] = JsonPath.NumberAt(PlanPaths.LaterPolls),
            [PlanPaths.Name(nameof(PollingPlan.LaterPollsMade))] = JsonPath.MathAdd(JsonPath.NumberAt(PlanPaths.LaterPollsMade), 1),
            [PlanPaths.Name(nameof(PollingPlan.GivesUpAfterSeconds))] = JsonPath.NumberAt(PlanPaths.GivesUpAfterSeconds),
        },
        ResultPath = PlanPaths.Polling,
    });

    private LambdaInvoke PostProcess(IChainable onError)
    {
        var task = new LambdaInvoke(this, StateNames.Workflow.RecordTranscriptMetadata, new LambdaInvokeProps
        {
            Comment = "The post-processor reads the transcript and writes the job's metadata item (idempotent).",
            LambdaFunction = props.PostProcessor,
            Payload = TaskInput.FromObject(new Dictionary<string, object>
            {
                ["jobName"] = JsonPath.StringAt(PlanPaths.JobName),
                ["mediaUri"] = JsonPath.StringAt(PlanPaths.MediaUri),
                ["transcriptBucket"] = props.Transcripts.Bucket.BucketName,
                ["transcriptKey"] = JsonPath.StringAt(PlanPaths.TranscriptKey),
                ["executionArn"] = JsonPath.ExecutionId,
                ["jobCompletedAt"] = JsonPath.StringAt("$.transcription.job.CompletionTime"),
                // The job as GetTranscriptionJob described it: its language (real transcripts carry one only
                // when identification ran), identified languages and their durations, subtitle files, redaction.
                // (StringAt only marks the path: the whole object is passed.)
                ["transcriptionJob"] = JsonPath.StringAt("$.transcription.job"),
            }),
            PayloadResponseOnly = true,
            RetryOnServiceExceptions = false,
            ResultPath = "$.result",
            TaskTimeout = Timeout.Duration(Duration.Minutes(16)),
        });
        task.AddRetry(Retries.Lambda());
        // A bad transcript (missing, malformed, too large) is not retried: the error type says why. Lambda's
        // service errors after their retries, a timeout, or any other error (S3 or DynamoDB unavailable to
        // the function) are not caught: the execution is redriven from here, and the item written then.
        task.AddCatch(onError, new CatchProps { Errors = BadTranscript, ResultPath = "$.error" });
        return task;
    }

    /// <summary>
    /// An object the rule let through that is not a media file under the prefix: one SKIPPED item
    /// saying why, and a successful execution (no dead letter, no alarm).
    /// </summary>
    private DynamoPutItem RecordSkip(IChainable onError)
    {
        var record = PutItemUnlessCompleted(
            StateNames.Workflow.RecordSkippedUpload,
            "Not a media file under the media prefix: recorded with the reason, not transcribed.",
            status: JobMetadataSchema.Skipped,
            timeAttribute: "skippedAt",
            new Dictionary<string, string>
            {
                [JobMetadataSchema.JobName] = JsonPath.StringAt(PlanPaths.JobName),
                ["skipReason"] = JsonPath.StringAt(PlanPaths.SkipReason),
                ["skipDetail"] = JsonPath.StringAt(PlanPaths.SkipDetail),
                ["mediaUri"] = JsonPath.StringAt(PlanPaths.MediaUri),
                ["executionArn"] = JsonPath.ExecutionId,
            });
        // The job's item is COMPLETED: recorded as a failure. DynamoDB throttled after the retries is not
        // caught: the execution fails here (the execution-end recorder records it) and is redriven.
        record.AddCatch(onError, new CatchProps { Errors = [ItemIsCompleted], ResultPath = "$.error" });
        record.Next(
            FreeTheSlot(StateNames.Workflow.FreeSkippedUploadsSlot,
                new Succeed(this, StateNames.Workflow.UploadSkipped,
                    new SucceedProps { Comment = "Recorded as SKIPPED with the reason." })));
        return record;
    }

    /// <summary>
    /// The upload leaves the window: the admitter (started by its fixed name, see IntakeAdmitter) frees this
    /// execution's slot and admits the next upload from the intake. One transition on every end.
    /// </summary>
    private StepFunctionsStartExecution FreeTheSlot(string name, IChainable end)
    {
        var task = IntakeAdmitter.FreeTheSlotOf(this, name, admitter, "$$.Execution.Name",
            "The admitter frees this execution's slot (once, however often it is asked) and admits the next upload.");
        // The upload's record stands whatever happens here: a slot not freed narrows the window by one until an
        // operator starts the admitter with this execution's release (runbook).
        task.AddCatch(end, new CatchProps { Errors = [Errors.ALL], ResultPath = JsonPath.DISCARD });
        task.Next(end);
        return task;
    }

    /// <summary>Normalizes any failure to $.failure = {jobName, mediaUri, error, reason, executionArn}.</summary>
    private Pass DescribeFailure(string name, string jobName, string mediaUri, string error, string reason, IChainable next)
    {
        var pass = new Pass(this, name, new PassProps
        {
            Parameters = new Dictionary<string, object>
            {
                ["jobName"] = jobName,
                ["mediaUri"] = mediaUri,
                ["error"] = error,
                ["reason"] = reason,
                ["executionArn"] = JsonPath.ExecutionId,
            },
            ResultPath = "$.failure",
        });
        pass.Next(next);
        return pass;
    }

    /// <summary>The failure branch: one FAILED item (unless the job is COMPLETED), one dead letter, a failed execution.</summary>
    private DynamoPutItem RecordFailure()
    {
        var record = PutItemUnlessCompleted(
            StateNames.Workflow.RecordFailureInMetadataTable,
            comment: null,
            status: JobMetadataSchema.Failed,
            timeAttribute: "failedAt",
            new Dictionary<string, string>
            {
                [JobMetadataSchema.JobName] = JsonPath.StringAt("$.failure.jobName"),
                ["error"] = JsonPath.StringAt("$.failure.error"),
                ["failureReason"] = JsonPath.StringAt("$.failure.reason"),
                ["mediaUri"] = JsonPath.StringAt("$.failure.mediaUri"),
                ["executionArn"] = JsonPath.StringAt("$.failure.executionArn"),
            });

        var send = new SqsSendMessage(this, StateNames.Workflow.SendFailureToDeadLetterQueue, new SqsSendMessageProps
        {
            Queue = FailureQueue,
            MessageBody = TaskInput.FromJsonPathAt("$.failure"),
            ResultPath = JsonPath.DISCARD,
        });
        send.AddRetry(Retries.Sqs());

        // Whatever happens to the record, the failure still reaches the dead-letter queue.
        record.AddCatch(send, new CatchProps { Errors = [Errors.ALL], ResultPath = "$.recordError" });
        record.Next(send);
        send.Next(FreeTheSlot(
            StateNames.Workflow.FreeFailedUploadsSlot,
            new Fail(this, StateNames.Workflow.TranscriptionFailed, new FailProps
            {
                Comment = "The failure is in the metadata table and the dead-letter queue.",
                ErrorPath = "$.failure.error",
                CausePath = "$.failure.reason",
            })));
        return record;
    }

    /// <summary>
    /// Writes one item of the job (string attributes from paths, the status, when it happened), never
    /// replacing a COMPLETED item, with DynamoDB's throttling retried.
    /// </summary>
    private DynamoPutItem PutItemUnlessCompleted(string name, string? comment, string status, string timeAttribute,
        Dictionary<string, string> attributes)
    {
        var item = attributes.ToDictionary(a => a.Key, a => DynamoAttributeValue.FromString(a.Value));
        item[JobMetadataSchema.Status] = DynamoAttributeValue.FromString(status);
        item[timeAttribute] = DynamoAttributeValue.FromString(JsonPath.StringAt("$$.State.EnteredTime"));
        item[JobMetadataSchema.UpdatedAt] = DynamoAttributeValue.FromString(JsonPath.StringAt("$$.State.EnteredTime"));
        var put = new DynamoPutItem(this, name, new DynamoPutItemProps
        {
            Comment = comment,
            Table = props.Metadata.Table,
            Item = item,
            // COMPLETED is final: a late failure or skip never overwrites a recorded transcript.
            ConditionExpression = JobMetadataSchema.CompletedIsFinal,
            ExpressionAttributeNames = JobMetadataSchema.CompletedIsFinalNames.ToDictionary(),
            ExpressionAttributeValues = JobMetadataSchema.CompletedIsFinalValues.ToDictionary(
                v => v.Key, v => DynamoAttributeValue.FromString(v.Value)),
            ResultPath = JsonPath.DISCARD,
        });
        put.AddRetry(Retries.DynamoDb());
        return put;
    }
}
