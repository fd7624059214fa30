// Re-process a prefix with one command: the synthesized re-processing workflow (its Distributed Map run by the
// local interpreter over the objects the test kit lists for it, see testkit/reprocessing.mjs) puts every object's
// re-run into the intake, then starts the admitter, which admits them within the window under the re-run names
// the real C# planner gives them (issue #18: re-runs wait in the intake like uploads, not as running children).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { plannerForTests } from '../../testkit/scenario.mjs';
import { FakeExecutions } from '../../testkit/step-functions.mjs';
import { FakeTable } from '../../testkit/dynamodb.mjs';
import { reprocess, REPROCESSING_STATES } from '../../testkit/reprocessing.mjs';
import { admit, intakeOf, windowOf } from '../../testkit/admitter.mjs';

const workflow = loadWorkflow('dev');
const planner = plannerForTests(workflow);
const REQUEST = { prefix: 'media/2026/', rerun: 'vocab-2026-11' };
const W = windowOf(workflow);

/** 1,200 objects under media/2026/ (some with the same file name in other folders), and others outside it. */
function bucketObjects() {
  const objects = new Map();
  for (let i = 0; i < 1200; i++) objects.set(`media/2026/${String(i % 12).padStart(2, '0')}/call ${i % 400}.mp3`, { size: 100_000 + i, etag: `etag-${i}` });
  for (let i = 0; i < 50; i++) objects.set(`media/2025/call ${i}.mp3`, { size: 1, etag: `old-${i}` });
  objects.set('media/2026.mp3', { size: 1, etag: 'sibling' });
  return objects;
}

/** The intake, the admitter (its starts recorded), the workflow's executions and the table. */
function setUp() {
  const { intake } = intakeOf(workflow, { longPolling: false });
  const admitter = new FakeExecutions({ stateMachineArn: workflow.admitterArn });
  const executions = new FakeExecutions({ stateMachineArn: workflow.stateMachineArn });
  const table = new FakeTable({ tableName: workflow.tableName });
  return { intake, admitter, executions, table, admitNow: (input = {}) => admit(workflow, input, { planner, intake, table, executions }) };
}

test('a prefix of 1,200 objects: each re-run put into the intake once, then the admitter started once; the window bounds what runs', async () => {
  const objects = bucketObjects();
  const { intake, admitter, executions, admitNow } = setUp();

  const run = await reprocess(workflow, REQUEST, { intake, admitter, objects });

  assert.equal(run.status, 'SUCCEEDED', run.error?.message);
  assert.equal(run.listed.length, 1200, 'only the keys under the prefix (not media/2025/, not media/2026.mp3)');
  const keys = intake.bodies.map((b) => JSON.parse(b).detail.object.key).sort();
  assert.deepEqual(keys, [...objects.keys()].filter((k) => k.startsWith(REQUEST.prefix)).sort(), 'every object under the prefix, once');
  assert.deepEqual(admitter.calls.map((c) => c.Input), [{}], 'the admitter, once, after every object is in the intake');
  assert.equal(run.entered.at(-1), REPROCESSING_STATES.admit);

  await admitNow();
  assert.equal(executions.executions.length, W, 'the admitter starts at most W');
  assert.equal(intake.approximateNumberOfMessages, 1200 - W);
  for (const { name } of executions.executions) assert.match(name, /^call-\d+-[0-9a-f]{16}-rvocab-2026-11$/);
});

test('each re-run is the workflow\'s re-run input: the upload event with the marker, admitted as a new job', async () => {
  const objects = new Map([['media/2026/Board meeting (Q4).mp3', { size: 480_000, etag: 'abc' }]]);
  const { intake, admitter, executions, admitNow } = setUp();

  await reprocess(workflow, REQUEST, { intake, admitter, objects });
  await admitNow();

  const [execution] = executions.executions;
  const input = JSON.parse(execution.input);
  assert.deepEqual(input, {
    detail: { bucket: { name: workflow.rawBucket }, object: { key: 'media/2026/Board meeting (Q4).mp3', size: 480_000, etag: '"abc"' } },
    rerun: 'vocab-2026-11',
  });
  assert.match(execution.name, /^Board-meeting-Q4-[0-9a-f]{16}-rvocab-2026-11$/);
  // The workflow's planner names a job of its own after the execution (the original's item stays COMPLETED and final).
  const plan = await planner.plan({ executionName: execution.name, upload: input });
  assert.equal(plan.jobName, `transcribestack-dev-${execution.name}`);
});

test('the same command again starts nothing new: every re-run is handled already, and no slot is held', async () => {
  const objects = new Map([['media/2026/a.mp3', { size: 1, etag: 'a' }], ['media/2026/b.wav', { size: 1, etag: 'b' }], ['media/2026/c.mp3', { size: 1, etag: 'c' }]]);
  const { intake, admitter, executions, table, admitNow } = setUp();
  await reprocess(workflow, REQUEST, { intake, admitter, objects });
  await admitNow();
  for (const { name } of executions.executions) await admitNow({ release: name });

  const again = await reprocess(workflow, REQUEST, { intake, admitter, objects });
  const admitted = await admitNow();

  assert.equal(again.status, 'SUCCEEDED');
  assert.equal(executions.executions.length, 3, 'no new execution');
  assert.equal(admitted.calls.filter((c) => c.error?.name === 'StepFunctions.ExecutionAlreadyExistsException').length, 3);
  assert.equal(intake.messages.size, 0);
  assert.equal(table.items.get('#window').inFlight, 0);
});

test('a new marker re-processes the prefix again, beside the first re-run', async () => {
  const objects = new Map([['media/2026/a.mp3', { size: 1, etag: 'a' }], ['media/2026/b.wav', { size: 1, etag: 'b' }]]);
  const { intake, admitter, executions, admitNow } = setUp();
  await reprocess(workflow, REQUEST, { intake, admitter, objects });
  await reprocess(workflow, { ...REQUEST, rerun: 'vocab-2026-12' }, { intake, admitter, objects });

  await admitNow();

  assert.equal(executions.executions.length, 4);
  assert.equal(executions.executions.filter((e) => e.name.endsWith('-rvocab-2026-12')).length, 2);
});

test('a request without a media prefix or a marker is refused before anything is listed', async () => {
  for (const request of [{ prefix: 'uploads/', rerun: 'x' }, { prefix: 'media/2026/' }, { rerun: 'x' }, { prefix: 'media/', rerun: true }]) {
    const { intake, admitter } = setUp();
    const run = await reprocess(workflow, request, { intake, admitter, objects: bucketObjects() });
    assert.equal(run.status, 'FAILED', JSON.stringify(request));
    assert.equal(run.error.name, 'InvalidReprocessingRequest');
    assert.equal(intake.sent, 0);
    assert.equal(admitter.calls.length, 0);
  }
});
