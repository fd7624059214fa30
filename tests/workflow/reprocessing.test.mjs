// Re-process a prefix with one command: the synthesized re-processing workflow (its Distributed Map run by the
// local interpreter over the objects the test kit lists for it, see testkit/reprocessing.mjs) names every
// object's re-run with the real C# planner and runs the workflow for it to its end (.sync:2). At most
// MaxConcurrency re-runs are in flight, every object is started once, and the same command again adds nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { plannerForTests } from '../../testkit/scenario.mjs';
import { FakeExecutions } from '../../testkit/step-functions.mjs';
import { reprocess, REPROCESSING_STATES } from '../../testkit/reprocessing.mjs';
import { seededRandom } from '../../testkit/random.mjs';

const workflow = loadWorkflow('dev');
const planner = plannerForTests(workflow);
const MAX_CONCURRENCY = workflow.reprocessingDefinition.States[REPROCESSING_STATES.map].MaxConcurrency;
const REQUEST = { prefix: 'media/2026/', rerun: 'vocab-2026-11' };

/** 1,200 objects under media/2026/ (some with the same file name in other folders), and others outside it. */
function bucketObjects() {
  const objects = new Map();
  for (let i = 0; i < 1200; i++) objects.set(`media/2026/${String(i % 12).padStart(2, '0')}/call ${i % 400}.mp3`, { size: 100_000 + i, etag: `etag-${i}` });
  for (let i = 0; i < 50; i++) objects.set(`media/2025/call ${i}.mp3`, { size: 1, etag: `old-${i}` });
  objects.set('media/2026.mp3', { size: 1, etag: 'sibling' });
  return objects;
}

/** The workflow's executions: each runs a few (seeded random) milliseconds, as a transcription takes its time. */
function workflowExecutions(seed = 14) {
  const random = seededRandom(seed);
  return new FakeExecutions({
    stateMachineArn: workflow.stateMachineArn,
    run: () => new Promise((resolve) => { setTimeout(() => resolve({ outcome: 'Recorded' }), Math.floor(random() * 4)); }),
  });
}

test(`a prefix of 1,200 objects: each started once as a named re-run, never more than MaxConcurrency (${MAX_CONCURRENCY}) at once`, async () => {
  const objects = bucketObjects();
  const executions = workflowExecutions();

  const run = await reprocess(workflow, REQUEST, { planner, executions, objects });

  assert.equal(run.status, 'SUCCEEDED', run.error?.message);
  assert.equal(run.listed.length, 1200, 'only the keys under the prefix (not media/2025/, not media/2026.mp3)');
  assert.equal(executions.executions.length, 1200, 'one execution per object');
  assert.equal(executions.calls.length, 1200, 'each started once');
  assert.ok(executions.mostRunning <= MAX_CONCURRENCY, `at most ${MAX_CONCURRENCY} running at once, saw ${executions.mostRunning}`);
  assert.equal(executions.mostRunning, MAX_CONCURRENCY, 'the bound is reached: the run does not serialize either');
  const keys = executions.executions.map((e) => JSON.parse(e.input).detail.object.key).sort();
  assert.deepEqual(keys, [...objects.keys()].filter((k) => k.startsWith(REQUEST.prefix)).sort(), 'every object under the prefix, once');
  for (const { name } of executions.executions) assert.match(name, /^call-\d+-[0-9a-f]{16}-rvocab-2026-11$/);
});

test('each re-run is the workflow\'s re-run input: the upload event with the marker, planned as a new job', async () => {
  const objects = new Map([['media/2026/Board meeting (Q4).mp3', { size: 480_000, etag: 'abc' }]]);
  const executions = workflowExecutions();

  await reprocess(workflow, REQUEST, { planner, executions, objects });

  const [execution] = executions.executions;
  const input = JSON.parse(execution.input);
  assert.deepEqual(input, {
    detail: { bucket: { name: workflow.rawBucket }, object: { key: 'media/2026/Board meeting (Q4).mp3', size: 480_000, etag: '"abc"' } },
    rerun: 'vocab-2026-11',
  });
  assert.match(execution.name, /^Board-meeting-Q4-[0-9a-f]{16}-rvocab-2026-11$/);
  // The workflow's planner derives a job of its own (the original's item stays COMPLETED and final).
  const plan = await planner.plan(input);
  assert.match(plan.jobName, /^transcribestack-dev-Board-meeting-Q4-[0-9a-f]{16}-rvocab-2026-11$/);
  assert.ok(plan.jobName.endsWith(execution.name.replace(/^Board-meeting-Q4/, '')), 'the job and the execution carry the same hash and marker');
});

test('the same command again starts nothing new: every object is re-processed already', async () => {
  const objects = bucketObjects();
  const executions = workflowExecutions();
  await reprocess(workflow, REQUEST, { planner, executions, objects });
  const first = executions.executions.length;

  const again = await reprocess(workflow, REQUEST, { planner, executions, objects });

  assert.equal(again.status, 'SUCCEEDED');
  assert.equal(executions.executions.length, first, 'no new execution');
  const runs = again.calls.filter((c) => c.state === REPROCESSING_STATES.run);
  assert.equal(runs.length, 1200);
  assert.ok(runs.every((c) => c.error?.name === 'StepFunctions.ExecutionAlreadyExistsException'));
  assert.equal(again.entered.filter((s) => s === REPROCESSING_STATES.already).length, 1200, 'each child ends "re-processed already"');
});

test('a new marker re-processes the prefix again, beside the first re-run', async () => {
  const objects = new Map([['media/2026/a.mp3', { size: 1, etag: 'a' }], ['media/2026/b.wav', { size: 1, etag: 'b' }]]);
  const executions = workflowExecutions();
  await reprocess(workflow, REQUEST, { planner, executions, objects });

  await reprocess(workflow, { ...REQUEST, rerun: 'vocab-2026-12' }, { planner, executions, objects });

  assert.equal(executions.executions.length, 4);
  assert.equal(executions.executions.filter((e) => e.name.endsWith('-rvocab-2026-12')).length, 2);
});

test('a request without a media prefix or a marker is refused before anything is listed', async () => {
  for (const request of [{ prefix: 'uploads/', rerun: 'x' }, { prefix: 'media/2026/' }, { rerun: 'x' }, { prefix: 'media/', rerun: true }]) {
    const executions = workflowExecutions();
    const run = await reprocess(workflow, request, { planner, executions, objects: bucketObjects() });
    assert.equal(run.status, 'FAILED', JSON.stringify(request));
    assert.equal(run.error.name, 'InvalidReprocessingRequest');
    assert.equal(executions.calls.length, 0);
  }
});
