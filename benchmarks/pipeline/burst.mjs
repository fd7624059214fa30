// Benchmark "burst": 1,000 and 3,000 uploads arrive at once. Each starts an execution of the
// synthesized state machine of dev, staging and prod (queueing on in all three) against a simulated
// Transcribe that holds a concurrent-job quota (100), a StartTranscriptionJob rate quota (25/s) and a
// GetTranscriptionJob rate quota (30/s), and sends each job's completion event 1 to 5 s after it ends
// to the synthesized completion notifier; each job's plan polls it every 4 minutes as the one net. All in virtual time. Counts what was lost, duplicated,
// refused, polled and woken, and how long the burst took; prints each goal with met or NOT met.
// Exits non-zero if a job is lost or duplicated.
//
//   npm run bench:burst      (--uploads 1000,3000 --env dev,staging,prod --minutes 5 --concurrent-jobs 100)
//   --poll-retries ATTEMPTS,MAX_DELAY_SECONDS: a what-if, not the template: the poll's retrier on
//   LimitExceededException changed in every environment's definition (reported as such).

import { parseArgs } from 'node:util';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { STATES } from '../../testkit/states.mjs';
import { FakeS3 } from '../../testkit/s3.mjs';
import { FakeTranscribe } from '../../testkit/transcribe.mjs';
import { VirtualTime } from '../../testkit/virtual-time.mjs';
import { runExecutions } from '../../testkit/executions.mjs';
import { startUpload } from '../../testkit/starter.mjs';
import { FakeExecutions } from '../../testkit/step-functions.mjs';
import { Planner } from '../../testkit/planner.mjs';
import { uploadExpectedToTake, planAll } from './plans.mjs';
import { LATENCY } from './measure.mjs';
import { table } from './print.mjs';

const { values: args } = parseArgs({
  options: {
    uploads: { type: 'string', default: '1000,3000' },
    env: { type: 'string', default: 'dev,staging,prod' },
    minutes: { type: 'string', default: '5' },
    'concurrent-jobs': { type: 'string', default: '100' },
    'starts-per-second': { type: 'string', default: '25' },
    'gets-per-second': { type: 'string', default: '30' },
    'poll-retries': { type: 'string' },
  },
});
const pollRetries = args['poll-retries'] && (([attempts, maxDelay]) => ({ MaxAttempts: positive('poll-retries', attempts), MaxDelaySeconds: positive('poll-retries', maxDelay) }))(args['poll-retries'].split(','));
const sizes = args.uploads.split(',').map((n) => positive('uploads', n));
const environments = args.env.split(',');
const jobSeconds = positive('minutes', args.minutes) * 60;
const quota = { concurrentJobs: positive('concurrent-jobs'), startsPerSecond: positive('starts-per-second'), getsPerSecond: positive('gets-per-second') };
const GOAL = { drainOverOptimum: 1.05 };
// StartExecution's throttling quota for Standard workflows (Step Functions service quotas, "Quotas related to API
// action throttling"): a bucket of 1,300 refilled at 300/s in US East (N. Virginia), US West (Oregon) and Europe
// (Ireland); 800 and 150/s in all other Regions.
const START_EXECUTION_RATES = [{ region: 'us-east-1 (and us-west-2, eu-west-1)', bucket: 1300, perSecond: 300 }, { region: 'all other Regions', bucket: 800, perSecond: 150 }];

function positive(name, text = args[name]) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be positive whole numbers, not '${text}'`);
  return value;
}

/** The upload events of a burst of `uploads`: the first ones of a larger burst are a smaller one's. */
function burstEvents(workflow, uploads) {
  return Array.from({ length: uploads }, (_, i) => uploadExpectedToTake(workflow, `media/burst/call-${String(i + 1).padStart(4, '0')}.mp3`, jobSeconds));
}

/** Each environment's template, loaded and rendered once. */
const loaded = new Map();
function loadedWorkflow(environment) {
  if (!loaded.has(environment)) loaded.set(environment, loadWorkflow(environment));
  return loaded.get(environment);
}

/** The environment's workflow; with --poll-retries, its definition with the poll's throttling retrier changed. */
function workflowOf(environment) {
  const workflow = loadedWorkflow(environment);
  if (!pollRetries) return workflow;
  const definition = structuredClone(workflow.definition);
  const retrier = definition.States[STATES.get].Retry.find((r) => r.ErrorEquals.includes('Transcribe.LimitExceededException'));
  Object.assign(retrier, pollRetries);
  return { ...workflow, definition };
}

/** One burst of `uploads` against one environment's state machine, with completion events delivered. */
async function burst(environment, uploads, plans) {
  const workflow = workflowOf(environment);
  const events = burstEvents(workflow, uploads);
  const clock = new VirtualTime().install();
  try {
    const transcribe = new FakeTranscribe({ ...quota, s3: new FakeS3(), durationSeconds: () => jobSeconds });
    const seen = countStatusesSeen(transcribe);
    const startedAt = Date.now();
    const run = await runExecutions(workflow.definition, events, { workflow, clock, plans, transcribe, events: { latency: LATENCY, lossShare: 0, seed: 11 } });
    // To the last execution's end.
    const drainSeconds = (Math.max(...run.executions.map((e) => e.endedAt)) - startedAt) / 1000;
    return { environment, uploads, workflow, plans: new Map(events.map((e) => [e.detail.object.key, plans.get(e.detail.object.key)])), transcribe, seen, ...run, drainSeconds };
  } finally {
    clock.uninstall();
  }
}

/** Counts the status each successful GetTranscriptionJob answered. */
function countStatusesSeen(transcribe) {
  const seen = {};
  const get = transcribe.get.bind(transcribe);
  transcribe.get = (request) => {
    const answer = get(request);
    const status = answer.TranscriptionJob.TranscriptionJobStatus;
    seen[status] = (seen[status] ?? 0) + 1;
    return answer;
  };
  return seen;
}

/** Facts per run; `lost` and `duplicates` must be 0. */
function summarize({ uploads, plans, transcribe, seen, executions, table: metadata, queue, completion, deliveries, drainSeconds }) {
  const items = [...metadata.items.values()];
  const byStatus = (status) => items.filter((item) => item.status === status);
  const deadLettered = countBy(queue, (m) => m.body.jobName);
  const lost = [...plans.values()].filter((plan) => !metadata.items.has(plan.jobName) && !deadLettered.has(plan.jobName)).length
    + executions.filter((e) => e.status !== 'SUCCEEDED' && e.status !== 'FAILED').length;
  const jobsPerMedia = countBy([...transcribe.jobs.values()], (job) => job.request.Media.MediaFileUri);
  const duplicates = [...jobsPerMedia.values()].filter((n) => n > 1).length + [...deadLettered.values()].filter((n) => n > 1).length;
  const sum = (f) => executions.reduce((total, e) => total + f(e), 0);
  const failures = countBy(byStatus('FAILED'), (item) => item.error);
  const where = { [STATES.start]: 'the start', [STATES.get]: 'a poll' };
  const failedIn = countBy(executions.filter((e) => e.failedIn), (e) => `${e.error.replace(/^Transcribe\./, '')} at ${where[e.failedIn] ?? `"${e.failedIn}"`}`);
  const optimumSeconds = Math.ceil(uploads / quota.concurrentJobs) * jobSeconds;
  return {
    completed: byStatus('COMPLETED').length,
    failed: byStatus('FAILED').length,
    failures,
    failedIn,
    overQuota: failures.get('Transcribe.LimitExceededException') ?? 0,
    deadLetters: queue.length,
    lost,
    duplicates,
    startRetries: sum((e) => e.retries[STATES.start] ?? 0),
    startsThrottled: transcribe.counts.startsThrottled,
    queued: transcribe.counts.queued,
    mostRunning: transcribe.mostRunning,
    polls: transcribe.counts.getCalls,
    seen,
    pollsThrottled: transcribe.counts.getsThrottled,
    woken: sum((e) => e.wokenWaits),
    timedOut: sum((e) => e.timedOutWaits),
    events: deliveries.sent.length,
    notifier: countBy(completion.runs, (r) => r.outcome),
    transitions: sum((e) => e.billedTransitions),
    drainSeconds,
    optimumSeconds,
    uploads,
  };
}

function countBy(list, key) {
  const counts = new Map();
  for (const x of list) counts.set(key(x), (counts.get(key(x)) ?? 0) + 1);
  return counts;
}

function retrier(definition, state) {
  const r = definition.States[state].Retry.find((x) => x.ErrorEquals.includes('Transcribe.LimitExceededException'));
  return `${r.MaxAttempts} attempts, ${r.IntervalSeconds} s x${r.BackoffRate} up to ${r.MaxDelaySeconds} s, ${r.JitterStrategy ?? 'no'} jitter`;
}

/** Each event's answer of the real planner to the starter's question (its execution's name), asked before virtual time. */
async function executionNames(workflow, events) {
  const planner = new Planner(workflow.plannerEnvironment);
  try {
    const answers = await Promise.all(events.map((event) => planner.plan({ executionNameOf: event })));
    return new Map(events.map((event, i) => [event.detail.object.key, answers[i]]));
  } finally {
    await planner.close();
  }
}

/**
 * The first hop of the burst: every upload event starts the synthesized upload starter at once (EventBridge
 * delivers them together), which names the execution and calls StartExecution against the quota `rate`, with its
 * real retries and back-off in virtual time. Counts the workflow executions started, the events dead-lettered, the
 * throttled calls and how long until the last execution was started.
 */
async function starterStage(environment, uploads, names, rate) {
  const workflow = loadedWorkflow(environment);
  const events = burstEvents(workflow, uploads);
  const clock = new VirtualTime().install();
  try {
    const startedAt = Date.now();
    const executions = new FakeExecutions({ stateMachineArn: workflow.stateMachineArn, rate, run: () => new Promise(() => {}) });
    const queue = [];
    const planner = { plan: (payload) => names.get(payload.executionNameOf.detail.object.key) };
    let lastStart = startedAt;
    const runs = await clock.run(Promise.all(events.map(async (event) => {
      const run = await startUpload(workflow, event, { planner, executions, queue, time: 'virtual' });
      lastStart = Math.max(lastStart, Date.now());
      return run;
    })));
    const started = executions.executions.length;
    const named = executions.executions.filter((e) => !e.name.startsWith('generated-')).length;
    return { environment, uploads, rate, started, named, deadLettered: queue.length, throttled: executions.throttled, failedRuns: runs.filter((r) => r.status !== 'SUCCEEDED').length, seconds: (lastStart - startedAt) / 1000 };
  } finally {
    clock.uninstall();
  }
}

const started = performance.now();
console.log(`Burst: ${sizes.join(' and ')} uploads at once, each job ${jobSeconds / 60} min; simulated Transcribe quota: ${quota.concurrentJobs} concurrent jobs, ${quota.startsPerSecond} StartTranscriptionJob/s, ${quota.getsPerSecond} GetTranscriptionJob/s.`);
console.log('Every upload is one execution of the synthesized state machine (aws-local-stepfunctions, virtual time: real Wait seconds, Retry back-off with');
console.log(`full jitter, seeded, and the wait for the job's event bounded by its plan). Completion events arrive ${LATENCY.minMs / 1000}-${LATENCY.maxMs / 1000} s after each job ends, through the completion`);
console.log('rule\'s pattern to the synthesized notifier (executed too). The job planner\'s answers were computed beforehand by the real C# planner.');
if (pollRetries) console.log(`WHAT-IF, not the templates: the poll's LimitExceededException retrier set to ${pollRetries.MaxAttempts} attempts up to ${pollRetries.MaxDelaySeconds} s in every definition.`);
for (const environment of environments) {
  const { definition } = workflowOf(environment);
  const execution = definition.States[STATES.start].Parameters.JobExecutionSettings;
  console.log(`- ${environment}: queueing ${execution?.AllowDeferredExecution ? 'ON' : 'OFF'}; start retries ${retrier(definition, STATES.start)}; poll retries ${retrier(definition, STATES.get)}`);
}

// One planner run per environment, for the largest burst: the smaller ones use its first plans.
const plansByEnvironment = new Map();
for (const environment of environments) {
  const workflow = loadedWorkflow(environment);
  plansByEnvironment.set(environment, await planAll(workflow, burstEvents(workflow, Math.max(...sizes))));
}
// The first hop: the upload starter under StartExecution's quota (the workflow executions themselves are not run here).
const namesByEnvironment = new Map();
for (const environment of environments) {
  const workflow = loadedWorkflow(environment);
  namesByEnvironment.set(environment, await executionNames(workflow, burstEvents(workflow, Math.max(...sizes))));
}
const starterRows = [];
for (const uploads of sizes) {
  for (const rate of START_EXECUTION_RATES) {
    for (const environment of environments) {
      const r = await starterStage(environment, uploads, namesByEnvironment.get(environment), rate);
      const lost = r.uploads - r.started - r.deadLettered;
      starterRows.push([`${environment}, ${uploads}`, `${rate.bucket} + ${rate.perSecond}/s (${rate.region})`, r.started, r.named, r.throttled, r.deadLettered, r.failedRuns, `${r.seconds.toFixed(1)} s`,
        `${lost}: ${lost === 0 ? 'met' : 'NOT met'}`, `${r.deadLettered}: ${r.deadLettered === 0 ? 'met' : 'NOT met'}`]);
    }
  }
}
console.log('\nFirst hop: the synthesized upload starter for every upload at once, StartExecution throttled by its quota (token bucket), retries with their real back-off:');
console.log(table(['environment, uploads', 'StartExecution quota (bucket + refill)', 'executions started', 'named after the upload', 'calls throttled', 'events dead-lettered', 'starter runs failed', 'last start after', 'GOAL none lost', 'GOAL none dead-lettered'], starterRows, { left: 2 }));

const runs = [];
for (const uploads of sizes) {
  for (const environment of environments) runs.push({ environment, uploads, summary: summarize(await burst(environment, uploads, plansByEnvironment.get(environment))) });
}

const verdict = (met) => (met ? 'met' : 'NOT met');
function drainGoal(s) {
  const ratio = (s.drainSeconds / s.optimumSeconds).toFixed(3);
  if (s.completed < s.uploads) return `${ratio}, ${s.uploads - s.completed} not transcribed: NOT met`;
  return `${ratio}: ${verdict(s.drainSeconds / s.optimumSeconds <= GOAL.drainOverOptimum)}`;
}
const column = (f) => runs.map((r) => f(r.summary, r));
const rows = [
  ['uploads', ...column((s, r) => r.uploads)],
  ['transcripts recorded (COMPLETED items)', ...column((s) => s.completed)],
  ['failures recorded (FAILED items = dead letters)', ...column((s) => `${s.failed} = ${s.deadLetters}`)],
  ['  of which (error, where)', ...column((s) => [...s.failedIn].map(([where, n]) => `${n} ${where}`).join(', ') || '-')],
  ['StartTranscriptionJob retries (starts throttled by rate)', ...column((s) => `${s.startRetries} (${s.startsThrottled})`)],
  ['jobs queued by Transcribe / most running at once', ...column((s) => `${s.queued} / ${s.mostRunning}`)],
  ['completion events delivered', ...column((s) => s.events)],
  ['waits woken by the event / ended at their timeout', ...column((s) => `${s.woken} / ${s.timedOut}`)],
  ['notifier runs: awake / moved on / none waiting', ...column((s) => ['The execution is awake', 'The execution has moved on', 'No execution is waiting'].map((o) => s.notifier.get(o) ?? 0).join(' / '))],
  ['GetTranscriptionJob calls (throttled)', ...column((s) => `${s.polls} (${s.pollsThrottled})`)],
  ['  answered QUEUED / IN_PROGRESS / COMPLETED', ...column((s) => ['QUEUED', 'IN_PROGRESS', 'COMPLETED'].map((st) => s.seen[st] ?? 0).join(' / '))],
  ['state transitions, billed (all executions)', ...column((s) => s.transitions)],
  ['drain time (burst to last execution end)', ...column((s) => `${(s.drainSeconds / 60).toFixed(1)} min`)],
  [`quota-bound optimum (ceil(uploads/${quota.concurrentJobs}) x ${jobSeconds / 60} min)`, ...column((s) => `${(s.optimumSeconds / 60).toFixed(1)} min`)],
  ['GOAL no job lost (no item, no dead letter, or unfinished)', ...column((s) => `${s.lost}: ${verdict(s.lost === 0)}`)],
  ['GOAL no job or dead letter duplicated', ...column((s) => `${s.duplicates}: ${verdict(s.duplicates === 0)}`)],
  ['GOAL no failure over a quota (LimitExceededException)', ...column((s) => `${s.overQuota}: ${verdict(s.overQuota === 0)}`)],
  ['GetTranscriptionJob calls per job', ...column((s, r) => (s.polls / r.uploads).toFixed(2))],
  [`GOAL drain time <= ${GOAL.drainOverOptimum} x optimum, every job transcribed`, ...column((s) => drainGoal(s))],
];
console.log();
console.log(table(['', ...runs.map((r) => `${r.environment}, ${r.uploads}`)], rows));
console.log(`\nStart-rate bound: ${Math.max(...sizes)} starts at ${quota.startsPerSecond}/s take at least ${(Math.max(...sizes) / quota.startsPerSecond).toFixed(0)} s. (${((performance.now() - started) / 1000).toFixed(1)} s wall)`);
const broken = runs.filter((r) => r.summary.lost > 0 || r.summary.duplicates > 0);
if (broken.length) console.log(`\nFAIL: jobs lost or duplicated in ${broken.length} run(s).`);
process.exitCode = broken.length ? 1 : 0;
