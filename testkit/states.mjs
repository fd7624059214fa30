// The state names of the synthesized workflow (they read as sentences in the console), the paths
// executions take through them, and the retry budgets the definition sets: what the executor binds
// handlers to and what the scenarios compare executions with, rather than restate.
import stateNames from '../contracts/state-names.json' with { type: 'json' };

/** The Task states, each bound to a local handler by the executor. */
export const STATES = {
  plan: stateNames.workflow.planTranscriptionJob,
  start: stateNames.workflow.startTranscriptionJob,
  waitForJob: stateNames.workflow.waitForJobToFinish,
  get: stateNames.workflow.getTranscriptionJobStatus,
  postProcess: stateNames.workflow.recordTranscriptMetadata,
  recordSkip: stateNames.workflow.recordSkippedUpload,
  recordFailure: stateNames.workflow.recordFailureInMetadataTable,
  deadLetter: stateNames.workflow.sendFailureToDeadLetterQueue,
};

/**
 * The Task states every end passes through first: each starts the intake admitter with this execution's release
 * (bound by their Resource, see integrations.mjs), so that its slot in the window is freed.
 */
export const RELEASES = {
  recorded: stateNames.workflow.freeRecordedUploadsSlot,
  skipped: stateNames.workflow.freeSkippedUploadsSlot,
  failed: stateNames.workflow.freeFailedUploadsSlot,
};

/** The states every planned upload enters first: the planner, then the check that it is a media file. */
export const PLANNED = [STATES.plan, stateNames.workflow.isUploadMediaFile];

/** States entered by an execution whose job completes on the first poll. */
export const FIRST_POLL_PATH = [...PLANNED, STATES.start, STATES.waitForJob, STATES.get, stateNames.workflow.checkJobStatus, STATES.postProcess, RELEASES.recorded, stateNames.workflow.transcriptionRecorded];

/** States entered again for every poll after the first. */
export const PER_EXTRA_POLL = [stateNames.workflow.scheduleNextPoll, STATES.waitForJob, STATES.get, stateNames.workflow.checkJobStatus];

/** States entered by every recorded failure, after its "Describe ..." state. */
export const FAILURE_TAIL = [STATES.recordFailure, STATES.deadLetter, RELEASES.failed, stateNames.workflow.transcriptionFailed];

/** The retry budgets the definition gives the errors the scenarios exhaust. */
export function limitsOf(definition) {
  const states = definition.States;
  const retrier = (state, error) => states[state].Retry.find((r) => r.ErrorEquals.includes(error)) ?? fail(`${state} does not retry ${error}`);
  return {
    startAttempts: retrier(STATES.start, 'Transcribe.LimitExceededException').MaxAttempts,
    postProcessAttempts: retrier(STATES.postProcess, 'Lambda.ServiceException').MaxAttempts,
    recordAttempts: retrier(STATES.recordFailure, 'DynamoDB.ProvisionedThroughputExceededException').MaxAttempts,
  };
}

function fail(message) {
  throw new Error(message);
}
