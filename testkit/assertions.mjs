// Assertions the scenarios share about an execution's result (what execute() returns): it ended in
// time with a status, a failure was recorded in the table and the dead-letter queue alike, and what
// the planner planned for it.
import { STATES } from './states.mjs';
import { EXECUTION_ENTERED_TIME } from './execute.mjs';

/** The execution ended as `status` in time (the waits it asked for fit in its TimeoutSeconds). */
export function assertEnded(assert, result, status) {
  assert.equal(result.clock.timedOut, false,
    `in AWS the execution TIMES OUT (States.Timeout, nothing recorded) at wait #${result.clock.timedOutAtWait}: it asks for ${result.clock.elapsedSeconds} s of waits, TimeoutSeconds is ${result.clock.timeoutSeconds}`);
  assert.equal(result.status, status, `status (error ${result.error}: ${result.cause})`);
}

/**
 * A recorded failure: FAILED with error/reason, one FAILED item and exactly one dead letter that say
 * the same. `inTime: false` leaves out the execution-timeout check (to look at a branch on its own).
 */
export function assertRecordedFailure(assert, result, { error, reason, jobName, mediaUri, inTime = true }) {
  if (inTime) assertEnded(assert, result, 'FAILED');
  else assert.equal(result.status, 'FAILED', `status (error ${result.error}: ${result.cause})`);
  assert.equal(result.error, error, 'the Fail state\'s error');
  if (reason instanceof RegExp) assert.match(result.cause, reason, 'the Fail state\'s cause');
  else assert.equal(result.cause, reason, 'the Fail state\'s cause');
  const expected = { jobName, mediaUri, error, reason: result.cause, executionArn: result.executionArn };
  assert.equal(result.deadLetters.length, 1, 'exactly one dead-letter message for the execution');
  assert.deepEqual(result.deadLetters[0].body, expected, 'the dead-letter message');
  assert.deepEqual(result.table.items.get(jobName), {
    jobName,
    status: 'FAILED',
    error,
    failureReason: result.cause,
    mediaUri,
    executionArn: result.executionArn,
    failedAt: EXECUTION_ENTERED_TIME,
    updatedAt: EXECUTION_ENTERED_TIME,
  }, 'the FAILED item');
}

/** The planner's answer in this execution (its job plan). */
export function plannedJob(result) {
  return result.calls.find((c) => c.state === STATES.plan && c.output)?.output ?? fail('the execution planned no job');
}

/** The waits the planner's polling plan asks for, in order: the first, then the later ones. */
export function plannedWaits(result) {
  const { polling } = plannedJob(result);
  return [polling.waitSeconds, ...polling.laterWaitSeconds];
}

function fail(message) {
  throw new Error(message);
}
