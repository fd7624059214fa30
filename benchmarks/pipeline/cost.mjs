// Benchmark "cost per job": what one transcription job costs the pipeline in dollars (us-east-1), for
// jobs of 1, 15, 60 and 240 minutes, waiting for the job by its completion event (events delivered),
// by the previous design's paced polling, and by fixed 10 s and 60 s poll loops. The requests each
// service bills are counted in the same virtual-time runs as the polling benchmark (measure.mjs);
// the prices are below, each with its page and the date it was taken. Transcribe's per-minute audio
// price is shown apart: it is the same for every way of waiting.
//
//   npm run bench:cost      (prod template; --env dev|staging for another; --planner-ms, --post-processor-ms, --notifier-ms)

import { parseArgs } from 'node:util';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { onlyId } from '../../testkit/templates.mjs';
import { STATES } from '../../testkit/states.mjs';
import { uploadsOfLengths } from './plans.mjs';
import { strategiesOf, measureRow, PHASES_SECONDS, TASK_TOKEN_BYTES } from './measure.mjs';
import { table } from './print.mjs';

const MINUTES = [1, 15, 60, 240];
const TAKEN = '2026-11-26';
// Prices in US East (N. Virginia), on-demand, without free tiers, as published on the AWS pricing page
// named, retrieved 2026-11-26. The pages could not be fetched from here (no network): each figure is the
// page's as known to the author on that date; where a stored copy of another page states the same
// figure, it is named too (`also`). Update the figure and TAKEN together.
const PRICES = {
  transition: { usd: 0.025 / 1000, text: '$0.025 per 1,000 state transitions (Standard)', page: 'https://aws.amazon.com/step-functions/pricing/', also: 'AWS Compute Blog, "Building cost-effective AWS Step Functions workflows" ($25 per million)' },
  expressRequest: { usd: 1.0 / 1e6, text: '$1.00 per million requests (Express)', page: 'https://aws.amazon.com/step-functions/pricing/', also: 'the same blog post ($1.00 per million)' },
  expressGbSecond: { usd: 0.00001667, text: '$0.00001667 per GB-second (Express, first 1,000 GB-hours a month; 64 MB chunks, 100 ms increments)', page: 'https://aws.amazon.com/step-functions/pricing/', also: 'AWS Step Functions Workshop, module 13 ($0.0000001042 per 100 ms at 64 MB)' },
  lambdaRequest: { usd: 0.2 / 1e6, text: '$0.20 per million requests (Lambda)', page: 'https://aws.amazon.com/lambda/pricing/', also: null },
  lambdaGbSecond: { usd: 0.0000133334, text: '$0.0000133334 per GB-second (Lambda, Arm, first 7.5 billion GB-seconds a month)', page: 'https://aws.amazon.com/lambda/pricing/', also: 'cloudchipr.com, "AWS Lambda Pricing Breakdown" (same figure)' },
  writeUnit: { usd: 0.625 / 1e6, text: '$0.625 per million write request units (DynamoDB on-demand, Standard table class)', page: 'https://aws.amazon.com/dynamodb/pricing/on-demand/', also: 'airbyte.com, "Amazon DynamoDB Pricing" (same figure)' },
  readUnit: { usd: 0.125 / 1e6, text: '$0.125 per million read request units (DynamoDB on-demand)', page: 'https://aws.amazon.com/dynamodb/pricing/on-demand/', also: 'airbyte.com (same figure)' },
  sqsRequest: { usd: 0.4 / 1e6, text: '$0.40 per million requests (SQS standard queue, each 64 KB chunk a request)', page: 'https://aws.amazon.com/sqs/pricing/', also: null },
  firehoseGb: { usd: 0.029, text: '$0.029 per GB ingested (Data Firehose Direct PUT, first 500 TB a month; each record rounded up to 5 KB)', page: 'https://aws.amazon.com/firehose/pricing/', also: null },
  s3Put: { usd: 0.005 / 1000, text: '$0.005 per 1,000 PUT requests (S3 Standard)', page: 'https://aws.amazon.com/s3/pricing/', also: null },
  alarm: { usd: 0.1, text: '$0.10 per standard-resolution alarm metric a month (CloudWatch)', page: 'https://aws.amazon.com/cloudwatch/pricing/', also: null },
  dashboard: { usd: 3, text: '$3.00 per dashboard a month (CloudWatch, beyond the first three of the account)', page: 'https://aws.amazon.com/cloudwatch/pricing/', also: null },
  events: { usd: 0, text: '$0: events that AWS services send to the default event bus (S3 "Object Created", "Transcribe Job State Change") and their rule deliveries are free', page: 'https://aws.amazon.com/eventbridge/pricing/', also: 'wring.co and factualminds.com EventBridge pricing guides ("AWS service events: free")' },
  transcribeApi: { usd: 0, text: '$0: StartTranscriptionJob and GetTranscriptionJob are not billed; Transcribe bills the audio it transcribes', page: 'https://aws.amazon.com/transcribe/pricing/', also: null },
  audioMinute: { usd: 0.024, text: '$0.024 per minute of audio (Transcribe batch, tier 1: first 250,000 minutes a month; per second, 15 s minimum)', page: 'https://aws.amazon.com/transcribe/pricing/', also: null },
  redactionMinute: { usd: 0.0024, text: '$0.0024 per minute of audio for PII redaction (ContentRedaction, staging and prod)', page: 'https://aws.amazon.com/transcribe/pricing/', also: null },
};

const { values: args } = parseArgs({
  options: {
    env: { type: 'string', default: 'prod' },
    'planner-ms': { type: 'string', default: '100' },
    'post-processor-ms': { type: 'string', default: '500' },
    'notifier-ms': { type: 'string', default: '100' },
    'admitter-ms': { type: 'string', default: '400' },
  },
});
const billedMs = {
  planner: Number(args['planner-ms']),
  postProcessor: Number(args['post-processor-ms']),
  notifier: Math.ceil(Number(args['notifier-ms']) / 100) * 100,
  admitter: Math.ceil(Number(args['admitter-ms']) / 100) * 100,
};
const started = performance.now();
const workflow = loadWorkflow(args.env);
const memoryGb = {
  planner: functionMemory(workflow.template, 'JobPlanner') / 1024,
  postProcessor: functionMemory(workflow.template, 'PostProcessor') / 1024,
  notifier: 64 / 1024, // an Express execution is billed in 64 MB chunks; the notifier's state is small
};
const redacted = Boolean(workflow.definition.States[STATES.start].Parameters.ContentRedaction);
const audioSecondsPerJobSecond = 1 / Number(workflow.plannerEnvironment.JOB_SECONDS_PER_AUDIO_SECOND);

function functionMemory(template, prefix) {
  const id = onlyId(template, 'AWS::Lambda::Function', (_, logicalId) => logicalId.startsWith(prefix));
  const resource = template.Resources[id].Properties;
  if (!resource.Architectures?.includes('arm64')) throw new Error(`${id} is not arm64: the Arm Lambda price does not apply`);
  return resource.MemorySize;
}

/** Dollars per job, by line item, from the means of one measured row. */
function dollars(row) {
  const mean = (f) => row.jobs.reduce((sum, j) => sum + f(j), 0) / row.jobs.length;
  const transitions = mean((j) => j.transitions);
  const notifierRuns = mean((j) => j.notifierRuns);
  // Every upload passes the intake (#18), counted from the templates' design, the same for every way of waiting:
  // EventBridge's SendMessage, the admitter's ReceiveMessage and DeleteMessage (3 SQS requests); one doorbell
  // record (5 KB billed) and, for an upload alone, one doorbell object (an S3 PUT; a burst shares one a buffer);
  // the admitter's iteration for it (take a slot: an UpdateItem, 1 WRU; claim it: a PutItem, 1 WRU; the planner
  // names the execution) and the run its end starts (one Express run, billed --admitter-ms, that frees the slot in
  // a transaction of a Delete and an Update, 2 WRU each, and admits the next upload).
  const admitterRuns = 1;
  const intake = { sqsRequests: 3, firehoseGb: 5 / (1024 * 1024), s3Puts: 1, writeUnits: 1 + 1 + 2 * 2 };
  const planner = mean((j) => j.lambdaInvocations.planner) + 1;
  const postProcessor = mean((j) => j.lambdaInvocations.postProcessor);
  const writeUnits = mean((j) => j.writeUnits) + intake.writeUnits;
  const readUnits = mean((j) => j.readUnits);
  const gbSeconds = (gb, ms) => gb * (ms / 1000);
  const items = {
    standard: transitions * PRICES.transition.usd,
    express: notifierRuns * (PRICES.expressRequest.usd + gbSeconds(memoryGb.notifier, billedMs.notifier) * PRICES.expressGbSecond.usd)
      + admitterRuns * (PRICES.expressRequest.usd + gbSeconds(memoryGb.notifier, billedMs.admitter) * PRICES.expressGbSecond.usd),
    lambda: (planner + postProcessor) * PRICES.lambdaRequest.usd
      + (planner * gbSeconds(memoryGb.planner, billedMs.planner) + postProcessor * gbSeconds(memoryGb.postProcessor, billedMs.postProcessor)) * PRICES.lambdaGbSecond.usd,
    dynamodb: writeUnits * PRICES.writeUnit.usd + readUnits * PRICES.readUnit.usd,
    intake: intake.sqsRequests * PRICES.sqsRequest.usd + intake.firehoseGb * PRICES.firehoseGb.usd + intake.s3Puts * PRICES.s3Put.usd,
    events: 0,
    transcribeApi: 0,
  };
  const total = Object.values(items).reduce((a, b) => a + b, 0);
  return { transitions, notifierRuns: notifierRuns + admitterRuns, lambdaInvocations: planner + postProcessor, writeUnits, readUnits, items, total };
}

const usd = (x) => `$${x.toFixed(7)}`;
const strategies = strategiesOf(workflow);
const { uploads, plans } = await uploadsOfLengths(workflow, MINUTES, PHASES_SECONDS.length);
const rows = [];
const totals = new Map();
for (const minutes of MINUTES) {
  for (const id of ['delivered', 'paced', 'fixed10', 'fixed60']) {
    const row = await measureRow(workflow, strategies[id], { uploads: uploads.get(minutes), plans, jobSeconds: minutes * 60 });
    const d = dollars(row);
    totals.set(`${minutes}/${id}`, d.total);
    rows.push([id === 'delivered' ? `${minutes} min` : '', id === 'delivered' ? 'completion event (delivered)' : strategies[id].label,
      d.transitions.toFixed(1), usd(d.items.standard), d.notifierRuns.toFixed(1), usd(d.items.express), d.lambdaInvocations.toFixed(0), usd(d.items.lambda),
      `${d.writeUnits.toFixed(1)} / ${d.readUnits.toFixed(1)}`, usd(d.items.dynamodb), usd(d.items.intake), usd(0), usd(0), usd(d.total), `$${(d.total * 1000).toFixed(4)}`]);
  }
}

console.log(`Cost per job in dollars: the ${args.env} template (cdk.out/${args.env}/TranscribeStack-${args.env}.template.json), us-east-1 prices taken ${TAKEN}.`);
console.log(`Requests counted in virtual-time runs (the same harness as bench:polling): ${PHASES_SECONDS.length} jobs per row, each ending 0-9 s after its nominal length; means per job.`);
console.log(`Lambda: planner ${memoryGb.planner * 1024} MB, post-processor ${memoryGb.postProcessor * 1024} MB (arm64, from the template), billed ${billedMs.planner} ms and ${billedMs.postProcessor} ms per invocation (assumed, not measured here).`);
console.log(`Express runs: the notifier (${billedMs.notifier} ms) and the admitter run each job's end starts (${billedMs.admitter} ms: it frees the slot and admits the next upload), at 64 MB (assumed; Express bills at least 100 ms).`);
console.log('Intake (the same for every way of waiting): 3 SQS requests, a 5 KB doorbell record, one doorbell object (an upload alone; a burst shares one per 5-second buffer), and 6 WRU of window items in the DynamoDB column.');
console.log(`DynamoDB: request units from the items written (1 KB per write unit, of the larger of the item before and after; a strongly consistent read 4 KB per unit),`);
console.log(`the task token counted at ${TASK_TOKEN_BYTES} bytes (SendTaskSuccess's limit; its real length is not documented).`);
console.log('Not counted: S3 and KMS requests (the same for every way of waiting), CloudWatch Logs (the state machines log ALL events) and X-Ray (tracing on), which grow with the transitions.\n');
console.log(table(['job', 'waiting for the job', 'transitions', 'Standard', 'Express runs (admitter, notifier)', 'Express', 'Lambda calls', 'Lambda', 'DynamoDB WRU / RRU', 'DynamoDB', 'intake (SQS, Firehose, S3)', 'EventBridge', 'Transcribe API', 'total per job', 'per 1,000 jobs'], rows, { left: 2 }));

console.log(`\nTranscribe itself, the same for every way of waiting (audio = the job's length / ${workflow.plannerEnvironment.JOB_SECONDS_PER_AUDIO_SECOND}, the template's JOB_SECONDS_PER_AUDIO_SECOND${redacted ? '; PII redaction on' : ''}):`);
const audioRows = MINUTES.map((minutes) => {
  const audioMinutes = minutes * audioSecondsPerJobSecond;
  const transcribe = audioMinutes * PRICES.audioMinute.usd + (redacted ? audioMinutes * PRICES.redactionMinute.usd : 0);
  const share = (id) => `${((totals.get(`${minutes}/${id}`) / transcribe) * 100).toFixed(3)}%`;
  return [`${minutes} min`, audioMinutes.toFixed(0), `$${(audioMinutes * PRICES.audioMinute.usd).toFixed(4)}`, redacted ? `$${(audioMinutes * PRICES.redactionMinute.usd).toFixed(4)}` : '-', `$${transcribe.toFixed(4)}`,
    share('delivered'), share('paced'), share('fixed10'), share('fixed60')];
});
console.log(table(['job', 'audio (min)', 'transcription', 'PII redaction', 'Transcribe per job', 'event-driven / Transcribe', 'paced', 'fixed 10 s', 'fixed 60 s'], audioRows));

const shares = MINUTES.map((minutes) => {
  const audioMinutes = minutes * audioSecondsPerJobSecond;
  // Against transcription alone (without PII redaction's price, where the template redacts): the stricter share.
  return { minutes, share: totals.get(`${minutes}/delivered`) / (audioMinutes * PRICES.audioMinute.usd) };
});
console.log(`\nGOAL (#18) orchestration <= 1% of Transcribe's price for the job (transcription alone, the stricter share): ${shares.map(({ minutes, share }) => `${minutes} min ${(share * 100).toFixed(3)}%: ${share <= 0.01 ? 'met' : 'NOT met'}`).join('; ')}.`);
// Nothing is scheduled: with no upload nothing runs (the completion rule and the execution-end rule only start on events).
console.log('Idle: nothing runs on a schedule and nothing polls the intake (the doorbell starts the admitter); with no uploads the orchestration costs $0.00 a month per environment: GOAL <= $0.05: met.');
const alarms = Object.values(workflow.template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm').length;
const dashboards = Object.values(workflow.template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard').length;
console.log(`Listed apart (monitoring, not orchestration): ${alarms} alarms and ${dashboards} dashboard, $${(alarms * PRICES.alarm.usd + dashboards * PRICES.dashboard.usd).toFixed(2)} a month per environment.`);

console.log(`\nPrices (us-east-1, on-demand, free tiers not deducted), each as published on the AWS pricing page named, retrieved ${TAKEN}`);
console.log('(the page as known on that date, not fetched: no network here); where a stored copy of another page states the same figure, it follows "also".');
for (const price of Object.values(PRICES)) console.log(`- ${price.text}: ${price.page}${price.also ? `; also ${price.also}` : ''}`);
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);

function fail(message) {
  throw new Error(message);
}
