// Benchmark "cost and promptness of waiting for the job": how many state transitions a job costs and
// how late the workflow notices that Transcribe finished it, for jobs of 1, 5, 15, 60 and 240 minutes
// whose length the planner estimates right, at half or at twice. The synthesized state machine waits
// for Transcribe's completion event, bounded by the job's backstop plan (a poll every 4 minutes, the one
// net for a lost event); the events arrive 1 to 5 s after the job ends (uniform, seeded), or are lost
// (one job's in ten, or every job's). Beside it: the previous design (paced polling: the plans of
// previous-pacing.mjs as plain Wait states, no event) and fixed 10 s and 60 s loops. All executed by
// aws-local-stepfunctions in virtual time, the completion notifier too.
// Writes the chart benchmarks/charts/polling.svg. Exits non-zero only if a job is not recorded.
//
//   npm run bench:polling            (dev template; --env staging|prod for another)

import { parseArgs } from 'node:util';
import { join, relative } from 'node:path';
import { ROOT } from '../../testkit/templates.mjs';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { uploadsOfLengths } from './plans.mjs';
import { strategiesOf, measureRow, PHASES_SECONDS, LATENCY } from './measure.mjs';
import { writePollingChart } from './chart.mjs';
import { table } from './print.mjs';

const MINUTES = [1, 5, 15, 60, 240];
const ESTIMATES = [{ factor: 1, title: 'The job takes as long as the planner expects (from the upload size):' },
  { factor: 0.5, title: 'When the estimate is off: the job takes half of what the planner expects:' },
  { factor: 2, title: '... and twice what it expects:' }];
const GOAL = { lagBeyondLatencySeconds: 5, lostLagSeconds: 300 };
const CHART = join(ROOT, 'benchmarks', 'charts', 'polling.svg');

const { values: args } = parseArgs({ options: { env: { type: 'string', default: 'dev' } } });
const started = performance.now();
const workflow = loadWorkflow(args.env);
const strategies = strategiesOf(workflow);
const { uploads, plans } = await uploadsOfLengths(workflow, MINUTES, PHASES_SECONDS.length);
const measure = (id, minutes, factor) => measureRow(workflow, strategies[id], { uploads: uploads.get(minutes), plans, jobSeconds: minutes * 60 * factor });

const fmt = (x, digits = 1) => x.toFixed(digits);
const cells = (row) => [`${fmt(row.transitions.mean)} / ${row.transitions.max}`, fmt(row.polls.mean), `${fmt(row.lag.mean)} / ${fmt(row.lag.worst)}`];

/** The goal of a row with events delivered: every job noticed within its event's latency + 5 s. */
function deliveredGoal(row) {
  const lagMet = row.lagBeyondLatency !== null && row.lagBeyondLatency <= GOAL.lagBeyondLatencySeconds;
  return { lagMet, met: lagMet };
}

/** The goal of a row with events lost (#18): every job whose event was lost recorded within 5 minutes of finishing. */
function lostGoal(row) {
  return { met: row.lag.worst <= GOAL.lostLagSeconds };
}

const verdict = (met) => (met ? 'met' : 'NOT met');
const counts = { delivered: { rows: 0, met: 0 }, lost: { rows: 0, met: 0 } };
const chartRows = new Map(); // strategy id -> minutes -> row (estimate x1)

async function estimateTable(factor) {
  const rows = [];
  for (const minutes of MINUTES) {
    const measured = {};
    for (const id of ['delivered', 'tenthLost', 'allLost', 'paced']) measured[id] = await measure(id, minutes, factor);
    const takes = `${fmt((minutes * 60 * factor) / 60)} min`;
    const d = deliveredGoal(measured.delivered);
    counts.delivered.rows++;
    counts.delivered.met += d.met;
    rows.push([`${minutes} min`, takes, 'events delivered', ...cells(measured.delivered), fmt(measured.delivered.lagBeyondLatency),
      `lag <= latency + ${GOAL.lagBeyondLatencySeconds} s`, verdict(d.met)]);
    for (const id of ['tenthLost', 'allLost']) {
      const row = measured[id];
      const g = lostGoal(row);
      counts.lost.rows++;
      counts.lost.met += g.met;
      const label = id === 'tenthLost' ? `10% lost (${row.lost} of ${row.jobs.length})` : 'all lost';
      rows.push(['', '', label, ...cells(row), row.lagBeyondLatency === null ? '-' : fmt(row.lagBeyondLatency), `worst lag <= ${GOAL.lostLagSeconds} s`, verdict(g.met)]);
    }
    rows.push(['', '', strategies.paced.label, ...cells(measured.paced), '-', '(baseline of the rows above)', '']);
    if (factor === 1) for (const id of ['delivered', 'tenthLost', 'allLost', 'paced']) chartRow(id, minutes, measured[id]);
  }
  console.log(table(['expected', 'takes', 'completion events', 'transitions mean / max', 'polls mean', 'lag mean / worst (s)', 'lag beyond latency, worst (s)', 'goal', ''], rows, { left: 3 }));
}

function chartRow(id, minutes, row) {
  if (!chartRows.has(id)) chartRows.set(id, new Map());
  chartRows.get(id).set(minutes, row);
}

console.log(`Waiting for the job: the ${args.env} state machine (cdk.out/${args.env}/TranscribeStack-${args.env}.template.json), its completion notifier and its plan's backstop polls.`);
console.log('Executed by aws-local-stepfunctions in virtual time: Wait states, retries and the wait for the job\'s event (TimeoutSecondsPath) take their real');
console.log(`seconds on a virtual clock. Completion events arrive ${LATENCY.minMs / 1000} to ${LATENCY.maxMs / 1000} s after the job ends (uniform, seeded) through the completion rule's pattern to the`);
console.log('synthesized notifier, which wakes the waiting execution (SendTaskSuccess); "lost" = the job\'s single event never arrives, and the plan\'s');
console.log('next backstop poll (every 4 minutes, jittered) notices the job instead.');
console.log(`Each row: ${PHASES_SECONDS.length} jobs run at once, one per phase (each ends ${PHASES_SECONDS.join(', ')} s after its nominal length), each its own upload, job name and plan;`);
console.log('transitions = states entered plus retries (as billed); polls = GetTranscriptionJob calls; lag = seconds from the job finishing to the poll that sees it;');
console.log('lag beyond latency = lag minus the job\'s own event latency, for jobs whose event arrived.');
console.log(`Goals (#18): events delivered: every job noticed within its event's latency + ${GOAL.lagBeyondLatencySeconds} s; events lost: every such job noticed within ${GOAL.lostLagSeconds} s of finishing.`);
console.log('Cost per job against Transcribe\'s price: npm run bench:cost.');
for (const { factor, title } of ESTIMATES) {
  console.log(`\n${title}`);
  await estimateTable(factor);
}

console.log('\nBaselines: fixed poll loops (the estimate does not matter to them):');
const fixedRows = [];
for (const minutes of MINUTES) {
  const fixed = { fixed10: await measure('fixed10', minutes, 1), fixed60: await measure('fixed60', minutes, 1) };
  for (const id of ['fixed10', 'fixed60']) chartRow(id, minutes, fixed[id]);
  fixedRows.push([`${minutes} min`, ...cells(fixed.fixed10), ...cells(fixed.fixed60)]);
}
console.log(table(['takes', 'fixed 10 s: transitions mean / max', 'polls', 'lag mean / worst (s)', 'fixed 60 s: transitions mean / max', 'polls', 'lag mean / worst (s)'], fixedRows));

const order = ['delivered', 'tenthLost', 'allLost', 'paced', 'fixed10', 'fixed60'].map((id) => strategies[id].label);
const points = [...chartRows].flatMap(([id, byMinutes]) => [...byMinutes].map(([minutes, row]) => ({
  strategy: strategies[id].label, minutes, worstLag: row.lag.worst, transitions: row.transitions.mean,
})));
await writePollingChart(CHART, points, {
  order,
  title: `Waiting for a Transcribe job: the ${args.env} state machine, the job as long as the planner expects`,
  subtitle: [`Completion events arrive ${LATENCY.minMs / 1000}-${LATENCY.maxMs / 1000} s after the job ends.`,
    'With events lost the plan\'s next backstop poll notices the job within 4 minutes.'],
});

console.log(`\nWith events delivered: goal met in ${counts.delivered.met} of ${counts.delivered.rows} rows (lag within latency + ${GOAL.lagBeyondLatencySeconds} s).`);
console.log(`With events lost: goal met in ${counts.lost.met} of ${counts.lost.rows} rows (worst lag within ${GOAL.lostLagSeconds} s).`);
console.log(`Chart: ${relative(ROOT, CHART)}. (${((performance.now() - started) / 1000).toFixed(1)} s)`);
