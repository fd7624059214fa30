// Transcribe's completion events wake the waiting execution; the polling plan is the safety net.
// The Standard workflow and the Express completion notifier are both the synthesized definitions,
// executed locally. None of the ways an event can go wrong (lost, early, late, twice, for another
// job, stale token) fails anything or loses an upload: the plan's next poll notices the job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { uploadEvent } from '../../testkit/events.mjs';
import { plannerForTests } from '../../testkit/scenario.mjs';
import { FakeTranscribe } from '../../testkit/transcribe.mjs';
import { FakeTable } from '../../testkit/dynamodb.mjs';
import { CompletionNotifier, TaskTokens } from '../../testkit/completion.mjs';
import { jobStateChangeEvent } from '../../testkit/transcribe-events.mjs';
import { execute } from '../../testkit/execute.mjs';
import { plannedJob, assertEnded, assertRecordedFailure } from '../../testkit/assertions.mjs';
import { STATES, PLANNED, FAILURE_TAIL } from '../../testkit/states.mjs';
import stateNames from '../../contracts/state-names.json' with { type: 'json' };

const workflow = loadWorkflow('dev');
const { definition } = workflow;
const DELIVERED = { latency: { minMs: 0, maxMs: 0 }, lossRate: 0, seed: 7 };
const LOST = { ...DELIVERED, lossRate: 1 };
const planner = plannerForTests(workflow);

const outcomes = (result) => result.notifications.map((run) => run.outcome);

test('the completion event wakes the waiting execution, which reads the job and records it', async () => {
  const transcribe = new FakeTranscribe({ pollsToFinish: 3 });
  const result = await execute(definition, uploadEvent(workflow, 'media/board call.mp3'), { planner, transcribe, events: DELIVERED });

  assertEnded(assert, result, 'SUCCEEDED');
  const { jobName } = plannedJob(result);
  // Two waits end at the plan's timeout (the job runs), the third is cut short by the event.
  assert.deepEqual([result.timedOutWaits, result.wokenWaits], [2, 1]);
  assert.deepEqual(outcomes(result), [stateNames.notifier.executionIsAwake]);
  assert.equal(result.notifications[0].event.detail.TranscriptionJobName, jobName);
  assert.equal(transcribe.getCalls.length, 3, 'woken, the execution reads the job once');
  assert.equal(result.table.items.get(jobName).status, 'COMPLETED', 'the COMPLETED item replaces the waiting one, token and all');
  assert.equal(result.table.items.get(jobName).taskToken, undefined);
});

test('while it waits, the job\'s item says TRANSCRIBING and holds the execution\'s token', async () => {
  let seen;
  const transcribe = new FakeTranscribe({ pollsToFinish: 2, onGet: () => { seen ??= structuredClone([...table.items.values()][0]); } });
  const table = new FakeTable();
  const startedBy = new Date().toISOString();
  const result = await execute(definition, uploadEvent(workflow, 'media/standup.wav'), { planner, transcribe, table, events: DELIVERED });

  assertEnded(assert, result, 'SUCCEEDED');
  // updatedAt is the execution's start ($$.Execution.StartTime, which the interpreter sets to its own clock):
  // the status index lists the longest waits first.
  assert.ok(seen.updatedAt >= startedBy && seen.updatedAt <= new Date().toISOString(), seen.updatedAt);
  assert.deepEqual({ ...seen, updatedAt: undefined }, {
    jobName: plannedJob(result).jobName,
    status: 'TRANSCRIBING',
    taskToken: `task-token/${result.executionName}`,
    mediaUri: `s3://${workflow.rawBucket}/media/standup.wav`,
    executionArn: result.executionArn,
    updatedAt: undefined,
  });
});

test('a FAILED job\'s event wakes the execution into the failure branch, as a poll would', async () => {
  const transcribe = new FakeTranscribe({ pollsToFinish: 1, finalStatus: 'FAILED', failureReason: 'Unsupported audio codec.' });
  const result = await execute(definition, uploadEvent(workflow, 'media/broken.ogg'), { planner, transcribe, events: DELIVERED });

  assertRecordedFailure(assert, result, { error: 'TranscriptionJobFailed', reason: 'Unsupported audio codec.', jobName: plannedJob(result).jobName, mediaUri: `s3://${workflow.rawBucket}/media/broken.ogg` });
  assert.deepEqual(outcomes(result), [stateNames.notifier.executionIsAwake]);
  assert.deepEqual([result.timedOutWaits, result.wokenWaits], [0, 1]);
});

test('a lost event costs nothing but time: the plan\'s polls notice the job', async () => {
  const transcribe = new FakeTranscribe({ pollsToFinish: 3 });
  const result = await execute(definition, uploadEvent(workflow, 'media/lost event.mp3'), { planner, transcribe, events: LOST });

  assertEnded(assert, result, 'SUCCEEDED');
  assert.deepEqual([result.timedOutWaits, result.wokenWaits], [3, 0]);
  assert.deepEqual(result.notifications, []);
  assert.equal(transcribe.stateChanges.lost.length, 1);
  assert.equal(result.table.items.get(plannedJob(result).jobName).status, 'COMPLETED');
});

test('an event that arrives after the wait timed out finds a task that moved on, and fails nothing', async () => {
  // The job ends at the poll itself (not during the wait): its event arrives while the execution reads it.
  const transcribe = new FakeTranscribe({ pollsToFinish: 2 });
  const result = await execute(definition, uploadEvent(workflow, 'media/late event.mp3'), { planner, transcribe, events: DELIVERED, finishWhileWaiting: false });

  assertEnded(assert, result, 'SUCCEEDED');
  assert.deepEqual(outcomes(result), [stateNames.notifier.executionHasMovedOn]);
  assert.equal(result.notifications[0].status, 'SUCCEEDED');
  assert.deepEqual(result.notifications[0].calls.map((c) => c.error?.name), [undefined, 'Sfn.TaskTimedOutException']);
  assert.equal(result.table.items.get(plannedJob(result).jobName).status, 'COMPLETED');
});

test('the same event twice: the first wakes the execution, the second finds nothing waiting', async () => {
  const table = new FakeTable({ tableName: workflow.tableName });
  const tokens = new TaskTokens();
  const notifier = new CompletionNotifier({ definition: workflow.notifierDefinition, table, tokens });
  const woken = waiting(table, tokens, 'transcribestack-dev-twice-0123456789abcdef');
  const event = jobStateChangeEvent({ name: 'transcribestack-dev-twice-0123456789abcdef', status: 'COMPLETED', atMs: Date.parse('2026-11-22T10:05:00Z') });

  await notifier.deliver(event);
  await notifier.deliver(event);

  assert.deepEqual(await woken, event.detail, 'SendTaskSuccess passes the event\'s detail as the task output');
  assert.deepEqual(notifier.runs.map((r) => [r.status, r.outcome]), [['SUCCEEDED', stateNames.notifier.executionIsAwake], ['SUCCEEDED', stateNames.notifier.executionHasMovedOn]]);
});

test('an event for a job nobody waits for (unknown, finished, or a re-run\'s original) wakes nobody and fails nothing', async () => {
  const table = new FakeTable({ tableName: workflow.tableName });
  const tokens = new TaskTokens();
  const notifier = new CompletionNotifier({ definition: workflow.notifierDefinition, table, tokens });
  // The original job of a re-run failed: its item is FAILED; the re-run waits on its own job (-r1).
  table.putItem({ TableName: workflow.tableName, Item: { jobName: { S: 'transcribestack-dev-call-0123456789abcdef' }, status: { S: 'FAILED' } } });
  const rerun = waiting(table, tokens, 'transcribestack-dev-call-0123456789abcdef-r1');

  for (const name of ['transcribestack-dev-call-0123456789abcdef', 'transcribestack-dev-never-started-0123456789abcdef']) {
    await notifier.deliver(jobStateChangeEvent({ name, status: 'COMPLETED', atMs: 0 }));
  }

  assert.deepEqual(notifier.runs.map((r) => [r.status, r.outcome]), [['SUCCEEDED', stateNames.notifier.noExecutionIsWaiting], ['SUCCEEDED', stateNames.notifier.noExecutionIsWaiting]]);
  assert.ok(notifier.runs.every((r) => r.calls.length === 1), 'only the look-up: no SendTaskSuccess');
  assert.equal(tokens.woken, 0);
  assert.equal(await Promise.race([rerun.then(() => 'woken'), Promise.resolve('still waiting')]), 'still waiting');
});

test('an event before the execution stores its token wakes nobody; the execution then polls the finished job', async () => {
  const transcribe = new FakeTranscribe({ pollsToFinish: 1 });
  const table = new FakeTable();
  const tokens = new TaskTokens();
  const completion = new CompletionNotifier({ definition: workflow.notifierDefinition, table, tokens });
  const upload = uploadEvent(workflow, 'media/quick note.m4a');
  // The event comes before the first wait: its job has no item yet.
  const { executionName, plan: { jobName } } = await planner.nameAndPlan(upload);
  await completion.deliver(jobStateChangeEvent({ name: jobName, status: 'COMPLETED', atMs: 0 }));

  const result = await execute(definition, upload, { planner, transcribe, table, completion, executionName });
  await completion.settled();

  assertEnded(assert, result, 'SUCCEEDED');
  assert.deepEqual(completion.runs.map((r) => r.outcome), [stateNames.notifier.noExecutionIsWaiting]);
  assert.deepEqual([result.timedOutWaits, result.wokenWaits], [1, 0]);
  assert.equal(table.items.get(jobName).status, 'COMPLETED');
});

test('a wait whose token cannot be stored because the item is final polls at once: nothing would wake it', async () => {
  const transcribe = new FakeTranscribe({ pollsToFinish: 1 });
  const table = new FakeTable();
  const upload = uploadEvent(workflow, 'media/final already.mp3');
  const { executionName, plan: { jobName } } = await planner.nameAndPlan(upload);
  // Another execution's FAILED record (the wait takes over only its own execution's, being redriven: redrive.test.mjs).
  const another = `arn:aws:states:us-east-1:123456789012:execution:${workflow.stateMachineName}:another-execution`;
  table.putItem({ TableName: workflow.tableName, Item: { jobName: { S: jobName }, status: { S: 'FAILED' }, executionArn: { S: another } } });

  const result = await execute(definition, upload, { planner, transcribe, table, events: DELIVERED, executionName });

  assertEnded(assert, result, 'SUCCEEDED');
  assert.deepEqual(result.entered.slice(0, 5), [...PLANNED, STATES.start, STATES.waitForJob, STATES.get]);
  assert.deepEqual(result.failedStates.map((f) => f.error), ['DynamoDb.ConditionalCheckFailedException']);
  assert.deepEqual(result.waits, [], 'no wait before the poll');
  assert.equal(table.items.get(jobName).status, 'COMPLETED', 'a FAILED record is superseded by the transcript');
  assert.ok(!result.entered.includes(FAILURE_TAIL[0]));
});

/** An execution waiting for `jobName`: its TRANSCRIBING item holds its token; resolves with the task output. */
function waiting(table, tokens, jobName) {
  const token = `task-token/${jobName}`;
  table.updateItem({
    TableName: table.tableName,
    Key: { jobName: { S: jobName } },
    UpdateExpression: 'SET #taskToken = :taskToken, #status = :transcribing',
    ExpressionAttributeNames: { '#taskToken': 'taskToken', '#status': 'status' },
    ExpressionAttributeValues: { ':taskToken': { S: token }, ':transcribing': { S: 'TRANSCRIBING' } },
  });
  return tokens.wait(token);
}
