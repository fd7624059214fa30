namespace TranscribeStack.Cdk;

/// <summary>
/// The state names of every state machine, written once: the definitions and the .NET tests use these constants,
/// and contracts/state-names.json, generated from them (GeneratedContractsTests; UPDATE_GENERATED_DOCS=1 rewrites it),
/// is what the JavaScript test kit, the workflow tests and the judges import. A name reads as a plain sentence in the
/// console; renaming a state is changing its string here (and the docs that show it).
/// </summary>
public static class StateNames
{
    /// <summary>The transcription workflow (cdk/Workflow/TranscriptionWorkflow.States.cs).</summary>
    public static class Workflow
    {
        public const string PlanTranscriptionJob = "Plan the transcription job";
        public const string IsUploadMediaFile = "Is the upload a media file?";
        public const string StartTranscriptionJob = "Start the transcription job";
        public const string WaitForJobToFinish = "Wait for the job to finish";
        public const string ScheduleNextPoll = "Schedule the next poll";
        public const string CheckJobStatus = "Check the job status";
        public const string NoteThatPollWasThrottled = "Note that the poll was throttled";
        public const string GetTranscriptionJobStatus = "Get the transcription job status";
        public const string WaitBeforePolling = "Wait before polling";
        public const string DescribeFailedStep = "Describe the failed step";
        public const string RecordTranscriptMetadata = "Record the transcript metadata";
        public const string FreeRecordedUploadsSlot = "Free the recorded upload's slot";
        public const string TranscriptionRecorded = "Transcription recorded";
        public const string RecordSkippedUpload = "Record the skipped upload";
        public const string FreeSkippedUploadsSlot = "Free the skipped upload's slot";
        public const string UploadSkipped = "Upload skipped";
        public const string RecordFailureInMetadataTable = "Record the failure in the metadata table";
        public const string DescribeFailedTranscription = "Describe the failed transcription";
        public const string DescribeJobThatDidNotFinish = "Describe the job that did not finish";
        public const string DescribeUnexpectedJobStatus = "Describe the unexpected job status";
        public const string DescribePlanningFailure = "Describe the planning failure";
        public const string DoesInputNameUpload = "Does the input name the upload?";
        public const string DescribePlanningFailureOfIncompleteInput = "Describe the planning failure of an incomplete input";
        public const string SendFailureToDeadLetterQueue = "Send the failure to the dead-letter queue";
        public const string FreeFailedUploadsSlot = "Free the failed upload's slot";
        public const string TranscriptionFailed = "Transcription failed";
        public const string JoinExistingJob = "Join the existing job";
    }

    /// <summary>The intake admitter (cdk/Triggering/IntakeAdmitter.cs).</summary>
    public static class Admitter
    {
        public const string StartCountingThisSecondsStarts = "Start counting this second's starts";
        public const string DoesExecutionFreeItsSlot = "Does an execution free its slot?";
        public const string TakeSlotInWindow = "Take a slot in the window";
        public const string PauseSecondBeforeNextStarts = "Pause a second before the next starts";
        public const string StartNewSecondsCount = "Start a new second's count";
        public const string WereThisSecondsStartsMade = "Were this second's starts made?";
        public const string CountStartsOfThisSecond = "Count the starts of this second";
        public const string DeleteAdmittedUploadFromIntake = "Delete the admitted upload from the intake";
        public const string StartWorkflowExecutionNamedAfterUpload = "Start the workflow execution named after the upload";
        public const string ClaimSlotForExecution = "Claim the slot for the execution";
        public const string NameExecutionAfterMessage = "Name the execution after the message";
        public const string NameExecutionAfterUpload = "Name the execution after the upload";
        public const string ReadUpload = "Read the upload";
        public const string IsUploadWaitingInIntake = "Is an upload waiting in the intake?";
        public const string ReceiveNextUpload = "Receive the next upload";
        public const string GiveBackSlotIntakeIsEmpty = "Give back the slot: the intake is empty";
        public const string IntakeIsEmpty = "The intake is empty";
        public const string GiveBackSlotOfUploadAlreadyInFlight = "Give back the slot of an upload already in flight";
        public const string DeleteDuplicateOfUploadInFlight = "Delete the duplicate of an upload in flight";
        public const string FreeSlotOfUploadAlreadyHandled = "Free the slot of the upload already handled";
        public const string DeleteUploadAlreadyHandled = "Delete the upload already handled";
        public const string FreeSlotOfRefusedUpload = "Free the slot of the refused upload";
        public const string ReturnUploadToIntake = "Return the upload to the intake";
        public const string StepFunctionsRefusedStart = "Step Functions refused the start";
        public const string FreeEndedExecutionsSlot = "Free the ended execution's slot";
        public const string WindowIsFull = "The window is full";
    }

    /// <summary>The completion notifier (cdk/WorkflowEvents/WakeWaitingExecution.cs).</summary>
    public static class Notifier
    {
        public const string LookUpWaitingExecution = "Look up the waiting execution";
        public const string IsExecutionWaitingForJob = "Is an execution waiting for the job?";
        public const string NoExecutionIsWaiting = "No execution is waiting";
        public const string WakeWaitingExecution = "Wake the waiting execution";
        public const string ExecutionIsAwake = "The execution is awake";
        public const string ExecutionHasMovedOn = "The execution has moved on";
    }

    /// <summary>The execution-end recorder (cdk/WorkflowEvents/ExecutionEndRecorder.cs).</summary>
    public static class EndRecorder
    {
        public const string FreeEndedExecutionsSlot = "Free the ended execution's slot";
        public const string DoesEventCarryExecutionsInput = "Does the event carry the execution's input?";
        public const string DoesInputNameUpload = "Does the input name the upload?";
        public const string ReadExecutionsInput = "Read the execution's input";
        public const string LookUpJob = "Look up the job";
        public const string NameJobOfUpload = "Name the job of the upload";
        public const string NameJobOfUnknownUpload = "Name the job of an unknown upload";
        public const string IsEndAlreadyRecorded = "Is the end already recorded?";
        public const string HowDidExecutionEnd = "How did the execution end?";
        public const string DescribeExecutionThatFailedWithoutError = "Describe the execution that failed without an error";
        public const string RecordEndInMetadataTable = "Record the end in the metadata table";
        public const string DescribeTimedOutExecution = "Describe the timed-out execution";
        public const string DescribeExecutionStoppedWithCause = "Describe the execution stopped with a cause";
        public const string DescribeStoppedExecution = "Describe the stopped execution";
        public const string DescribeExecutionThatFailedForPassingCause = "Describe the execution that failed for a passing cause";
        public const string DescribeExecutionThatFailedForPassingCauseWithoutCause =
            "Describe the execution that failed for a passing cause, without a cause";
        public const string DescribeExecutionThatFailedOutsideFailureBranch =
            "Describe the execution that failed outside the failure branch";
        public const string DescribeExecutionThatFailedWithoutCause = "Describe the execution that failed without a cause";
        public const string WasExecutionRedriven = "Was the execution redriven?";
        public const string SendEndToDeadLetterQueue = "Send the end to the dead-letter queue";
        public const string EndIsRecorded = "The end is recorded";
        public const string RedrivenEndIsRecorded = "The redriven end is recorded";
        public const string EndWasRecordedMeanwhile = "The end was recorded meanwhile";
        public const string JobIsCompleted = "The job is COMPLETED";
        public const string FailureIsRecorded = "The failure is recorded";
        public const string UploadWasSkipped = "The upload was skipped";
    }

    /// <summary>The prefix re-processing (cdk/Operations/PrefixReprocessing.cs).</summary>
    public static class Reprocessing
    {
        public const string DoesRequestNamePrefixOfMediaAndReRunMarker = "Does the request name a prefix of the media and a re-run marker?";
        public const string RequestIsRefused = "The request is refused";
        public const string ReProcessEveryObjectUnderPrefix = "Re-process every object under the prefix";
        public const string PutObjectsReRunIntoIntake = "Put the object's re-run into the intake";
        public const string StartAdmitter = "Start the admitter";
    }
}
