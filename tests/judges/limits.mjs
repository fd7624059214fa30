// Judges the synthesized templates against hard limits of EventBridge and Step Functions that no synth or
// unit test notices before a deployment, or an unlucky execution, hits them:
//   1. every EventBridge rule's pattern: no wildcard, no prefix+suffix object, at most LIMITS.patternChars
//      characters with every reference at its longest value;
//   2. the largest state payload the pipeline can produce, against 256 KiB;
//   3. the longest possible execution, in history events, against 25,000;
//   4. every rendered definition, against 1 MB.
//
//   node tests/judges/limits.mjs [cdk.out]     figures, then findings one a line; exit 1 on any, 2 when a template is missing
//
// Limits: https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html ("Maximum input or output size
// for a task, state, or execution: 256 KiB of data as a UTF-8 encoded string"; "Maximum execution history size:
// 25,000 events"; "Maximum size of a state machine definition: 1 MB"). EventBridge allows 2,048 characters a
// pattern (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html, "Event pattern size"):
// patternChars is this project's budget, half of that, so that a rule can still grow.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { HistoryEventType } from '@aws-sdk/client-sfn';
import { ENVIRONMENTS, ROOT, loadTemplate, resolver } from '../support/templates.mjs';
import { plannerEnvironment, uploadEvent } from '../workflow/harness.mjs';
import { fillTemplate, placeResult as place, readPath as read, sdkModel, stateMachines, taskTarget } from './asl.mjs';

export const LIMITS = { payloadBytes: 262_144, historyEvents: 25_000, definitionBytes: 1_048_576, patternChars: 1_024 };

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const bytes = (value) => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
const x = (n, c = 'x') => c.repeat(n);
const widest = (values) => values.reduce((a, b) => (bytes(b) > bytes(a) ? b : a));
const figure = (n) => n.toLocaleString('en-US');
const fail = (message) => { throw new Error(message); };

// Longest values of references. ARNs (IAM reference-arns.html) with the partition "aws-iso-b" (9 characters),
// a region of 20 (the longest code today has 14) and a 12-digit account; bucket names 3-63 characters (S3
// bucketnamingrules.html); state machine and execution names 80 (service-quotas.html, "General quotas"); rule
// names 64 and event bus names 256 (EventBridge PutRule; a rule's Ref is its name, "bus|name" on a custom bus: the
// longer assumed). A reference to anything else is a finding until its longest value is added here.
const ARN = (service, resource) => `arn:${x(9, 'p')}:${service}:${x(20, 'r')}:${x(12, '1')}:${resource}`;
const STATE_MACHINE_ARN = ARN('states', `stateMachine:${x(80, 'n')}`);
const LONGEST = {
  'AWS::S3::Bucket': { ref: x(63, 'b'), Arn: `arn:${x(9, 'p')}:s3:::${x(63, 'b')}` },
  'AWS::StepFunctions::StateMachine': { ref: STATE_MACHINE_ARN, Arn: STATE_MACHINE_ARN, Name: x(80, 'n') },
  'AWS::Events::Rule': { ref: `${x(256, 'e')}|${x(64, 'n')}`, Arn: ARN('events', `rule/${x(256, 'e')}/${x(64, 'n')}`) },
};
const PSEUDO = { 'AWS::Partition': x(9, 'p'), 'AWS::Region': x(20, 'r'), 'AWS::AccountId': x(12, '1'), 'AWS::URLSuffix': x(20, 'u'), 'AWS::StackName': x(128, 's') };

function longest(node, template, unknown) {
  if (Array.isArray(node)) return node.map((n) => longest(n, template, unknown));
  if (!isObject(node)) return node;
  const [key, ...more] = Object.keys(node);
  const type = (id) => template.Resources[id]?.Type;
  if (more.length || !(key === 'Ref' || key?.startsWith('Fn::'))) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, longest(v, template, unknown)]));
  const arg = node[key];
  if (key === 'Ref') return PSEUDO[arg] ?? LONGEST[type(arg)]?.ref ?? unknown(`Ref ${arg} (${type(arg)})`);
  if (key === 'Fn::Join') return arg[1].map((part) => longest(part, template, unknown)).join(arg[0]);
  const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split(/\.(.*)/s);
  return key === 'Fn::GetAtt' ? LONGEST[type(id)]?.[attribute] ?? unknown(`Fn::GetAtt ${id}.${attribute} (${type(id)})`) : unknown(key);
}

/** Check 1, for every rule of the template: the upload rule today, maybe more later. */
export function judgeRules(template, add, figures) {
  for (const [id, rule] of Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Events::Rule' && r.Properties?.EventPattern)) {
    const subject = `rule ${id}`;
    const pattern = typeof rule.Properties.EventPattern === 'string' ? JSON.parse(rule.Properties.EventPattern) : rule.Properties.EventPattern;
    const wildcards = [];
    (function walk(node, at) {
      if (Array.isArray(node)) return node.forEach((n) => walk(n, at));
      if (!isObject(node)) return;
      if ('wildcard' in node) wildcards.push(at);
      // EventBridge's matchers take one operator an object (eb-create-pattern-operators.html): both would not mean "and".
      if ('prefix' in node && 'suffix' in node) add(subject, `${at}: one matcher object holds both prefix and suffix`, 'one of prefix or suffix a matcher object');
      Object.entries(node).forEach(([k, v]) => walk(v, `${at}.${k}`));
    })(pattern, '$');
    if (wildcards.length) add(subject, `${wildcards.length} wildcard matchers (${[...new Set(wildcards)].join(', ')})`, 'no wildcard: the rule\'s complexity must stay 0');
    const text = JSON.stringify(longest(pattern, template, (what) => (add(subject, `${what}: no longest value assumed`, `references to ${Object.keys(LONGEST).join(', ')}`), '')));
    figures.push(`${subject}: ${wildcards.length} wildcards, pattern ${figure(text.length)} characters at the longest (budget ${figure(LIMITS.patternChars)})`);
    if (text.length > LIMITS.patternChars) add(subject, `event pattern is ${figure(text.length)} characters with every reference at its longest`, `at most ${figure(LIMITS.patternChars)}`);
  }
}

// The planner's answers: a copy of PollPacing (GrowthFraction, MaxPolls, Waits) and of the JobPlan and
// PostProcessResult records (functions/TranscribeStack.Functions); limits.test.mjs fails when the C# changes.
const GROWTH = 0.1;
const MAX_POLLS = 1000;

export function waits({ min, max, givesUpAfter }, expectedJobSeconds) {
  const result = [];
  let waited = 0;
  let next = Math.min(Math.max(Math.ceil(expectedJobSeconds * (1 + GROWTH)), min), max);
  while (waited < givesUpAfter) {
    next = Math.min(next, givesUpAfter - waited);
    result.push(next);
    waited += next;
    next = Math.min(min + Math.ceil(waited * GROWTH), max);
  }
  return result;
}

/** Every polling plan the planner can answer with the template's POLL_* settings (above MaxPolls it throws instead). */
export function pollingPlans(settings) {
  const [min, max, givesUpAfter] = ['MIN_INTERVAL', 'MAX_INTERVAL', 'GIVE_UP_AFTER'].map((s) => Number(settings[`POLL_${s}_SECONDS`]));
  if (![min, max, givesUpAfter].every((v) => Number.isInteger(v) && v > 0)) fail(`the planner's POLL_* settings are not positive integers: ${min}, ${max}, ${givesUpAfter}`);
  // From a job expected to take max/(1+GROWTH) seconds on, the first wait is the longest interval: the plans repeat.
  const plans = Array.from({ length: Math.ceil(max / (1 + GROWTH)) + 1 }, (_, i) => waits({ min, max, givesUpAfter }, i + 1)).filter((w) => w.length <= MAX_POLLS)
    .map((w) => ({ waitSeconds: w[0], laterWaitSeconds: w.slice(1), laterPolls: w.length - 1, laterPollsMade: 0, givesUpAfterSeconds: givesUpAfter }));
  return plans.length ? plans : fail(`every plan holds more than ${MAX_POLLS} polls: the planner refuses them all`);
}

// Widest values of the pipeline's inputs. Text of unknown content is made of the character that costs most in JSON:
// an S3 key may hold control characters (S3 object-keys.html) and JSON writes U+0001 as \u0001, six bytes a byte of
// key; an error cause is JSON text (Lambda's error document) or a service's message, with no raw control character,
// where a quote costs two bytes (\"). A double prints in at most 24 characters, a long in 20; States.MathAdd works
// on 32-bit integers (intrinsic functions reference). Timestamps as Transcribe documents them.
const [KEY_CHAR, CAUSE_CHAR, TIMESTAMP] = ['\u0001', '"', '2022-05-04T12:33:13.922000-07:00'];
const [WIDEST_NUMBER, WIDEST_INT, WIDEST_LONG] = [-1.7976931348623157e308, -2147483648, -9223372036854775808];
// Step Functions' error and cause: at most 256 and 32,768 characters (API_TaskFailedEventDetails.html).
const ERROR = { Error: x(256, 'E'), Cause: x(32_768, CAUSE_CHAR) };

/** The S3 "Object Created" event with a 1,024-byte key and a 1,024-byte version ID, S3's limits for both. */
export function maximalEvent() {
  const event = uploadEvent({ rawBucket: LONGEST['AWS::S3::Bucket'].ref }, `media/${x(1024 - 11, KEY_CHAR)}.webm`,
    { versionId: x(1024, 'v'), size: WIDEST_LONG, etag: `${x(32, '0')}-10000` }); // a multipart ETag: up to 10,000 parts
  // IPv6 text is at most 45 characters; a requester is an account or a service principal (128 assumed).
  return { ...event, region: x(20, 'r'), detail: { ...event.detail, requester: x(128), 'source-ip-address': x(45), reason: 'CompleteMultipartUpload' } };
}

function jobPlan(event, settings, polling) {
  const { bucket: { name: bucket }, object: { key, 'version-id': versionId, size } } = event.detail;
  const jobName = x(200, 'j'); // JobPlanner.MaxJobNameLength, Transcribe's limit
  const mediaFormat = widest(Object.values(sdkModel('transcribe').sdk.MediaFormat));
  const transcriptKey = `${settings.TRANSCRIPT_PREFIX ?? ''}${settings.TRANSCRIPT_FILE_PREFIX ?? ''}${jobName}.json`;
  return { jobName, mediaUri: `s3://${bucket}/${key}`, mediaFormat, bucket, key, versionId, sizeBytes: size, transcriptKey, expectedAudioSeconds: WIDEST_INT, expectedJobSeconds: WIDEST_INT, polling };
}

// The planner's other answer, a SkippedUpload: its detail quotes the key and at worst its extension (the key's
// tail): two keys and 256 characters of text assumed.
function skippedUpload(event) {
  const { jobName, mediaUri, key } = jobPlan(event, {}, null);
  return { jobName, mediaUri, skipped: { reason: 'UnsupportedMediaFormat', detail: `'${key}' has the extension '${key}'; ${x(256)}` } };
}

// GetTranscriptionJob's job echoes the start request (a collection the request leaves out stays out: the job's tags,
// languages and redaction types are the request's); every other member at its longest. Lengths the SDK's schemas
// lack, from the Transcribe API reference (API_TranscriptionJob.html and the data types it links):
const STRING_BOUNDS = {
  'TranscriptionJob.TranscriptionJobName': 200, 'Media.MediaFileUri': 2000, 'Media.RedactedMediaFileUri': 2000, 'Transcript.TranscriptFileUri': 2000,
  'Transcript.RedactedTranscriptFileUri': 2000, 'SubtitlesOutput.SubtitleFileUris': 2000, 'Settings.VocabularyName': 200, 'Settings.VocabularyFilterName': 200,
  'ModelSettings.LanguageModelName': 200, 'JobExecutionSettings.DataAccessRoleArn': 2048, 'Tag.Key': 128, 'Tag.Value': 256,
  'TranscriptionJob.FailureReason': 2048, // unbounded in the model; the documented reasons are sentences under 100 characters
};
const COUNT_BOUNDS = { 'TranscriptionJob.LanguageCodes': 'LanguageCode', 'SubtitlesOutput.SubtitleFileUris': 'SubtitleFormat' }; // an item a value

function modelMax(ns, struct, member, model, asItem = false) {
  const where = `${struct}.${member}`;
  const use = model.enumOf(struct, member);
  if (ns.isStructSchema()) return Object.fromEntries([...ns.structIterator()].map(([n, m]) => [n, modelMax(m, ns.getSchema()[2], n, model)]));
  if (!asItem && (ns.isListSchema() || ns.isMapSchema())) {
    const values = Object.values(model.sdk[COUNT_BOUNDS[where] ?? use?.name ?? fail(`no bound for the number of items of ${where}`)]);
    const item = modelMax(ns.getValueSchema(), struct, member, model, true);
    return ns.isMapSchema() ? Object.fromEntries(values.map((k) => [k, item])) : values.map(() => item);
  }
  if (use && use.as === (asItem ? 'item' : 'value')) return widest(use.values);
  if (ns.isStringSchema()) return x(STRING_BOUNDS[where] ?? fail(`no length bound for ${where}`));
  if (ns.isNumericSchema() || ns.isBooleanSchema() || ns.isTimestampSchema()) return ns.isNumericSchema() ? WIDEST_NUMBER : ns.isBooleanSchema() ? false : TIMESTAMP;
  return fail(`no bound for ${where} (${ns.getName()})`);
}

function echoed(out, request, given, model) {
  const requested = new Map(request ? [...request.structIterator()] : []);
  return Object.fromEntries([...out.structIterator()].flatMap(([name, m]) => {
    const value = given?.[name];
    if (requested.has(name) && value !== undefined) return [[name, m.isStructSchema() && isObject(value) ? echoed(m, requested.get(name), value, model) : value]];
    return requested.has(name) && (m.isListSchema() || m.isMapSchema()) ? [] : [[name, modelMax(m, out.getSchema()[2], name, model)]];
  }));
}

// Check 2: every path of the states' data flow, run on the widest inputs: each field at its widest, each Choice
// taking every branch its rules' values could take (values are widened; a field's presence and type are exact).
// Intrinsic functions by the widest value they can give (intrinsic functions reference: MathAdd works on 32-bit integers).
function widestCall(name, args) {
  if (args.includes(undefined)) return undefined; // a path that finds nothing fails the execution there: no payload
  if (name === 'States.Format') { let i = 0; return args[0].replace(/\{\}/g, () => (typeof args[++i] === 'string' ? args[i] : JSON.stringify(args[i]))); }
  if (name === 'States.ArrayGetItem') return widest(args[0]); // whichever item it is, the widest bounds it
  return name === 'States.MathAdd' ? WIDEST_INT : fail(`${name}: no size rule`);
}
const fill = (node, data, context) => fillTemplate(node, data, context, widestCall);

const functionIds = (template) => new Map(Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function').map(([id]) => [resolver(template).getAtt(id, 'Arn'), id]));

/** What a Task returns at its widest (our functions told apart by logical id); requests: the Tasks' widest requests. */
function results(template, plannerAnswer) {
  const functions = functionIds(template);
  const transcribe = sdkModel('transcribe');
  return (state, requests) => {
    const id = functions.get(state.Resource) ?? '';
    const target = taskTarget(state.Resource);
    if (id.startsWith('JobPlanner')) return plannerAnswer;
    // PostProcessResult: a job name, two words (64 characters assumed), two numbers.
    if (id.startsWith('PostProcessor')) return { jobName: x(200, 'j'), status: x(64), outcome: x(64), wordCount: WIDEST_INT, durationSeconds: WIDEST_NUMBER };
    if (`${target.service}:${target.action}` !== 'transcribe:getTranscriptionJob') return fail(`no bound for what ${state.Resource} returns into ${state.ResultPath ?? '$'}`);
    const job = transcribe.operation('getTranscriptionJob').output.getMemberSchema('TranscriptionJob');
    return { TranscriptionJob: echoed(job, transcribe.operation('startTranscriptionJob').input, requests.get('transcribe:startTranscriptionJob') ?? {}, transcribe) };
  };
}

/** A Choice rule on the widest data: true or false when a field's presence or type decides it, undefined when a value would. */
function decide(rule, data, context) {
  const all = (rules) => rules.map((r) => decide(r, data, context));
  if (rule.And || rule.Or) {
    const [found, other] = rule.And ? [false, true] : [true, false];
    const results = all(rule.And ?? rule.Or);
    return results.includes(found) ? found : results.every((r) => r === other) ? other : undefined;
  }
  if (rule.Not) return decide(rule.Not, data, context) === undefined ? undefined : !decide(rule.Not, data, context);
  const value = read(data, rule.Variable, context);
  if ('IsPresent' in rule) return (value !== undefined) === rule.IsPresent;
  const type = { IsNull: value === null, IsString: typeof value === 'string', IsNumeric: typeof value === 'number', IsBoolean: typeof value === 'boolean' };
  const test = Object.keys(type).find((t) => t in rule);
  return value === undefined ? false : test ? type[test] === rule[test] : undefined;
}

export function worstPayload(definition, result, event) {
  const execution = { Id: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${x(80, 'n')}`, Name: x(80, 'n'), StartTime: TIMESTAMP, Input: event };
  const context = (name) => ({ Execution: execution, State: { Name: name, EnteredTime: TIMESTAMP, RetryCount: WIDEST_INT }, StateMachine: { Id: STATE_MACHINE_ARN, Name: x(80, 'n') } });
  let worst = { bytes: 0 };
  const measure = (what, value) => bytes(value) > worst.bytes && (worst = { bytes: bytes(value), what, value });
  const [requests, seen, pending] = [new Map(), new Set(), [[definition.StartAt, event]]];
  while (pending.length) {
    const [name, input] = pending.pop();
    // A loop brings a state the same data again once its fields are at their widest: there the path ends.
    const visit = `${name}\n${createHash('sha1').update(JSON.stringify(input)).digest('hex')}`;
    if (seen.has(visit)) continue;
    if (seen.add(visit).size > 10_000) fail('the data flow does not settle');
    const [state, $$] = [definition.States[name], context(name)];
    const view = (data, path) => (path === undefined ? data : path === null ? {} : read(data, path, $$));
    const effective = view(input, state.InputPath);
    measure(`input of "${name}"`, input);
    let next = [];
    if (state.Type === 'Pass') next = [[state.Next, place(input, state.ResultPath, state.Parameters ? fill(state.Parameters, effective, $$) : state.Result ?? effective)]];
    else if (state.Type === 'Task') {
      const request = state.Parameters ? fill(state.Parameters, effective, $$) : effective;
      const target = `${taskTarget(state.Resource).service}:${taskTarget(state.Resource).action}`;
      measure(`task input of "${name}"`, request);
      requests.set(target, widest([requests.get(target) ?? request, request])); // what a later call echoes
      const raw = state.ResultPath === null ? undefined : result(state, requests);
      if (raw !== undefined) measure(`result of "${name}"`, raw);
      next = [[state.Next, place(input, state.ResultPath, state.ResultSelector ? fill(state.ResultSelector, raw, $$) : raw)],
        ...(state.Catch ?? []).map((c) => [c.Next, place(input, c.ResultPath, ERROR), ' after a caught error'])];
    } else if (state.Type === 'Choice') {
      // Every rule the data cannot decide may match; one it decides true ends the search, the Default included.
      const open = (state.Choices ?? []).map((c) => [c, decide(c, effective, $$)]).filter(([, d]) => d !== false);
      const decided = open.findIndex(([, d]) => d === true);
      next = [...open.slice(0, decided < 0 ? open.length : decided + 1).map(([c]) => c.Next), ...(decided < 0 ? [state.Default] : [])].map((n) => [n, effective]);
    } else if (state.Type === 'Wait') next = [[state.Next, effective]];
    else if (state.Type !== 'Succeed' && state.Type !== 'Fail') fail(`"${name}": ${state.Type} states are not modelled`);
    for (const [to, data, after = ''] of next.filter(([to]) => to)) {
      const output = after ? data : view(data, state.OutputPath);
      measure(`output of "${name}"${after}`, output);
      pending.push([to, output]);
    }
  }
  return worst;
}

// Check 3: history events along the longest path, by Step Functions' HistoryEventType names (checked against
// @aws-sdk/client-sfn's model). Every attempt of a Task repeats its attempt events, a failed one ending in ...Failed
// instead of ...Succeeded; TaskSubmitted is written for .sync and .waitForTaskToken integrations only.
const EVENTS = {
  Pass: ['PassStateEntered', 'PassStateExited'], Wait: ['WaitStateEntered', 'WaitStateExited'], Choice: ['ChoiceStateEntered', 'ChoiceStateExited'],
  Succeed: ['SucceedStateEntered', 'SucceedStateExited'], Fail: ['FailStateEntered'], Task: ['TaskStateEntered', 'TaskStateExited'],
  lambdaAttempt: ['LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded'], taskAttempt: ['TaskScheduled', 'TaskStarted', 'TaskSucceeded'],
  submitted: ['TaskSubmitted'], execution: ['ExecutionStarted', 'ExecutionFailed'],
};
for (const type of Object.values(EVENTS).flat()) if (!Object.values(HistoryEventType).includes(type)) fail(`${type} is not a HistoryEventType of Step Functions`);

export function eventsOf(state) {
  if (state.Type !== 'Task') return (EVENTS[state.Type] ?? fail(`${state.Type} states are not counted`)).length;
  const target = taskTarget(state.Resource);
  const attempt = target.kind === 'lambda-function' ? EVENTS.lambdaAttempt.length : EVENTS.taskAttempt.length + (target.pattern ? EVENTS.submitted.length : 0);
  // Every retrier counts its own attempts (states-language.net, "Retrying after error"): at worst all are spent.
  return EVENTS.Task.length + attempt * (1 + (state.Retry ?? []).reduce((n, r) => n + (r.MaxAttempts ?? 3), 0));
}

const successors = (s) => [s.Next, ...(s.Catch ?? []).map((c) => c.Next), ...(s.Choices ?? []).map((c) => c.Next), s.Default].filter(Boolean);

/** How often a loop can go round: a Pass counting with States.MathAdd, a Choice leaving on a bound read from `data`. */
function rounds(loop, states, data) {
  const counters = loop.flatMap((name) => Object.entries(states[name].Type === 'Pass' ? states[name].Parameters ?? {} : {}).map(([key, value]) => {
    const m = typeof value === 'string' && value.match(/^States\.MathAdd\((\$[^,\s]+),\s*(\d+)\)$/);
    return m && `${states[name].ResultPath}.${key.slice(0, -2)}` === m[1] && { state: name, path: m[1], step: Number(m[2]) };
  })).filter(Boolean);
  for (const counter of counters) {
    for (const name of loop.filter((n) => states[n].Type === 'Choice' && !loop.includes(states[n].Default))) {
      for (const [i, rule] of states[name].Choices.entries()) {
        const conditions = rule.And ?? [rule];
        const bound = conditions.find((c) => c.Variable === counter.path && ('NumericGreaterThanEqualsPath' in c || 'NumericGreaterThanEquals' in c));
        const others = conditions.filter((c) => c !== bound);
        // It leaves the loop ahead of every rule that stays, asking what they ask plus the bound.
        const asks = (r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'Next'));
        const exits = bound && !loop.includes(rule.Next) && states[name].Choices.every((r, j) => !loop.includes(r.Next)
          || (j > i && (others.length === 0 || (others.length === 1 && isDeepStrictEqual(others[0], asks(r))))));
        if (!exits) continue;
        const limit = 'NumericGreaterThanEqualsPath' in bound ? read(data, bound.NumericGreaterThanEqualsPath, {}) : bound.NumericGreaterThanEquals;
        return { counter: counter.state, rounds: Math.max(0, Math.ceil((limit - (read(data, counter.path, {}) ?? 0)) / counter.step)) };
      }
    }
  }
  return null;
}

export function longestExecution(definition, data) {
  const states = definition.States;
  const reach = (from, seen = new Set()) => successors(states[from]).reduce((s, w) => (s.has(w) ? s : reach(w, s.add(w))), seen);
  const reaches = new Map(Object.keys(states).map((n) => [n, reach(n)]));
  // A loop is a set of states that reach each other: counted as one step of a path through a DAG.
  const groupOf = (v) => Object.keys(states).filter((w) => w === v || (reaches.get(v).has(w) && reaches.get(w).has(v))).sort().join('\n');
  let polls = 1;
  const memo = new Map();
  const longestFrom = (key) => {
    if (memo.has(key)) return memo.get(key);
    const group = key.split('\n');
    let cost = eventsOf(states[group[0]]);
    if (group.length > 1 || successors(states[group[0]]).includes(group[0])) {
      const loop = rounds(group, states, data) ?? fail(`the loop through "${group.join('", "')}" has no counter and bound this judge recognises: its history is unbounded`);
      polls = Math.max(polls, loop.rounds + 1);
      // The counting state runs once a round, the others once more: in the round that leaves.
      cost = group.reduce((n, s) => n + eventsOf(states[s]) * (s === loop.counter ? loop.rounds : loop.rounds + 1), 0);
    }
    const after = group.flatMap((s) => successors(states[s])).map(groupOf).filter((g) => g !== key);
    return memo.set(key, cost + Math.max(0, ...after.map(longestFrom))).get(key);
  };
  const events = EVENTS.execution.length + longestFrom(groupOf(definition.StartAt));
  return { events, polls };
}

/** Findings { environment, subject, what, allowed } and the figures to print, for one environment's template. */
export function judgeLimits(template, environment) {
  const [findings, figures] = [[], []];
  const add = (subject, what, allowed) => findings.push({ environment, subject, what, allowed });
  const report = (subject, value, limit, figured, what) => {
    figures.push(`${subject}: ${figured} (limit ${figure(limit)})`);
    if (value > limit) add(subject, what, `at most ${figure(limit)}`);
  };
  // A definition the judge cannot follow is a finding, never a pass.
  const attempt = (subject, check) => { try { check(); } catch (e) { add(subject, `cannot bound the execution: ${e.message}`, 'a definition whose states, paths and results this judge models'); } };
  judgeRules(template, add, figures);
  for (const { id, text, definition } of stateMachines(template)) {
    const size = Buffer.byteLength(text, 'utf8');
    report(id, size, LIMITS.definitionBytes, `definition ${figure(size)} bytes`, `the rendered definition is ${figure(size)} bytes`);
    const event = maximalEvent();
    const planner = Object.values(definition.States).find((s) => functionIds(template).get(s.Resource)?.startsWith('JobPlanner'));
    attempt(id, () => {
      const settings = plannerEnvironment(template);
      // The planner's answers are judged apart (an execution gets one); a definition without a Choice on a
      // SkippedUpload predates it: its planner threw instead.
      const skips = Object.values(definition.States).some((s) => JSON.stringify(s.Choices ?? []).includes(`"${planner?.ResultPath}.skipped"`));
      const answers = [jobPlan(event, settings, widest(pollingPlans(settings))), ...(skips ? [skippedUpload(event)] : [])];
      const worst = answers.map((answer) => worstPayload(definition, results(template, answer), event)).reduce((a, b) => (b.bytes > a.bytes ? b : a));
      const parts = Object.entries(isObject(worst.value) ? worst.value : {}).filter(([, v]) => bytes(v) >= 1024).map(([k, v]) => `${k} ${figure(bytes(v))}`).join(', ');
      report(id, worst.bytes, LIMITS.payloadBytes, `worst state payload ${figure(worst.bytes)} bytes, the ${worst.what} (${parts})`, `the ${worst.what} can reach ${figure(worst.bytes)} bytes (${parts})`);
    });
    attempt(id, () => {
      // The loop's bound travels in the planner's answer: the plan with the most polls, where the planner's task puts it.
      const settings = plannerEnvironment(template);
      const most = pollingPlans(settings).reduce((a, b) => (b.laterPolls > a.laterPolls ? b : a));
      const { events, polls } = longestExecution(definition, place(event, planner?.ResultPath, jobPlan(event, settings, most)));
      report(id, events, LIMITS.historyEvents, `longest execution ${figure(events)} history events, ${figure(polls)} polls`,
        `the longest execution (every retry spent, ${figure(polls)} polls, the failure branch) writes ${figure(events)} history events`);
    });
  }
  return { findings, figures };
}

export const formatFinding = (f) => `${f.environment} | ${f.subject} | ${f.what} | allowed: ${f.allowed}`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cdkOut = resolve(process.argv[2] ?? join(ROOT, 'cdk.out'));
  try {
    const findings = ENVIRONMENTS.flatMap((environment) => {
      const judged = judgeLimits(loadTemplate(environment, { cdkOut }), environment);
      judged.figures.forEach((f) => console.log(`${environment}: ${f}`));
      return judged.findings;
    });
    findings.forEach((f) => console.log(formatFinding(f)));
    process.exitCode = findings.length ? 1 : 0;
  } catch (e) {
    console.error(e.message); // a missing template
    process.exitCode = 2;
  }
}
