// The operator's re-run path (docs/runbook.md, "Redrive or re-run"): start a new execution named
// <failed execution's name>-r<n> with its input plus "rerun": <n>. It must produce a new job (named after
// the execution) that completes, keep the failed job's record, and never duplicate records when the same
// re-run is started twice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadTemplate } from '../../testkit/templates.mjs';
import { loadDefinition, plannerEnvironment } from '../../testkit/workflow.mjs';
import { uploadEvent } from '../../testkit/events.mjs';
import { Planner } from '../../testkit/planner.mjs';
import { FakeTranscribe } from '../../testkit/transcribe.mjs';
import { FakeTable } from '../../testkit/dynamodb.mjs';
import { execute } from '../../testkit/execute.mjs';
import stateNames from '../../contracts/state-names.json' with { type: 'json' };

const template = loadTemplate('dev');
const definition = loadDefinition(template);
let planner;

before(() => {
  planner = new Planner(plannerEnvironment(template));
});
after(() => planner.close());

test('a failed upload re-run with "rerun": 1 under <execution name>-r1 completes as a new job without duplicating records', async () => {
  const table = new FakeTable();
  const queue = [];
  const event = uploadEvent(template, 'media/board meeting.mp3');
  // The original run, named as the admitter names it: Transcribe fails the job.
  const { executionName } = await planner.plan({ executionNameOf: event });
  const failing = new FakeTranscribe({ pollsToFinish: 1, finalStatus: 'FAILED', failureReason: 'Internal service error.' });
  const first = await execute(definition, event, { planner, transcribe: failing, table, queue, executionName });
  assert.equal(first.status, 'FAILED');
  const [failed] = [...table.items.values()];
  assert.equal(failed.status, 'FAILED');

  // The re-run, as documented: the same input plus "rerun": 1, named <original name>-r1 (Transcribe has recovered).
  const rerunName = `${executionName}-r1`;
  const admitted = await planner.plan({ executionNameOf: { ...event, rerun: 1 } });
  assert.deepEqual(admitted, { executionName: rerunName }, 'the name the admitter would give');
  const healthy = new FakeTranscribe({ pollsToFinish: 2 });
  const rerun = await execute(definition, { ...event, rerun: 1 }, { planner, transcribe: healthy, table, queue, executionName: rerunName });
  assert.equal(rerun.status, 'SUCCEEDED');
  const rerunJob = healthy.startCalls[0].TranscriptionJobName;
  assert.equal(rerunJob, `${failed.jobName}-r1`, 'a new job, named after the original');
  assert.equal(table.items.get(rerunJob).status, 'COMPLETED');
  assert.equal(table.items.get(failed.jobName).status, 'FAILED', 'the failed job keeps its record');

  // Starting the same re-run again (Step Functions refuses a second execution of the name; were it run) joins that job.
  const again = await execute(definition, { ...event, rerun: 1 }, { planner, transcribe: healthy, table, queue, executionName: rerunName });
  assert.equal(again.status, 'SUCCEEDED');
  assert.ok(again.entered.includes(stateNames.workflow.joinExistingJob));
  assert.equal(healthy.jobs.size, 1);
  assert.equal(table.items.size, 2, 'one item per job: the failed original and the completed re-run');
  assert.equal(queue.length, 1, 'only the original failure was dead-lettered');
});
