// EventBridge delivers an event at least once: a duplicate gets the same execution name from the admitter,
// and so the same job name. Step Functions runs one execution per name; should a second run of the name reach
// Transcribe anyway (a redrive of a start that timed out after Transcribe took the job, the name reused once
// Step Functions forgot it), it joins that job (Transcribe answers ConflictException) and never adds a second
// job or item. A new version of the object is a new execution and job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { uploadEvent } from '../../testkit/events.mjs';
import { plannerForTests } from '../../testkit/scenario.mjs';
import { FakeTranscribe } from '../../testkit/transcribe.mjs';
import { FakeTable } from '../../testkit/dynamodb.mjs';
import { execute } from '../../testkit/execute.mjs';
import { plannedJob, assertEnded } from '../../testkit/assertions.mjs';
import { STATES, FIRST_POLL_PATH, PLANNED, PER_EXTRA_POLL } from '../../testkit/states.mjs';
import stateNames from '../../contracts/state-names.json' with { type: 'json' };

const workflow = loadWorkflow('dev');
const { definition } = workflow;
const planner = plannerForTests(workflow);

// A duplicate's path when the job it joins is already COMPLETED: the item is final, so the wait for the
// job cannot store its token (DynamoDb.ConditionalCheckFailedException) and nothing would wake it: it polls at once.
const JOIN_PATH = [...PLANNED, STATES.start, stateNames.workflow.joinExistingJob, STATES.waitForJob, ...FIRST_POLL_PATH.slice(4)];

test('the same upload event twice: the second execution joins the job and adds no item', async () => {
  const key = 'media/all-hands 2026-11.mp3';
  const event = uploadEvent(workflow, key);
  const transcribe = new FakeTranscribe();
  const table = new FakeTable();
  const queue = [];
  const first = await execute(definition, event, { planner, transcribe, table, queue });
  const writesOfTheFirst = table.writes.length;
  const second = await execute(definition, event, { planner, transcribe, table, queue });

  assertEnded(assert, first, 'SUCCEEDED');
  assertEnded(assert, second, 'SUCCEEDED');
  const { jobName } = plannedJob(first);
  assert.equal(second.executionName, first.executionName, 'the admitter names both deliveries alike');
  assert.equal(plannedJob(second).jobName, jobName, 'the same object maps to the same job name');
  assert.deepEqual(first.entered, FIRST_POLL_PATH);
  assert.deepEqual(second.entered, JOIN_PATH);
  assert.deepEqual(second.failedStates.map((f) => f.error), ['Transcribe.ConflictException', 'DynamoDb.ConditionalCheckFailedException']);
  assert.deepEqual(second.retries, {}, 'a conflict is not retried');
  assert.deepEqual([...transcribe.jobs.keys()], [jobName], 'no second job');
  assert.equal(transcribe.startCalls.length, 2);
  assert.equal(first.output.result.outcome, 'Recorded');
  assert.equal(second.output.result.outcome, 'AlreadyRecorded');
  assert.deepEqual([...table.items.keys()], [jobName], 'one item');
  assert.equal(table.items.get(jobName).executionArn, first.executionArn, 'the first record is kept');
  assert.equal(table.writes.length, writesOfTheFirst, 'the duplicate wrote nothing');
  assert.deepEqual(queue, []);
});

test('a duplicate that arrives while the job runs joins it: one job, one item', async () => {
  const key = 'media/standup.mp3';
  const event = uploadEvent(workflow, key);
  const table = new FakeTable();
  const queue = [];
  let duplicate;
  // While the first execution's first poll is in flight, the duplicate runs from start to end.
  const transcribe = new FakeTranscribe({
    pollsToFinish: 2,
    onGet: async (request, call) => {
      if (call === 1) duplicate = await execute(definition, event, { planner, transcribe, table, queue });
    },
  });
  const first = await execute(definition, event, { planner, transcribe, table, queue });

  assertEnded(assert, first, 'SUCCEEDED');
  assertEnded(assert, duplicate, 'SUCCEEDED');
  const { jobName } = plannedJob(first);
  assert.equal(plannedJob(duplicate).jobName, jobName);
  assert.deepEqual(duplicate.entered, [...PLANNED, STATES.start, stateNames.workflow.joinExistingJob, ...FIRST_POLL_PATH.slice(3, 6), ...PER_EXTRA_POLL, ...FIRST_POLL_PATH.slice(6)]);
  assert.deepEqual(first.entered, FIRST_POLL_PATH);
  assert.deepEqual([...transcribe.jobs.keys()], [jobName], 'no second job');
  assert.deepEqual([duplicate.output.result.outcome, first.output.result.outcome], ['Recorded', 'AlreadyRecorded']);
  assert.deepEqual([...table.items.keys()], [jobName], 'one item');
  assert.equal(table.items.get(jobName).executionArn, duplicate.executionArn, 'recorded by whichever saw COMPLETED first');
  assert.deepEqual(queue, []);
});

test('a new version of the same key is a new job with its own item', async () => {
  const key = 'media/weekly-sync.mp3';
  const transcribe = new FakeTranscribe();
  const table = new FakeTable();
  const v1 = await execute(definition, uploadEvent(workflow, key, { versionId: '3HL4kqtJvjVBH40Nrjfkd', size: 1_000_000 }), { planner, transcribe, table });
  const v2 = await execute(definition, uploadEvent(workflow, key, { versionId: 'Ri.vC2wF9mBnJ3ZrTo8XYp', size: 1_200_000 }), { planner, transcribe, table });

  assertEnded(assert, v1, 'SUCCEEDED');
  assertEnded(assert, v2, 'SUCCEEDED');
  const names = [plannedJob(v1).jobName, plannedJob(v2).jobName];
  assert.notEqual(names[0], names[1]);
  assert.ok(names.every((n) => n.startsWith('transcribestack-dev-weekly-sync-')), names.join(', '));
  assert.deepEqual([...transcribe.jobs.keys()], names);
  assert.deepEqual([...table.items.keys()], names);
  assert.deepEqual(v2.entered, FIRST_POLL_PATH);
  assert.equal(v1.queue.length + v2.queue.length, 0);
});
