// The state names of the synthesized workflow (they read as sentences in the console), the paths
// executions take through them, and the retry budgets the definition sets: what the executor binds
// handlers to and what the scenarios compare executions with, rather than restate.

/** The Task states, each bound to a local handler by the executor. */
export const STATES = {
  plan: 'Plan the transcription job',
  start: 'Start the transcription job',
  waitForJob: 'Wait for the job to finish',
  get: 'Get the transcription job status',
  postProcess: 'Record the transcript metadata',
  recordSkip: 'Record the skipped upload',
  recordFailure: 'Record the failure in the metadata table',
  deadLetter: 'Send the failure to the dead-letter queue',
};

/**
 * The Task states every end passes through first: each starts the intake admitter with this execution's release
 * (bound by their Resource, see integrations.mjs), so that its slot in the window is freed.
 */
export const RELEASES = {
  recorded: 'Free the recorded upload\'s slot',
  skipped: 'Free the skipped upload\'s slot',
  failed: 'Free the failed upload\'s slot',
};

/** The states every planned upload enters first: the planner, then the check that it is a media file. */
export const PLANNED = [STATES.plan, 'Is the upload a media file?'];

/** States entered by an execution whose job completes on the first poll. */
export const FIRST_POLL_PATH = [...PLANNED, STATES.start, STATES.waitForJob, STATES.get, 'Check the job status', STATES.postProcess, RELEASES.recorded, 'Transcription recorded'];

/** States entered again for every poll after the first. */
export const PER_EXTRA_POLL = ['Schedule the next poll', STATES.waitForJob, STATES.get, 'Check the job status'];

/** States entered by every recorded failure, after its "Describe ..." state. */
export const FAILURE_TAIL = [STATES.recordFailure, STATES.deadLetter, RELEASES.failed, 'Transcription failed'];

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
