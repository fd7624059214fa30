// Uploads that end in a recorded failure: one FAILED item and one dead-letter message that say
// what failed and why, and a FAILED execution with the same error and cause.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { uploadEvent } from '../../testkit/events.mjs';
import { plannerForTests } from '../../testkit/scenario.mjs';
import { FakeTranscribe } from '../../testkit/transcribe.mjs';
import { FakePostProcessor } from '../../testkit/post-processor.mjs';
import { FakeTable } from '../../testkit/dynamodb.mjs';
import { execute } from '../../testkit/execute.mjs';
import { plannedJob, assertEnded, assertRecordedFailure, plannedWaits } from '../../testkit/assertions.mjs';
import { limitsOf, STATES, FIRST_POLL_PATH, PLANNED, PER_EXTRA_POLL, FAILURE_TAIL } from '../../testkit/states.mjs';
import stateNames from '../../contracts/state-names.json' with { type: 'json' };

const workflow = loadWorkflow('dev');
const { definition } = workflow;
const limits = limitsOf(definition);
const planner = plannerForTests(workflow);

const uri = (key) => `s3://${workflow.rawBucket}/${key}`;
const lambdaCause = (errorType, errorMessage) => JSON.stringify({ errorType, errorMessage, stackTrace: [] });
// States entered up to the post-processor on a first-poll job.
const UP_TO_POST_PROCESS = FIRST_POLL_PATH.slice(0, FIRST_POLL_PATH.indexOf(STATES.postProcess) + 1);

test('a FAILED job is recorded with Transcribe\'s FailureReason', async () => {
  const key = 'media/broken.ogg';
  const transcribe = new FakeTranscribe({ pollsToFinish: 2, finalStatus: 'FAILED', failureReason: 'Unsupported audio codec.' });
  const result = await execute(definition, uploadEvent(workflow, key), { planner, transcribe });

  assertRecordedFailure(assert, result, { error: 'TranscriptionJobFailed', reason: 'Unsupported audio codec.', jobName: plannedJob(result).jobName, mediaUri: uri(key) });
  assert.deepEqual(result.entered, [...FIRST_POLL_PATH.slice(0, 6), ...PER_EXTRA_POLL, stateNames.workflow.describeFailedTranscription, ...FAILURE_TAIL]);
  assert.equal(transcribe.getCalls.length, 2);
});

// A start still throttled after its retry budget, and Lambda.ServiceException in post-processing after
// its retries, are passing failures: the execution fails at the step and is redriven (redrive.test.mjs).

test('BadRequestException is not retried and is recorded', async () => {
  const key = 'media/denied.mp3';
  const message = 'Unable to write to the output location. Check that the bucket exists and that you have write permission.';
  const transcribe = new FakeTranscribe({ startErrors: [{ code: 'BadRequestException', message }] });
  const result = await execute(definition, uploadEvent(workflow, key), { planner, transcribe });

  assertRecordedFailure(assert, result, { error: 'Transcribe.BadRequestException', reason: transcribe.thrown[0].message, jobName: plannedJob(result).jobName, mediaUri: uri(key) });
  assert.ok(result.cause.startsWith(message));
  assert.deepEqual(result.retries, {});
  assert.equal(transcribe.startCalls.length, 1);
  assert.deepEqual(result.entered, [...PLANNED, STATES.start, stateNames.workflow.describeFailedStep, ...FAILURE_TAIL]);
});

test('a job that never finishes ends in the failure branch when its polling plan ends (TranscriptionJobTimedOut)', async () => {
  const key = 'media/stuck.webm';
  const transcribe = new FakeTranscribe({ pollsToFinish: Infinity });
  const result = await execute(definition, uploadEvent(workflow, key), { planner, transcribe });
  const { polling } = plannedJob(result);
  const polls = polling.laterPolls + 1;

  // The branch on its own; whether it is reached before the execution times out is the next test.
  assertRecordedFailure(assert, result, {
    error: 'TranscriptionJobTimedOut',
    reason: `The job was still IN_PROGRESS after ${polling.givesUpAfterSeconds} seconds of polling.`,
    jobName: plannedJob(result).jobName,
    mediaUri: uri(key),
    inTime: false,
  });
  assert.equal(transcribe.getCalls.length, polls);
  assert.deepEqual(result.waits, plannedWaits(result), 'every wait of the plan, in order');
  assert.equal(result.clock.elapsedSeconds, polling.givesUpAfterSeconds);
  const pollStates = FIRST_POLL_PATH.slice(3, 6).length * polls + (polls - 1);
  assert.equal(result.transitions, PLANNED.length + 1 + pollStates + 1 + FAILURE_TAIL.length);
  assert.deepEqual(result.entered.slice(-(FAILURE_TAIL.length + 1)), [stateNames.workflow.describeJobThatDidNotFinish, ...FAILURE_TAIL]);
});

// Regression: the poll schedule once asked for more waiting than the execution's TimeoutSeconds, so AWS
// would have ended the execution with States.Timeout (nothing recorded) before the poll limit's branch.
// The settings now refuse such a pair (workflow.maxJobMinutes vs executionTimeoutMinutes).
test('a job that never finishes reaches the poll limit before the execution times out', async () => {
  const result = await execute(definition, uploadEvent(workflow, 'media/stuck-forever.webm'), { planner, transcribe: new FakeTranscribe({ pollsToFinish: Infinity }) });

  assertEnded(assert, result, 'FAILED');
  assert.equal(result.error, 'TranscriptionJobTimedOut');
});

test('a bad transcript fails post-processing once, without retry, and is recorded', async () => {
  const key = 'media/garbled.mp4';
  const errorMessage = 'The transcript is not valid JSON: \'}\' is invalid after a value. LineNumber: 0 | BytePositionInLine: 12.';
  const postProcessor = new FakePostProcessor({ errors: [{ errorType: 'MalformedTranscriptException', errorMessage }] });
  const result = await execute(definition, uploadEvent(workflow, key), { planner, postProcessor });

  assertRecordedFailure(assert, result, { error: 'MalformedTranscriptException', reason: lambdaCause('MalformedTranscriptException', errorMessage), jobName: plannedJob(result).jobName, mediaUri: uri(key) });
  assert.equal(postProcessor.calls.length, 1);
  assert.deepEqual(result.retries, {});
  assert.deepEqual(result.entered, [...UP_TO_POST_PROCESS, stateNames.workflow.describeFailedStep, ...FAILURE_TAIL]);
});

// Regression: "Describe the planning failure" read $.detail.bucket.name and $.detail.object.key, so an
// input lacking them failed with States.Runtime and nothing was recorded. A Choice now routes such
// inputs to a description without the media URI.
test('an input without detail.object.key is recorded as InvalidJobRequestException', async () => {
  const event = uploadEvent(workflow, 'media/whatever.mp3');
  delete event.detail.object.key;
  const executionName = 'manual-start-without-key';
  const result = await execute(definition, event, { planner, executionName });

  assertEnded(assert, result, 'FAILED');
  assert.equal(result.error, 'InvalidJobRequestException');
  assert.equal(result.deadLetters.length, 1);
  // The item of the execution's job, named by the one rule: the prefix and the execution's name.
  assert.equal(result.table.items.get(`${workflow.plannerEnvironment.JOB_NAME_PREFIX}${executionName}`)?.status, 'FAILED');
});

test('a late failure never overwrites a COMPLETED item, and still reaches the dead-letter queue', async () => {
  const key = 'media/recorded-twice.mp3';
  const event = uploadEvent(workflow, key);
  const transcribe = new FakeTranscribe();
  const table = new FakeTable();
  const first = await execute(definition, event, { planner, transcribe, table });
  assertEnded(assert, first, 'SUCCEEDED');
  const recorded = table.items.get(plannedJob(first).jobName);

  // A duplicate event joins the finished job; its post-processing fails this time.
  const errorMessage = 'Unexpected end of the transcript at byte 4096.';
  const postProcessor = new FakePostProcessor({ errors: [{ errorType: 'MalformedTranscriptException', errorMessage }] });
  const second = await execute(definition, event, { planner, transcribe, table, postProcessor });

  assertEnded(assert, second, 'FAILED');
  assert.equal(second.error, 'MalformedTranscriptException');
  assert.deepEqual(table.items.get(plannedJob(first).jobName), recorded, 'the COMPLETED item is unchanged');
  assert.equal(table.items.size, 1);
  assert.deepEqual(second.failedStates.map((f) => [f.state, f.error]), [
    [STATES.start, 'Transcribe.ConflictException'],
    [STATES.waitForJob, 'DynamoDb.ConditionalCheckFailedException'],
    [STATES.postProcess, 'MalformedTranscriptException'],
    [STATES.recordFailure, 'DynamoDB.ConditionalCheckFailedException'],
    [stateNames.workflow.transcriptionFailed, 'MalformedTranscriptException'],
  ]);
  assert.deepEqual(second.deadLetters.map((m) => m.body), [{
    jobName: plannedJob(first).jobName, mediaUri: uri(key), error: 'MalformedTranscriptException', reason: lambdaCause('MalformedTranscriptException', errorMessage), executionArn: second.executionArn,
  }]);
  assert.deepEqual(second.entered, [...PLANNED, STATES.start, stateNames.workflow.joinExistingJob, STATES.waitForJob, ...FIRST_POLL_PATH.slice(4, FIRST_POLL_PATH.indexOf(STATES.postProcess) + 1), stateNames.workflow.describeFailedStep, ...FAILURE_TAIL]);
});

test('a failure that cannot be written to the table still reaches the dead-letter queue', async () => {
  const key = 'media/table-throttled.mp3';
  const transcribe = new FakeTranscribe({ startErrors: ['BadRequestException'] });
  const throttled = Array(limits.recordAttempts + 1).fill('ProvisionedThroughputExceededException');
  const result = await execute(definition, uploadEvent(workflow, key), { planner, transcribe, recordErrors: throttled });

  assertEnded(assert, result, 'FAILED');
  assert.equal(result.error, 'Transcribe.BadRequestException');
  assert.equal(result.table.items.size, 0);
  assert.deepEqual(result.retries, { [STATES.recordFailure]: limits.recordAttempts });
  assert.deepEqual(result.deadLetters.map((m) => m.body), [{
    jobName: plannedJob(result).jobName, mediaUri: uri(key), error: 'Transcribe.BadRequestException', reason: result.cause, executionArn: result.executionArn,
  }]);
  assert.deepEqual(result.entered, [...PLANNED, STATES.start, stateNames.workflow.describeFailedStep, ...FAILURE_TAIL]);
});
