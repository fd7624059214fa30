// Scale probe (issue #18's 50,000-upload case): how fast the test kit runs executions of the synthesized
// prod workflow, and how much memory it takes, when at most W executions are in flight at once, as in the
// redesigned pipeline (a durable intake hands the workflow the next upload when one ends; the rest wait in
// the queue, not as running executions). A standalone research script, not a benchmark of the design: the
// admission loop below stands in for the intake, and nothing here is run by `npm test`.
//
// Each upload is one execute() of the prod definition in virtual time against FakeTranscribe with
// Transcribe's default quotas (TRANSCRIBE_QUOTAS) and jobs of --minutes; completion events reach the
// synthesized notifier 1 to 5 s after a job ends, --loss of them lost. The plans come from the real C#
// planner beforehand (not timed). Prints, per N: wall seconds of the virtual-time run, executions per
// wall second, peak RSS, the virtual drain time and each API's calls, throttles and peak rates; then a
// straight-line extrapolation to --extrapolate uploads. Each N runs in its own process, so that its peak
// RSS is its own.
//
//   source scripts/env.sh && node benchmarks/pipeline/scale-probe.mjs --n 1000,5000
//   node --cpu-prof --cpu-prof-dir .tmp/prof benchmarks/pipeline/scale-probe.mjs --n 1000   (a profile)

import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { FakeS3 } from '../../testkit/s3.mjs';
import { FakeTable } from '../../testkit/dynamodb.mjs';
import { FakeTranscribe, TRANSCRIBE_QUOTAS } from '../../testkit/transcribe.mjs';
import { FakePostProcessor } from '../../testkit/post-processor.mjs';
import { RecordedPlanner } from '../../testkit/planner.mjs';
import { CompletionNotifier } from '../../testkit/completion.mjs';
import { completionRuleMatches } from '../../testkit/events.mjs';
import { VirtualTime } from '../../testkit/virtual-time.mjs';
import { execute } from '../../testkit/execute.mjs';
import { uploadExpectedToTake, planAll } from './plans.mjs';
import { LATENCY } from './measure.mjs';
import { table } from './print.mjs';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '1000,5000' },
    window: { type: 'string', default: '225' },
    minutes: { type: 'string', default: '5' },
    loss: { type: 'string', default: '0.01' },
    env: { type: 'string', default: 'prod' },
    extrapolate: { type: 'string', default: '50000' },
    json: { type: 'boolean', default: false }, // one run, its figures as one JSON line (the parent's child)
  },
});
const sizes = args.n.split(',').map(Number);
const window = Number(args.window);
const jobSeconds = Number(args.minutes) * 60;
const lossRate = Number(args.loss);

/** One probe of `uploads` executions, at most `window` in flight; its figures. */
async function probe(uploads) {
  const workflow = loadWorkflow(args.env);
  const events = Array.from({ length: uploads }, (_, i) => uploadExpectedToTake(workflow, `media/scale/call-${String(i + 1).padStart(6, '0')}.mp3`, jobSeconds));
  const planningStarted = performance.now();
  const plans = await planAll(workflow, events);
  const planningSeconds = (performance.now() - planningStarted) / 1000;

  const clock = new VirtualTime().install();
  let peakRss = process.memoryUsage().rss;
  try {
    const transcribe = new FakeTranscribe({ ...TRANSCRIBE_QUOTAS, s3: new FakeS3(), durationSeconds: () => jobSeconds });
    const tableOfJobs = new FakeTable({ tableName: workflow.tableName });
    const completion = new CompletionNotifier({ definition: workflow.notifierDefinition, table: tableOfJobs });
    transcribe.subscribe({ latency: LATENCY, lossRate, seed: 11, subscriber: (event) => (completionRuleMatches(workflow, event) ? completion.deliver(event) : undefined) });
    const shared = { workflow, planner: new RecordedPlanner(plans), transcribe, table: tableOfJobs, queue: [], postProcessor: new FakePostProcessor(), completion, time: 'virtual' };
    const statuses = {};
    let transitions = 0;
    let lastEnd = 0;
    let next = 0;
    let inFlight = 0;
    let mostInFlight = 0;
    // The intake: each lane takes the next upload when its execution ends, so at most `window` run at once.
    const lane = async () => {
      while (next < uploads) {
        const i = next++;
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        const result = await execute(workflow.definition, events[i], { ...shared, executionName: `scale-${String(i + 1).padStart(6, '0')}` });
        inFlight--;
        statuses[result.status] = (statuses[result.status] ?? 0) + 1;
        transitions += result.transitions;
        lastEnd = Math.max(lastEnd, result.endedAt);
        if (i % 250 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }
    };
    const virtualStart = Date.now();
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    await clock.run((async () => {
      await Promise.all(Array.from({ length: Math.min(window, uploads) }, lane));
      await completion.settled();
    })());
    const wallSeconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStarted);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const completed = [...tableOfJobs.items.values()].filter((item) => item.status === 'COMPLETED').length;
    return {
      uploads,
      window,
      planningSeconds,
      wallSeconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      executionsPerSecond: uploads / wallSeconds,
      peakRssMb: peakRss / 2 ** 20,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      statuses,
      completed,
      mostInFlight,
      transitions,
      drainMinutes: (lastEnd - virtualStart) / 60_000,
      lost: transcribe.stateChanges.lost.length,
      delivered: transcribe.stateChanges.sent.length,
      transcribe: { ...transcribe.counts, mostRunning: transcribe.mostRunning },
      apis: typeof transcribe.apiRates === 'function' ? transcribe.apiRates() : null,
    };
  } finally {
    clock.uninstall();
  }
}

if (args.json) {
  console.log(JSON.stringify(await probe(sizes[0])));
} else {
  console.log(`Scale probe: ${sizes.join(', ')} executions of the synthesized ${args.env} workflow, at most ${window} in flight, ${jobSeconds / 60}-minute jobs, `
    + `Transcribe's default quotas, completion events ${LATENCY.minMs / 1000}-${LATENCY.maxMs / 1000} s late, ${lossRate * 100}% lost. Each N in its own process. Node ${process.version}.`);
  const results = [];
  for (const uploads of sizes) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--json', '--n', String(uploads), '--window', String(window), '--minutes', args.minutes, '--loss', args.loss, '--env', args.env], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 2 ** 20 });
    if (child.status !== 0) throw new Error(`the probe of ${uploads} exited ${child.status ?? child.signal}`);
    results.push(JSON.parse(child.stdout.trim().split('\n').at(-1)));
  }
  const rows = results.map((r) => [r.uploads, r.wallSeconds.toFixed(1), r.cpuSeconds.toFixed(1), r.executionsPerSecond.toFixed(1), r.peakRssMb.toFixed(0), r.maxRssMb.toFixed(0),
    Object.entries(r.statuses).map(([s, n]) => `${n} ${s}`).join(', '), r.completed, r.mostInFlight, r.drainMinutes.toFixed(1), `${r.delivered} / ${r.lost}`, r.planningSeconds.toFixed(1)]);
  console.log(table(['N', 'wall s', 'CPU s', 'executions / wall s', 'peak RSS MB (sampled)', 'max RSS MB (getrusage)', 'executions', 'COMPLETED items', 'most in flight', 'drain (virtual min)', 'events delivered / lost', 'planning s (not timed)'], rows));
  for (const r of results) {
    if (!r.apis) continue;
    console.log(`\nN = ${r.uploads}: calls per API (virtual time)`);
    console.log(table(['API', 'calls', 'throttled (rate)', 'refused (job quota or queue)', 'mean / s', 'peak in any 1 s (accepted)', 'peak in any 60 s, per s (accepted)'],
      Object.entries(r.apis).map(([api, a]) => [api, a.calls, a.throttled, a.refused, a.meanPerSecond.toFixed(2), `${a.peakPerSecond} (${a.acceptedPeakPerSecond})`, `${(a.peakPerMinute / 60).toFixed(2)} (${(a.acceptedPeakPerMinute / 60).toFixed(2)})`])));
  }
  // A straight line through the two largest runs (per execution cost, fixed cost), for wall and memory.
  const target = Number(args.extrapolate);
  if (results.length >= 2) {
    const [a, b] = results.slice(-2);
    const line = (f) => f(a) + ((f(b) - f(a)) / (b.uploads - a.uploads)) * (target - a.uploads);
    console.log(`\nExtrapolated to ${target} (a line through N = ${a.uploads} and ${b.uploads}): ${line((r) => r.wallSeconds).toFixed(0)} s wall, ${line((r) => r.cpuSeconds).toFixed(0)} s CPU, `
      + `${line((r) => r.peakRssMb).toFixed(0)} MB peak RSS. Goal: under 600 s and 4,096 MB.`);
  }
}
