// Executes the SYNTHESIZED state machine (cdk.out/<env>/TranscribeStack-<env>.template.json, or the
// file named by WORKFLOW_TEMPLATE) with aws-local-stepfunctions, a real ASL interpreter.
//
// - The DefinitionString is rendered from the template: every CloudFormation reference becomes a
//   fixed, realistic value derived from the logical id and the resource type; anything else fails.
// - Each Task state runs a local handler: the real C# job planner (tests/TranscribeStack.LocalInvoke,
//   one process per test file) and in-memory stand-ins for Transcribe, S3, the post-processor,
//   DynamoDB and SQS. The stand-ins enforce the services' rules the workflow relies on (job-name
//   syntax, conditional writes, the transcript location) and record every call.
// - A handler error is either scripted (an AWS error a scenario asks for) or a bug of the harness:
//   the latter is re-thrown after the run, so it can never pass for a Catch path.
import { readFileSync, writeFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';

import { ROOT, ACCOUNT, REGION, loadTemplate, resolver, onlyId, stackNameOf } from '../support/templates.mjs';

export { ROOT, ACCOUNT, REGION, loadTemplate, resolver };

/** The state names the handlers are bound to (they read as sentences in the console). */
export const STATES = {
  plan: 'Plan the transcription job',
  start: 'Start the transcription job',
  get: 'Get the transcription job status',
  postProcess: 'Record the transcript metadata',
  recordSkip: 'Record the skipped upload',
  recordFailure: 'Record the failure in the metadata table',
  deadLetter: 'Send the failure to the dead-letter queue',
};

const SCRIPTED = Symbol('scripted');
const meta = new WeakMap(); // template or definition -> what the harness derived from the template

// ---------------------------------------------------------------------------------------------
// Template and references
// ---------------------------------------------------------------------------------------------

/** The single state machine of the template, its DefinitionString rendered and parsed. */
export function loadDefinition(template) {
  const stateMachineId = onlyId(template, 'AWS::StepFunctions::StateMachine');
  const refs = resolver(template);
  const text = refs.render(template.Resources[stateMachineId].Properties.DefinitionString);
  let definition;
  try {
    definition = JSON.parse(text);
  } catch (e) {
    fail(`the rendered DefinitionString is not JSON (${e.message}): ${text.slice(0, 300)}`);
  }
  meta.set(definition, describe(template, refs, stateMachineId));
  return definition;
}

/** Everything a scenario needs from one environment's template. */
export function loadWorkflow(environment = 'dev') {
  const template = loadTemplate(environment);
  const definition = loadDefinition(template);
  return { template, definition, ...meta.get(definition) };
}

/** Environment variables the template gives the job planner (the tests run it with the same). */
export function plannerEnvironment(template) {
  return resolver(template).resolveDeep(template.Resources[functionId(template, 'JobPlanner')].Properties.Environment?.Variables ?? {});
}

function describe(template, refs, stateMachineId) {
  const rule = onlyId(template, 'AWS::Events::Rule', (r) => r.Properties.Targets?.some((t) => t.Arn?.Ref === stateMachineId));
  const target = template.Resources[rule].Properties.Targets.find((t) => t.Arn?.Ref === stateMachineId);
  // The execution input is the event itself only while the target transforms nothing.
  for (const field of ['Input', 'InputPath', 'InputTransformer']) {
    if (target[field]) fail(`the rule target sets ${field}: uploadEvent() must then apply it to build the execution input`);
  }
  const eventPattern = refs.resolveDeep(template.Resources[rule].Properties.EventPattern);
  return {
    template,
    stackName: stackNameOf(template),
    stateMachineArn: refs.ref(stateMachineId),
    stateMachineName: refs.getAtt(stateMachineId, 'Name'),
    eventPattern,
    rawBucket: eventPattern?.detail?.bucket?.name?.[0] ?? fail('the rule does not pin detail.bucket.name'),
    transcriptBucket: refs.ref(onlyId(template, 'AWS::S3::Bucket', (_, id) => id.startsWith('TranscriptStorage'))),
    tableName: refs.ref(onlyId(template, 'AWS::DynamoDB::Table')),
    failureQueueUrl: refs.ref(onlyId(template, 'AWS::SQS::Queue', (_, id) => id.startsWith('WorkflowFailureQueue'))),
    keyArn: refs.getAtt(onlyId(template, 'AWS::KMS::Key'), 'Arn'),
    plannerEnvironment: plannerEnvironment(template),
  };
}

function functionId(template, prefix) {
  return onlyId(template, 'AWS::Lambda::Function', (_, id) => id.startsWith(prefix));
}

/** What loadDefinition derived from the template (names, ARNs, the rule's event pattern). */
export function workflowOf(definition) {
  return meta.get(definition) ?? fail('pass a definition returned by loadDefinition()/loadWorkflow()');
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

/** A realistic EventBridge "Object Created" event of the raw bucket (the key as S3 stores it). */
export function uploadEvent(templateOrWorkflow, key, { versionId = 'kJ3QF2Wn.1mYgGZyJ8aHfq7rYw8Pt6D_', size = 480_000, eventId, bucket, etag } = {}) {
  const workflow = templateOrWorkflow.rawBucket ? templateOrWorkflow : describeTemplate(templateOrWorkflow);
  const name = bucket ?? workflow.rawBucket;
  const id = eventId ?? uuidOf(`event/${name}/${key}/${versionId}`);
  return {
    version: '0',
    id,
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: ACCOUNT,
    time: '2026-11-22T09:59:00Z',
    region: REGION,
    resources: [`arn:aws:s3:::${name}`],
    detail: {
      version: '0',
      bucket: { name },
      object: {
        key,
        size,
        etag: etag ?? createHash('md5').update(key).digest('hex'),
        ...(versionId === null ? {} : { 'version-id': versionId }),
        sequencer: '0062E99A88DC407460',
      },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: ACCOUNT,
      'source-ip-address': '203.0.113.15',
      reason: 'PutObject',
    },
  };
}

function describeTemplate(template) {
  return meta.get(template)?.described ?? (() => {
    const described = workflowOf(loadDefinition(template));
    meta.set(template, { ...meta.get(template), described });
    return described;
  })();
}

/** Whether the upload rule of the template would deliver this event (exact values, wildcard, prefix, suffix). */
export function ruleMatches(workflow, event) {
  return matches(workflow.eventPattern, event);
}

function matches(pattern, value) {
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = value?.[field];
    if (!Array.isArray(expected)) return actual !== null && typeof actual === 'object' && matches(expected, actual);
    return expected.some((option) => {
      if (option === null || typeof option !== 'object') return actual === option;
      const [[operator, operand]] = Object.entries(option);
      switch (operator) {
        case 'wildcard': return typeof actual === 'string' && new RegExp(`^${operand.split('*').map(escapeRegExp).join('.*')}$`, 's').test(actual);
        case 'prefix': return typeof actual === 'string' && actual.startsWith(operand);
        case 'suffix': return typeof actual === 'string' && actual.endsWith(operand);
        default: return fail(`event pattern operator '${operator}' is not modelled`);
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Errors as Step Functions reports them
// ---------------------------------------------------------------------------------------------

/** An error a scenario asks for: its name is the ASL error name matched by Retry/Catch, its message the Cause. */
export function named(name, cause) {
  const error = new Error(cause);
  error.name = name;
  error[SCRIPTED] = true;
  return error;
}

/** A function error of a Lambda task: Error is the exception type, Cause the runtime's error document. */
export function functionError(errorType, errorMessage) {
  return named(errorType, JSON.stringify({ errorType, errorMessage, stackTrace: [] }));
}

let requestCounter = 0;
/** An AWS service error as the SDK integrations report it: "<Service>.<Code>", message with the request id. */
export function serviceError(service, code, message, status = 400) {
  const requestId = uuidOf(`request/${++requestCounter}`);
  return named(`${service}.${code}`, `${message} (Service: ${service}, Status Code: ${status}, Request ID: ${requestId})`);
}

// Transcribe's modeled errors: request-rate and job-quota excess are both LimitExceededException.
const TRANSCRIBE_ERRORS = {
  LimitExceededException: [400, 'Either you have sent too many requests or your input file is too long. Wait before you resend your request, or use a smaller file and resend the request.'],
  InternalFailureException: [500, 'We were unable to process your request. Please try your request again.'],
  ConflictException: [409, 'The requested job name already exists. Use a different job name.'],
  BadRequestException: [400, 'Your request didn\'t pass one or more validation tests.'],
  NotFoundException: [400, 'We can\'t find the requested resource. Check the name and try your request again.'],
};

function transcribeError(spec) {
  const { code, message } = typeof spec === 'string' ? { code: spec.replace(/^Transcribe\./, '') } : { ...spec, code: spec.code.replace(/^Transcribe\./, '') };
  const [status, text] = TRANSCRIBE_ERRORS[code] ?? fail(`unknown Transcribe error ${code}`);
  return serviceError('Transcribe', code, message ?? text, status);
}

const LAMBDA_SERVICE_ERRORS = {
  ServiceException: [500, 'Lambda was unable to process the request.'],
  TooManyRequestsException: [429, 'Rate Exceeded.'],
  AWSLambdaException: [502, 'Bad Gateway'],
  SdkClientException: [500, 'Unable to execute HTTP request: Connection reset'],
};

/** "Lambda.ServiceException" etc. become service errors; any other name is a function error. */
function lambdaError(spec) {
  const { errorType, errorMessage } = typeof spec === 'string' ? { errorType: spec, errorMessage: `scripted ${spec}` } : spec;
  if (errorType.startsWith('Lambda.')) {
    const code = errorType.slice('Lambda.'.length);
    const [status, text] = LAMBDA_SERVICE_ERRORS[code] ?? fail(`unknown Lambda service error ${errorType}`);
    return serviceError('Lambda', code, errorMessage.startsWith('scripted') ? text : errorMessage, status);
  }
  return functionError(errorType, errorMessage);
}

// ---------------------------------------------------------------------------------------------
// The real planner
// ---------------------------------------------------------------------------------------------

let localInvokeDll;

/**
 * Builds tests/TranscribeStack.LocalInvoke: once per process, serialized across the processes of
 * one test run, and not again by the other files of the same `node --test` run.
 */
export function buildLocalInvoke() {
  if (localInvokeDll) return localInvokeDll;
  const project = join(ROOT, 'tests', 'TranscribeStack.LocalInvoke');
  if (!existsSync(join(project, 'TranscribeStack.LocalInvoke.csproj'))) fail(`${project} not found: it hosts the real C# job planner for these tests`);
  const state = join(tmpdir(), 'transcribestack-localinvoke');
  mkdirSync(state, { recursive: true });
  withLock(join(state, 'lock'), () => {
    // Files run by one `node --test` are its child processes (NODE_TEST_CONTEXT is set): one build serves all.
    const stampFile = join(state, 'last-build.json');
    const runner = process.env.NODE_TEST_CONTEXT ? process.ppid : null;
    const stamp = existsSync(stampFile) ? JSON.parse(readFileSync(stampFile, 'utf8')) : null;
    if (runner !== null && stamp?.runner === runner && Date.now() - stamp.at < 10 * 60_000 && existsSync(stamp.dll)) {
      localInvokeDll = stamp.dll;
      return;
    }
    const build = spawnSync('dotnet', ['build', project, '-c', 'Release', '--nologo', '-v', 'minimal', '-clp:NoSummary'], { encoding: 'utf8', env: process.env });
    const output = `${build.stdout ?? ''}${build.stderr ?? ''}`;
    if (build.error || build.status !== 0) fail(`dotnet build ${project} failed (${build.error?.message ?? `exit ${build.status}`}):\n${output.slice(-4000)}`);
    localInvokeDll = output.match(/TranscribeStack\.LocalInvoke -> (.+\.dll)\s*$/m)?.[1] ?? fail(`no output assembly in the build log:\n${output.slice(-2000)}`);
    writeFileSync(stampFile, JSON.stringify({ runner, at: Date.now(), dll: localInvokeDll }));
  });
  return localInvokeDll;
}

function withLock(path, action) {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(path);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      if (Date.now() - statSync(path, { throwIfNoEntry: false })?.mtimeMs > 10 * 60_000) rmSync(path, { recursive: true, force: true });
      if (Date.now() > deadline) fail(`timed out waiting for ${path}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return action();
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}

/**
 * The real C# job planner, hosted by tests/TranscribeStack.LocalInvoke: one JSON line per request
 * and per answer, answered in order. A function error is thrown as the Lambda service reports it.
 */
export class Planner {
  constructor(environment) {
    const dll = buildLocalInvoke();
    this.calls = [];
    this.pending = [];
    this.stderr = '';
    this.process = spawn('dotnet', [dll], { env: { ...process.env, ...environment }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.stderr.on('data', (chunk) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    this.process.on('error', (e) => this.broken(`could not start the planner host: ${e.message}`));
    this.process.on('exit', (code, signal) => this.broken(`the planner host exited (${signal ?? code})`));
    createInterface({ input: this.process.stdout }).on('line', (line) => {
      let answer;
      try {
        answer = JSON.parse(line);
      } catch {
        return this.broken(`the planner host wrote a line that is not JSON: ${line.slice(0, 200)}`);
      }
      const waiting = this.pending.shift();
      if (!waiting) return this.broken(`the planner host answered a request nobody made: ${line.slice(0, 200)}`);
      return waiting.answer(answer);
    });
  }

  /** Plans like the Lambda function: resolves with its result or throws the function error. */
  plan(payload) {
    const call = { payload };
    this.calls.push(call);
    return new Promise((resolve, reject) => {
      this.pending.push({
        answer: (answer) => {
          call.answer = answer;
          if (answer.ok === true) resolve(answer.result);
          else if (answer.ok === false && answer.errorType) reject(functionError(answer.errorType, answer.errorMessage));
          else reject(new Error(`the planner host broke the protocol: ${JSON.stringify(answer).slice(0, 300)}`));
        },
        reject,
      });
      this.process.stdin.write(`${JSON.stringify({ handler: 'JobPlanner', payload })}\n`);
    });
  }

  broken(reason) {
    if (this.closing) return;
    const error = new Error(`${reason}\n${this.stderr}`);
    for (const { reject } of this.pending.splice(0)) reject(error);
    this.failure = error;
  }

  async close() {
    this.closing = true;
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.stdin.end();
    await exited;
  }
}

// ---------------------------------------------------------------------------------------------
// Stand-ins for the AWS services
// ---------------------------------------------------------------------------------------------

/** Object storage: s3://bucket/key -> object. Holds the uploaded media and the transcripts Transcribe writes. */
export class FakeS3 extends Map {
  put(bucket, key, body = {}) {
    this.set(`s3://${bucket}/${key}`, body);
  }
}

const MEDIA_FORMATS = ['mp3', 'mp4', 'wav', 'flac', 'ogg', 'amr', 'webm', 'm4a'];
const TIME_ZERO = Date.parse('2026-11-22T10:00:00.000Z');

/**
 * A simulated Amazon Transcribe. Jobs finish after `pollsToFinish` GetTranscriptionJob calls (any
 * caller), as COMPLETED (the transcript is written where Transcribe writes it) or FAILED. A job
 * whose media object does not exist FAILS as Transcribe's does. Scripted errors: `startErrors` /
 * `getErrors` are used up one per call, `startAlways` is thrown on every start.
 */
export class FakeTranscribe {
  constructor({ pollsToFinish = 1, finalStatus = 'COMPLETED', failureReason = 'The media file is corrupt or its format is not supported.', startErrors = [], getErrors = [], startAlways = null, onGet = null, s3 = new FakeS3() } = {}) {
    Object.assign(this, { pollsToFinish, finalStatus, failureReason, startAlways, onGet, s3 });
    this.startErrors = [...startErrors];
    this.getErrors = [...getErrors];
    this.jobs = new Map();
    this.startCalls = [];
    this.getCalls = [];
    this.thrown = [];
  }

  start(request) {
    this.startCalls.push(request);
    const scripted = this.startAlways ?? this.startErrors.shift();
    if (scripted) throw this.throw(transcribeError(scripted));
    const invalid = invalidStartRequest(request);
    if (invalid) throw this.throw(transcribeError({ code: 'BadRequestException', message: invalid }));
    if (this.jobs.has(request.TranscriptionJobName)) throw this.throw(transcribeError('ConflictException'));
    const job = { request, polls: 0, created: this.jobs.size };
    this.jobs.set(request.TranscriptionJobName, job);
    return { TranscriptionJob: this.view(job, 'QUEUED') };
  }

  async get(request) {
    this.getCalls.push(request);
    const scripted = this.getErrors.shift();
    if (scripted) throw this.throw(transcribeError(scripted));
    const job = this.jobs.get(request.TranscriptionJobName);
    if (!job) throw this.throw(transcribeError({ code: 'NotFoundException', message: 'The requested job couldn\'t be found. Check the job name and try your request again.' }));
    await this.onGet?.(request, this.getCalls.length);
    job.polls++;
    return { TranscriptionJob: this.view(job, this.statusOf(job)) };
  }

  statusOf(job) {
    if (job.status) return job.status;
    if (job.polls < this.pollsToFinish) return job.polls <= 1 ? 'QUEUED' : 'IN_PROGRESS';
    const { request } = job;
    if (!this.s3.has(request.Media.MediaFileUri)) {
      job.failureReason = `The URI that you provided doesn't point to an S3 object. Make sure that the object exists and try your request again.`;
      job.status = 'FAILED';
    } else if (this.finalStatus === 'COMPLETED') {
      // OutputKey ending in '/' is a folder: Transcribe writes <OutputKey><job name>.json. With
      // ContentRedaction the redacted transcript is a separate file named redacted-<file name> (AWS
      // documentation: Transcript.RedactedTranscriptFileUri; SyncOutputConfiguration, "adds redacted-
      // before the file name"); the unredacted one is written only for redacted_and_unredacted.
      const folder = request.OutputKey.endsWith('/') ? request.OutputKey : fail(`OutputKey '${request.OutputKey}' is not modelled`);
      const file = `${request.TranscriptionJobName}.json`;
      const redaction = request.ContentRedaction?.RedactionOutput;
      const url = (key) => `https://s3.${REGION}.amazonaws.com/${request.OutputBucketName}/${key}`;
      job.transcript = {};
      if (redaction !== 'redacted') {
        this.s3.put(request.OutputBucketName, `${folder}${file}`, { jobName: request.TranscriptionJobName, redacted: false });
        job.transcript.TranscriptFileUri = url(`${folder}${file}`);
      }
      if (redaction) {
        this.s3.put(request.OutputBucketName, `${folder}redacted-${file}`, { jobName: request.TranscriptionJobName, redacted: true });
        job.transcript.RedactedTranscriptFileUri = url(`${folder}redacted-${file}`);
      }
      job.status = 'COMPLETED';
    } else {
      job.failureReason = this.failureReason;
      job.status = this.finalStatus;
    }
    return job.status;
  }

  view(job, status) {
    const { request } = job;
    const at = (seconds) => new Date(TIME_ZERO + (job.created * 3600 + seconds) * 1000).toISOString();
    return withoutUndefined({
      TranscriptionJobName: request.TranscriptionJobName,
      TranscriptionJobStatus: status,
      LanguageCode: request.LanguageCode,
      MediaFormat: request.MediaFormat,
      Media: { MediaFileUri: request.Media.MediaFileUri },
      CreationTime: at(0),
      ...(status === 'QUEUED' ? {} : { StartTime: at(5) }),
      ...(status === 'COMPLETED' ? { CompletionTime: at(5 + job.polls * 10), Transcript: job.transcript } : {}),
      ...(request.ContentRedaction ? { ContentRedaction: request.ContentRedaction } : {}),
      ...(request.JobExecutionSettings ? { JobExecutionSettings: request.JobExecutionSettings } : {}),
      ...(status === 'FAILED' ? { CompletionTime: at(5 + job.polls * 10), FailureReason: job.failureReason } : {}),
      ...(request.Settings ? { Settings: request.Settings } : {}),
      Tags: request.Tags,
    });
  }

  throw(error) {
    this.thrown.push(error);
    return error;
  }
}

/** StartTranscriptionJob's documented constraints; the message Transcribe would answer, or null. */
function invalidStartRequest(r) {
  const name = r.TranscriptionJobName;
  if (typeof name !== 'string' || !/^[0-9a-zA-Z._-]{1,200}$/.test(name)) return `1 validation error detected: Value '${name}' at 'transcriptionJobName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9a-zA-Z._-]+`;
  const uri = r.Media?.MediaFileUri;
  if (typeof uri !== 'string' || uri.length > 2000 || !/^(s3:\/\/|https?:\/\/).+/s.test(uri)) return `Value '${uri}' at 'media.mediaFileUri' failed to satisfy constraint`;
  if (r.MediaFormat !== undefined && !MEDIA_FORMATS.includes(r.MediaFormat)) return `Value '${r.MediaFormat}' at 'mediaFormat' failed to satisfy constraint: Member must satisfy enum value set: [${MEDIA_FORMATS}]`;
  const identifies = Boolean(r.IdentifyLanguage) || Boolean(r.IdentifyMultipleLanguages);
  if (Boolean(r.LanguageCode) === identifies) return 'Specify exactly one of LanguageCode, IdentifyLanguage or IdentifyMultipleLanguages.';
  if (r.OutputBucketName !== undefined && !/^[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9]$/.test(r.OutputBucketName)) return `Value '${r.OutputBucketName}' at 'outputBucketName' failed to satisfy constraint`;
  if (r.OutputKey !== undefined && (r.OutputBucketName === undefined || !/^[a-zA-Z0-9\-_.!*'()/]{1,1024}$/.test(r.OutputKey))) return `Value '${r.OutputKey}' at 'outputKey' failed to satisfy constraint`;
  if (r.OutputEncryptionKMSKeyId !== undefined && r.OutputBucketName === undefined) return 'OutputEncryptionKMSKeyId requires OutputBucketName.';
  const s = r.Settings ?? {};
  if (Boolean(s.ShowSpeakerLabels) !== (s.MaxSpeakerLabels !== undefined)) return 'ShowSpeakerLabels and MaxSpeakerLabels must be set together.';
  if (s.MaxSpeakerLabels !== undefined && !(s.MaxSpeakerLabels >= 2 && s.MaxSpeakerLabels <= 30)) return 'MaxSpeakerLabels must be between 2 and 30.';
  if (s.ShowSpeakerLabels && s.ChannelIdentification) return 'You can\'t set both ShowSpeakerLabels and ChannelIdentification in the same request.';
  if (r.ContentRedaction) {
    const { RedactionType, RedactionOutput } = r.ContentRedaction;
    if (RedactionType !== 'PII' || !['redacted', 'redacted_and_unredacted'].includes(RedactionOutput)) return 'ContentRedaction failed to satisfy constraint.';
    if (!['en-US', 'es-US'].includes(r.LanguageCode)) return 'Content redaction is supported only for en-US and es-US, and not with language identification.';
  }
  if (r.Subtitles && (!Array.isArray(r.Subtitles.Formats) || r.Subtitles.Formats.some((f) => !['vtt', 'srt'].includes(f)))) return 'Subtitles.Formats failed to satisfy constraint.';
  const execution = r.JobExecutionSettings;
  if (execution?.AllowDeferredExecution && !/^arn:aws:iam::[0-9]{12}:role\/[A-Za-z0-9:_/+=,@.-]{1,1024}$/.test(execution.DataAccessRoleArn ?? '')) return 'AllowDeferredExecution requires a DataAccessRoleArn.';
  if ((r.Tags ?? []).length > 200 || (r.Tags ?? []).some((t) => !t.Key || t.Key.length > 128 || (t.Value ?? '').length > 256)) return 'Tags failed to satisfy constraint.';
  return null;
}

/**
 * One DynamoDB table in memory, keyed by jobName. PutItem evaluates ConditionExpression (comparisons,
 * attribute_exists / attribute_not_exists, AND / OR / NOT, parentheses) and rejects unused or
 * undefined expression names and values, as DynamoDB does. `items` holds plain values.
 */
export class FakeTable {
  constructor({ tableName = null } = {}) {
    this.tableName = tableName;
    this.records = new Map(); // jobName -> item as attribute values
    this.writes = [];
  }

  /** jobName -> item with plain values. */
  get items() {
    return new Map([...this.records].map(([k, v]) => [k, fromAttributes(v)]));
  }

  putItem({ TableName, Item, ConditionExpression, ExpressionAttributeNames = {}, ExpressionAttributeValues = {} }) {
    if (this.tableName && TableName !== this.tableName) fail(`PutItem on '${TableName}', expected the metadata table '${this.tableName}'`);
    const key = Item?.jobName?.S;
    if (!key) throw serviceError('DynamoDB', 'ValidationException', 'One or more parameter values were invalid: Missing the key jobName in the item');
    if (ConditionExpression) {
      const used = { names: new Set(), values: new Set() };
      const ok = evaluateCondition(ConditionExpression, this.records.get(key), ExpressionAttributeNames, ExpressionAttributeValues, used);
      const unused = [...Object.keys(ExpressionAttributeNames).filter((n) => !used.names.has(n)), ...Object.keys(ExpressionAttributeValues).filter((v) => !used.values.has(v))];
      if (unused.length) throw serviceError('DynamoDB', 'ValidationException', `Value provided in ExpressionAttributeNames/Values unused in expressions: keys: {${unused}}`);
      if (!ok) throw serviceError('DynamoDB', 'ConditionalCheckFailedException', 'The conditional request failed');
    } else if (Object.keys(ExpressionAttributeNames).length || Object.keys(ExpressionAttributeValues).length) {
      throw serviceError('DynamoDB', 'ValidationException', 'ExpressionAttributeNames/Values can only be specified when using expressions');
    }
    for (const value of Object.values(Item)) checkAttributeValue(value);
    this.records.set(key, structuredClone(Item));
    this.writes.push(structuredClone(Item));
    return {};
  }
}

function checkAttributeValue(value) {
  const types = Object.keys(value ?? {});
  if (types.length !== 1 || !['S', 'N', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS'].includes(types[0])) {
    throw serviceError('DynamoDB', 'ValidationException', `Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes: ${JSON.stringify(value)}`);
  }
  if (types[0] === 'S' && typeof value.S !== 'string') throw serviceError('DynamoDB', 'ValidationException', `S must be a string: ${JSON.stringify(value)}`);
}

function fromAttributes(item) {
  const plain = (v) => {
    if ('S' in v) return v.S;
    if ('N' in v) return Number(v.N);
    if ('BOOL' in v) return v.BOOL;
    if ('NULL' in v) return null;
    if ('M' in v) return fromAttributes(v.M);
    if ('L' in v) return v.L.map(plain);
    return fail(`attribute value not modelled: ${JSON.stringify(v)}`);
  };
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, plain(v)]));
}

/** A small evaluator for DynamoDB condition expressions (the subset a PutItem condition uses). */
export function evaluateCondition(expression, item, names, values, used = { names: new Set(), values: new Set() }) {
  const tokens = expression.match(/\s*(attribute_not_exists|attribute_exists|AND|OR|NOT|<>|<=|>=|=|<|>|\(|\)|,|#[A-Za-z0-9_]+|:[A-Za-z0-9_]+|[A-Za-z_][A-Za-z0-9_]*)\s*/gy)?.map((t) => t.trim());
  if (!tokens || tokens.join('').length !== expression.replace(/\s+/g, '').length) fail(`condition expression not modelled: ${expression}`);
  let i = 0;
  const peek = () => tokens[i];
  const take = (expected) => {
    const token = tokens[i++];
    if (expected && token !== expected) fail(`condition expression: expected '${expected}', got '${token}' in ${expression}`);
    return token;
  };
  const path = () => {
    const token = take();
    if (token.startsWith('#')) {
      used.names.add(token);
      return names[token] ?? (() => { throw serviceError('DynamoDB', 'ValidationException', `An expression attribute name used in the document path is not defined; attribute name: ${token}`); })();
    }
    if (/^[A-Za-z_]/.test(token)) return token;
    return fail(`condition expression: expected an attribute, got '${token}'`);
  };
  const operand = () => {
    if (peek().startsWith(':')) {
      const token = take();
      used.values.add(token);
      return values[token] ?? (() => { throw serviceError('DynamoDB', 'ValidationException', `An expression attribute value used in expression is not defined; attribute value: ${token}`); })();
    }
    const attribute = path();
    return item?.[attribute] ?? { missing: attribute };
  };
  const primary = () => {
    const token = peek();
    if (token === '(') {
      take('(');
      const value = or();
      take(')');
      return value;
    }
    if (token === 'NOT') {
      take();
      return known(primary(), 'NOT') ? false : true;
    }
    if (token === 'attribute_exists' || token === 'attribute_not_exists') {
      take();
      take('(');
      const attribute = path();
      take(')');
      const exists = item !== undefined && item[attribute] !== undefined;
      return token === 'attribute_exists' ? exists : !exists;
    }
    const left = operand();
    const operator = take();
    const right = operand();
    // DynamoDB's answer for a comparison with a missing attribute is left open: an expression whose
    // result depends on it fails loudly instead of guessing (see known()).
    if (left.missing || right.missing) return UNKNOWN;
    const equal = JSON.stringify(left) === JSON.stringify(right);
    switch (operator) {
      case '=': return equal;
      case '<>': return !equal;
      default: return fail(`operator ${operator} is not modelled`);
    }
  };
  const and = () => {
    let value = primary();
    while (peek() === 'AND') {
      take();
      const right = primary();
      value = value === false || right === false ? false : value === UNKNOWN || right === UNKNOWN ? UNKNOWN : true;
    }
    return value;
  };
  const or = () => {
    let value = and();
    while (peek() === 'OR') {
      take();
      const right = and();
      value = value === true || right === true ? true : value === UNKNOWN || right === UNKNOWN ? UNKNOWN : false;
    }
    return value;
  };
  const known = (value, where) => (value === UNKNOWN ? fail(`${expression}: the result depends on a comparison with a missing attribute (${where}), which is not modelled`) : value);
  const result = known(or(), 'result');
  if (i !== tokens.length) fail(`condition expression: unexpected '${tokens[i]}' in ${expression}`);
  return result;
}

const UNKNOWN = Symbol('unknown');

/**
 * The post-processing Lambda: validates its request like the real function, reads the transcript
 * where it is told to (TranscriptNotFoundException if Transcribe did not write it there), and writes
 * the COMPLETED item with the function's conditional PutItem (a duplicate answers AlreadyRecorded).
 * Scripted errors: `errors` are used up one per call, `always` is thrown on every call. A name
 * starting with "Lambda." is a Lambda service error, anything else a function error.
 */
export class FakePostProcessor {
  constructor({ errors = [], always = null } = {}) {
    this.errors = [...errors];
    this.always = always;
    this.calls = [];
  }

  invoke(request, { table, s3 }) {
    this.calls.push(request);
    const scripted = this.always ?? this.errors.shift();
    if (scripted) throw lambdaError(scripted);
    for (const field of ['jobName', 'mediaUri', 'transcriptBucket', 'transcriptKey', 'executionArn']) {
      if (typeof request[field] !== 'string' || !request[field].trim()) throw functionError('InvalidJobRequestException', `The request has no '${field}'.`);
    }
    if (request.jobCompletedAt && Number.isNaN(Date.parse(request.jobCompletedAt))) throw functionError('InvalidJobRequestException', `jobCompletedAt '${request.jobCompletedAt}' is not a timestamp.`);
    const transcriptUri = `s3://${request.transcriptBucket}/${request.transcriptKey}`;
    if (!s3.has(transcriptUri)) throw functionError('TranscriptNotFoundException', `${transcriptUri} does not exist.`);
    const S = (value) => ({ S: value });
    try {
      table.putItem({
        TableName: table.tableName ?? 'metadata',
        Item: {
          jobName: S(request.jobName),
          status: S('COMPLETED'),
          mediaUri: S(request.mediaUri),
          transcriptUri: S(transcriptUri),
          executionArn: S(request.executionArn),
          completedAt: S(request.jobCompletedAt),
          recordedAt: S('2026-11-22T10:30:00.000Z'),
          updatedAt: S('2026-11-22T10:30:00.000Z'),
          wordCount: { N: '1234' },
        },
        ConditionExpression: 'attribute_not_exists(jobName) OR #status <> :completed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':completed': S('COMPLETED') },
      });
      return { jobName: request.jobName, status: 'COMPLETED', outcome: 'Recorded', wordCount: 1234, durationSeconds: 512.4 };
    } catch (e) {
      if (e.name !== 'DynamoDB.ConditionalCheckFailedException') throw e;
      return { jobName: request.jobName, status: 'COMPLETED', outcome: 'AlreadyRecorded', wordCount: 1234, durationSeconds: 512.4 };
    }
  }
}

/** The dead-letter queue: an array of { queueUrl, messageBody, body (parsed), messageId }. */
export function sendMessage(queue, expectedUrl, request, errors = []) {
  if (request.QueueUrl !== expectedUrl) fail(`SendMessage to '${request.QueueUrl}', expected the failure queue '${expectedUrl}'`);
  const scripted = errors.shift();
  if (scripted) throw serviceError('SQS', scripted.replace(/^SQS\./, ''), 'scripted', 500);
  // The optimized integration serializes a JSON MessageBody to text.
  const messageBody = typeof request.MessageBody === 'string' ? request.MessageBody : JSON.stringify(request.MessageBody);
  if (Buffer.byteLength(messageBody) > 256 * 1024) throw serviceError('SQS', 'InvalidParameterValueException', 'One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.');
  const messageId = uuidOf(`message/${expectedUrl}/${queue.length}/${messageBody}`);
  queue.push({ queueUrl: request.QueueUrl, messageBody, body: JSON.parse(messageBody), messageId });
  return { MessageId: messageId, MD5OfMessageBody: createHash('md5').update(messageBody).digest('hex') };
}

// ---------------------------------------------------------------------------------------------
// Running one execution
// ---------------------------------------------------------------------------------------------

const machines = new WeakMap();
let executionCounter = 0;

/**
 * Runs one execution of the definition with local handlers and reports what a scenario asserts on:
 * status, error/cause of the Fail state, states entered (in order), retries per state, the waits
 * asked for, the virtual time waited against the definition's TimeoutSeconds, every task call, and
 * the table, queue and objects (which may be shared between executions).
 *
 * Options: planner (required), transcribe, table, queue, postProcessor, executionName,
 * plannerErrors (Lambda service errors before the function runs), recordErrors (DynamoDB errors),
 * sqsErrors.
 */
export async function execute(definition, input, options = {}) {
  const workflow = workflowOf(definition);
  const {
    planner,
    transcribe = new FakeTranscribe(),
    table = new FakeTable(),
    queue = [],
    postProcessor = new FakePostProcessor(),
    executionName = uuidOf(`execution/${++executionCounter}`),
    plannerErrors = [],
    recordErrors = [],
    skipRecordErrors = [],
    sqsErrors = [],
  } = options;
  if (!planner) fail('execute() needs { planner }');
  table.tableName ??= workflow.tableName;
  const s3 = transcribe.s3;
  // The upload exists: the event says S3 created it.
  if (input?.detail?.bucket?.name && typeof input.detail.object?.key === 'string') s3.put(input.detail.bucket.name, input.detail.object.key, { size: input.detail.object.size });

  const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${workflow.stateMachineName}:${executionName}`;
  const scriptedPlannerErrors = [...plannerErrors];
  const pendingSqsErrors = [...sqsErrors];
  const pendingRecordErrors = [...recordErrors];
  const pendingSkipRecordErrors = [...skipRecordErrors];
  const calls = [];
  const harnessErrors = [];
  const handlers = {
    [STATES.plan]: (payload) => {
      const scripted = scriptedPlannerErrors.shift();
      if (scripted) throw lambdaError(scripted);
      return planner.plan(payload);
    },
    [STATES.start]: (request) => transcribe.start(request),
    [STATES.get]: (request) => transcribe.get(request),
    [STATES.postProcess]: (request) => (typeof postProcessor === 'function' ? postProcessor(request, { table, s3 }) : postProcessor.invoke(request, { table, s3 })),
    [STATES.recordFailure]: (request) => {
      const scripted = pendingRecordErrors.shift();
      if (scripted) throw serviceError('DynamoDB', scripted.replace(/^DynamoDB\./, ''), 'scripted', 400);
      return table.putItem(request);
    },
    [STATES.recordSkip]: (request) => {
      const scripted = pendingSkipRecordErrors.shift();
      if (scripted) throw serviceError('DynamoDB', scripted.replace(/^DynamoDB\./, ''), 'scripted', 400);
      return table.putItem(request);
    },
    [STATES.deadLetter]: (request) => sendMessage(queue, workflow.failureQueueUrl, request, pendingSqsErrors),
  };
  const taskStates = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task').map(([n]) => n);
  for (const name of taskStates) if (!handlers[name]) fail(`the definition's Task '${name}' has no local handler (it would call AWS)`);
  for (const name of Object.keys(handlers)) if (!taskStates.includes(name)) fail(`the definition has no Task state '${name}'`);
  const wrapped = Object.fromEntries(Object.entries(handlers).map(([name, handler]) => [name, async (request) => {
    const call = { state: name, input: structuredClone(request) };
    calls.push(call);
    try {
      call.output = await handler(request);
      return call.output;
    } catch (e) {
      call.error = { name: e.name, message: e.message };
      if (!e[SCRIPTED]) harnessErrors.push(`${name}: ${e.stack}`);
      throw e;
    }
  }]));

  let machine = machines.get(definition);
  if (!machine) machines.set(definition, (machine = new StateMachine(definition)));
  const stateNames = Object.keys(definition.States);
  const run = machine.run(input, {
    overrides: {
      taskResourceLocalHandlers: wrapped,
      waitTimeOverrides: Object.fromEntries(stateNames.filter((n) => definition.States[n].Type === 'Wait').map((n) => [n, 0])),
      retryIntervalOverrides: Object.fromEntries(stateNames.filter((n) => definition.States[n].Retry).map((n) => [n, 0])),
    },
    context: {
      Execution: { Id: executionArn, Name: executionName },
      StateMachine: { Id: workflow.stateMachineArn, Name: workflow.stateMachineName },
      State: { EnteredTime: '2026-11-22T10:00:01.000Z' },
    },
  });

  const events = [];
  const collected = (async () => {
    for await (const event of run.eventLogs) events.push(event);
  })();
  let status = 'SUCCEEDED';
  let output = null;
  try {
    output = await run.result;
  } catch (e) {
    if (e.name !== 'ExecutionError') throw e;
    status = 'FAILED';
  }
  await collected;
  if (harnessErrors.length) fail(`the harness failed inside a task (not a scripted error):\n${harnessErrors.join('\n')}`);
  if (planner.failure) throw planner.failure;

  const entered = events.filter((e) => e.type === 'StateEntered').map((e) => e.state.name);
  const retries = {};
  for (const e of events.filter((e) => e.type === 'StateRetried')) retries[e.state.name] = (retries[e.state.name] ?? 0) + 1;
  const waits = events.filter((e) => e.type === 'StateEntered' && e.state.type === 'Wait').map((e) => waitSeconds(definition.States[e.state.name], e.state.input));
  const failed = events.find((e) => e.type === 'ExecutionFailed');
  const clock = virtualClock(waits, definition.TimeoutSeconds);
  return {
    status,
    output,
    error: failed?.Error ?? null,
    cause: failed?.Cause ?? null,
    entered,
    transitions: entered.length,
    retries,
    failedStates: events.filter((e) => e.type === 'StateFailed').map((e) => ({ state: e.state.name, error: e.Error, cause: e.Cause })),
    waits,
    clock,
    calls,
    executionArn,
    executionName,
    deadLetters: queue.filter((m) => m.body?.executionArn === executionArn),
    table,
    queue,
    s3,
    transcribe,
  };
}

/** The seconds a Wait state asks for, read from its input like Step Functions does. */
function waitSeconds(state, input) {
  if (state.InputPath !== undefined) fail('Wait states with InputPath are not modelled');
  if (state.Seconds !== undefined) return state.Seconds;
  if (state.SecondsPath !== undefined) return jsonPath(input, state.SecondsPath);
  return fail('Wait states with Timestamp/TimestampPath are not modelled');
}

function jsonPath(value, path) {
  if (!/^\$(\.[A-Za-z0-9_]+)+$/.test(path)) fail(`JSONPath ${path} is not modelled`);
  return path.slice(2).split('.').reduce((v, k) => v?.[k], value);
}

/**
 * Waits are shortened to 0 ms, but an execution that would have waited longer than the
 * definition's TimeoutSeconds ends as TIMED_OUT in AWS, at the wait that crosses the limit.
 */
function virtualClock(waits, timeoutSeconds) {
  let elapsedSeconds = 0;
  let timedOutAtWait = null;
  waits.forEach((w, i) => {
    elapsedSeconds += w;
    if (timedOutAtWait === null && timeoutSeconds !== undefined && elapsedSeconds > timeoutSeconds) timedOutAtWait = i + 1;
  });
  return { elapsedSeconds, timeoutSeconds, timedOut: timedOutAtWait !== null, timedOutAtWait };
}

// ---------------------------------------------------------------------------------------------
// Shared assertions and helpers
// ---------------------------------------------------------------------------------------------

/** The execution ended as `status` in time (the waits it asked for fit in its TimeoutSeconds). */
export function assertEnded(assert, result, status) {
  assert.equal(result.clock.timedOut, false,
    `in AWS the execution TIMES OUT (States.Timeout, nothing recorded) at wait #${result.clock.timedOutAtWait}: it asks for ${result.clock.elapsedSeconds} s of waits, TimeoutSeconds is ${result.clock.timeoutSeconds}`);
  assert.equal(result.status, status, `status (error ${result.error}: ${result.cause})`);
}

/**
 * A recorded failure: FAILED with error/reason, one FAILED item and exactly one dead letter that say
 * the same. `inTime: false` leaves out the execution-timeout check (to look at a branch on its own).
 */
export function assertRecordedFailure(assert, result, { error, reason, jobName, mediaUri, inTime = true }) {
  if (inTime) assertEnded(assert, result, 'FAILED');
  else assert.equal(result.status, 'FAILED', `status (error ${result.error}: ${result.cause})`);
  assert.equal(result.error, error, 'the Fail state\'s error');
  if (reason instanceof RegExp) assert.match(result.cause, reason, 'the Fail state\'s cause');
  else assert.equal(result.cause, reason, 'the Fail state\'s cause');
  const expected = { jobName, mediaUri, error, reason: result.cause, executionArn: result.executionArn };
  assert.equal(result.deadLetters.length, 1, 'exactly one dead-letter message for the execution');
  assert.deepEqual(result.deadLetters[0].body, expected, 'the dead-letter message');
  assert.deepEqual(result.table.items.get(jobName), {
    jobName,
    status: 'FAILED',
    error,
    failureReason: result.cause,
    mediaUri,
    executionArn: result.executionArn,
    failedAt: '2026-11-22T10:00:01.000Z',
    updatedAt: '2026-11-22T10:00:01.000Z',
  }, 'the FAILED item');
}

/** The waits the planner's polling plan asks for, in order: the first, then the later ones. */
export function plannedWaits(result) {
  const { polling } = plannedJob(result);
  return [polling.waitSeconds, ...polling.laterWaitSeconds];
}

/** The planner's answer in this execution (its job plan). */
export function plannedJob(result) {
  return result.calls.find((c) => c.state === STATES.plan && c.output)?.output ?? fail('the execution planned no job');
}

// What the scenarios read from the synthesized definition rather than restate (limits, retry
// budgets), and the state paths executions are compared with.
export function limitsOf(definition) {
  const states = definition.States;
  const retrier = (state, error) => states[state].Retry.find((r) => r.ErrorEquals.includes(error)) ?? fail(`${state} does not retry ${error}`);
  return {
    startAttempts: retrier(STATES.start, 'Transcribe.LimitExceededException').MaxAttempts,
    postProcessAttempts: retrier(STATES.postProcess, 'Lambda.ServiceException').MaxAttempts,
    recordAttempts: retrier(STATES.recordFailure, 'DynamoDB.ProvisionedThroughputExceededException').MaxAttempts,
  };
}

/** States entered by an execution whose job completes on the first poll. */
/** The states every planned upload enters first: the planner, then the check that it is a media file. */
export const PLANNED = [STATES.plan, 'Is the upload a media file?'];

export const FIRST_POLL_PATH = [...PLANNED, STATES.start, 'Wait before polling', STATES.get, 'Check the job status', STATES.postProcess, 'Transcription recorded'];

/** States entered again for every poll after the first. */
export const PER_EXTRA_POLL = ['Schedule the next poll', 'Wait before polling', STATES.get, 'Check the job status'];

/** States entered by every recorded failure, after its "Describe ..." state. */
export const FAILURE_TAIL = [STATES.recordFailure, STATES.deadLetter, 'Transcription failed'];

/** A valid Transcribe job name. */
export const JOB_NAME = /^[0-9a-zA-Z._-]{1,200}$/;

/** A stable UUID-shaped id for a seed (executions, requests, events). */
export function uuidOf(seed) {
  return createHash('sha256').update(seed).digest('hex').slice(0, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
}

function withoutUndefined(object) {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined));
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function fail(message) {
  throw new Error(message);
}
