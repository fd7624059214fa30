// The finished-job sweep wakes the executions whose job's completion event was lost. The Standard
// workflow, the completion notifier and the sweep are the synthesized definitions, executed locally
// in virtual time (the sweep's 10-second rounds and the schedule's minute are real seconds on it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { uploadEvent } from '../../testkit/events.mjs';
import { FakeS3 } from '../../testkit/s3.mjs';
import { FakeTranscribe } from '../../testkit/transcribe.mjs';
import { FakeTable } from '../../testkit/dynamodb.mjs';
import { TaskTokens } from '../../testkit/completion.mjs';
import { FinishedJobSweep } from '../../testkit/sweep.mjs';
import { VirtualTime } from '../../testkit/virtual-time.mjs';
import { runExecutions } from '../../testkit/executions.mjs';
import { planAll } from '../../benchmarks/pipeline/plans.mjs';

const workflow = loadWorkflow('dev');
const LATENCY = { minMs: 1_000, maxMs: 5_000 };
const SWEEP_SECONDS = 10; // the dev template's sweep interval (workflow.sweepIntervalSeconds)

async function run(keys, { jobSeconds, events, before = () => {} }) {
  const uploads = keys.map((key) => uploadEvent(workflow, key));
  const plans = await planAll(workflow, uploads);
  const clock = new VirtualTime().install();
  try {
    // Jobs started before the uploads (named '-old-') are done within a second.
    const transcribe = new FakeTranscribe({ s3: new FakeS3(), durationSeconds: (request) => (request.TranscriptionJobName.includes('-old-') ? 1 : jobSeconds) });
    before(transcribe);
    const result = await runExecutions(workflow.definition, uploads, { workflow, clock, plans, transcribe, events, sweep: true });
    return { ...result, transcribe, plans };
  } finally {
    clock.uninstall();
  }
}

test('with every completion event lost, the sweep wakes each execution within its interval of the job finishing', async () => {
  const keys = ['media/a.mp3', 'media/b.mp3', 'media/c.mp3'];
  const { executions, transcribe, sweep, plans } = await run(keys, { jobSeconds: 150, events: { latency: LATENCY, lossShare: 1, seed: 3 } });

  assert.deepEqual(executions.map((e) => e.status), ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
  for (const key of keys) {
    const job = transcribe.jobs.get(plans.get(key).jobName);
    assert.equal(job.gets, 1, `${key}: read once, after the sweep woke its execution`);
    assert.ok((job.noticedAt - job.completedAt) / 1000 <= SWEEP_SECONDS, `${key}: noticed ${(job.noticedAt - job.completedAt) / 1000} s after it finished`);
  }
  assert.deepEqual(sweep.woken.sort(), keys.map((key) => plans.get(key).jobName).sort(), 'each waiting execution woken once');
  assert.ok(sweep.runs.every((r) => r.status === 'SUCCEEDED'));
  assert.deepEqual(executions.map((e) => e.timedOutWaits), [0, 0, 0], 'no wait ran to the plan\'s backstop');
});

test('an event and the sweep both reaching a job wake its execution once; the later one finds nobody waiting', async () => {
  const { executions, completion, sweep, plans } = await run(['media/twice.mp3'], { jobSeconds: 95, events: { latency: { minMs: 9_000, maxMs: 9_000 }, lossShare: 0, seed: 1 } });

  assert.equal(executions[0].status, 'SUCCEEDED');
  assert.equal(executions[0].wokenWaits, 1);
  // The job ends at 95 s; the sweep's round at 100 s wakes the execution before the event (104 s) arrives.
  assert.deepEqual(sweep.woken, [plans.get('media/twice.mp3').jobName]);
  assert.deepEqual(completion.runs.map((r) => r.outcome), ['No execution is waiting']);
});

test('the sweep lists Transcribe\'s jobs only back to the oldest wait: older finished jobs cost no page', async () => {
  // 250 finished jobs of this stack, created an hour before the upload (nine pages of 30 if listed in full).
  const before = (transcribe) => {
    for (let i = 0; i < 250; i++) {
      transcribe.s3.put(workflow.rawBucket, `media/old-${i}.mp3`, {});
      transcribe.start({ TranscriptionJobName: `transcribestack-dev-old-${i}`, Media: { MediaFileUri: `s3://${workflow.rawBucket}/media/old-${i}.mp3` }, LanguageCode: 'en-US', MediaFormat: 'mp3', OutputBucketName: workflow.transcriptBucket, OutputKey: 'transcripts/' });
      transcribe.jobs.get(`transcribestack-dev-old-${i}`).createdAt -= 3_600_000;
    }
  };
  const { executions, transcribe, sweep } = await run(['media/new.mp3'], { jobSeconds: 600, events: { latency: LATENCY, lossShare: 1, seed: 5 }, before });

  assert.equal(executions[0].status, 'SUCCEEDED');
  const lists = sweep.runs.flatMap((r) => r.calls).filter((c) => c.state.startsWith('List'));
  const completed = lists.filter((c) => c.input.Status === 'COMPLETED');
  assert.ok(completed.length > 0);
  assert.ok(lists.every((c) => c.state === "List this stack's newest jobs"), 'the first page already reaches back past the oldest wait');
  assert.ok(completed.every((c) => c.output?.NextToken !== undefined), 'there were older pages of finished jobs, and they were not read');
  assert.deepEqual([...new Set(lists.map((c) => c.input.Status))].sort(), ['COMPLETED', 'FAILED'], 'one listing per final status');
  assert.equal(transcribe.counts.listCalls, lists.length);
});

test('a sweep with no execution waiting only asks the table, each round', async () => {
  const clock = new VirtualTime().install();
  try {
    const table = new FakeTable({ tableName: workflow.tableName });
    const transcribe = new FakeTranscribe({ s3: new FakeS3(), durationSeconds: () => 60 });
    const sweep = new FinishedJobSweep({ definition: workflow.sweepDefinition, table, transcribe, tokens: new TaskTokens() });
    const record = await clock.run(sweep.run());

    assert.equal(record.status, 'SUCCEEDED');
    assert.deepEqual(record.calls.map((c) => c.state), Array(60 / SWEEP_SECONDS).fill('Find the jobs still waited for'));
    assert.equal(transcribe.counts.listCalls, 0);
    assert.equal(clock.elapsedSeconds, 60 - SWEEP_SECONDS, 'one round every interval, within the minute');
  } finally {
    clock.uninstall();
  }
});

test('a finished job nobody waits for, and a waited-for job still running, are not woken', async () => {
  const clock = new VirtualTime().install();
  try {
    const table = new FakeTable({ tableName: workflow.tableName });
    const tokens = new TaskTokens();
    const transcribe = new FakeTranscribe({ s3: new FakeS3(), durationSeconds: (request) => (request.TranscriptionJobName.endsWith('running') ? 3_600 : 1) });
    for (const name of ['transcribestack-dev-done', 'transcribestack-dev-running']) {
      transcribe.s3.put(workflow.rawBucket, `media/${name}.mp3`, {});
      transcribe.start({ TranscriptionJobName: name, Media: { MediaFileUri: `s3://${workflow.rawBucket}/media/${name}.mp3` }, LanguageCode: 'en-US', MediaFormat: 'mp3', OutputBucketName: workflow.transcriptBucket, OutputKey: 'transcripts/' });
    }
    // Only the running job has a waiting execution; the finished one was recorded already.
    table.putItem({ TableName: workflow.tableName, Item: { jobName: { S: 'transcribestack-dev-done' }, status: { S: 'COMPLETED' }, updatedAt: { S: '2026-11-22T09:00:00.000Z' } } });
    table.putItem({ TableName: workflow.tableName, Item: { jobName: { S: 'transcribestack-dev-running' }, status: { S: 'TRANSCRIBING' }, taskToken: { S: 'token-running' }, updatedAt: { S: '2026-11-22T09:00:00.000Z' } } });
    let woken = false;
    tokens.wait('token-running').then(() => { woken = true; });
    const sweep = new FinishedJobSweep({ definition: workflow.sweepDefinition, table, transcribe, tokens });
    const record = await clock.run((async () => {
      await new Promise((resolve) => setTimeout(resolve, 5_000)); // the short job finishes
      return sweep.run();
    })());

    assert.equal(record.status, 'SUCCEEDED');
    assert.deepEqual(sweep.woken, []);
    assert.equal(woken, false);
    assert.ok(!record.calls.some((c) => c.state === 'Look up the waiting execution'), 'no token is looked up for a job nobody waits for');
  } finally {
    clock.uninstall();
  }
});

test('with a backlog of 100 waiting executions or more, a minute\'s run sweeps once instead of six times', async () => {
  const rounds = async (waiting) => {
    const clock = new VirtualTime().install();
    try {
      const table = new FakeTable({ tableName: workflow.tableName });
      for (let i = 0; i < waiting; i++) {
        table.putItem({ TableName: workflow.tableName, Item: { jobName: { S: `transcribestack-dev-queued-${i}` }, status: { S: 'TRANSCRIBING' }, taskToken: { S: `token-${i}` }, updatedAt: { S: '2026-11-22T09:00:00.000Z' } } });
      }
      const transcribe = new FakeTranscribe({ s3: new FakeS3(), durationSeconds: () => 60 });
      const sweep = new FinishedJobSweep({ definition: workflow.sweepDefinition, table, transcribe, tokens: new TaskTokens() });
      const record = await clock.run(sweep.run());
      assert.equal(record.status, 'SUCCEEDED');
      return record.calls.filter((c) => c.state === 'Find the jobs still waited for').length;
    } finally {
      clock.uninstall();
    }
  };

  assert.equal(await rounds(99), 60 / SWEEP_SECONDS);
  assert.equal(await rounds(100), 1);
});
