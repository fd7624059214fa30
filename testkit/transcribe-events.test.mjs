// The Transcribe stand-in's "Transcribe Job State Change" events: one per job that ends, none for
// QUEUED or IN_PROGRESS, delivered within the latency bounds, lost at the loss rate, the same every
// time for a seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeS3 } from './s3.mjs';
import { VirtualTime } from './virtual-time.mjs';
import { minimalStartRequest } from './transcribe-requests.mjs';
import { FakeTranscribe } from './transcribe.mjs';
import { DETAIL_TYPE, SOURCE } from './transcribe-events.mjs';

const request = (name) => minimalStartRequest(name);
const names = (n) => Array.from({ length: n }, (_, i) => `job-${String(i).padStart(4, '0')}`);

/** Media for the jobs `names`, except those in `missing`. */
function uploads(jobNames, missing = []) {
  const s3 = new FakeS3();
  for (const name of jobNames) if (!missing.includes(name)) s3.put('raw', `media/${name}.mp3`);
  return s3;
}

/**
 * Starts a 60-second job per name on a virtual clock from 0 and runs until every event has had time
 * to arrive. Returns the simulator and what the subscriber received, with the virtual time of each.
 */
async function runJobs(jobNames, { latency = { minMs: 0, maxMs: 0 }, lossRate = 0, lossShare = null, seed = 1, missing = [], durationSeconds = () => 60 } = {}) {
  const clock = new VirtualTime({ start: 0 }).install();
  try {
    const received = [];
    const transcribe = new FakeTranscribe({
      s3: uploads(jobNames, missing),
      durationSeconds,
      stateChanges: { subscriber: (event) => received.push({ event, at: Date.now() }), latency, lossRate, lossShare, seed },
    });
    for (const name of jobNames) transcribe.start(request(name));
    await clock.run(new Promise((resolve) => setTimeout(resolve, 3_600_000 + latency.maxMs + 1)));
    return { transcribe, received };
  } finally {
    clock.uninstall();
  }
}

test('a job that ends sends one event: COMPLETED, or FAILED with its reason; none while it is QUEUED or IN_PROGRESS', async () => {
  const { transcribe, received } = await runJobs(['ok', 'no-media'], { missing: ['no-media'] });

  assert.deepEqual(received.map(({ event }) => [event['detail-type'], event.source, event.detail]), [
    [DETAIL_TYPE, SOURCE, { TranscriptionJobName: 'ok', TranscriptionJobStatus: 'COMPLETED' }],
    [DETAIL_TYPE, SOURCE, { TranscriptionJobName: 'no-media', TranscriptionJobStatus: 'FAILED', FailureReason: transcribe.jobs.get('no-media').failureReason }],
  ]);
  assert.match(transcribe.jobs.get('no-media').failureReason, /doesn't point to an S3 object/);
  assert.deepEqual(received.map(({ at }) => at), [60_000, 60_000], 'sent when the job ended (latency 0)');
  assert.equal(received[0].event.time, '1970-01-01T00:01:00Z');
  assert.deepEqual(received[0].event.resources, []);
});

test('jobs that end by polls send their event at the poll that ends them, not before', async () => {
  const received = [];
  const transcribe = new FakeTranscribe({ pollsToFinish: 3, s3: uploads(['a']), stateChanges: { subscriber: (event) => received.push(event) } });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
  transcribe.start(request('a'));
  const statuses = [];
  for (let poll = 1; poll <= 3; poll++) {
    statuses.push([transcribe.get({ TranscriptionJobName: 'a' }).TranscriptionJob.TranscriptionJobStatus, received.length]);
    await settle();
  }
  assert.deepEqual(statuses, [['QUEUED', 0], ['IN_PROGRESS', 0], ['COMPLETED', 0]]);
  assert.deepEqual(received.map((e) => e.detail.TranscriptionJobStatus), ['COMPLETED']);
});

test('every delivered event arrives within the latency bounds after its job ended, spread across them', async () => {
  const latency = { minMs: 2_000, maxMs: 30_000 };
  const { transcribe, received } = await runJobs(names(400), { latency });

  assert.equal(received.length, 400);
  const delays = received.map(({ event, at }) => at - transcribe.jobs.get(event.detail.TranscriptionJobName).completedAt);
  assert.ok(delays.every((d) => Number.isInteger(d) && d >= latency.minMs && d <= latency.maxMs), `delays within ${latency.minMs}..${latency.maxMs} ms`);
  const mean = delays.reduce((a, b) => a + b) / delays.length;
  // Uniform on [2 s, 30 s]: mean 16 s, standard error of 400 draws about 0.4 s.
  assert.ok(Math.abs(mean - 16_000) < 2_000, `mean delay ${mean} ms`);
  assert.ok(Math.min(...delays) < 4_000 && Math.max(...delays) > 28_000, 'the whole range is used');
});

test('events are lost at the loss rate over many jobs, never at 0 and always at 1', async () => {
  const jobs = names(2_000);
  const { transcribe, received } = await runJobs(jobs, { lossRate: 0.2 });

  // Binomial(2000, 0.2): 400 expected, standard deviation about 18; 5 of them either way.
  assert.ok(Math.abs(transcribe.stateChanges.lost.length - 400) < 90, `lost ${transcribe.stateChanges.lost.length} of 2000`);
  assert.equal(received.length + transcribe.stateChanges.lost.length, jobs.length, 'every ended job: delivered or lost');
  assert.equal(new Set(received.map(({ event }) => event.detail.TranscriptionJobName)).size, received.length, 'no event twice');
  assert.equal((await runJobs(names(200), { lossRate: 0 })).received.length, 200);
  assert.equal((await runJobs(names(200), { lossRate: 1 })).received.length, 0);
});

test('a loss share loses exactly that share of the events, spread through them, and leaves the latencies as they are', async () => {
  const latency = { minMs: 1_000, maxMs: 5_000 };
  const jobs = names(10);
  // Jobs end one second apart, so the events are sent in name order.
  const durationSeconds = (request) => 60 + jobs.indexOf(request.TranscriptionJobName);
  const delivered = async (lossShare, seed = 3) => {
    const { received } = await runJobs(jobs, { latency, lossShare, seed, durationSeconds });
    return new Map(received.map(({ event, at }) => [event.detail.TranscriptionJobName, at]));
  };

  const all = await delivered(0);
  const tenth = await delivered(0.1);
  assert.equal(all.size, 10);
  assert.equal(tenth.size, 9, 'one of ten lost');
  for (const [name, at] of tenth) assert.equal(at, all.get(name), `${name}: the same latency whatever else is lost`);
  assert.equal((await delivered(1)).size, 0);
  assert.equal((await runJobs(names(100), { lossShare: 0.25 })).transcribe.stateChanges.lost.length, 25);
  // Which one is lost depends on the seed.
  const lostJobs = new Set();
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const kept = await delivered(0.1, seed);
    lostJobs.add(jobs.find((name) => !kept.has(name)));
  }
  assert.ok(lostJobs.size > 2, `lost jobs by seed: ${[...lostJobs]}`);
  assert.throws(() => new FakeTranscribe({ stateChanges: { subscriber: () => {}, lossRate: 0.1, lossShare: 0.1 } }), /not both/);
});

test('the same seed gives the same deliveries, latencies and losses; another seed does not', async () => {
  const options = { latency: { minMs: 0, maxMs: 60_000 }, lossRate: 0.3 };
  const outcome = async (seed) => {
    const { received } = await runJobs(names(100), { ...options, seed });
    return received.map(({ event, at }) => [event.id, event.detail.TranscriptionJobName, at]);
  };

  assert.deepEqual(await outcome(7), await outcome(7));
  assert.notDeepEqual(await outcome(7), await outcome(8));
});

test('event delivery checks its settings', () => {
  const subscriber = () => {};
  assert.throws(() => new FakeTranscribe({ stateChanges: { subscriber, lossRate: 1.5 } }), /lossRate/);
  assert.throws(() => new FakeTranscribe({ stateChanges: { subscriber, latency: { minMs: 10, maxMs: 5 } } }), /minMs <= maxMs/);
  assert.throws(() => new FakeTranscribe({ stateChanges: { lossRate: 0 } }), /subscriber/);
});
