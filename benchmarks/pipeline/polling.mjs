// Benchmark "cost and promptness": how many state transitions an execution costs and how late it
// notices a finished job, for jobs of 1, 5, 15, 60 and 240 minutes, with the synthesized state
// machine's paced polling beside a fixed 10-second loop (the tutorial's) and a fixed 60-second loop,
// all executed by aws-local-stepfunctions in virtual time.
//
//   npm run bench:polling            (dev template; --env staging|prod for another)

import { parseArgs } from 'node:util';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { FakeS3 } from '../../testkit/s3.mjs';
import { FakeTranscribe, TRANSCRIBE_QUOTAS } from '../../testkit/transcribe.mjs';
import { VirtualTime } from '../../testkit/virtual-time.mjs';
import { runExecutions } from './run-executions.mjs';
import { uploadExpectedToTake, planAll } from './plans.mjs';
import { fixedPollLoop } from './definitions.mjs';
import { table } from './print.mjs';

const MINUTES = [1, 5, 15, 60, 240];
// Where the job ends against a 10-second polling grid: each case runs once per phase.
const PHASES_SECONDS = [0, 2, 4, 6, 8];
const GROWTH = 0.1;

const { values: args } = parseArgs({ options: { env: { type: 'string', default: 'dev' } } });
const workflow = loadWorkflow(args.env);
const loops = [
  { name: 'paced (synthesized)', definition: workflow.definition },
  { name: 'fixed 10 s', definition: fixedPollLoop(workflow.definition, 10) },
  { name: 'fixed 60 s', definition: fixedPollLoop(workflow.definition, 60) },
];

const events = MINUTES.map((m) => uploadExpectedToTake(workflow, `media/job-${m}-min.mp3`, m * 60));
const plans = await planAll(workflow, events);
for (const [i, m] of MINUTES.entries()) {
  const expected = plans.get(events[i].detail.object.key).expectedJobSeconds;
  if (Math.abs(expected - m * 60) > 1) throw new Error(`the planner expects ${expected} s for the ${m}-minute upload`);
}

/** One job, one loop, every phase: mean transitions and polls, mean and worst detection lag. */
async function measure(loop, event, jobSeconds) {
  const runs = [];
  for (const phase of PHASES_SECONDS) {
    const clock = new VirtualTime().install();
    try {
      const transcribe = new FakeTranscribe({ ...TRANSCRIBE_QUOTAS, s3: new FakeS3(), durationSeconds: () => jobSeconds + phase });
      const { executions, table: items } = await runExecutions(loop.definition, [event], { workflow, clock, plans, transcribe });
      const [execution] = executions;
      const [job] = transcribe.completedJobs();
      if (execution.status !== 'SUCCEEDED' || !job || items.records.size !== 1) {
        throw new Error(`${loop.name}, ${jobSeconds + phase} s job: ${execution.status} ${execution.error ?? ''}`);
      }
      runs.push({ transitions: execution.transitions, polls: job.gets, lag: (job.noticedAt - job.completedAt) / 1000 });
    } finally {
      clock.uninstall();
    }
  }
  const mean = (f) => runs.reduce((sum, r) => sum + f(r), 0) / runs.length;
  return { transitions: mean((r) => r.transitions), polls: mean((r) => r.polls), meanLag: mean((r) => r.lag), worstLag: Math.max(...runs.map((r) => r.lag)) };
}

async function compare(factor) {
  const rows = [];
  let allMet = true;
  for (const [i, minutes] of MINUTES.entries()) {
    const jobSeconds = minutes * 60 * factor;
    const [paced, tenSeconds, sixtySeconds] = [
      await measure(loops[0], events[i], jobSeconds),
      await measure(loops[1], events[i], jobSeconds),
      await measure(loops[2], events[i], jobSeconds),
    ];
    const lagBound = 10 + GROWTH * jobSeconds;
    const met = paced.transitions <= sixtySeconds.transitions && paced.worstLag <= lagBound;
    allMet &&= met;
    const cells = (r) => [r.transitions.toFixed(1), r.polls.toFixed(1), `${r.meanLag.toFixed(1)} / ${r.worstLag.toFixed(1)}`];
    rows.push([`${minutes} min`, `${(jobSeconds / 60).toFixed(1)} min`, ...cells(paced), ...cells(tenSeconds), ...cells(sixtySeconds), lagBound.toFixed(0), met ? 'met' : 'NOT met']);
  }
  const heads = ['expected', 'takes'];
  for (const loop of loops) heads.push(`${loop.name}: transitions`, 'polls', 'lag mean / worst (s)');
  heads.push('lag bound (s)', 'goal');
  console.log(table(heads, rows, { left: 2 }));
  return allMet;
}

const started = performance.now();
console.log(`Cost and promptness of polling: the ${args.env} state machine (cdk.out/${args.env}/TranscribeStack-${args.env}.template.json).`);
console.log('Executed by aws-local-stepfunctions in virtual time (Wait states and retries take their real seconds on a virtual clock).');
console.log(`Each row: the job runs once per phase (ends ${PHASES_SECONDS.join(', ')} s after its nominal length); means over the phases, worst lag of them.`);
console.log('transitions = states entered by the whole execution; polls = GetTranscriptionJob calls; lag = seconds from the job finishing to the poll that sees it.');
console.log(`Goal: paced transitions <= fixed 60 s transitions, and paced worst lag <= 10 s (the 10 s loop's worst case) + ${GROWTH * 100}% of the job's length.`);
console.log('\nThe job takes as long as the planner expects (from the upload size):');
const nominal = await compare(1);
console.log('\nWhen the estimate is off: the job takes half of what the planner expects:');
await compare(0.5);
console.log('\n... and twice what it expects:');
await compare(2);
console.log(`\n${nominal ? 'Goal met for every job length when the estimate holds.' : 'Goal NOT met for every job length when the estimate holds.'} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
process.exitCode = nominal ? 0 : 1;
