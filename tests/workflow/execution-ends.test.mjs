// Every execution's end is recorded: an execution that timed out, was stopped, or failed outside the
// failure branch leaves one FAILED item and one dead letter, written by the execution-end recorder (the
// synthesized Express definition, executed locally) that its "Execution Status Change" event starts.
// The workflow's executions are the synthesized Standard definition, ended where the scenario says;
// both share the real C# planner, the table and the failure queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { uploadEvent, executionEndRuleMatches } from '../../testkit/events.mjs';
import { endOf, executionStatusChangeEvent } from '../../testkit/execution-events.mjs';
import { plannerForTests } from '../../testkit/scenario.mjs';
import { FakeTranscribe } from '../../testkit/transcribe.mjs';
import { FakeTable } from '../../testkit/dynamodb.mjs';
import { execute } from '../../testkit/execute.mjs';
import { recordEnd, RECORDER_STATES, RECORDER_ENTERED_TIME } from '../../testkit/execution-ends.mjs';
import { plannedJob } from '../../testkit/assertions.mjs';
import { STATES } from '../../testkit/states.mjs';
import stateNames from '../../contracts/state-names.json' with { type: 'json' };

const workflow = loadWorkflow('dev');
const { definition } = workflow;
const planner = plannerForTests(workflow);
/** Every job's name is this prefix and its execution's name (JobNames). */
const PREFIX = workflow.plannerEnvironment.JOB_NAME_PREFIX;

/** An execution of `key` ended at the Task state `at` as `as`, with its table and queue. */
async function endedExecution(key, at, as, transcribe = new FakeTranscribe({ pollsToFinish: 50 })) {
  const upload = uploadEvent(workflow, key);
  const [table, queue] = [new FakeTable(), []];
  const result = await execute(definition, upload, { planner, transcribe, table, queue, stop: { at, as } });
  assert.equal(result.status, as);
  return { upload, result, table, queue };
}

/** The recorder run on the end of `ended` (endOf's options: error, cause, redriveCount): the event and the run. */
async function recordTheEnd(ended, options) {
  const event = endOf(workflow, ended.result, ended.upload, options);
  return { event, run: await recordEnd(workflow, event, { table: ended.table, queue: ended.queue }) };
}

/** What the recorder writes for an end it records: the FAILED item and the one dead letter. */
function assertRecordedEnd({ table, queue }, event, { jobName, mediaUri, error, reason }) {
  assert.deepEqual(table.items.get(jobName), {
    jobName,
    status: 'FAILED',
    error,
    failureReason: reason,
    mediaUri,
    executionArn: event.detail.executionArn,
    failedAt: event.time,
    updatedAt: RECORDER_ENTERED_TIME,
  }, 'the FAILED item');
  assert.deepEqual(queue.map((m) => m.body), [{ jobName, mediaUri, error, reason, executionArn: event.detail.executionArn }], 'exactly one dead letter');
}

test('the rule takes the workflow\'s executions that timed out, were stopped or failed, and nothing else', () => {
  const end = (status, stateMachineArn = workflow.stateMachineArn) => executionStatusChangeEvent({
    stateMachineArn, executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:e-1`, status, input: {},
  });
  for (const status of ['TIMED_OUT', 'ABORTED', 'FAILED']) assert.ok(executionEndRuleMatches(workflow, end(status)), status);
  for (const status of ['RUNNING', 'SUCCEEDED']) assert.ok(!executionEndRuleMatches(workflow, end(status)), status);
  const notifier = 'arn:aws:states:us-east-1:123456789012:stateMachine:AnotherStateMachine';
  assert.ok(!executionEndRuleMatches(workflow, end('TIMED_OUT', notifier)), 'another state machine\'s execution');
});

test('a TIMED_OUT execution (the timeout elapsed while it waited for the job) is recorded once, with one dead letter', async () => {
  const ended = await endedExecution('media/all hands.mp3', STATES.waitForJob, 'TIMED_OUT');
  const { jobName } = plannedJob(ended.result);
  assert.equal(ended.table.items.get(jobName).status, 'TRANSCRIBING', 'the execution left its waiting item behind');
  assert.deepEqual(ended.queue, [], 'and no dead letter');
  const event = endOf(workflow, ended.result, ended.upload);
  assert.ok(executionEndRuleMatches(workflow, event), 'the rule delivers the event');

  const run = await recordEnd(workflow, event, { table: ended.table, queue: ended.queue });

  assert.deepEqual([run.status, run.outcome], ['SUCCEEDED', stateNames.endRecorder.endIsRecorded]);
  assertRecordedEnd(ended, event, {
    jobName,
    mediaUri: `s3://${workflow.rawBucket}/media/all hands.mp3`,
    error: 'States.Timeout',
    reason: 'The execution timed out (the state machine\'s timeout) before it recorded the job.',
  });
});

test('an execution that ended at a step frees its slot: the recorder starts the admitter with its release first', async () => {
  const ended = await endedExecution('media/stopped early.mp3', STATES.waitForJob, 'ABORTED');
  const { event, run } = await recordTheEnd(ended);

  assert.equal(run.entered[0], RECORDER_STATES.release);
  assert.deepEqual(run.admitter.calls.map((c) => c.Input), [{ release: ended.result.executionName }]);
  assert.equal(ended.result.admitter.calls.length, 0, 'the stopped execution itself never reached an end that releases');
});

test('an ABORTED execution (stopped while it waited) is recorded once, with one dead letter', async () => {
  const ended = await endedExecution('media/wrong file.wav', STATES.waitForJob, 'ABORTED');
  const { event, run } = await recordTheEnd(ended);

  assert.equal(run.outcome, stateNames.endRecorder.endIsRecorded);
  assertRecordedEnd(ended, event, {
    jobName: plannedJob(ended.result).jobName,
    mediaUri: `s3://${workflow.rawBucket}/media/wrong file.wav`,
    error: 'ExecutionAborted',
    reason: 'The execution was stopped (StopExecution) before it recorded the job.',
  });
});

test('an execution stopped with a cause records the operator\'s cause', async () => {
  const ended = await endedExecution('media/duplicate upload.m4a', STATES.start, 'ABORTED');
  const { event } = await recordTheEnd(ended, { error: 'Operator', cause: 'Uploaded twice by mistake.' });

  assertRecordedEnd(ended, event, {
    jobName: plannedJob(ended.result).jobName,
    mediaUri: `s3://${workflow.rawBucket}/media/duplicate upload.m4a`,
    error: 'ExecutionAborted',
    reason: 'The execution was stopped before it recorded the job: Uploaded twice by mistake.',
  });
});

test('a FAILED execution that went through the failure branch adds nothing: its item and dead letter are there', async () => {
  const upload = uploadEvent(workflow, 'media/broken.ogg');
  const [table, queue] = [new FakeTable(), []];
  const transcribe = new FakeTranscribe({ pollsToFinish: 1, finalStatus: 'FAILED', failureReason: 'Unsupported audio codec.' });
  const result = await execute(definition, upload, { planner, transcribe, table, queue });
  assert.equal(result.status, 'FAILED');
  const [items, letters, writes] = [structuredClone([...table.items]), structuredClone(queue), table.writes.length];

  const run = await recordEnd(workflow, endOf(workflow, result, upload), { table, queue });

  assert.equal(run.outcome, stateNames.endRecorder.failureIsRecorded);
  assert.ok(!run.calls.some((c) => c.state === RECORDER_STATES.record || c.state === RECORDER_STATES.deadLetter), 'no write, no message');
  assert.deepEqual([[...table.items], queue, table.writes.length], [items, letters, writes]);
});

test('a second delivery of the same event adds nothing', async () => {
  const ended = await endedExecution('media/retro.mp3', STATES.waitForJob, 'TIMED_OUT');
  const { event } = await recordTheEnd(ended);
  const [item, writes] = [ended.table.items.get(plannedJob(ended.result).jobName), ended.table.writes.length];

  const again = await recordEnd(workflow, event, { table: ended.table, queue: ended.queue });

  assert.equal(again.outcome, stateNames.endRecorder.failureIsRecorded);
  assert.deepEqual([ended.table.items.get(plannedJob(ended.result).jobName), ended.table.writes.length, ended.queue.length], [item, writes, 1]);
});

test('a second delivery racing the first (both read the item before either wrote) adds nothing: the write\'s condition', async () => {
  const ended = await endedExecution('media/standup.wav', STATES.waitForJob, 'ABORTED');
  const event = endOf(workflow, ended.result, ended.upload);
  const { jobName } = plannedJob(ended.result);
  // What both look-ups read: the execution's waiting item, before the first delivery recorded the end.
  const before = ended.table.getItem({ TableName: workflow.tableName, Key: { jobName: { S: jobName } } });
  const racing = { tableName: workflow.tableName, getItem: () => structuredClone(before), putItem: (request) => ended.table.putItem(request) };
  await recordEnd(workflow, event, { table: ended.table, queue: ended.queue });

  const second = await recordEnd(workflow, event, { table: racing, queue: ended.queue });

  assert.equal(second.outcome, stateNames.endRecorder.endWasRecordedMeanwhile);
  assert.equal(ended.queue.length, 1, 'one dead letter');
  assert.equal(ended.table.writes.filter((w) => w.status.S === 'FAILED').length, 1, 'one FAILED write');
});

test('a COMPLETED job\'s late ABORTED event adds nothing: COMPLETED is final', async () => {
  // Stopped right after the post-processor recorded the transcript, before the execution succeeded.
  const ended = await endedExecution('media/keynote.mp4', STATES.postProcess, 'ABORTED', new FakeTranscribe({ pollsToFinish: 1 }));
  const { jobName } = plannedJob(ended.result);
  assert.equal(ended.table.items.get(jobName).status, 'COMPLETED');
  const writes = ended.table.writes.length;

  const { run } = await recordTheEnd(ended);

  assert.equal(run.outcome, stateNames.endRecorder.jobIsCompleted);
  assert.deepEqual([ended.table.items.get(jobName).status, ended.table.writes.length, ended.queue.length], ['COMPLETED', writes, 0]);
});

test('a skipped upload\'s end needs no record: its SKIPPED item is there', async () => {
  const ended = await endedExecution('media/notes.txt', STATES.recordSkip, 'ABORTED');

  const { run } = await recordTheEnd(ended);

  assert.equal(run.outcome, stateNames.endRecorder.uploadWasSkipped);
  assert.deepEqual(ended.queue, []);
});

test('a skipped upload stopped before it recorded its SKIPPED item is recorded as stopped: nothing else records it', async () => {
  const ended = await endedExecution('media/notes two.txt', STATES.plan, 'ABORTED');
  const { event } = await recordTheEnd(ended);

  assertRecordedEnd(ended, event, {
    jobName: `${PREFIX}${ended.result.executionName}`,
    mediaUri: `s3://${workflow.rawBucket}/media/notes two.txt`,
    error: 'ExecutionAborted',
    reason: 'The execution was stopped (StopExecution) before it recorded the job.',
  });
});

test('the recorder names the job after the ended execution, as the planner named it: no planner is asked', async () => {
  const ended = await endedExecution('media/one rule.mp3', STATES.waitForJob, 'TIMED_OUT');
  const { event, run } = await recordTheEnd(ended);

  const { jobName } = plannedJob(ended.result);
  assert.equal(jobName, `${PREFIX}${ended.result.executionName}`, 'the planner\'s job name: prefix + execution name');
  assert.equal(ended.queue[0].body.jobName, jobName);
  const { release, lookUp, record, deadLetter } = RECORDER_STATES;
  assert.deepEqual(run.calls.map((c) => c.state), [release, lookUp, record, deadLetter]);
  assert.ok(!Object.values(workflow.recorderDefinition.States).some((s) => JSON.stringify(s).includes(':lambda:')), 'no Lambda task');
});

test('an input the planner cannot plan is recorded under the execution\'s job name, as the workflow records it', async () => {
  // A hand-started execution without bucket and key, stopped while planning.
  const input = { detail: {} };
  const [table, queue] = [new FakeTable(), []];
  const stopped = await execute(definition, input, { planner, table, queue, stop: { at: STATES.plan, as: 'ABORTED' } });
  const event = endOf(workflow, stopped, input);

  await recordEnd(workflow, event, { table, queue });

  // The same input, not stopped: the workflow's own planning-failure branch.
  const branch = await execute(definition, input, { planner, table: new FakeTable(), queue: [] });
  const [recorded] = queue.map((m) => m.body);
  assert.equal(recorded.jobName, `${PREFIX}${stopped.executionName}`);
  assert.equal(branch.deadLetters[0].body.jobName, `${PREFIX}${branch.executionName}`);
  assert.equal(recorded.mediaUri, branch.deadLetters[0].body.mediaUri);
  assert.equal(table.items.get(recorded.jobName).status, 'FAILED');
});

test('an event without the execution\'s input (too large for it) is still recorded, under the execution\'s job name', async () => {
  const ended = await endedExecution('media/big input.mp3', STATES.waitForJob, 'TIMED_OUT');
  const event = endOf(workflow, ended.result, undefined);

  const run = await recordEnd(workflow, event, { table: ended.table, queue: ended.queue });

  assert.equal(run.outcome, stateNames.endRecorder.endIsRecorded);
  // The job's own item: the media URI is unknown without the input, the job name is not.
  assert.equal(ended.queue[0].body.jobName, plannedJob(ended.result).jobName);
  assert.equal(ended.queue[0].body.mediaUri, 'unknown (the input names no bucket and key)');
});

test('the recorder\'s item and dead letter have the attributes of the failure branch\'s', async () => {
  const upload = uploadEvent(workflow, 'media/codec.ogg');
  const transcribe = new FakeTranscribe({ pollsToFinish: 1, finalStatus: 'FAILED', failureReason: 'Unsupported audio codec.' });
  const branch = await execute(definition, upload, { planner, transcribe });
  const ended = await endedExecution('media/codec two.ogg', STATES.waitForJob, 'TIMED_OUT');
  await recordTheEnd(ended);

  const keys = (object) => Object.keys(object).sort();
  assert.deepEqual(keys(ended.table.items.get(plannedJob(ended.result).jobName)), keys(branch.table.items.get(plannedJob(branch).jobName)));
  assert.deepEqual(keys(ended.queue[0].body), keys(branch.deadLetters[0].body));
});
