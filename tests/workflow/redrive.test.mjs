// Redrive that works. A failure with a passing cause (Retries.Passing: Transcribe's throttling, a Lambda
// service error, a task timeout, DynamoDB or SQS throttled), still there after the step's retries, is not
// caught: the execution fails at that step, with no dead letter of its own; the execution-end recorder
// (its synthesized Express definition, run on the execution's status-change event) records it once, saying
// it can be redriven; the operator's redrive runs that step again and finishes the job, without a second
// record or dead letter. A permanent failure still ends in the failure branch. The interpreter cannot
// redrive: testkit/redrive.mjs runs the definition from the failed state with the input it received.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { uploadEvent, executionEndRuleMatches } from '../../testkit/events.mjs';
import { endOf } from '../../testkit/execution-events.mjs';
import { plannerForTests } from '../../testkit/scenario.mjs';
import { FakeTranscribe } from '../../testkit/transcribe.mjs';
import { FakePostProcessor } from '../../testkit/post-processor.mjs';
import { FakeTable } from '../../testkit/dynamodb.mjs';
import { execute } from '../../testkit/execute.mjs';
import { redrive } from '../../testkit/redrive.mjs';
import { recordEnd, RECORDER_ENTERED_TIME } from '../../testkit/execution-ends.mjs';
import { assertEnded, assertRecordedFailure, plannedJob } from '../../testkit/assertions.mjs';
import { limitsOf, RELEASES, STATES, PLANNED, FIRST_POLL_PATH, FAILURE_TAIL } from '../../testkit/states.mjs';
import stateNames from '../../contracts/state-names.json' with { type: 'json' };

const workflow = loadWorkflow('dev');
const { definition } = workflow;
const limits = limitsOf(definition);
const planner = plannerForTests(workflow);
const uri = (key) => `s3://${workflow.rawBucket}/${key}`;

// What the recorder says of a passing failure: read from its definition, not restated.
const recorderStates = workflow.recorderDefinition.States;
const PASSING_REASON = recorderStates[stateNames.endRecorder.describeExecutionThatFailedForPassingCauseWithoutCause].Parameters.reason;

/** Runs `key`'s execution until it fails for a passing cause; the stand-ins are kept for the recorder and the redrive. */
async function failedForAPassingCause(key, { transcribe = new FakeTranscribe(), postProcessor = new FakePostProcessor() }) {
  const upload = uploadEvent(workflow, key);
  const [table, queue] = [new FakeTable(), []];
  const result = await execute(definition, upload, { planner, transcribe, postProcessor, table, queue });
  return { upload, result, table, queue, transcribe, postProcessor };
}

/** The execution failed at `state` with `error`, uncaught: no failure branch, no dead letter, no FAILED item of its own. */
function assertFailedAtTheStep({ result, queue, table }, state, error) {
  assertEnded(assert, result, 'FAILED');
  assert.equal(result.error, error, 'the execution\'s error is the step\'s');
  assert.deepEqual(result.failedAt?.state, state, 'the execution failed at the step itself');
  assert.ok(!result.entered.some((s) => s.startsWith('Describe ') || FAILURE_TAIL.includes(s)), 'not through the failure branch');
  assert.deepEqual(queue, [], 'no dead letter from the workflow itself');
  assert.ok(![...table.items.values()].some((item) => item.status === 'FAILED'), 'no FAILED item from the workflow itself');
}

/** The recorder, run on the execution's end: one FAILED item and one dead letter that say it can be redriven. */
async function assertRecordedAsPassing(failed) {
  const event = endOf(workflow, failed.result, failed.upload);
  assert.ok(executionEndRuleMatches(workflow, event), 'the rule delivers the event');
  const run = await recordEnd(workflow, event, { table: failed.table, queue: failed.queue });

  const { jobName } = plannedJob(failed.result);
  const reason = `${PASSING_REASON} ${failed.result.cause}`;
  assert.deepEqual([run.status, run.outcome], ['SUCCEEDED', stateNames.endRecorder.endIsRecorded]);
  assert.ok(run.entered.includes(stateNames.endRecorder.describeExecutionThatFailedForPassingCause));
  const fact = { jobName, mediaUri: failed.upload && uri(failed.upload.detail.object.key), error: failed.result.error, reason, executionArn: failed.result.executionArn };
  assert.deepEqual(failed.queue.map((m) => m.body), [fact], 'one dead letter, saying the cause passes and the execution can be redriven');
  assert.deepEqual(failed.table.items.get(jobName), {
    jobName, status: 'FAILED', error: fact.error, failureReason: reason, mediaUri: fact.mediaUri, executionArn: fact.executionArn, failedAt: event.time, updatedAt: RECORDER_ENTERED_TIME,
  }, 'one FAILED item');
  return event;
}

/** The redrive finished the job: a COMPLETED item of this execution replaces the FAILED one, and no second dead letter. */
function assertRedriveCompleted(failed, redriven, letters = 1) {
  assertEnded(assert, redriven, 'SUCCEEDED');
  assert.equal(redriven.executionArn, failed.result.executionArn, 'a redrive is the same execution');
  const item = failed.table.items.get(plannedJob(failed.result).jobName);
  assert.equal(item.status, 'COMPLETED', 'COMPLETED replaces the FAILED item');
  assert.equal(item.executionArn, failed.result.executionArn);
  assert.equal(failed.queue.length, letters, 'no second dead letter');
  assert.deepEqual(redriven.deadLetters.length, letters);
}

test('a start still throttled after its retries fails at the step; recorded once as passing; the redrive starts the job and completes it', async () => {
  const key = 'media/burst-99.mp3';
  const failed = await failedForAPassingCause(key, { transcribe: new FakeTranscribe({ startAlways: 'LimitExceededException', pollsToFinish: 3 }) });

  assertFailedAtTheStep(failed, STATES.start, 'Transcribe.LimitExceededException');
  assert.deepEqual(failed.result.entered, [...PLANNED, STATES.start]);
  assert.deepEqual(failed.result.retries, { [STATES.start]: limits.startAttempts });
  assert.equal(failed.transcribe.jobs.size, 0, 'no job was started');
  assert.deepEqual(failed.result.failedAt.input.job, plannedJob(failed.result), 'the step\'s input: the upload event and its plan');
  await assertRecordedAsPassing(failed);

  // The quota frees up; the operator redrives the execution from the console.
  failed.transcribe.startAlways = null;
  const redriven = await redrive(definition, failed.result, { planner, transcribe: failed.transcribe, table: failed.table, queue: failed.queue });

  assertRedriveCompleted(failed, redriven);
  assert.equal(redriven.entered[0], STATES.start, 'the redrive continues from the unsuccessful step');
  assert.ok(!redriven.entered.includes(STATES.plan), 'the steps before it are not run again');
  assert.equal(failed.transcribe.jobs.size, 1, 'one job');
  // The wait for the job stores its token over this execution's own FAILED item (it would refuse another's),
  // so the redriven execution waits for the job and polls by its plan, instead of polling in a tight loop.
  assert.ok(!redriven.failedStates.some((f) => f.error === 'DynamoDb.ConditionalCheckFailedException'), 'the wait is not refused');
  assert.ok(failed.table.writes.some((w) => w.status.S === 'TRANSCRIBING' && w.executionArn.S === failed.result.executionArn), 'the item waits again');
});

test('Lambda.ServiceException in post-processing on every attempt fails at the step; the redrive records the transcript without starting the job again', async () => {
  const key = 'media/lambda-outage.mp3';
  const failed = await failedForAPassingCause(key, { postProcessor: new FakePostProcessor({ always: 'Lambda.ServiceException' }) });

  assertFailedAtTheStep(failed, STATES.postProcess, 'Lambda.ServiceException');
  assert.match(failed.result.cause, /^Lambda was unable to process the request\. \(Service: Lambda, Status Code: 500/);
  assert.deepEqual(failed.result.entered, FIRST_POLL_PATH.slice(0, FIRST_POLL_PATH.indexOf(STATES.postProcess) + 1));
  assert.deepEqual(failed.result.retries, { [STATES.postProcess]: limits.postProcessAttempts });
  await assertRecordedAsPassing(failed);

  failed.postProcessor.always = null;
  const redriven = await redrive(definition, failed.result, { planner, transcribe: failed.transcribe, postProcessor: failed.postProcessor, table: failed.table, queue: failed.queue });

  assertRedriveCompleted(failed, redriven);
  assert.deepEqual(redriven.entered, [STATES.postProcess, RELEASES.recorded, stateNames.workflow.transcriptionRecorded]);
  assert.equal(failed.transcribe.startCalls.length, 1, 'the job is not started again');
});

test('a redrive that fails again for a passing cause updates the FAILED item and sends no second dead letter; the next redrive completes', async () => {
  const failed = await failedForAPassingCause('media/twice unlucky.wav', { transcribe: new FakeTranscribe({ startAlways: 'LimitExceededException' }) });
  assertFailedAtTheStep(failed, STATES.start, 'Transcribe.LimitExceededException');
  await assertRecordedAsPassing(failed);

  // Redriven: the job starts, the post-processor's Lambda is out this time.
  failed.transcribe.startAlways = null;
  const postProcessor = new FakePostProcessor({ always: 'Lambda.ServiceException' });
  const again = await redrive(definition, failed.result, { planner, transcribe: failed.transcribe, postProcessor, table: failed.table, queue: failed.queue });
  assert.equal(again.status, 'FAILED');
  assert.deepEqual([again.failedAt.state, again.error], [STATES.postProcess, 'Lambda.ServiceException']);
  const { jobName } = plannedJob(failed.result);
  assert.equal(failed.table.items.get(jobName).status, 'TRANSCRIBING', 'the redrive waited for the job over its FAILED item');

  // Its end: the same execution ARN, redriven once.
  const event = endOf(workflow, again, failed.upload, { redriveCount: 1, atMs: Date.parse('2026-11-22T11:00:00Z') });
  const run = await recordEnd(workflow, event, { table: failed.table, queue: failed.queue });

  assert.equal(run.outcome, stateNames.endRecorder.redrivenEndIsRecorded);
  assert.deepEqual(failed.table.items.get(jobName), {
    jobName, status: 'FAILED', error: 'Lambda.ServiceException', failureReason: `${PASSING_REASON} ${again.cause}`, mediaUri: uri('media/twice unlucky.wav'), executionArn: failed.result.executionArn, failedAt: event.time, updatedAt: RECORDER_ENTERED_TIME,
  }, 'the item says how the redrive ended');
  assert.equal(failed.queue.length, 1, 'no second dead letter');

  // The same event delivered again adds nothing either.
  const duplicate = await recordEnd(workflow, event, { table: failed.table, queue: failed.queue });
  assert.equal(duplicate.outcome, stateNames.endRecorder.failureIsRecorded);
  assert.equal(failed.queue.length, 1);

  postProcessor.always = null;
  const last = await redrive(definition, again, { planner, transcribe: failed.transcribe, postProcessor, table: failed.table, queue: failed.queue });
  assertRedriveCompleted(failed, last);
});

test('a skip DynamoDB still throttles after the retries fails at the step; recorded once; the redrive writes the SKIPPED item', async () => {
  const key = 'media/notes.txt';
  const upload = uploadEvent(workflow, key);
  const [table, queue] = [new FakeTable(), []];
  const result = await execute(definition, upload, { planner, table, queue, skipRecordErrors: Array(6).fill('ProvisionedThroughputExceededException') });

  assertFailedAtTheStep({ result, table, queue }, STATES.recordSkip, 'DynamoDB.ProvisionedThroughputExceededException');
  assert.equal(result.retries[STATES.recordSkip], 5, 'DynamoDB throttling is retried first');
  await assertRecordedAsPassing({ result, table, queue, upload });

  const redriven = await redrive(definition, result, { planner, table, queue });
  assertEnded(assert, redriven, 'SUCCEEDED');
  assert.deepEqual(redriven.entered, [STATES.recordSkip, RELEASES.skipped, stateNames.workflow.uploadSkipped]);
  assert.equal(table.items.get(plannedJob(result).jobName).status, 'SKIPPED', 'SKIPPED replaces the FAILED item');
  assert.equal(queue.length, 1, 'no second dead letter');
});

test('a permanent failure (BadRequestException at the start) still ends in the failure branch, and the recorder adds nothing', async () => {
  const key = 'media/denied.mp3';
  const upload = uploadEvent(workflow, key);
  const [table, queue] = [new FakeTable(), []];
  const transcribe = new FakeTranscribe({ startErrors: ['BadRequestException'] });
  const result = await execute(definition, upload, { planner, transcribe, table, queue });

  assertRecordedFailure(assert, result, { error: 'Transcribe.BadRequestException', reason: transcribe.thrown[0].message, jobName: plannedJob(result).jobName, mediaUri: uri(key) });
  assert.deepEqual(result.entered, [...PLANNED, STATES.start, stateNames.workflow.describeFailedStep, ...FAILURE_TAIL]);
  assert.equal(result.failedAt.state, stateNames.workflow.transcriptionFailed, 'a redrive would only run the Fail state again');

  const run = await recordEnd(workflow, endOf(workflow, result, upload), { table, queue });
  assert.equal(run.outcome, stateNames.endRecorder.failureIsRecorded);
  assert.equal(queue.length, 1, 'one dead letter');
});

test('a bad transcript (a permanent failure of the post-processor) still ends in the failure branch', async () => {
  const key = 'media/garbled.mp4';
  const postProcessor = new FakePostProcessor({ errors: [{ errorType: 'MalformedTranscriptException', errorMessage: 'The transcript is not valid JSON.' }] });
  const result = await execute(definition, uploadEvent(workflow, key), { planner, postProcessor });

  assertRecordedFailure(assert, result, { error: 'MalformedTranscriptException', reason: JSON.stringify({ errorType: 'MalformedTranscriptException', errorMessage: 'The transcript is not valid JSON.', stackTrace: [] }), jobName: plannedJob(result).jobName, mediaUri: uri(key) });
  assert.deepEqual(result.retries, {});
});
