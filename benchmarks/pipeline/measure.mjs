// What one job costs and how late it is noticed, per way of waiting for it: the synthesized state
// machine with Transcribe's completion events delivered, 10% lost or all lost, the previous design's
// paced polling, and fixed 10 s and 60 s poll loops. A row runs one job per phase (the job ends 0, 1,
// ... 9 s after its nominal length) as concurrent executions in virtual time; shared by the polling
// and cost benchmarks.
import { FakeS3 } from '../../testkit/s3.mjs';
import { FakeTranscribe, TRANSCRIBE_QUOTAS } from '../../testkit/transcribe.mjs';
import { VirtualTime } from '../../testkit/virtual-time.mjs';
import { runExecutions } from '../../testkit/executions.mjs';
import { itemSizeBytes } from '../../testkit/dynamodb.mjs';
import { STATES } from '../../testkit/states.mjs';
import { fixedPollLoop, pacedPollLoop } from './definitions.mjs';
import { withPreviousPlans } from './previous-pacing.mjs';

/** Where a job ends against a 10-second grid: one job per phase; 10, so 10% lost is one job. */
export const PHASES_SECONDS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
/** Transcribe's completion events: latency uniform on [1 s, 5 s], one seed for every row. */
export const LATENCY = { minMs: 1_000, maxMs: 5_000 };
const EVENT_SEED = 11;
/**
 * A real task token's length is not documented beyond SendTaskSuccess's limit (TaskToken: 1 to 2,048
 * characters); the items that hold one are sized with that upper bound.
 */
export const TASK_TOKEN_BYTES = 2_048;

/**
 * The ways of waiting for the job, by id: { label, definition, events, plans }. The synthesized design
 * waits for the event, its plan's backstop polls the one net; the previous design (paced polling, no
 * event) with the plans of that design (previous-pacing.mjs); the fixed loops with no event.
 */
export function strategiesOf(workflow) {
  const events = (lossShare) => ({ latency: LATENCY, lossShare, seed: EVENT_SEED });
  return {
    delivered: { label: 'events delivered', definition: workflow.definition, events: events(0) },
    tenthLost: { label: '10% of events lost', definition: workflow.definition, events: events(0.1) },
    allLost: { label: 'all events lost', definition: workflow.definition, events: events(1) },
    paced: { label: 'paced polling (previous design)', definition: pacedPollLoop(workflow.definition), events: null, plans: withPreviousPlans },
    fixed10: { label: 'fixed 10 s loop', definition: fixedPollLoop(workflow.definition, 10), events: null },
    fixed60: { label: 'fixed 60 s loop', definition: fixedPollLoop(workflow.definition, 60), events: null },
  };
}

/**
 * Runs `uploads` (one per phase) with `strategy`, each job taking `jobSeconds` + its phase, and
 * returns the row: per job figures (jobs) and their means and extremes. Throws if an execution does
 * not record its transcript: a benchmark of a broken run would mean nothing.
 */
export async function measureRow(workflow, strategy, { uploads, plans: plannerPlans, jobSeconds }) {
  const plans = strategy.plans ? strategy.plans(plannerPlans) : plannerPlans;
  if (uploads.length !== PHASES_SECONDS.length) throw new Error(`one upload per phase: ${uploads.length} for ${PHASES_SECONDS.length}`);
  const phaseOf = new Map(uploads.map((event, i) => [plans.get(event.detail.object.key).jobName, PHASES_SECONDS[i]]));
  const clock = new VirtualTime().install();
  let run;
  let transcribe;
  try {
    transcribe = new FakeTranscribe({ ...TRANSCRIBE_QUOTAS, s3: new FakeS3(), durationSeconds: (request) => jobSeconds + phaseOf.get(request.TranscriptionJobName) });
    run = await runExecutions(strategy.definition, uploads, { workflow, clock, plans, transcribe, events: strategy.events });
  } finally {
    clock.uninstall();
  }
  const { executions, table, completion, deliveries } = run;
  const delivered = new Map((deliveries?.sent ?? []).map((d) => [d.event.detail.TranscriptionJobName, d.latencyMs / 1000]));
  const lost = new Set((deliveries?.lost ?? []).map((e) => e.detail.TranscriptionJobName));
  const notifierRuns = countBy(completion.runs, (r) => r.event.detail.TranscriptionJobName);
  const units = requestUnits(table);
  const jobs = executions.map((execution) => {
    const { jobName } = plans.get(execution.key);
    const job = transcribe.jobs.get(jobName);
    if (execution.status !== 'SUCCEEDED' || job?.status !== 'COMPLETED' || table.items.get(jobName)?.status !== 'COMPLETED') {
      throw new Error(`${strategy.label}, ${jobSeconds} s job ${jobName}: execution ${execution.status} ${execution.error ?? ''}, job ${job?.status}`);
    }
    const lag = (job.noticedAt - job.completedAt) / 1000;
    return {
      jobName,
      transitions: execution.billedTransitions,
      polls: job.gets,
      lag,
      latency: delivered.get(jobName) ?? null,
      lost: lost.has(jobName),
      wokenWaits: execution.wokenWaits,
      notifierRuns: notifierRuns.get(jobName) ?? 0,
      lambdaInvocations: { planner: execution.calls[STATES.plan] ?? 0, postProcessor: execution.calls[STATES.postProcess] ?? 0 },
      writeUnits: units.writes.get(jobName) ?? 0,
      writes: units.writeCounts.get(jobName) ?? 0,
      // The notifier's GetItem is strongly consistent: 4 KB per read unit.
      readUnits: (notifierRuns.get(jobName) ?? 0) * Math.ceil(units.largestItemBytes / 4096),
    };
  });
  const mean = (f) => jobs.reduce((sum, j) => sum + f(j), 0) / jobs.length;
  const max = (f) => Math.max(...jobs.map(f));
  const withEvent = jobs.filter((j) => j.latency !== null);
  return {
    strategy,
    jobSeconds,
    jobs,
    transitions: { mean: mean((j) => j.transitions), max: max((j) => j.transitions) },
    polls: { mean: mean((j) => j.polls), max: max((j) => j.polls) },
    lag: { mean: mean((j) => j.lag), worst: max((j) => j.lag) },
    // Detection lag beyond the job's own event latency (events that arrived, whether or not they woke the wait).
    lagBeyondLatency: withEvent.length ? Math.max(...withEvent.map((j) => j.lag - j.latency)) : null,
    lost: jobs.filter((j) => j.lost).length,
    woken: jobs.reduce((sum, j) => sum + j.wokenWaits, 0),
    largestItemBytes: units.largestItemBytes,
  };
}

/**
 * Write units per job from the table's writes in order (each 1 KB of the larger of the item before
 * and after), the task token counted at TASK_TOKEN_BYTES; and the largest item the table held.
 */
function requestUnits(table) {
  const size = (item) => itemSizeBytes(item.taskToken ? { ...item, taskToken: { S: 'x'.repeat(TASK_TOKEN_BYTES) } } : item);
  const previous = new Map();
  const writes = new Map();
  const writeCounts = new Map();
  let largestItemBytes = 0;
  for (const item of table.writes) {
    const key = item.jobName.S;
    const bytes = size(item);
    largestItemBytes = Math.max(largestItemBytes, bytes);
    writes.set(key, (writes.get(key) ?? 0) + Math.ceil(Math.max(bytes, previous.get(key) ?? 0) / 1024));
    writeCounts.set(key, (writeCounts.get(key) ?? 0) + 1);
    previous.set(key, bytes);
  }
  return { writes, writeCounts, largestItemBytes };
}

function countBy(list, key) {
  const counts = new Map();
  for (const x of list) counts.set(key(x), (counts.get(key(x)) ?? 0) + 1);
  return counts;
}
