// Runs the SYNTHESIZED state machine (cdk.out/<env>/TranscribeStack-<env>.template.json) with
// aws-local-stepfunctions, a real ASL interpreter. CloudFormation references in the definition are
// resolved to fixed test values; each Task runs a local handler: the real C# job planner (through
// tests/TranscribeStack.LocalInvoke), and in-memory stand-ins for Transcribe, the post-processor,
// DynamoDB and SQS that record every call.
import { readFileSync, existsSync } from 'node:fs';
import { spawn, execFileSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StateMachine } from 'aws-local-stepfunctions';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

/** The synthesized template of an environment (override with WORKFLOW_TEMPLATE). */
export function loadTemplate(environment = 'dev') {
  const file = process.env.WORKFLOW_TEMPLATE ?? join(ROOT, 'cdk.out', environment, `TranscribeStack-${environment}.template.json`);
  if (!existsSync(file)) throw new Error(`${file} not found: run 'bash scripts/synth-all.sh' first`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Fixed, realistic values for every reference the definition can contain. */
export function resolver(template) {
  const resources = template.Resources;
  const typeOf = (id) => resources[id]?.Type ?? fail(`unknown logical id ${id}`);
  const ref = (id) => {
    switch (id) {
      case 'AWS::Partition': return 'aws';
      case 'AWS::Region': return REGION;
      case 'AWS::AccountId': return ACCOUNT;
      case 'AWS::URLSuffix': return 'amazonaws.com';
    }
    switch (typeOf(id)) {
      case 'AWS::S3::Bucket': return `bucket-${id.toLowerCase()}`;
      case 'AWS::SQS::Queue': return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${id}`;
      case 'AWS::DynamoDB::Table': return `table-${id}`;
      case 'AWS::KMS::Key': return `key-${id}`;
      default: return fail(`no test value for Ref ${id} (${typeOf(id)})`);
    }
  };
  const arn = (id) => {
    switch (typeOf(id)) {
      case 'AWS::Lambda::Function': return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${id}`;
      case 'AWS::KMS::Key': return `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`;
      case 'AWS::SQS::Queue': return `arn:aws:sqs:${REGION}:${ACCOUNT}:${id}`;
      case 'AWS::DynamoDB::Table': return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/table-${id}`;
      case 'AWS::S3::Bucket': return `arn:aws:s3:::bucket-${id.toLowerCase()}`;
      default: return fail(`no test value for GetAtt ${id}.Arn (${typeOf(id)})`);
    }
  };
  const render = (node) => {
    if (typeof node === 'string') return node;
    if (node?.Ref) return ref(node.Ref);
    if (node?.['Fn::GetAtt']) {
      const [id, attribute] = node['Fn::GetAtt'];
      if (attribute !== 'Arn') fail(`unsupported GetAtt ${id}.${attribute}`);
      return arn(id);
    }
    if (node?.['Fn::Join']) return node['Fn::Join'][1].map(render).join(node['Fn::Join'][0]);
    return fail(`unsupported intrinsic ${JSON.stringify(node)}`);
  };
  return { render, ref, arn };
}

/** The state machine definition of the template, with its references resolved. */
export function loadDefinition(template) {
  const machines = Object.values(template.Resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  if (machines.length !== 1) fail(`expected one state machine, found ${machines.length}`);
  return JSON.parse(resolver(template).render(machines[0].Properties.DefinitionString));
}

/** Environment variables the template gives the job planner (so the tests use the deployed prefix). */
export function plannerEnvironment(template) {
  const planner = Object.entries(template.Resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('JobPlanner'));
  return planner[1].Properties.Environment.Variables;
}

/** The real C# job planner, hosted once by tests/TranscribeStack.LocalInvoke. */
export class Planner {
  constructor(environment) {
    const project = join(ROOT, 'tests', 'TranscribeStack.LocalInvoke');
    const dll = join(project, 'bin', 'Release', 'net10.0', 'TranscribeStack.LocalInvoke.dll');
    // `npm test` builds it with the solution; build it here only when run on its own.
    if (!existsSync(dll)) execFileSync('dotnet', ['build', project, '-c', 'Release', '--nologo', '-v', 'quiet'], { stdio: 'inherit' });
    this.process = spawn('dotnet', [dll], { env: { ...process.env, ...environment }, stdio: ['pipe', 'pipe', 'inherit'] });
    this.pending = [];
    createInterface({ input: this.process.stdout }).on('line', (line) => this.pending.shift()(JSON.parse(line)));
    this.calls = 0;
  }

  /** Plans a job like the Lambda would: resolves with the result or throws an error named like the exception. */
  plan(payload) {
    this.calls++;
    return new Promise((resolve, reject) => {
      this.pending.push((answer) => (answer.ok ? resolve(answer.result) : reject(named(answer.errorType, answer.errorMessage))));
      this.process.stdin.write(JSON.stringify({ handler: 'JobPlanner', payload }) + '\n');
    });
  }

  close() {
    this.process.stdin.end();
  }
}

/** A simulated Transcribe: jobs finish after a number of polls; errors are scripted per scenario. */
export class FakeTranscribe {
  constructor({ pollsToFinish = 1, finalStatus = 'COMPLETED', failureReason = 'The media file is corrupt.', startErrors = [], startAlways = null } = {}) {
    Object.assign(this, { pollsToFinish, finalStatus, failureReason, startErrors: [...startErrors], startAlways });
    this.jobs = new Map();
    this.startCalls = [];
    this.getCalls = [];
  }

  start(request) {
    this.startCalls.push(request);
    if (this.startAlways) throw named(this.startAlways, 'scripted');
    if (this.startErrors.length) throw named(this.startErrors.shift(), 'scripted');
    if (this.jobs.has(request.TranscriptionJobName)) throw named('Transcribe.ConflictException', 'The requested job name already exists.');
    this.jobs.set(request.TranscriptionJobName, { polls: 0, request });
    return { TranscriptionJob: { TranscriptionJobName: request.TranscriptionJobName, TranscriptionJobStatus: 'QUEUED' } };
  }

  get(request) {
    this.getCalls.push(request);
    const job = this.jobs.get(request.TranscriptionJobName) ?? fail(`no job ${request.TranscriptionJobName}`);
    job.polls++;
    const done = job.polls >= this.pollsToFinish;
    const status = done ? this.finalStatus : job.polls === 1 ? 'QUEUED' : 'IN_PROGRESS';
    return {
      TranscriptionJob: {
        TranscriptionJobName: request.TranscriptionJobName,
        TranscriptionJobStatus: status,
        ...(status === 'FAILED' ? { FailureReason: this.failureReason } : {}),
        ...(status === 'COMPLETED' ? { CompletionTime: '2026-11-22T10:00:00.000Z' } : {}),
      },
    };
  }
}

/** One DynamoDB table in memory, with the condition semantics the workflow and the function use. */
export class FakeTable {
  constructor() {
    this.items = new Map();
  }

  put(item, conditionExpression, names = {}, values = {}) {
    if (conditionExpression) {
      if (conditionExpression !== 'attribute_not_exists(jobName) OR #status <> :completed') fail(`unsupported condition ${conditionExpression}`);
      const existing = this.items.get(item.jobName);
      const ok = !existing || existing[names['#status'] ?? 'status'] !== values[':completed'];
      if (!ok) throw named('DynamoDB.ConditionalCheckFailedException', 'The conditional request failed');
    }
    this.items.set(item.jobName, item);
  }
}

/** Runs one execution and reports everything a scenario asserts on. */
export async function execute(definition, input, { planner, transcribe, table = new FakeTable(), queue = [], postProcessor, executionName = 'execution-1' } = {}) {
  const machine = new StateMachine(definition, { validationOptions: { checkArn: false } });
  const names = Object.keys(definition.States);
  const handlers = {
    'Plan the transcription job': (payload) => planner.plan(payload),
    'Start the transcription job': (request) => transcribe.start(request),
    'Get the transcription job status': (request) => transcribe.get(request),
    'Record the transcript metadata': (request) => (postProcessor ?? completedWriter(table))(request),
    'Record the failure in the metadata table': (request) => {
      table.put(fromAttributes(request.Item), request.ConditionExpression, request.ExpressionAttributeNames, fromAttributes(request.ExpressionAttributeValues ?? {}));
      return {};
    },
    'Send the failure to the dead-letter queue': (request) => {
      queue.push({ queueUrl: request.QueueUrl, body: typeof request.MessageBody === 'string' ? JSON.parse(request.MessageBody) : request.MessageBody });
      return { MessageId: `m-${queue.length}` };
    },
  };
  for (const name of Object.keys(handlers)) if (!names.includes(name)) fail(`the definition has no state '${name}'`);

  const run = machine.run(input, {
    overrides: {
      taskResourceLocalHandlers: handlers,
      waitTimeOverrides: Object.fromEntries(names.filter((n) => definition.States[n].Type === 'Wait').map((n) => [n, 0])),
      retryIntervalOverrides: Object.fromEntries(names.filter((n) => definition.States[n].Retry).map((n) => [n, 0])),
    },
    context: {
      Execution: { Id: `arn:aws:states:${REGION}:${ACCOUNT}:execution:TranscriptionWorkflow:${executionName}`, Name: executionName, StartTime: '2026-11-22T09:59:00.000Z' },
      State: { EnteredTime: '2026-11-22T10:00:01.000Z', Name: '' },
    },
  });

  const entered = [];
  let failed = null;
  const retries = {};
  const waits = [];
  const collect = (async () => {
    for await (const event of run.eventLogs) {
      if (event.type === 'StateEntered') {
        entered.push(event.state.name);
        if (event.state.name === 'Wait before polling') waits.push(event.state.input.poll.waitSeconds);
      }
      if (event.type === 'StateRetried') retries[event.state.name] = (retries[event.state.name] ?? 0) + 1;
      if (event.type === 'ExecutionFailed') failed = { error: event.Error, cause: event.Cause };
    }
  })();

  let status = 'SUCCEEDED';
  let output = null;
  let error = null;
  let cause = null;
  try {
    output = await run.result;
  } catch {
    status = 'FAILED';
  }
  await collect;
  if (failed) ({ error, cause } = failed);
  return { status, output, error, cause, entered, transitions: entered.length, retries, waits, table, queue };
}

/** The post-processor stand-in: one COMPLETED item, with the function's conditional write. */
export function completedWriter(table) {
  return (request) => {
    try {
      table.put({ jobName: request.jobName, status: 'COMPLETED', mediaUri: request.mediaUri, executionArn: request.executionArn, transcriptKey: request.transcriptKey }, 'attribute_not_exists(jobName) OR #status <> :completed', { '#status': 'status' }, { ':completed': 'COMPLETED' });
      return { jobName: request.jobName, status: 'COMPLETED', outcome: 'Recorded' };
    } catch (e) {
      if (e.name !== 'DynamoDB.ConditionalCheckFailedException') throw e;
      return { jobName: request.jobName, status: 'COMPLETED', outcome: 'AlreadyRecorded' };
    }
  };
}

/** A realistic EventBridge "Object Created" event of the raw bucket. */
export function uploadEvent(template, key, { versionId = 'v1', size = 480_000, eventId = 'e-1' } = {}) {
  const rawBucket = Object.keys(template.Resources).find((id) => id.startsWith('MediaIngestionRawAudio') && template.Resources[id].Type === 'AWS::S3::Bucket');
  return {
    version: '0', id: eventId, 'detail-type': 'Object Created', source: 'aws.s3', account: ACCOUNT, time: '2026-11-22T09:59:00Z', region: REGION,
    resources: [`arn:aws:s3:::bucket-${rawBucket.toLowerCase()}`],
    detail: {
      version: '0', bucket: { name: `bucket-${rawBucket.toLowerCase()}` },
      object: { key, size, etag: 'd41d8cd98f00b204e9800998ecf8427e', 'version-id': versionId, sequencer: '0062E99A88DC407460' },
      'request-id': 'N4N7GDK58NMKJ12R', requester: ACCOUNT, 'source-ip-address': '203.0.113.15', reason: 'PutObject',
    },
  };
}

export function named(name, message) {
  const error = new Error(message);
  error.name = name;
  return error;
}

function fromAttributes(item) {
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v.S ?? v.N ?? v.BOOL ?? v]));
}

function fail(message) {
  throw new Error(message);
}
