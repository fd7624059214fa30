// Benchmark "burst": 1,000 uploads arrive at once. Each starts an execution of the synthesized state
// machine against a simulated Transcribe that holds a concurrent-job quota (100), a
// StartTranscriptionJob rate quota (25/s) and a GetTranscriptionJob rate quota (30/s). Run with the
// staging template (no Transcribe queueing) and the prod template (AllowDeferredExecution), all in
// virtual time. Counts what was lost, duplicated, retried and throttled, and how long it took.
//
//   npm run bench:burst            (--uploads 1000 --minutes 5 --concurrent-jobs 100)

import { parseArgs } from 'node:util';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { STATES } from '../../testkit/states.mjs';
import { FakeS3 } from '../../testkit/s3.mjs';
import { FakeTranscribe } from '../../testkit/transcribe.mjs';
import { VirtualTime } from '../../testkit/virtual-time.mjs';
import { runExecutions } from './run-executions.mjs';
import { uploadExpectedToTake, planAll } from './plans.mjs';
import { table } from './print.mjs';

const { values: args } = parseArgs({
  options: {
    uploads: { type: 'string', default: '1000' },
    minutes: { type: 'string', default: '5' },
    'concurrent-jobs': { type: 'string', default: '100' },
    'starts-per-second': { type: 'string', default: '25' },
    'gets-per-second': { type: 'string', default: '30' },
  },
});
const uploads = positive('uploads');
const jobSeconds = positive('minutes') * 60;
const quota = { concurrentJobs: positive('concurrent-jobs'), startsPerSecond: positive('starts-per-second'), getsPerSecond: positive('gets-per-second') };

function positive(name) {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number, not '${args[name]}'`);
  return value;
}

/** One burst against one environment's state machine. */
async function burst(environment) {
  const workflow = loadWorkflow(environment);
  const events = Array.from({ length: uploads }, (_, i) => uploadExpectedToTake(workflow, `media/burst/call-${String(i + 1).padStart(4, '0')}.mp3`, jobSeconds));
  const plans = await planAll(workflow, events);
  const clock = new VirtualTime().install();
  try {
    const transcribe = new FakeTranscribe({ ...quota, s3: new FakeS3(), durationSeconds: () => jobSeconds });
    const { executions, table: metadata, queue } = await runExecutions(workflow.definition, events, { workflow, clock, plans, transcribe });
    return { environment, workflow, plans, transcribe, executions, items: metadata.items, queue, drainSeconds: clock.elapsedSeconds };
  } finally {
    clock.uninstall();
  }
}

/** Facts per run; `lost` and `duplicates` must be 0. */
function summarize({ plans, transcribe, executions, items, queue, drainSeconds }) {
  const byStatus = (status) => [...items.values()].filter((item) => item.status === status);
  const deadLettered = new Map();
  for (const message of queue) deadLettered.set(message.body.jobName, (deadLettered.get(message.body.jobName) ?? 0) + 1);
  const lost = [...plans.values()].filter((plan) => !items.has(plan.jobName) && !deadLettered.has(plan.jobName)).length
    + executions.filter((e) => e.status !== 'SUCCEEDED' && e.status !== 'FAILED').length;
  const jobsPerMedia = new Map();
  for (const job of transcribe.jobs.values()) jobsPerMedia.set(job.request.Media.MediaFileUri, (jobsPerMedia.get(job.request.Media.MediaFileUri) ?? 0) + 1);
  const duplicates = [...jobsPerMedia.values()].filter((n) => n > 1).length + [...deadLettered.values()].filter((n) => n > 1).length;
  const retries = (state) => executions.reduce((sum, e) => sum + (e.retries[state] ?? 0), 0);
  const failures = {};
  for (const item of byStatus('FAILED')) failures[item.error] = (failures[item.error] ?? 0) + 1;
  return {
    completed: byStatus('COMPLETED').length,
    failed: byStatus('FAILED').length,
    failures,
    deadLetters: queue.length,
    lost,
    duplicates,
    startRetries: retries(STATES.start),
    startsThrottled: transcribe.counts.startsThrottled,
    startsOverQuota: transcribe.counts.startsOverQuota,
    queued: transcribe.counts.queued,
    mostRunning: transcribe.mostRunning,
    polls: transcribe.counts.getCalls,
    pollsThrottled: transcribe.counts.getsThrottled,
    pollRetries: retries(STATES.get),
    transitions: executions.reduce((sum, e) => sum + e.transitions, 0),
    drainSeconds,
  };
}

function retrier(definition, state, error) {
  const r = definition.States[state].Retry.find((x) => x.ErrorEquals.includes(error));
  return `${r.MaxAttempts} attempts, ${r.IntervalSeconds} s x${r.BackoffRate} up to ${r.MaxDelaySeconds} s, ${r.JitterStrategy ?? 'no'} jitter`;
}

const started = performance.now();
console.log(`Burst: ${uploads} uploads at once, each job ${jobSeconds / 60} min; simulated Transcribe quota: ${quota.concurrentJobs} concurrent jobs, ${quota.startsPerSecond} StartTranscriptionJob/s, ${quota.getsPerSecond} GetTranscriptionJob/s.`);
console.log('Every upload is one execution of the synthesized state machine (aws-local-stepfunctions, virtual time: real Wait seconds and');
console.log('Retry back-off with full jitter, seeded). The job planner\'s answers were computed beforehand by the real C# planner.');
const runs = [await burst('staging'), await burst('prod')];
for (const run of runs) {
  const start = run.workflow.definition.States[STATES.start].Parameters.JobExecutionSettings;
  console.log(`- ${run.environment}: queueing ${start?.AllowDeferredExecution ? 'ON (AllowDeferredExecution, DataAccessRoleArn)' : 'OFF'}; start retries ${retrier(run.workflow.definition, STATES.start, 'Transcribe.LimitExceededException')}; poll retries ${retrier(run.workflow.definition, STATES.get, 'Transcribe.LimitExceededException')}`);
}
const optimum = Math.ceil(uploads / quota.concurrentJobs) * jobSeconds;
const summaries = runs.map(summarize);
const row = (label, f) => [label, ...summaries.map(f)];
console.log();
console.log(table(['', ...runs.map((r) => `${r.environment}: queueing ${r.workflow.definition.States[STATES.start].Parameters.JobExecutionSettings ? 'on' : 'off'}`)], [
  row('uploads', () => uploads),
  row('transcripts recorded (COMPLETED items)', (s) => s.completed),
  row('failures recorded (FAILED items = dead letters)', (s) => `${s.failed} = ${s.deadLetters}`),
  row('  of which', (s) => Object.entries(s.failures).map(([error, n]) => `${n} ${error}`).join(', ') || '-'),
  row('jobs lost (no item, no dead letter, or unfinished)', (s) => s.lost),
  row('duplicate jobs or dead letters', (s) => s.duplicates),
  row('StartTranscriptionJob retries', (s) => s.startRetries),
  row('  starts throttled (rate) / over the job quota', (s) => `${s.startsThrottled} / ${s.startsOverQuota}`),
  row('jobs queued by Transcribe', (s) => s.queued),
  row('most jobs running at once', (s) => s.mostRunning),
  row('polls (GetTranscriptionJob calls)', (s) => s.polls),
  row('throttled polls / poll retries', (s) => `${s.pollsThrottled} / ${s.pollRetries}`),
  row('state transitions (all executions)', (s) => s.transitions),
  row('drain time (burst to last execution end)', (s) => `${(s.drainSeconds / 60).toFixed(1)} min`),
  row(`quota-bound optimum (ceil(${uploads}/${quota.concurrentJobs}) x ${jobSeconds / 60} min)`, () => `${(optimum / 60).toFixed(1)} min`),
  row('drain time / optimum', (s) => (s.completed === uploads ? (s.drainSeconds / optimum).toFixed(2) : `n/a (${uploads - s.completed} not transcribed)`)),
]));
console.log(`\nStart-rate bound: ${uploads} starts at ${quota.startsPerSecond}/s take at least ${(uploads / quota.startsPerSecond).toFixed(0)} s. (${((performance.now() - started) / 1000).toFixed(1)} s wall)`);
const broken = summaries.filter((s) => s.lost > 0 || s.duplicates > 0);
if (broken.length) console.log(`\nFAIL: jobs lost or duplicated in ${broken.length} run(s).`);
process.exitCode = broken.length ? 1 : 0;
