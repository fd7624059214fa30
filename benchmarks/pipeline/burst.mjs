// Benchmark "burst" (issue #18): N uploads arrive at once and go into the durable intake; the Firehose doorbell
// starts the synthesized admitter (one run per 5-second buffer holding uploads, a few seconds after its flush);
// the admitter admits uploads into the synthesized workflow within the window W; every workflow end starts the
// admitter with its release (as the workflow's release states do), which frees its slot and admits the next.
// Everything runs in virtual time with aws-local-stepfunctions: the admitter, every workflow execution and the
// completion notifier are the synthesized definitions. Transcribe is the simulator with its default quotas
// (TRANSCRIBE_QUOTAS: 250 concurrent jobs, 10,000 queued, 25 starts/s, 30 gets/s, 5 lists/s), 5-minute jobs,
// completion events 1-5 s late and 1% of them lost (the plan's backstop poll is the net). StartExecution is
// throttled by its quota: Standard (the workflow) per Region class, Express (the admitter) 6,000/s.
// Plans and execution names come from the real C# planner beforehand (not timed). Each case runs in its own
// process, so its wall time and peak RSS are its own. Prints per API calls, throttled, mean and peak rate against
// its quota; drain time against the optimum; lost, dead-lettered, duplicated; and each goal of #18, met or NOT met.
//
//   npm run bench:burst      (--uploads 1000,10000,50000 --env dev,staging,prod --regions busiest,other)
//   node benchmarks/pipeline/burst.mjs --uploads 50000 --env prod --regions other   (what fits in 10 minutes)

import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { onlyId } from '../../testkit/templates.mjs';
import { FakeS3 } from '../../testkit/s3.mjs';
import { FakeTable } from '../../testkit/dynamodb.mjs';
import { FakeTranscribe, TRANSCRIBE_QUOTAS, TRANSCRIBE_APIS } from '../../testkit/transcribe.mjs';
import { FakePostProcessor } from '../../testkit/post-processor.mjs';
import { Planner } from '../../testkit/planner.mjs';
import { CompletionNotifier } from '../../testkit/completion.mjs';
import { completionRuleMatches } from '../../testkit/events.mjs';
import { VirtualTime } from '../../testkit/virtual-time.mjs';
import { execute } from '../../testkit/execute.mjs';
import { FakeExecutions, START_EXECUTION_QUOTAS } from '../../testkit/step-functions.mjs';
import { admit, enqueueUpload, intakeOf, windowOf } from '../../testkit/admitter.mjs';
import { uploadExpectedToTake } from './plans.mjs';
import { LATENCY } from './measure.mjs';
import { table } from './print.mjs';
import { doorbellRings, lostEventDelays, optimumSeconds, rateVerdict, verdict } from './intake.mjs';

const { values: args } = parseArgs({
  options: {
    uploads: { type: 'string', default: '1000,10000,50000' },
    env: { type: 'string', default: 'dev,staging,prod' },
    regions: { type: 'string', default: 'busiest,other' },
    minutes: { type: 'string', default: '5' },
    loss: { type: 'string', default: '0.01' },
    'doorbell-delay': { type: 'string', default: '2' }, // seconds from a Firehose flush to the admitter's start
    json: { type: 'boolean', default: false }, // one case, its figures as one JSON line (the parent's child)
  },
});
const sizes = args.uploads.split(',').map(Number);
const environments = args.env.split(',');
const REGION_CLASSES = { busiest: START_EXECUTION_QUOTAS.standard.busiestRegions, other: START_EXECUTION_QUOTAS.standard.otherRegions };
const regionClasses = args.regions.split(',').map((r) => (REGION_CLASSES[r] ? r : fail(`--regions: busiest or other, not '${r}'`)));
const jobSeconds = Number(args.minutes) * 60;
const lossRate = Number(args.loss);
const GOALS = { uploads: 50_000, drainOverOptimum: 1.05, lostEventRecordedWithinSeconds: 300, wallSeconds: 600, rssMb: 4096 };
// DynamoDB's default on-demand throughput per table (40,000 request units a second) and per partition (1,000 write
// units a second): the window's counter is one item, so one partition takes all its writes.
const DYNAMODB_TABLE_PER_SECOND = 40_000;
const DYNAMODB_PARTITION_WRITES_PER_SECOND = 1_000;

/** One case: `uploads` at once into one environment's pipeline under one StartExecution Region class. */
async function runCase(environment, uploads, regionClass) {
  const workflow = loadWorkflow(environment);
  const W = windowOf(workflow);
  const events = Array.from({ length: uploads }, (_, i) => uploadExpectedToTake(workflow, `media/burst/call-${String(i + 1).padStart(6, '0')}.mp3`, jobSeconds));
  const planningStarted = performance.now();
  const { plans, names } = await planAndName(workflow, events);
  const planningSeconds = (performance.now() - planningStarted) / 1000;
  const planner = { plan: (payload) => (payload.executionNameOf ? names.get(payload.executionNameOf.detail.object.key) : plans.get(payload.upload.detail.object.key)) };
  const doorbell = doorbellOf(workflow);

  const clock = new VirtualTime().install();
  let peakRss = process.memoryUsage().rss;
  try {
    const transcribe = new FakeTranscribe({ ...TRANSCRIBE_QUOTAS, s3: new FakeS3(), durationSeconds: () => jobSeconds });
    const jobTable = new FakeTable({ tableName: workflow.tableName, hotKeys: ['#window'] });
    const completion = new CompletionNotifier({ definition: workflow.notifierDefinition, table: jobTable });
    transcribe.subscribe({ latency: LATENCY, lossRate, seed: 11, subscriber: (event) => (completionRuleMatches(workflow, event) ? completion.deliver(event) : undefined) });
    const { intake, deadLetters } = intakeOf(workflow);
    const failureQueue = [];
    const recordedAt = new Map(); // job name -> when its transcript was recorded
    const postProcessor = new FakePostProcessor();
    const recording = (request, context) => {
      const answer = postProcessor.invoke(request, context);
      recordedAt.set(request.jobName, Date.now());
      return answer;
    };
    const statuses = {};
    let transitions = 0;
    let lastEnd = 0;
    let ended = 0;
    // The workflow's executions and the admitter's, each behind its StartExecution quota.
    const admitter = new FakeExecutions({
      stateMachineArn: workflow.admitterArn,
      rate: START_EXECUTION_QUOTAS.express,
      run: async (input) => {
        const run = await admit(workflow, input, { planner, intake, table: jobTable, executions: runs, time: 'virtual' });
        return { status: run.status, outcome: run.outcome };
      },
    });
    const runs = new FakeExecutions({
      stateMachineArn: workflow.stateMachineArn,
      rate: REGION_CLASSES[regionClass],
      run: async (input, name) => {
        const result = await execute(workflow.definition, input, { workflow, planner, transcribe, table: jobTable, queue: failureQueue, postProcessor: recording, completion, time: 'virtual', executionName: name, admitter });
        statuses[result.status] = (statuses[result.status] ?? 0) + 1;
        transitions += result.transitions;
        lastEnd = Math.max(lastEnd, result.endedAt);
        if (++ended % 500 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
        return { status: result.status }; // kept small: 50,000 of them are held
      },
    });

    const startedAt = Date.now();
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    await clock.run((async () => {
      // EventBridge puts every upload into the intake at once and rings the doorbell for each.
      for (const event of events) enqueueUpload(intake, event);
      const rings = doorbellRings(events.map(() => startedAt), doorbell);
      await Promise.all(rings.map((at) => new Promise((resolve) => setTimeout(resolve, at - Date.now())).then(() => {
        const signal = { 'detail-type': 'Object Created', source: 'aws.s3', detail: { bucket: { name: workflow.rawBucket }, object: { key: `intake-signals/${at}` } } };
        return admitter.start({ StateMachineArn: workflow.admitterArn, Input: signal });
      })));
      // Until every upload has left the intake and every execution and admitter run has ended.
      while (intake.messages.size > 0 || runs.running > 0 || admitter.running > 0) {
        await Promise.all([...runs.executions, ...admitter.executions].filter((e) => e.status === 'RUNNING').map((e) => e.ended));
        if (intake.messages.size > 0 && runs.running === 0 && admitter.running === 0) {
          // Nothing would ever admit what is left (no run to end, no upload to ring): say so rather than wait forever.
          break;
        }
      }
      await completion.settled();
    })());
    const wallSeconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStarted);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);

    // Lost: an upload with no item and no dead letter, or still in the intake; duplicated: a media file with more
    // than one job or execution.
    const items = jobTable.items;
    const planned = [...plans.values()];
    const deadLettered = new Set(failureQueue.map((m) => m.body.jobName));
    const lost = planned.filter((p) => !items.has(p.jobName) && !deadLettered.has(p.jobName)).length;
    const jobsPerMedia = countBy([...transcribe.jobs.values()], (job) => job.request.Media.MediaFileUri);
    const executionsPerKey = countBy(runs.executions, (e) => JSON.parse(e.input).detail.object.key);
    const duplicated = [...jobsPerMedia.values()].filter((n) => n > 1).length + [...executionsPerKey.values()].filter((n) => n > 1).length;
    const lostEvents = transcribe.stateChanges.lost.map((e) => e.detail.TranscriptionJobName);
    const completedAt = new Map([...transcribe.jobs.values()].map((job) => [job.name, job.completedAt]));
    const delays = lostEventDelays(lostEvents, completedAt, recordedAt);
    const window = items.get('#window');
    return {
      environment, uploads, regionClass, window: W, planningSeconds, wallSeconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakRssMb: peakRss / 2 ** 20,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      statuses, transitions,
      completed: [...items.values()].filter((i) => i.status === 'COMPLETED').length,
      failedItems: [...items.values()].filter((i) => i.status === 'FAILED').length,
      lost, leftInIntake: intake.messages.size, intakeDeadLettered: deadLetters.messages.size, failureDeadLettered: failureQueue.length, duplicated,
      windowAtEnd: window?.inFlight ?? null, slotsAtEnd: [...items.keys()].filter((k) => k.startsWith('#slot#')).length,
      mostRunningExecutions: runs.mostRunning, mostRunningJobs: transcribe.mostRunning, mostQueuedJobs: transcribe.mostQueued,
      admitterRuns: admitter.executions.length, admitterFailed: admitter.executions.filter((e) => e.status !== 'SUCCEEDED').length, doorbellRuns: doorbellRings(events.map(() => 0), doorbell).length,
      drainSeconds: (lastEnd - startedAt) / 1000,
      optimumSeconds: optimumSeconds(uploads, TRANSCRIBE_QUOTAS.concurrentJobs, jobSeconds),
      lostEvents: lostEvents.length,
      lostEventWorstSeconds: delays.length ? Math.max(...delays.map((d) => d.seconds ?? Infinity)) : 0,
      lostEventsNotRecorded: delays.filter((d) => d.seconds === null).length,
      apis: apiRows(transcribe, runs, admitter, intake, jobTable, regionClass),
    };
  } finally {
    clock.uninstall();
  }
}

/** Per API: { api, summary, quota (requests a second or null), quotaText }. */
function apiRows(transcribe, runs, admitter, intake, jobTable, regionClass) {
  const transcribeQuota = { StartTranscriptionJob: TRANSCRIBE_QUOTAS.startsPerSecond, GetTranscriptionJob: TRANSCRIBE_QUOTAS.getsPerSecond, ListTranscriptionJobs: TRANSCRIBE_QUOTAS.listsPerSecond };
  const rates = transcribe.apiRates();
  const standard = REGION_CLASSES[regionClass];
  return [
    { api: 'StartExecution, Standard (the workflow)', summary: runs.apiCalls.summary(), quota: standard.perSecond, quotaText: `${standard.perSecond}/s (bucket ${standard.bucket})` },
    { api: 'StartExecution, Express (the admitter)', summary: admitter.apiCalls.summary(), quota: START_EXECUTION_QUOTAS.express.perSecond, quotaText: `${START_EXECUTION_QUOTAS.express.perSecond}/s` },
    ...TRANSCRIBE_APIS.map((api) => ({ api, summary: rates[api], quota: transcribeQuota[api], quotaText: `${transcribeQuota[api]}/s` })),
    { api: 'SQS (the intake, every action)', summary: intake.apiCalls.summary(), quota: null, quotaText: 'none published (standard queue)' },
    { api: 'DynamoDB (the job table, every request)', summary: jobTable.apiCalls.summary(), quota: DYNAMODB_TABLE_PER_SECOND, quotaText: `${DYNAMODB_TABLE_PER_SECOND}/s (on-demand table)` },
    { api: 'DynamoDB (writes of the #window item)', summary: jobTable.keyCalls.get('#window').summary(), quota: DYNAMODB_PARTITION_WRITES_PER_SECOND, quotaText: `${DYNAMODB_PARTITION_WRITES_PER_SECOND}/s (one partition)` },
  ];
}

/** The doorbell's buffering interval as the template sets it, and the delivery delay of its Object Created event. */
function doorbellOf(workflow) {
  const stream = workflow.template.Resources[onlyId(workflow.template, 'AWS::KinesisFirehose::DeliveryStream')];
  const seconds = stream.Properties.ExtendedS3DestinationConfiguration.BufferingHints.IntervalInSeconds;
  return { bufferMs: seconds * 1000, deliveryMs: Number(args['doorbell-delay']) * 1000 };
}

/** Every event's plan and execution name from the real planner, asked before virtual time. */
async function planAndName(workflow, events) {
  const planner = new Planner(workflow.plannerEnvironment);
  try {
    // The job is named after the execution: each plan is asked for with the name the admitter gives.
    const named = await Promise.all(events.map((event) => planner.nameAndPlan(event)));
    return {
      plans: new Map(events.map((e, i) => [e.detail.object.key, named[i].plan])),
      names: new Map(events.map((e, i) => [e.detail.object.key, { executionName: named[i].executionName }])),
    };
  } finally {
    await planner.close();
  }
}

function countBy(list, key) {
  const counts = new Map();
  for (const x of list) counts.set(key(x), (counts.get(key(x)) ?? 0) + 1);
  return counts;
}

function fail(message) {
  throw new Error(message);
}

if (args.json) {
  console.log(JSON.stringify(await runCase(environments[0], sizes[0], regionClasses[0])));
} else {
  const wallStarted = performance.now();
  console.log(`Burst (#18): ${sizes.join(', ')} uploads at once; ${environments.join(', ')}; StartExecution Standard quota of ${regionClasses.map((r) => `the ${r} Regions (${REGION_CLASSES[r].bucket} + ${REGION_CLASSES[r].perSecond}/s)`).join(' and ')}.`);
  console.log(`Transcribe: ${TRANSCRIBE_QUOTAS.concurrentJobs} concurrent jobs, ${TRANSCRIBE_QUOTAS.maxQueuedJobs} queued; ${jobSeconds / 60}-minute jobs; completion events ${LATENCY.minMs / 1000}-${LATENCY.maxMs / 1000} s late, ${lossRate * 100}% lost.`);
  console.log(`Doorbell: one admitter run per Firehose buffer holding uploads, ${args['doorbell-delay']} s after its flush; every workflow end starts the admitter with its release. Each case in its own process. Node ${process.version}.`);
  const results = [];
  for (const uploads of sizes) {
    for (const environment of environments) {
      for (const regionClass of regionClasses) {
        const caseStarted = performance.now();
        const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--json', '--uploads', String(uploads), '--env', environment, '--regions', regionClass, '--minutes', args.minutes, '--loss', args.loss, '--doorbell-delay', args['doorbell-delay']],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 2 ** 20 });
        if (child.status !== 0) throw new Error(`the case ${environment}, ${uploads}, ${regionClass} exited ${child.status ?? child.signal}`);
        // The whole case: the process, the planner's answers and the virtual-time run.
        const r = { ...JSON.parse(child.stdout.trim().split('\n').at(-1)), caseWallSeconds: (performance.now() - caseStarted) / 1000 };
        results.push(r);
        printCase(r);
      }
    }
  }
  printGoals(results);
  console.log(`\n(${((performance.now() - wallStarted) / 1000).toFixed(0)} s wall for the whole benchmark)`);
  process.exitCode = results.some((r) => r.lost > 0 || r.duplicated > 0) ? 1 : 0;
}

function printCase(r) {
  console.log(`\n== ${r.environment}, ${r.uploads} uploads, StartExecution quota of the ${r.regionClass} Regions; W = ${r.window} ==`);
  console.log(table(['API', 'calls', 'throttled', 'mean / s', 'peak in any 1 s', 'quota', 'mean of quota', `GOAL mean <= 50% of quota`, 'GOAL throttled <= 1%'],
    r.apis.map(({ api, summary: s, quota, quotaText }) => {
      const v = rateVerdict(s, quota);
      return [api, s.calls, s.throttled, s.meanPerSecond.toFixed(2), s.peakPerSecond, quotaText, v.meanShare === null ? '-' : `${(v.meanShare * 100).toFixed(1)}%`,
        v.meanShare === null ? 'no quota' : verdict(v.meanMet), `${(v.throttledShare * 100).toFixed(2)}%: ${verdict(v.throttledMet)}`];
    })));
  console.log(table(['', ''], [
    ['executions (by status)', Object.entries(r.statuses).map(([s, n]) => `${n} ${s}`).join(', ')],
    ['transcripts recorded / failures recorded', `${r.completed} / ${r.failedItems}`],
    ['most executions running / jobs running / jobs queued in Transcribe', `${r.mostRunningExecutions} / ${r.mostRunningJobs} / ${r.mostQueuedJobs}`],
    ['admitter runs (doorbell runs) / failed', `${r.admitterRuns} (${r.doorbellRuns}) / ${r.admitterFailed}`],
    ['window counter / slot items at the end', `${r.windowAtEnd} / ${r.slotsAtEnd}`],
    ['drain time / optimum ceil(N/250) x job', `${(r.drainSeconds / 60).toFixed(1)} min / ${(r.optimumSeconds / 60).toFixed(1)} min = ${(r.drainSeconds / r.optimumSeconds).toFixed(3)}`],
    ['lost / left in the intake / dead-lettered (intake DLQ, failure queue) / duplicated', `${r.lost} / ${r.leftInIntake} / ${r.intakeDeadLettered}, ${r.failureDeadLettered} / ${r.duplicated}`],
    ['completion events lost; worst end-to-record of their jobs', `${r.lostEvents}; ${r.lostEventWorstSeconds === Infinity ? `${r.lostEventsNotRecorded} never recorded` : `${r.lostEventWorstSeconds.toFixed(0)} s`}`],
    ['run wall / CPU / peak RSS (sampled; getrusage max) / planning / the whole case', `${r.wallSeconds.toFixed(1)} s / ${r.cpuSeconds.toFixed(1)} s / ${r.peakRssMb.toFixed(0)} MB; ${r.maxRssMb.toFixed(0)} MB / ${r.planningSeconds.toFixed(1)} s / ${r.caseWallSeconds.toFixed(1)} s`],
  ], { left: 1 }));
}

function printGoals(results) {
  const allCombinations = ['dev', 'staging', 'prod'].flatMap((e) => ['busiest', 'other'].map((c) => `${e}/${c}`));
  const at50k = results.filter((r) => r.uploads === GOALS.uploads);
  const measured = new Set(at50k.map((r) => `${r.environment}/${r.regionClass}`));
  const missing = allCombinations.filter((c) => !measured.has(c));
  const line = (text, met) => console.log(`${met === null ? 'NOT MEASURED' : verdict(met).padEnd(12)} ${text}`);
  console.log('\nGoals of #18:');
  if (!at50k.length) line(`${GOALS.uploads} uploads: no case of that size was run`, null);
  for (const r of at50k) {
    const ratio = r.drainSeconds / r.optimumSeconds;
    line(`${GOALS.uploads} uploads, ${r.environment}, ${r.regionClass} Regions: ${r.lost} lost, ${r.intakeDeadLettered + r.failureDeadLettered} dead-lettered, ${r.duplicated} duplicated; drain ${ratio.toFixed(3)} x optimum (<= ${GOALS.drainOverOptimum})`,
      r.lost === 0 && r.intakeDeadLettered + r.failureDeadLettered === 0 && r.duplicated === 0 && r.leftInIntake === 0 && ratio <= GOALS.drainOverOptimum);
  }
  if (!missing.length) {
    // Each case is judged on its own below; here, whether the whole matrix at 50,000 fits the same 10 minutes.
    const total = at50k.reduce((sum, r) => sum + r.caseWallSeconds, 0);
    line(`${GOALS.uploads} uploads in every environment and Region class, one case after another: ${total.toFixed(0)} s wall in all (${GOALS.wallSeconds} s allowed)`, total < GOALS.wallSeconds);
  }
  if (missing.length) {
    const perCase = at50k.length ? at50k.reduce((sum, r) => sum + r.caseWallSeconds, 0) / at50k.length : null;
    const fits = perCase === null ? '' : `; at the ${perCase.toFixed(0)} s a case took here, all ${allCombinations.length} would take about ${((perCase * allCombinations.length) / 60).toFixed(0)} minutes, ${perCase * allCombinations.length < GOALS.wallSeconds ? 'within' : 'more than'} ${GOALS.wallSeconds / 60} (an estimate from the measured cases, not a measurement)`;
    line(`${GOALS.uploads} uploads in every environment and Region class: ${missing.join(', ')} not run${fits}`, null);
  }
  for (const r of results) {
    const verdicts = r.apis.map((a) => ({ api: a.api, ...rateVerdict(a.summary, a.quota) }));
    const worstMean = verdicts.filter((v) => v.meanShare !== null).sort((a, b) => b.meanShare - a.meanShare)[0];
    const worstThrottled = verdicts.sort((a, b) => b.throttledShare - a.throttledShare)[0];
    line(`${r.uploads}, ${r.environment}, ${r.regionClass}: every API's mean rate <= 50% of its quota (highest: ${worstMean.api} ${(worstMean.meanShare * 100).toFixed(1)}%); throttled <= 1% of calls (highest: ${worstThrottled.api} ${(worstThrottled.throttledShare * 100).toFixed(2)}%)`,
      verdicts.every((v) => v.meanMet && v.throttledMet));
  }
  for (const r of results) {
    line(`${r.uploads}, ${r.environment}, ${r.regionClass}: with ${r.lostEvents} completion events lost, every such job recorded within ${GOALS.lostEventRecordedWithinSeconds / 60} minutes of finishing (worst ${r.lostEventWorstSeconds === Infinity ? 'never' : `${r.lostEventWorstSeconds.toFixed(0)} s`})`,
      r.lostEventWorstSeconds <= GOALS.lostEventRecordedWithinSeconds);
  }
  for (const r of at50k) {
    line(`${GOALS.uploads} uploads (${r.environment}, ${r.regionClass}) run in under ${GOALS.wallSeconds / 60} minutes and ${GOALS.rssMb / 1024} GB: ${r.caseWallSeconds.toFixed(0)} s wall for the whole case (${r.wallSeconds.toFixed(0)} s the run, ${r.planningSeconds.toFixed(0)} s planning), ${Math.max(r.peakRssMb, r.maxRssMb).toFixed(0)} MB peak RSS, on this machine (${cpus().length} cores, shared)`,
      r.caseWallSeconds < GOALS.wallSeconds && Math.max(r.peakRssMb, r.maxRssMb) < GOALS.rssMb);
  }
}
