namespace TranscribeStack.Cdk.Tests.Workflow;

/// <summary>
/// The workflow's flow as a runbook: every state, and where it leads (next, each catch, each choice
/// rule in order). A rewired transition, a reordered choice, a new or removed state fails here.
/// </summary>
[Collection(SynthesizedStacksCollection.Name)]
public sealed class WorkflowFlowTests(SynthesizedStacks stacks)
{
    private const string WaitForJob = StateNames.Workflow.WaitForJobToFinish;
    private const string Poll = StateNames.Workflow.GetTranscriptionJobStatus;
    private const string RecordFailure = StateNames.Workflow.RecordFailureInMetadataTable;
    private const string Status = "$.transcription.status";
    private const string StillRunning = $"({Status} StringEquals QUEUED or {Status} StringEquals IN_PROGRESS or {Status} StringEquals " +
        "POLL_THROTTLED)";

    /// <summary>Each state and its transitions, happy path first, then the failure branch.</summary>
    public static TheoryData<string, string[]> Runbook => new()
    {
        // Only the permanent failures are caught; a passing one (Retries.Passing) fails the execution at its step,
        // which a redrive runs again.
        { StateNames.Workflow.PlanTranscriptionJob,
            [$"next: {StateNames.Workflow.IsUploadMediaFile}",
            $"catch InvalidJobRequestException, UnsupportedMediaFormatException: {StateNames.Workflow.DoesInputNameUpload}"] },
        { StateNames.Workflow.IsUploadMediaFile,
            [$"when $.job.skipped IsPresent true: {StateNames.Workflow.RecordSkippedUpload}",
            $"otherwise: {StateNames.Workflow.StartTranscriptionJob}"] },
        { StateNames.Workflow.StartTranscriptionJob,
            ["next: " + WaitForJob, $"catch Transcribe.ConflictException: {StateNames.Workflow.JoinExistingJob}",
            $"catch Transcribe.BadRequestException: {StateNames.Workflow.DescribeFailedStep}"] },
        { StateNames.Workflow.JoinExistingJob, ["next: " + WaitForJob] },
        // Woken by the completion event; without one within the plan's wait, or when the item is
        // final (nothing would wake it), it polls; when it cannot store its token, it waits a little, then polls.
        { WaitForJob,
            ["next: " + Poll, "catch States.Timeout: " + Poll, "catch DynamoDb.ConditionalCheckFailedException: " + Poll,
            $"catch States.ALL: {StateNames.Workflow.WaitBeforePolling}"] },
        { StateNames.Workflow.WaitBeforePolling, ["next: " + Poll] },
        // A poll still throttled after its retries counts as "still running", not as a failure.
        { Poll,
            [$"next: {StateNames.Workflow.CheckJobStatus}",
            $"catch Transcribe.LimitExceededException: {StateNames.Workflow.NoteThatPollWasThrottled}",
            $"catch Transcribe.BadRequestException, Transcribe.NotFoundException: {StateNames.Workflow.DescribeFailedStep}"] },
        { StateNames.Workflow.NoteThatPollWasThrottled, [$"next: {StateNames.Workflow.CheckJobStatus}"] },
        {
            StateNames.Workflow.CheckJobStatus,
            [
                $"when {Status} StringEquals COMPLETED: {StateNames.Workflow.RecordTranscriptMetadata}",
                $"when {Status} StringEquals FAILED: {StateNames.Workflow.DescribeFailedTranscription}",
                // The give-up rule must come before the still-running one, or a job that never ends polls forever.
                $"when ({StillRunning} and $.job.polling.laterPollsMade NumericGreaterThanEqualsPath $.job.polling.laterPolls): " +
                    $"{StateNames.Workflow.DescribeJobThatDidNotFinish}",
                $"when {StillRunning}: {StateNames.Workflow.ScheduleNextPoll}",
                $"otherwise: {StateNames.Workflow.DescribeUnexpectedJobStatus}",
            ]
        },
        { StateNames.Workflow.ScheduleNextPoll, ["next: " + WaitForJob] },
        {
            StateNames.Workflow.RecordTranscriptMetadata,
            [$"next: {StateNames.Workflow.FreeRecordedUploadsSlot}",
                "catch TranscriptNotFoundException, MalformedTranscriptException, UnexpectedTranscriptShapeException, " +
                $"TranscriptTooLargeException, InvalidJobRequestException: {StateNames.Workflow.DescribeFailedStep}"]
        },
        // Every end leaves the window first: the admitter frees the slot; the record stands whatever happens there.
        { StateNames.Workflow.FreeRecordedUploadsSlot,
            [$"next: {StateNames.Workflow.TranscriptionRecorded}", $"catch States.ALL: {StateNames.Workflow.TranscriptionRecorded}"] },
        { StateNames.Workflow.TranscriptionRecorded, ["succeed"] },
        { StateNames.Workflow.RecordSkippedUpload,
            [$"next: {StateNames.Workflow.FreeSkippedUploadsSlot}",
            $"catch DynamoDB.ConditionalCheckFailedException: {StateNames.Workflow.DescribeFailedStep}"] },
        { StateNames.Workflow.FreeSkippedUploadsSlot,
            [$"next: {StateNames.Workflow.UploadSkipped}", $"catch States.ALL: {StateNames.Workflow.UploadSkipped}"] },
        { StateNames.Workflow.UploadSkipped, ["succeed"] },
        {
            StateNames.Workflow.DoesInputNameUpload,
            [
                "when ($.detail.bucket.name IsPresent true and $.detail.object.key IsPresent true): " +
                    $"{StateNames.Workflow.DescribePlanningFailure}",
                $"otherwise: {StateNames.Workflow.DescribePlanningFailureOfIncompleteInput}",
            ]
        },
        { StateNames.Workflow.DescribePlanningFailure, ["next: " + RecordFailure] },
        { StateNames.Workflow.DescribePlanningFailureOfIncompleteInput, ["next: " + RecordFailure] },
        { StateNames.Workflow.DescribeFailedStep, ["next: " + RecordFailure] },
        { StateNames.Workflow.DescribeFailedTranscription, ["next: " + RecordFailure] },
        { StateNames.Workflow.DescribeJobThatDidNotFinish, ["next: " + RecordFailure] },
        { StateNames.Workflow.DescribeUnexpectedJobStatus, ["next: " + RecordFailure] },
        // Whatever happens to the record, the failure still reaches the dead-letter queue.
        { RecordFailure,
            [$"next: {StateNames.Workflow.SendFailureToDeadLetterQueue}",
            $"catch States.ALL: {StateNames.Workflow.SendFailureToDeadLetterQueue}"] },
        { StateNames.Workflow.SendFailureToDeadLetterQueue, [$"next: {StateNames.Workflow.FreeFailedUploadsSlot}"] },
        { StateNames.Workflow.FreeFailedUploadsSlot,
            [$"next: {StateNames.Workflow.TranscriptionFailed}", $"catch States.ALL: {StateNames.Workflow.TranscriptionFailed}"] },
        { StateNames.Workflow.TranscriptionFailed, ["fail"] },
    };

    private StateMachineDefinition Definition => StateMachineDefinition.Of(stacks["dev"]);

    /// <summary>
    /// The states that free the upload's slot (StartExecution of the admitter) before an end: they retry
    /// StartExecution's errors and catch everything into the end they lead to, since the upload's record stands
    /// whatever happens to its slot (the runbook frees a stuck one). Not a step a redrive could run again.
    /// </summary>
    private static bool FreesTheSlot(string state) => state.StartsWith("Free the ", StringComparison.Ordinal)
        && state.EndsWith(" slot", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Runbook))]
    public void State_Transitions_AreTheRunbooks(string state, string[] transitions)
    {
        Assert.Equal(transitions, Definition.Transitions(state));
    }

    [Fact]
    public void Definition_States_AreExactlyTheRunbooksStartingWithPlanning()
    {
        var runbookStates = Runbook.Select(row => (string)row[0]).Order(StringComparer.Ordinal);

        Assert.Equal(runbookStates, Definition.StateNames.Order(StringComparer.Ordinal));
        Assert.Equal(StateNames.Workflow.PlanTranscriptionJob, Definition.StartAt);
    }

    /// <summary>
    /// A passing failure must reach the end of the execution uncaught, or a redrive only re-runs the failure
    /// branch. Allowed: the wait for the job (its every failure is harmless: a poll follows) and the poll's
    /// throttling (the plan's next poll runs it again, without an operator).
    /// </summary>
    [Fact]
    public void Catches_TakeNoPassingFailure_ButTheWaitAndTheThrottledPoll()
    {
        var catching = Definition.StateNames
            .SelectMany(state => Definition.Transitions(state).Where(t => t.StartsWith("catch ", StringComparison.Ordinal))
                .Select(t => (state, t)))
            .Where(c => c.state != WaitForJob && !FreesTheSlot(c.state))
            .Where(c => c.t.Contains("States.ALL", StringComparison.Ordinal) || c.t.Contains("States.TaskFailed", StringComparison.Ordinal)
                || Retries.Passing.Any(e => c.t.Contains(e, StringComparison.Ordinal)))
            .Select(c => $"{c.state}: {c.t}");

        Assert.Equal([$"{Poll}: catch Transcribe.LimitExceededException: {StateNames.Workflow.NoteThatPollWasThrottled}",
            $"{RecordFailure}: catch States.ALL: {StateNames.Workflow.SendFailureToDeadLetterQueue}"], catching);
    }

    [Fact]
    public void Passing_NamesEachRetriedErrorAndATaskTimeout()
    {
        var retried = Definition.StateNames
            .Where(state => !FreesTheSlot(state))
            .SelectMany(state => Definition.Retriers(state))
            .Distinct()
            .Order(StringComparer.Ordinal);

        Assert.Contains("States.Timeout", Retries.Passing);
        Assert.All(retried, error => Assert.Contains(error, Retries.Passing));
    }

    [Theory]
    [InlineData("staging")]
    [InlineData("prod")]
    public void Definition_Flow_IsTheSameInEveryEnvironment(string environment)
    {
        var other = StateMachineDefinition.Of(stacks[environment]);

        Assert.Equal(Definition.StateNames, other.StateNames);
        Assert.All(Definition.StateNames, state => Assert.Equal(Definition.Transitions(state), other.Transitions(state)));
    }
}
