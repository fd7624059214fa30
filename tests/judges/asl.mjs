// Judges every state machine of the synthesized templates from outside, as AWS would read them:
// asl-validator for the States Language, the AWS SDK's own service models (shipped by the installed
// @aws-sdk clients, read by sdk-models.mjs) for every Task's Parameters, the integration patterns Step
// Functions supports, and the error names Step Functions gives for every Retry and Catch. Our own tests
// say what we meant; this says whether AWS accepts it (STYLE 18).
//
//   node tests/judges/asl.mjs [cdk.out]     one finding a line; exit 1 on any, 2 when a template is missing
//
// Library gaps, and what this file does instead:
// - asl-validator accepts any string as an error name and knows only the States Language's States.*
//   names: the names Step Functions adds, and service errors (named as sdk-models.mjs explains), are
//   checked here. It knows nothing of integration patterns: which pattern an integration and a workflow
//   type support is checked here too.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import validateAsl from 'asl-validator';
import { ENVIRONMENTS, ROOT, loadTemplate } from '../../testkit/templates.mjs';
import { eachState, stateMachines } from './dataflow.mjs';
import { SERVICES, pascal, sdkModel, serviceErrorNames, taskTarget } from './sdk-models.mjs';

const require = createRequire(import.meta.url);

// The States Language's names (asl-validator's copy of https://states-language.net/#appendix-a) and the
// ones Step Functions adds (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
const SPEC_ERRORS = require('asl-validator/dist/src/schemas/errors.json').anyOf.flatMap((s) => s.enum ?? []);
export const STATES_ERRORS = new Set([...SPEC_ERRORS, 'States.DataLimitExceeded', 'States.ExceedToleratedFailureThreshold',
  'States.Http.Socket', 'States.ItemReaderFailed', 'States.QueryEvaluationError', 'States.ResultWriterFailed', 'States.Runtime']);

// Lambda errors Step Functions itself reports for a Lambda task, besides the Invoke operation's modeled errors:
// https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
const LAMBDA_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException', 'Lambda.TooManyRequestsException', 'Lambda.Unknown'];

// Optimized-integration members Step Functions takes as any JSON and serializes itself
// (connect-lambda.html: Payload; connect-sqs.html: MessageBody; connect-stepfunctions.html: Input), though the model types them blob/string.
const JSON_MEMBERS = { 'lambda:invoke': ['Payload'], 'sqs:sendMessage': ['MessageBody'], 'states:startExecution': ['Input'] };

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------
// Parameters against the operation's input shape
// ---------------------------------------------------------------------------------------------

const isExpression = (value) => typeof value === 'string' && /^\{%[\s\S]*%\}$/.test(value); // JSONata: known at run time only

function checkStruct(value, ns, at, ctx) {
  const struct = ns.getSchema();
  if (!isObject(value)) return ctx.add(`${at}: ${JSON.stringify(value)} is not an object`, `a ${struct[2]} object`);
  const members = new Map([...ns.structIterator()].map(([name, m]) => [pascal(name), [name, m]]));
  const given = Object.keys(value).map((key) => [key, key.endsWith('.$') ? key.slice(0, -2) : key]);
  for (const [key, name] of given) {
    const entry = members.get(name);
    if (!entry) ctx.add(`${at}.${name}: no such member of ${struct[2]}`, [...members.keys()].join(', '));
    // A ".$" value is a path or intrinsic: its type is only known at run time.
    else if (key === name && !(ctx.depth === 0 && ctx.json.includes(name))) {
      checkValue(value[key], entry[1], `${at}.${name}`, { ...ctx, depth: ctx.depth + 1, enumUse: ctx.model.enumOf(struct[2], entry[0]), as: 'value' });
    }
  }
  const names = new Set(given.map(([, name]) => name));
  if (ns.isUnionSchema()) {
    if (names.size !== 1) ctx.add(`${at}: ${names.size} members of the union ${struct[2]} set`, `exactly one of ${[...members.keys()].join(', ')}`);
  } else {
    const required = [...members.keys()].slice(0, struct[6] ?? 0);
    for (const name of required.filter((n) => !names.has(n))) ctx.add(`${at}.${name}: required member of ${struct[2]} missing`, `required: ${required.join(', ')}`);
  }
}

function checkValue(value, ns, at, ctx) {
  if (isExpression(value)) return;
  if (ns.isStructSchema()) return checkStruct(value, ns, at, ctx);
  if (ns.isListSchema()) {
    if (!Array.isArray(value)) return ctx.add(`${at}: ${JSON.stringify(value)} is not a list`, `a list of ${ns.getValueSchema().getName()}`);
    return value.forEach((item, i) => checkValue(item, ns.getValueSchema(), `${at}[${i}]`, { ...ctx, as: 'item' }));
  }
  if (ns.isMapSchema()) {
    if (!isObject(value)) return ctx.add(`${at}: ${JSON.stringify(value)} is not a map`, 'an object');
    for (const [key, item] of Object.entries(value)) {
      const name = key.endsWith('.$') ? key.slice(0, -2) : key;
      if (ctx.enumUse?.as === 'key' && !ctx.enumUse.values.includes(name)) ctx.add(`${at}: key "${name}" is not a ${ctx.enumUse.name}`, ctx.enumUse.values.join(', '));
      if (key === name) checkValue(item, ns.getValueSchema(), `${at}.${name}`, { ...ctx, as: 'mapValue' });
    }
    return;
  }
  const type = ns.isBooleanSchema() ? 'boolean'
    : ns.isNumericSchema() || ns.isBigIntegerSchema() || ns.isBigDecimalSchema() ? 'number'
      : ns.isStringSchema() || ns.isBlobSchema() ? 'string'
        : ns.isTimestampSchema() ? 'timestamp' : null; // a document takes any JSON
  if (type === 'timestamp' ? !['string', 'number'].includes(typeof value) : type && typeof value !== type) {
    return ctx.add(`${at}: ${JSON.stringify(value)} is not a ${type}`, `a ${type} (${ns.getName()})`);
  }
  const use = ctx.enumUse;
  if (use && use.as === ctx.as && !use.values.includes(value)) ctx.add(`${at}: "${value}" is not a ${use.name}`, use.values.join(', '));
}

// ---------------------------------------------------------------------------------------------
// The judge
// ---------------------------------------------------------------------------------------------

/** Findings { environment, state, what, allowed } for one parsed definition; `type`: STANDARD or EXPRESS. */
export function judgeDefinition(definition, environment = '-', { type = 'STANDARD' } = {}) {
  const findings = [];
  const add = (state) => (what, allowed) => findings.push({ environment, state, what, allowed });
  // asl-validator writes a default QueryLanguage into the states it reads: give it a copy.
  for (const e of validateAsl(structuredClone(definition)).errors) {
    add('(definition)')(`asl-validator ${e['Error code'] ?? 'SCHEMA'}: ${e.Message ?? e.message ?? JSON.stringify(e)}`, 'the States Language as asl-validator 4.0.0 reads it');
  }
  const errorsOf = new Map(); // state -> what its Retry/Catch may name
  for (const [name, state] of eachState(definition.States)) {
    if (state.Type === 'Task') errorsOf.set(state, checkTask(state, type, add(name)));
  }
  for (const [name, state] of eachState(definition.States)) {
    if (!state.Retry && !state.Catch) continue;
    // A Parallel or Map state sees the errors of the states inside it.
    const inner = state.Type === 'Task' ? [state] : [...eachState(Object.fromEntries([[name, state]]))].map(([, s]) => s).filter((s) => errorsOf.has(s));
    const allowed = { names: new Set(inner.flatMap((s) => [...(errorsOf.get(s)?.names ?? [])])), custom: inner.map((s) => errorsOf.get(s)?.custom).find(Boolean) };
    for (const [field, handlers] of [['Retry', state.Retry ?? []], ['Catch', state.Catch ?? []]]) {
      handlers.forEach((handler, i) => (handler.ErrorEquals ?? []).forEach((error) => checkErrorName(error, `${field}[${i}]`, field === 'Catch', allowed, add(name))));
    }
  }
  return findings;
}

// Which integration patterns Step Functions supports (connect-supported-services.html, "Supported AWS SDK
// integrations": Request Response in Standard and Express, Run a Job (.sync) not supported, Wait for Callback
// (.waitForTaskToken) in Standard; "Express Workflows support Request Response, but they do not support Run a
// Job (.sync) or Wait for Callback (.waitForTaskToken)").
function checkPattern(state, target, type, add) {
  if (!target.pattern) return;
  if (type === 'EXPRESS') add(`Resource ${state.Resource}: an Express workflow supports only Request Response integrations`, 'no .sync or .waitForTaskToken in an Express state machine');
  if (target.kind === 'aws-sdk' && target.pattern.startsWith('.sync')) add(`Resource ${state.Resource}: AWS SDK integrations do not support Run a Job (.sync)`, 'Request Response or .waitForTaskToken');
  // The callback needs the token: a task that never passes $$.Task.Token on waits until it times out.
  if (target.pattern === '.waitForTaskToken' && !JSON.stringify(state.Parameters ?? state.Arguments ?? {}).includes('$$.Task.Token')) {
    add(`Resource ${state.Resource}: a .waitForTaskToken task whose Parameters never pass $$.Task.Token`, 'the task token in Parameters, for whoever calls SendTaskSuccess');
  }
}

function checkTask(state, type, add) {
  const target = taskTarget(state.Resource);
  const model = target.kind === 'unknown' ? null : sdkModel(target.service);
  const none = { names: new Set(), custom: null };
  if (!model) {
    add(`Resource ${state.Resource}: no installed AWS SDK model to check it against`, `an integration of ${Object.keys(SERVICES).join(', ')} (add its client to SERVICES)`);
    return none;
  }
  const operation = model.operation(target.action);
  if (!operation) {
    add(`Resource ${state.Resource}: ${model.service} has no operation ${pascal(target.action)}`, `an operation of ${SERVICES[target.service].pkg}`);
    return none;
  }
  checkPattern(state, target, type, add);
  const params = state.Parameters ?? state.Arguments;
  // A Lambda function ARN's Parameters are the function's payload, not an API request.
  if (params !== undefined && target.kind !== 'lambda-function') {
    const json = target.kind === 'optimized' ? JSON_MEMBERS[`${target.service}:${target.action}`] ?? [] : [];
    checkStruct(params, operation.input, 'Parameters', { add, model, json, depth: 0 });
  }
  const modeled = serviceErrorNames(target, model, operation);
  if (!modeled) add(`Resource ${state.Resource}: no rule for the error names of ${target.kind} ${target.service} integrations`, 'an AWS SDK integration, or an optimized one listed in SERVICES');
  const lambda = target.service === 'lambda' && target.action === 'invoke' && target.kind !== 'aws-sdk';
  // Error types our Lambda functions throw, or whatever a SendTaskFailure names for a callback task.
  const custom = lambda ? 'error types our Lambda functions throw' : target.pattern === '.waitForTaskToken' ? 'errors SendTaskFailure names for the callback' : null;
  return { names: new Set([...(modeled ?? []), ...(lambda ? LAMBDA_ERRORS : [])]), custom };
}

function checkErrorName(error, where, inCatch, allowed, add) {
  const list = () => `the documented States.* names; ${[...allowed.names].sort().join(', ') || 'no service errors'}${allowed.custom ? `; in Catch, ${allowed.custom}` : ''}`;
  if (error.startsWith('States.')) {
    if (!STATES_ERRORS.has(error)) add(`${where}: "${error}" is not a States.* name Step Functions documents`, [...STATES_ERRORS].join(', '));
  } else if (!error.includes('.')) {
    // A name without a service prefix can only come from our own function's code, or a callback's sender.
    if (!(inCatch && allowed.custom)) add(`${where}: "${error}" is a custom error name${inCatch ? ', but this state invokes no Lambda function and waits for no callback' : ', allowed only in Catch of a Lambda or callback task'}`, list());
  } else if (!allowed.names.has(error)) {
    // The same error under another prefix or case: the prefix of the other kind of integration, most likely.
    const same = [...allowed.names].find((n) => n.toLowerCase() === error.toLowerCase() || n.toLowerCase() === `${error}Exception`.toLowerCase());
    const hint = allowed.names.has(`${error}Exception`) ? ` (Step Functions adds the Exception suffix: "${error}Exception")`
      : same ? ` (Step Functions names it "${same}")` : ' (not in the operation\'s model)';
    add(`${where}: "${error}" is not an error this state can raise${hint}`, list());
  }
}

/** Findings for every state machine of one environment's template. */
export function judgeTemplate(template, environment) {
  return stateMachines(template).flatMap(({ definition, type }) => judgeDefinition(definition, environment, { type }));
}

export const formatFinding = (f) => `${f.environment} | ${f.state} | ${f.what} | allowed: ${f.allowed}`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cdkOut = resolve(process.argv[2] ?? join(ROOT, 'cdk.out'));
  try {
    const findings = ENVIRONMENTS.flatMap((environment) => judgeTemplate(loadTemplate(environment, { cdkOut }), environment));
    findings.forEach((f) => console.log(formatFinding(f)));
    console.log(`${findings.length} finding(s) in ${ENVIRONMENTS.join(', ')}`);
    process.exitCode = findings.length ? 1 : 0;
  } catch (e) {
    console.error(e.message); // a missing template, or a definition that is not JSON
    process.exitCode = 2;
  }
}
