// Executions in virtual time with completion events: a delivered event cuts the wait for the job
// short (the job is noticed its latency after it ended, not at the plan's next poll), a lost one
// leaves the plan's polls to notice it, and only events the completion rule matches reach the notifier.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWorkflow } from './workflow.mjs';
import { uploadEvent } from './events.mjs';
import { FakeS3 } from './s3.mjs';
import { FakeTranscribe } from './transcribe.mjs';
import { VirtualTime } from './virtual-time.mjs';
import { runExecutions } from './executions.mjs';
import stateNames from '../contracts/state-names.json' with { type: 'json' };

const workflow = loadWorkflow('dev');
const JOB_SECONDS = 650;

/** A plan as the planner makes one: first poll after 300 s, then every 100 s until 3,600 s. */
function planFor(upload, jobName) {
  const laterWaitSeconds = Array.from({ length: 33 }, () => 100);
  return {
    jobName,
    mediaUri: `s3://${upload.detail.bucket.name}/${upload.detail.object.key}`,
    mediaFormat: 'mp3',
    transcriptKey: `transcripts/${jobName}.json`,
    polling: { waitSeconds: 300, laterWaitSeconds, laterPolls: laterWaitSeconds.length, laterPollsMade: 0, givesUpAfterSeconds: 3_600 },
  };
}

/** One 650-second job, its event 2 s after it ends unless lost; what the run says about it. */
async function oneJob({ lossShare, jobName = 'transcribestack-dev-call-0123456789abcdef' }) {
  const upload = uploadEvent(workflow, 'media/call.mp3');
  const plans = new Map([[upload.detail.object.key, planFor(upload, jobName)]]);
  const clock = new VirtualTime({ start: 0 }).install();
  try {
    const transcribe = new FakeTranscribe({ s3: new FakeS3(), durationSeconds: () => JOB_SECONDS });
    const events = { latency: { minMs: 2_000, maxMs: 2_000 }, lossShare, seed: 1 };
    const run = await runExecutions(workflow.definition, [upload], { workflow, clock, plans, transcribe, events });
    const job = transcribe.jobs.get(jobName);
    return { ...run, execution: run.executions[0], lagSeconds: (job.noticedAt - job.completedAt) / 1000, endedAtSeconds: run.executions[0].endedAt / 1000 };
  } finally {
    clock.uninstall();
  }
}

test('a delivered event wakes the wait: the job is noticed its latency after it ended', async () => {
  const { execution, lagSeconds, endedAtSeconds, completion } = await oneJob({ lossShare: 0 });

  assert.equal(execution.status, 'SUCCEEDED');
  assert.equal(lagSeconds, 2);
  assert.equal(endedAtSeconds, JOB_SECONDS + 2, 'the execution ends when the event arrives, not at the next poll (700 s)');
  assert.deepEqual([execution.timedOutWaits, execution.wokenWaits], [4, 1], 'polls at 300, 400, 500 and 600 s; the fifth wait is woken');
  assert.deepEqual(completion.runs.map((r) => r.outcome), [stateNames.notifier.executionIsAwake]);
});

test('a lost event leaves the plan\'s next poll to notice the job', async () => {
  const { execution, lagSeconds, endedAtSeconds, completion, deliveries } = await oneJob({ lossShare: 1 });

  assert.equal(execution.status, 'SUCCEEDED');
  assert.equal(lagSeconds, 50, 'the poll at 700 s');
  assert.equal(endedAtSeconds, 700);
  assert.deepEqual([execution.timedOutWaits, execution.wokenWaits], [5, 0]);
  assert.equal(deliveries.lost.length, 1);
  assert.deepEqual(completion.runs, []);
});

test('an event the completion rule does not match (another stack\'s job) starts no notifier', async () => {
  const { execution, lagSeconds, completion, deliveries } = await oneJob({ lossShare: 0, jobName: 'transcribestack-prod-call-0123456789abcdef' });

  assert.equal(deliveries.sent.length, 1, 'EventBridge got the event');
  assert.deepEqual(completion.runs, [], 'but the dev rule\'s prefix does not match it');
  assert.equal(execution.wokenWaits, 0);
  assert.equal(lagSeconds, 50);
});
