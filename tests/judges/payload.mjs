// Check 2 of the limits judge (limits.mjs): the largest state payload the pipeline can produce, against Step
// Functions' 256 KiB. Every path of a state machine's data flow is run on the widest inputs: each field at its
// widest, each Choice taking every branch its rules' values could take (values are widened; a field's presence
// and type are exact), each Task's result at its widest, each inline Map's item processor run on every distinct
// iteration input. What a value's widest is, and why, is said where it is set; a value without a bound is a finding
// (the caller reports the thrown error), never a pass.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { resolver } from '../../testkit/templates.mjs';
import { uploadEvent } from '../../testkit/events.mjs';
import { jobStateChangeEvent } from '../../testkit/transcribe-events.mjs';
import { executionStatusChangeEvent } from '../../testkit/execution-events.mjs';
import { eachState, fillTemplate, placeResult as place, readPath as read, stateMachines } from './dataflow.mjs';
import { sdkModel, taskTarget } from './sdk-models.mjs';

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
export const bytes = (value) => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
export const x = (n, c = 'x') => c.repeat(n);
export const widest = (values) => values.map((value) => [bytes(value), value]).reduce((a, b) => (b[0] > a[0] ? b : a))[1];
const fail = (message) => { throw new Error(message); };

// Longest values of references. ARNs (IAM reference-arns.html) with the partition "aws-iso-b" (9 characters),
// a region of 20 (the longest code today has 14) and a 12-digit account; bucket names 3-63 characters (S3
// bucketnamingrules.html); state machine and execution names 80 (service-quotas.html, "General quotas"); rule
// names 64 and event bus names 256 (EventBridge PutRule; a rule's Ref is its name, "bus|name" on a custom bus: the
// longer assumed). A reference to anything else is a finding until its longest value is added here.
export const ARN = (service, resource) => `arn:${x(9, 'p')}:${service}:${x(20, 'r')}:${x(12, '1')}:${resource}`;
export const STATE_MACHINE_ARN = ARN('states', `stateMachine:${x(80, 'n')}`);
export const LONGEST = {
  'AWS::S3::Bucket': { ref: x(63, 'b'), Arn: `arn:${x(9, 'p')}:s3:::${x(63, 'b')}` },
  'AWS::StepFunctions::StateMachine': { ref: STATE_MACHINE_ARN, Arn: STATE_MACHINE_ARN, Name: x(80, 'n') },
  'AWS::Events::Rule': { ref: `${x(256, 'e')}|${x(64, 'n')}`, Arn: ARN('events', `rule/${x(256, 'e')}/${x(64, 'n')}`) },
};
export const PSEUDO = { 'AWS::Partition': x(9, 'p'), 'AWS::Region': x(20, 'r'), 'AWS::AccountId': x(12, '1'), 'AWS::URLSuffix': x(20, 'u'), 'AWS::StackName': x(128, 's') };

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

// A re-run marker at its widest: a positive 32-bit number or 32 of [0-9A-Za-z_-] (RerunMarker.MaxLength), the string wider.
export const MARKER = widest([WIDEST_INT, x(32, 'm')]);

// A "Transcribe Job State Change" event as Transcribe sends it (monitoring-events.html): a FAILED job's carries
// its FailureReason (2,048 characters assumed, as GetTranscriptionJob's below); a job name is at most 200 characters.
export function maximalJobEvent() {
  const event = jobStateChangeEvent({ name: x(200, 'j'), status: 'FAILED', failureReason: x(STRING_BOUNDS['TranscriptionJob.FailureReason'], CAUSE_CHAR), atMs: 0 });
  return { ...event, region: x(20, 'r') };
}

// Step Functions' "Execution Status Change" of a workflow execution (cw-events.html): its input is the execution's
// input as a JSON string (the widest upload event, with a re-run marker), its name 80 characters, its error and cause
// at their longest (as DescribeExecution gives them).
export function maximalExecutionEndEvent() {
  const executionArn = `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${x(80, 'n')}`;
  const event = executionStatusChangeEvent({
    stateMachineArn: STATE_MACHINE_ARN, executionArn, status: 'TIMED_OUT', input: { ...maximalEvent(), rerun: MARKER }, error: ERROR.Error, cause: ERROR.Cause,
  });
  return { ...event, region: x(20, 'r') };
}

/** EventBridge's "Scheduled Event" of a rule named at its longest (64 characters). */
export function maximalScheduledEvent() {
  return {
    version: '0', id: x(36, 'i'), 'detail-type': 'Scheduled Event', source: 'aws.events', account: x(12, '1'), time: '2026-11-22T10:00:00Z',
    region: x(20, 'r'), resources: [`arn:aws:events:${x(20, 'r')}:${x(12, '1')}:rule/${x(64, 'n')}`], detail: {},
  };
}

// An object as a Distributed Map's S3ObjectsItemReader lists it (ListObjectsV2's Contents, as Step Functions passes
// each on, input-output-itemreader.html): a 1,024-byte key of the costliest character, the quoted multipart ETag,
// a long size, an epoch-seconds date and a storage class of 32 characters assumed.
export function maximalListedObject() {
  return { Etag: `"${x(32, '0')}-10000"`, Key: `media/${x(1024 - 6, KEY_CHAR)}`, LastModified: WIDEST_LONG, Size: WIDEST_LONG, StorageClass: x(32, 'S') };
}

// State machines an operator starts by hand (no rule, no state machine starts them), by logical-id prefix: the input
// their command documents. Re-processing: a prefix (an S3 key prefix: 1,024 bytes at most) and a marker.
const STARTED_BY_HAND = { ReprocessingStateMachine: () => ({ prefix: `media/${x(1024 - 6, KEY_CHAR)}`, rerun: MARKER }) };

// What starts a state machine, by the source its rule matches; the rule's target passes the event on unchanged.
const EVENTS_BY_SOURCE = { 'aws.s3': maximalEvent, 'aws.transcribe': maximalJobEvent, 'aws.states': maximalExecutionEndEvent };

/** What the job planner is asked to plan for a state machine started by `event`: the upload event (an ended execution's input). */
export function plannerInput(event) {
  return event.source === 'aws.states' ? JSON.parse(event.detail.input) : event;
}

/**
 * The Tasks of other state machines of the template that start `stateMachineId` (states:startExecution, any
 * pattern), as { id (the starter), name, state }. A state machine may be started by its fixed name (an ARN made
 * from StateMachineName, where a reference would make a cycle): its Ref is that ARN.
 */
function startingTasks(template, stateMachineId) {
  const starts = (state) => state.Type === 'Task' && /:states:::states:startExecution/.test(state.Resource ?? '') && state.Parameters?.StateMachineArn === resolver(template).ref(stateMachineId);
  return stateMachines(template).flatMap(({ id, definition }) => [
    ...Object.entries(definition.States).filter(([, state]) => starts(state)).map(([name, state]) => ({ id, name, state, definition })),
    // A Task of a Distributed Map's item processor: it sees the Map's ItemSelector applied to each listed object.
    ...Object.values(definition.States).filter((map) => map.Type === 'Map' && map.ItemProcessor)
      .flatMap((map) => Object.values(map.ItemProcessor.States).filter(starts).map((state) => ({ id, state, map }))),
  ]);
}

/** What a Distributed Map's item processor starts with, at its widest: its ItemSelector on the widest listed object. */
export function widestItem(map, mapInput) {
  if (!map.ItemReader || !/:states:::s3:listObjectsV2$/.test(map.ItemReader.Resource)) fail(`a Map reading ${map.ItemReader?.Resource ?? 'its input'}: not modelled`);
  const context = { Map: { Item: { Index: WIDEST_INT, Value: maximalListedObject() } } };
  return map.ItemSelector ? fill(map.ItemSelector, mapInput, context) : maximalListedObject();
}

// The context object of an execution started with `input`, for a payload template filled at a state (see worstPayload).
const contextOf = (input) => ({ Execution: { Id: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${x(80, 'n')}`, Name: x(80, 'n'), StartTime: TIMESTAMP, Input: input },
  StateMachine: { Id: STATE_MACHINE_ARN, Name: x(80, 'n') } });

/**
 * Every input a state machine can be started with, at its widest, one per way it is started: the widest event of the
 * rule that targets it; for each state of another state machine that starts it, what that state passes (its own input,
 * $$.Execution.Input; a template filled from the starter's input and context; a path of the starter's data, read where
 * the starter's widest run reaches that state); the input an operator's command documents. `visiting`: the state
 * machines whose inputs are being worked out (a cycle, the workflow starting the admitter that starts it, is followed
 * once).
 */
export function inputsOf(template, stateMachineId, visiting = new Set()) {
  const within = new Set([...visiting, stateMachineId]);
  const targeting = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Events::Rule')
    .flatMap((r) => (r.Properties.Targets ?? []).filter((t) => t.Arn?.Ref === stateMachineId).map((target) => ({ rule: r, target })));
  if (targeting.length > 1) fail(`${targeting.length} rules start ${stateMachineId}: no bound for its input`);
  const inputs = targeting.map(({ rule, target }) => ruleEvent(rule, target, stateMachineId));
  for (const { id, name, state, map, definition } of startingTasks(template, stateMachineId).filter((s) => !visiting.has(s.id))) {
    const given = state.Parameters['Input.$'];
    // An Input template filled from the item a Distributed Map hands its processor (a re-processed object).
    if (map && isObject(state.Parameters.Input)) inputs.push(fill(state.Parameters.Input, widestItem(map, widest(inputsOf(template, id, within))), {}));
    else if (map) fail(`${id} starts ${stateMachineId} from a Map with Input ${JSON.stringify(given)}: not modelled`);
    else if (given === '$$.Execution.Input') inputs.push(...inputsOf(template, id, within));
    else if (isObject(state.Parameters.Input)) {
      // Read from the starter's own input only where it is the starter's first state; the context is always known.
      const readsData = /"\$\./.test(JSON.stringify(state.Parameters.Input));
      if (readsData && definition.StartAt !== name) fail(`${id} starts ${stateMachineId} from "${name}" with an Input read from its data there: not modelled`);
      for (const input of readsData ? inputsOf(template, id, within) : [{}]) {
        const filled = fill(state.Parameters.Input, input, contextOf(input));
        if (Object.values(filled).includes(undefined)) fail(`${id} starts ${stateMachineId} from "${name}" with an Input a path of which finds nothing`);
        inputs.push(filled);
      }
    } else if (typeof given === 'string') {
      // A path of the starter's data at that state: the starter's widest run, its request there.
      const requests = new Map();
      const starter = stateMachines(template).find((m) => m.id === id);
      for (const input of inputsOf(template, id, within)) worstPayload(starter.definition, results(template), input, { requests });
      inputs.push(requests.get(`state:${name}`)?.Input ?? fail(`${id} starts ${stateMachineId} from "${name}", which its widest run does not reach`));
    } else fail(`${id} starts ${stateMachineId} with Input ${JSON.stringify(state.Parameters.Input)}: not modelled`);
  }
  const byHand = Object.entries(STARTED_BY_HAND).find(([prefix]) => stateMachineId.startsWith(prefix))?.[1];
  if (byHand) inputs.push(byHand());
  return inputs.length ? inputs : fail(`0 rules start ${stateMachineId} and no state machine does: no bound for its input`);
}

/** The widest input of a state machine (inputsOf). */
export const widestInput = (template, stateMachineId) => widest(inputsOf(template, stateMachineId));

/** The event a rule's target passes on unchanged: the widest of the sources its pattern matches, or the scheduled event. */
function ruleEvent(rule, target, subject) {
  for (const field of ['Input', 'InputPath', 'InputTransformer']) if (target[field]) fail(`the rule's target of ${subject} sets ${field}: not modelled`);
  // A scheduled rule sends EventBridge's "Scheduled Event" (events/ref: time, the rule's ARN as resource).
  if (rule.Properties.ScheduleExpression) return maximalScheduledEvent();
  const sources = rule.Properties.EventPattern?.source ?? [];
  const events = sources.map((source) => EVENTS_BY_SOURCE[source] ?? fail(`no widest event of ${source} (for ${subject})`));
  return events.length ? widest(events.map((make) => make())) : fail(`the rule of ${subject} matches no source: no bound for its input`);
}

/**
 * The widest message body a queue can hold (its URL as the template renders it): an event a rule's target puts into
 * it (the event itself, as JSON), or a MessageBody a state machine's sqs:sendMessage sends it (a re-processed object,
 * from a Distributed Map's item). An operator's replay sends a dead-lettered event's body: the rule's event again.
 */
export function queueBodies(template, queueUrl) {
  const refs = resolver(template);
  const [queueId] = Object.keys(template.Resources).filter((id) => template.Resources[id].Type === 'AWS::SQS::Queue' && refs.ref(id) === queueUrl);
  if (!queueId) fail(`no queue of the template has the URL ${queueUrl}`);
  const bodies = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Events::Rule')
    .flatMap((rule) => (rule.Properties.Targets ?? []).filter((t) => [t.Arn?.['Fn::GetAtt']].flat()[0] === queueId).map((target) => JSON.stringify(ruleEvent(rule, target, queueId))));
  const sends = (state) => state.Type === 'Task' && /:(sqs:sendMessage|aws-sdk:sqs:sendMessage)$/.test(state.Resource ?? '') && state.Parameters?.QueueUrl === queueUrl;
  for (const { id, definition } of stateMachines(template)) {
    if (Object.values(definition.States).some(sends)) fail(`${id} sends into ${queueId} outside a Map: not modelled`);
    for (const map of Object.values(definition.States).filter((m) => m.Type === 'Map' && m.ItemProcessor)) {
      for (const state of Object.values(map.ItemProcessor.States).filter(sends)) {
        const request = fill(state.Parameters, widestItem(map, widest(inputsOf(template, id))), {});
        bodies.push(typeof request.MessageBody === 'string' ? request.MessageBody : JSON.stringify(request.MessageBody));
      }
    }
  }
  return bodies.length ? bodies : fail(`nothing puts messages into ${queueId}: no bound for what is received from it`);
}

/** The planner's JobPlan for `event` at its widest, with the polling plan `polling`. */
export function jobPlan(event, settings, polling) {
  const { bucket: { name: bucket }, object: { key, 'version-id': versionId, size } } = event.detail;
  const jobName = x(200, 'j'); // JobNames.MaxJobNameLength, Transcribe's limit (the rule's names are at most 64 + 80)
  const mediaFormat = widest(Object.values(sdkModel('transcribe').sdk.MediaFormat));
  const transcriptKey = `${settings.TRANSCRIPT_PREFIX ?? ''}${settings.TRANSCRIPT_FILE_PREFIX ?? ''}${jobName}.json`;
  return { jobName, mediaUri: `s3://${bucket}/${key}`, mediaFormat, bucket, key, versionId, sizeBytes: size, transcriptKey, expectedAudioSeconds: WIDEST_INT, expectedJobSeconds: WIDEST_INT, polling };
}

// The planner's other answer, a SkippedUpload: its detail quotes the key and at worst its extension (the key's
// tail): two keys and 256 characters of text assumed.
export function skippedUpload(event) {
  const { jobName, mediaUri, key } = jobPlan(event, {}, null);
  return { jobName, mediaUri, skipped: { reason: 'UnsupportedMediaFormat', detail: `'${key}' has the extension '${key}'; ${x(256)}` } };
}

/**
 * The widest polling plan of a pacing (pacing.mjs pollingBounds): as many waits as a plan can hold, each at the
 * longest interval (no wait is longer, nor longer than the give-up time), wider than any plan the planner answers.
 */
export function widestPlan({ maxIntervalSeconds, givesUpAfterSeconds, polls }) {
  const longest = Math.min(maxIntervalSeconds, givesUpAfterSeconds);
  return { waitSeconds: longest, laterWaitSeconds: Array(polls - 1).fill(longest), laterPolls: polls - 1, laterPollsMade: 0, givesUpAfterSeconds };
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
// An item a value of the enum named, or a fixed number: a job's ToxicityDetection holds one ToxicityDetectionSettings
// (StartTranscriptionJob's ToxicityDetection and ToxicityDetectionSettings.ToxicityCategories: "Fixed number of 1 item").
const COUNT_BOUNDS = {
  'TranscriptionJob.LanguageCodes': 'LanguageCode', 'SubtitlesOutput.SubtitleFileUris': 'SubtitleFormat',
};

function modelMax(ns, struct, member, model, asItem = false) {
  const where = `${struct}.${member}`;
  const use = model.enumOf(struct, member);
  if (ns.isStructSchema()) return Object.fromEntries([...ns.structIterator()].map(([n, m]) => [n, modelMax(m, ns.getSchema()[2], n, model)]));
  if (!asItem && (ns.isListSchema() || ns.isMapSchema())) {
    const bound = COUNT_BOUNDS[where] ?? use?.name ?? fail(`no bound for the number of items of ${where}`);
    const values = typeof bound === 'number' ? Array.from({ length: bound }, (_, i) => `${i}`) : Object.values(model.sdk[bound]);
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

// Intrinsic functions by the widest value they can give (intrinsic functions reference: MathAdd works on 32-bit integers).
function widestCall(name, args) {
  if (args.includes(undefined)) return undefined; // a path that finds nothing fails the execution there: no payload
  if (name === 'States.Format') { let i = 0; return args[0].replace(/\{\}/g, () => (typeof args[++i] === 'string' ? args[i] : JSON.stringify(args[i]))); }
  if (name === 'States.ArrayGetItem') return widest(args[0]); // whichever item it is, the widest bounds it
  if (name === 'States.JsonToString') return JSON.stringify(args[0]);
  if (name === 'States.ArrayContains') return false; // a boolean: false is the longer
  if (name === 'States.ArrayLength') return WIDEST_INT;
  if (name === 'States.StringToJson') return JSON.parse(args[0]);
  return name === 'States.MathAdd' ? WIDEST_INT : fail(`${name}: no size rule`);
}
const fill = (node, data, context) => fillTemplate(node, data, context, widestCall);

export const functionIds = (template) => new Map(Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function').map(([id]) => [resolver(template).getAtt(id, 'Arn'), id]));

/** The state of `definition` that invokes the job planner, if any. */
export const plannerState = (template, definition) => Object.values(definition.States).find((s) => functionIds(template).get(s.Resource)?.startsWith('JobPlanner'));

// What a GetItem with a ProjectionExpression returns: those attributes of the item, each as the string (S) the
// pipeline writes it as, at its longest: a job name as Transcribe allows it (JobNames.MaxJobNameLength), a task
// token as SendTaskSuccess takes it ("taskToken ... Maximum length of 2048", Step Functions API reference), a
// status word (64 characters assumed, as the post-processor's words), the ARN of the execution that wrote the item
// (an execution name is at most 80 characters), the start of the first execution that waited for the job (updatedAt
// of a waiting item: $$.Execution.StartTime, a timestamp at its widest as the context object's below). Another
// attribute is a finding until added.
const ITEM_ATTRIBUTES = { jobName: 200, taskToken: 2048, status: 64, executionArn: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${x(80)}`.length, updatedAt: TIMESTAMP.length };

/** Attributes as DynamoDB returns them, the named ones (a ProjectionExpression's or a key's) at their longest. */
function attributes(names, operation) {
  return Object.fromEntries(names.map((n) => [n, { S: x(ITEM_ATTRIBUTES[n] ?? fail(`${operation} projects ${n}: no length bound for it`)) }]));
}

function projected(request, operation) {
  if (typeof request.ProjectionExpression !== 'string') fail(`${operation} without a ProjectionExpression returns the whole item: no bound`);
  if ((request.ReturnConsumedCapacity ?? 'NONE') !== 'NONE') fail(`${operation} with ReturnConsumedCapacity: no bound for the capacity`);
  const names = request.ProjectionExpression.split(',').map((n) => n.trim()).map((n) => (n.startsWith('#') ? request.ExpressionAttributeNames?.[n] : n));
  return attributes(names, operation);
}

const projectedItem = (request) => ({ Item: projected(request, 'GetItem') });

/**
 * ReceiveMessage's answer (API_ReceiveMessage.html, API_Message.html): MaxNumberOfMessages messages (1 to 10), each
 * with its body, a message ID (at most 100 characters), a receipt handle (at most 1,024, sqs-queue-message-identifiers)
 * and the body's MD5; attributes and message attributes only when the request names them (a finding here).
 */
function receivedMessages(request, body) {
  for (const field of ['AttributeNames', 'MessageSystemAttributeNames', 'MessageAttributeNames']) if (request[field]?.length) fail(`ReceiveMessage with ${field}: no bound for the attributes`);
  const count = request.MaxNumberOfMessages ?? 1;
  return { Messages: Array.from({ length: count }, () => ({ MessageId: x(100), ReceiptHandle: x(1024), MD5OfBody: x(32), Body: body })) };
}

/** What a Task returns at its widest (our functions told apart by logical id); requests: the Tasks' widest requests. */
export function results(template, plannerAnswer) {
  const functions = functionIds(template);
  const bodies = new Map(); // by queue URL, worked out once
  const transcribe = sdkModel('transcribe');
  return (state, requests, request) => {
    const id = functions.get(state.Resource) ?? '';
    const target = taskTarget(state.Resource);
    // Asked for an execution's name (NamedExecution): Step Functions' longest, 80 characters.
    if (id.startsWith('JobPlanner') && isObject(request) && 'executionNameOf' in request) return { executionName: x(80, 'n') };
    if (id.startsWith('JobPlanner')) return plannerAnswer ?? fail('no planner answer to bound the planner\'s result');
    // PostProcessResult: a job name, two words (64 characters assumed), two numbers.
    if (id.startsWith('PostProcessor')) return { jobName: x(200, 'j'), status: x(64), outcome: x(64), wordCount: WIDEST_INT, durationSeconds: WIDEST_NUMBER };
    // A callback's result is whatever its sender passes to SendTaskSuccess.
    if (target.pattern === '.waitForTaskToken') return fail(`no bound for the callback output ${state.Resource} returns into ${state.ResultPath ?? '$'}`);
    if (target.kind === 'aws-sdk' && `${target.service}:${target.action}` === 'dynamodb:getItem') return projectedItem(request);
    if (target.kind === 'aws-sdk' && `${target.service}:${target.action}` === 'sqs:receiveMessage') {
      if (!bodies.has(request.QueueUrl)) bodies.set(request.QueueUrl, widest(queueBodies(template, request.QueueUrl)));
      return receivedMessages(request, bodies.get(request.QueueUrl));
    }
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

/**
 * The widest state payload { bytes, what, value } of `definition` started with `event`; result(state, requests, request): a
 * Task's widest result. Also `output`: the widest output the definition ends with (a Map's iteration gives its result so).
 * `within`: a Map's item processor, run on `input` (an iteration's) in the execution `event` started, naming its states
 * after the Map; `requests` the Tasks' widest requests so far; `mapItem`: $$.Map.Item of a Distributed Map's child.
 */
export function worstPayload(definition, result, event, { input: start = event, within = '', requests = new Map(), mapItem = undefined } = {}) {
  // The context object (input-output-contextobject.html); a callback task's token as SendTaskSuccess takes it.
  const execution = { Id: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${x(80, 'n')}`, Name: x(80, 'n'), StartTime: TIMESTAMP, Input: event };
  const context = (name) => ({ Execution: execution, State: { Name: name, EnteredTime: TIMESTAMP, RetryCount: WIDEST_INT }, StateMachine: { Id: STATE_MACHINE_ARN, Name: x(80, 'n') }, Task: { Token: x(2048, 't') }, ...(mapItem ? { Map: mapItem } : {}) });
  let worst = { bytes: 0 };
  let output;
  const measure = (what, value) => {
    const size = bytes(value);
    if (size > worst.bytes) worst = { bytes: size, what, value };
  };
  const [seen, pending] = [new Set(), [[definition.StartAt, start]]];
  while (pending.length) {
    const [name, input] = pending.pop();
    // A loop brings a state the same data again once its fields are at their widest: there the path ends.
    const visit = `${name}\n${createHash('sha1').update(JSON.stringify(input)).digest('hex')}`;
    if (seen.has(visit)) continue;
    if (seen.add(visit).size > 10_000) fail('the data flow does not settle');
    const [state, $$, shown] = [definition.States[name], context(name), `${within}${name}`];
    const view = (data, path) => (path === undefined ? data : path === null ? {} : read(data, path, $$));
    const effective = view(input, state.InputPath);
    measure(`input of "${shown}"`, input);
    const caught = (state.Catch ?? []).map((c) => [c.Next, place(input, c.ResultPath, ERROR), ' after a caught error']);
    let next = [];
    if (state.Type === 'Pass') next = [[state.Next, place(input, state.ResultPath, state.Parameters ? fill(state.Parameters, effective, $$) : state.Result ?? effective)]];
    else if (state.Type === 'Task') {
      const request = state.Parameters ? fill(state.Parameters, effective, $$) : effective;
      const target = `${taskTarget(state.Resource).service}:${taskTarget(state.Resource).action}`;
      measure(`task input of "${shown}"`, request);
      requests.set(target, widest([requests.get(target) ?? request, request])); // what a later call echoes
      requests.set(`state:${shown}`, widest([requests.get(`state:${shown}`) ?? request, request])); // what this state asked (inputsOf)
      const raw = state.ResultPath === null ? undefined : result(state, requests, request);
      if (raw !== undefined) measure(`result of "${shown}"`, raw);
      next = [[state.Next, place(input, state.ResultPath, state.ResultSelector ? fill(state.ResultSelector, raw, $$) : raw)], ...caught];
    } else if (state.Type === 'Map' && state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED') {
      // Each child is an execution of its own, started with the item: measured as one. The Map's result (every
      // child's output) is discarded here, or it is not modelled.
      if (state.ResultPath !== null) fail(`"${shown}": a Distributed Map whose results are kept is not modelled`);
      const item = widestItem(state, effective);
      const child = worstPayload(state.ItemProcessor, result, item, { mapItem: { Item: { Index: WIDEST_INT, Value: maximalListedObject() } } });
      measure(`${child.what} (a child of "${shown}")`, child.value);
      next = [[state.Next, input], ...caught];
    } else if (state.Type === 'Map') {
      const raw = mapResult(state, effective, $$, (iteration) => {
        const inner = worstPayload(state.ItemProcessor ?? state.Iterator, result, event, { input: iteration, within: `${shown} / `, requests });
        if (inner.bytes > worst.bytes) worst = inner;
        return inner.output;
      });
      if (raw !== undefined) measure(`result of "${shown}"`, raw);
      next = [[state.Next, place(input, state.ResultPath, state.ResultSelector ? fill(state.ResultSelector, raw, $$) : raw)], ...caught];
    } else if (state.Type === 'Choice') {
      // Every rule the data cannot decide may match; one it decides true ends the search, the Default included.
      const open = (state.Choices ?? []).map((c) => [c, decide(c, effective, $$)]).filter(([, d]) => d !== false);
      const decided = open.findIndex(([, d]) => d === true);
      next = [...open.slice(0, decided < 0 ? open.length : decided + 1).map(([c]) => c.Next), ...(decided < 0 ? [state.Default] : [])].map((n) => [n, effective]);
    } else if (state.Type === 'Wait' || state.Type === 'Succeed') next = [[state.Next, effective]];
    else if (state.Type !== 'Fail') fail(`"${shown}": ${state.Type} states are not modelled`);
    for (const [to, data, after = ''] of next) {
      const out = after ? data : view(data, state.OutputPath);
      measure(`output of "${shown}"${after}`, out);
      if (to) pending.push([to, out]);
      else output = output === undefined ? out : widest([output, out]); // an end: Succeed, or End: true
    }
  }
  return { ...worst, output };
}

/**
 * A Map state's iterations (an inline Map: ItemsPath, ItemSelector, ItemProcessor; states-language.net "Map State"):
 * each item's input is the ItemSelector filled with the item as $$.Map.Item (or the item itself), run through the
 * item processor by `iterate`, which gives the iteration's widest output; the result is the array of the outputs, one
 * an item (undefined when ResultPath discards it). A distributed Map (ItemReader, ItemBatcher, ResultWriter) is a finding.
 */
function mapResult(state, effective, $$, iterate) {
  const distributed = ['ItemReader', 'ItemBatcher', 'ResultWriter'].filter((field) => state[field]);
  if (distributed.length || state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED') fail(`a distributed Map (${distributed.join(', ') || 'Mode DISTRIBUTED'}) is not modelled`);
  if (!state.ItemProcessor && !state.Iterator) fail('a Map without an ItemProcessor');
  const items = state.ItemsPath === undefined ? effective : read(effective, state.ItemsPath, $$);
  if (!Array.isArray(items)) fail(`a Map whose ItemsPath ${state.ItemsPath ?? '$'} finds no array`);
  const selector = state.ItemSelector ?? state.Parameters;
  const inputs = new Map(items.map((item, index) => {
    const iteration = selector ? fill(selector, effective, { ...$$, Map: { Item: { Index: index, Value: item } } }) : item;
    return [JSON.stringify(iteration), iteration]; // the same input, the same iteration
  }));
  const outputs = [...inputs.values()].map(iterate);
  if (state.ResultPath === null) return undefined;
  if (outputs.some((o) => o === undefined)) fail('a Map iteration that ends without an output (every path fails)');
  return items.map(() => widest(outputs));
}
