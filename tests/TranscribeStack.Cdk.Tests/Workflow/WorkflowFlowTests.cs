namespace TranscribeStack.Cdk.Tests.Workflow;

/// <summary>
/// The workflow's flow as a runbook: every state, and where it leads (next, each catch, each choice
/// rule in order). A rewired transition, a reordered choice, a new or removed state fails here.
/// </summary>
[Collection(SynthesizedStacksCollection.Name)]
public sealed class WorkflowFlowTests(SynthesizedStacks stacks)
{
    private const string WaitForJob = "Wait for the job to finish";
    private const string Poll = "Get the transcription job status";
    private const string RecordFailure = "Record the failure in the metadata table";
    private const string Status = "$.transcription.status";
    private const string StillRunning = $"({Status} StringEquals QUEUED or {Status} StringEquals IN_PROGRESS or {Status} StringEquals POLL_THROTTLED)";

    /// <summary>Each state and its transitions, happy path first, then the failure branch.</summary>
    public static TheoryData<string, string[]> Runbook => new()
    {
        // Only the permanent failures are caught; a passing one (Retries.Passing) fails the execution at its step,
        // which a redrive runs again.
        { "Plan the transcription job", ["next: Is the upload a media file?", "catch InvalidJobRequestException, UnsupportedMediaFormatException: Does the input name the upload?"] },
        { "Is the upload a media file?", ["when $.job.skipped IsPresent true: Record the skipped upload", "otherwise: Start the transcription job"] },
        { "Start the transcription job", ["next: " + WaitForJob, "catch Transcribe.ConflictException: Join the existing job", "catch Transcribe.BadRequestException: Describe the failed step"] },
        { "Join the existing job", ["next: " + WaitForJob] },
        // Woken by the completion event; without one within the plan's wait, or when the item is
        // final (nothing would wake it), it polls; when it cannot store its token, it waits a little, then polls.
        { WaitForJob, ["next: " + Poll, "catch States.Timeout: " + Poll, "catch DynamoDb.ConditionalCheckFailedException: " + Poll, "catch States.ALL: Wait before polling"] },
        { "Wait before polling", ["next: " + Poll] },
        // A poll still throttled after its retries counts as "still running", not as a failure.
        { Poll, ["next: Check the job status", "catch Transcribe.LimitExceededException: Note that the poll was throttled", "catch Transcribe.BadRequestException, Transcribe.NotFoundException: Describe the failed step"] },
        { "Note that the poll was throttled", ["next: Check the job status"] },
        {
            "Check the job status",
            [
                $"when {Status} StringEquals COMPLETED: Record the transcript metadata",
                $"when {Status} StringEquals FAILED: Describe the failed transcription",
                // The give-up rule must come before the still-running one, or a job that never ends polls forever.
                $"when ({StillRunning} and $.job.polling.laterPollsMade NumericGreaterThanEqualsPath $.job.polling.laterPolls): Describe the job that did not finish",
                $"when {StillRunning}: Schedule the next poll",
                "otherwise: Describe the unexpected job status",
            ]
        },
        { "Schedule the next poll", ["next: " + WaitForJob] },
        {
            "Record the transcript metadata",
            ["next: Free the recorded upload's slot", "catch TranscriptNotFoundException, MalformedTranscriptException, UnexpectedTranscriptShapeException, TranscriptTooLargeException, InvalidJobRequestException: Describe the failed step"]
        },
        // Every end leaves the window first: the admitter frees the slot; the record stands whatever happens there.
        { "Free the recorded upload's slot", ["next: Transcription recorded", "catch States.ALL: Transcription recorded"] },
        { "Transcription recorded", ["succeed"] },
        { "Record the skipped upload", ["next: Free the skipped upload's slot", "catch DynamoDB.ConditionalCheckFailedException: Describe the failed step"] },
        { "Free the skipped upload's slot", ["next: Upload skipped", "catch States.ALL: Upload skipped"] },
        { "Upload skipped", ["succeed"] },
        {
            "Does the input name the upload?",
            [
                "when ($.detail.bucket.name IsPresent true and $.detail.object.key IsPresent true): Describe the planning failure",
                "otherwise: Describe the planning failure of an incomplete input",
            ]
        },
        { "Describe the planning failure", ["next: " + RecordFailure] },
        { "Describe the planning failure of an incomplete input", ["next: " + RecordFailure] },
        { "Describe the failed step", ["next: " + RecordFailure] },
        { "Describe the failed transcription", ["next: " + RecordFailure] },
        { "Describe the job that did not finish", ["next: " + RecordFailure] },
        { "Describe the unexpected job status", ["next: " + RecordFailure] },
        // Whatever happens to the record, the failure still reaches the dead-letter queue.
        { RecordFailure, ["next: Send the failure to the dead-letter queue", "catch States.ALL: Send the failure to the dead-letter queue"] },
        { "Send the failure to the dead-letter queue", ["next: Free the failed upload's slot"] },
        { "Free the failed upload's slot", ["next: Transcription failed", "catch States.ALL: Transcription failed"] },
        { "Transcription failed", ["fail"] },
    };

    private StateMachineDefinition Definition => StateMachineDefinition.Of(stacks["dev"]);

    /// <summary>
    /// The states that free the upload's slot (StartExecution of the admitter) before an end: they retry
    /// StartExecution's errors and catch everything into the end they lead to, since the upload's record stands
    /// whatever happens to its slot (the runbook frees a stuck one). Not a step a redrive could run again.
    /// </summary>
    private static bool FreesTheSlot(string state) => state.StartsWith("Free the ", StringComparison.Ordinal) && state.EndsWith(" slot", StringComparison.Ordinal);

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
        Assert.Equal("Plan the transcription job", Definition.StartAt);
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
            .SelectMany(state => Definition.Transitions(state).Where(t => t.StartsWith("catch ", StringComparison.Ordinal)).Select(t => (state, t)))
            .Where(c => c.state != WaitForJob && !FreesTheSlot(c.state))
            .Where(c => c.t.Contains("States.ALL", StringComparison.Ordinal) || c.t.Contains("States.TaskFailed", StringComparison.Ordinal) || Retries.Passing.Any(e => c.t.Contains(e, StringComparison.Ordinal)))
            .Select(c => $"{c.state}: {c.t}");

        Assert.Equal([$"{Poll}: catch Transcribe.LimitExceededException: Note that the poll was throttled", $"{RecordFailure}: catch States.ALL: Send the failure to the dead-letter queue"], catching);
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
