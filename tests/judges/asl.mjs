// Judges every state machine of the synthesized templates from outside, as AWS would read them:
// asl-validator for the States Language, the AWS SDK's own service models (shipped by the installed
// @aws-sdk clients) for every Task's Parameters, and Step Functions' documented error names for every
// Retry and Catch. Our own tests say what we meant; this says whether AWS accepts it (STYLE 18).
//
//   node tests/judges/asl.mjs [cdk.out]     one finding a line; exit 1 on any, 2 when a template is missing
//
// Library gaps, and what this file does instead:
// - The clients' runtime schemas (@smithy static schemas) hold member names, types and how many members
//   are required (they list required members first: asl.test.mjs checks that against the declarations),
//   but no enum values, lengths or an operation's errors. Enum values are the clients' exported enum
//   objects; which member takes which enum, and which errors an operation raises (`@throws`), come from
//   the clients' generated declarations (dist-types), written from the same Smithy model.
// - asl-validator accepts any string as an error name and knows only the States Language's States.*
//   names: the names Step Functions adds, and service errors, are checked here.
// limits.mjs shares the models, the rendered state machines and the JSONPath data flow exported here.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import validateAsl from 'asl-validator';
import { NormalizedSchema } from '@smithy/core/schema';
import { ENVIRONMENTS, ROOT, loadTemplate, resolver } from '../support/templates.mjs';

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

// The service id of a Resource ARN -> the client that ships its model, and the PascalCase prefix of its
// errors in Step Functions (supported-services-awssdk.html: "<ServiceName>.<ErrorName>").
const SERVICES = {
  transcribe: ['@aws-sdk/client-transcribe', 'Transcribe'],
  dynamodb: ['@aws-sdk/client-dynamodb', 'DynamoDB'],
  sqs: ['@aws-sdk/client-sqs', 'SQS'],
  lambda: ['@aws-sdk/client-lambda', 'Lambda'],
};

// Optimized-integration members Step Functions takes as any JSON and serializes itself
// (connect-lambda.html: Payload; connect-sqs.html: MessageBody), though the model types them blob/string.
const JSON_MEMBERS = { 'lambda:invoke': ['Payload'], 'sqs:sendMessage': ['MessageBody'] };

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const pascal = (name) => name[0].toUpperCase() + name.slice(1);
/** Step Functions' name of a modeled error: "always add the Exception suffix" (supported-services-awssdk.html). */
export const stepFunctionsErrorName = (prefix, shape) => `${prefix}.${shape.endsWith('Exception') ? shape : `${shape}Exception`}`;

const models = new Map();
/** The installed client's model of a service: operations (input, output, errors) and enum uses; null when none. */
export function sdkModel(service) {
  if (!models.has(service)) models.set(service, SERVICES[service] ? loadModel(service, ...SERVICES[service]) : null);
  return models.get(service);
}

function loadModel(service, pkg, prefix) {
  const sdk = require(pkg);
  const root = join(dirname(require.resolve(pkg)), '..');
  const modelsDir = join(root, 'dist-types', 'models');
  const enumUses = new Map(); // "Struct.member" -> { name, values, as: value | item | key | mapValue }
  for (const file of readdirSync(modelsDir).filter((f) => /^models_\d+\.d\.ts$/.test(f))) {
    const text = readFileSync(join(modelsDir, file), 'utf8');
    for (const [, struct, body] of text.matchAll(/^export interface (\w+) \{\n([\s\S]*?)^\}/gm)) {
      for (const [, member, type] of body.matchAll(/^ {4}(\w+)\??: (.+?)(?: \| undefined)?;$/gm)) {
        const forms = [[/^(\w+)$/, 'value'], [/^(\w+)\[\]$/, 'item'], [/^Partial<Record<(\w+), /, 'key'], [/^Record<string, (\w+)>$/, 'mapValue']];
        for (const [pattern, as] of forms) {
          const name = type.match(pattern)?.[1];
          const values = isObject(sdk[name]) && Object.values(sdk[name]);
          if (values?.length && values.every((v) => typeof v === 'string')) enumUses.set(`${struct}.${member}`, { name, values, as });
        }
      }
    }
  }
  return {
    service, prefix, sdk,
    enumOf: (struct, member) => enumUses.get(`${struct}.${member}`),
    operation(action) {
      const name = pascal(action);
      const schema = sdk[`${name}$`];
      if (!Array.isArray(schema) || schema[0] !== 9) return null;
      const declaration = join(root, 'dist-types', 'commands', `${name}Command.d.ts`);
      const thrown = existsSync(declaration) ? [...readFileSync(declaration, 'utf8').matchAll(/@throws \{@link (\w+)\}/g)].map((m) => m[1]) : [];
      // The service's base exception is registered in a synthetic namespace: not an error the service raises.
      const errors = thrown.filter((e) => sdk[`${e}$`]?.[0] === -3 && !sdk[`${e}$`][1].startsWith('smithy.ts.sdk.synthetic'));
      return { name, input: NormalizedSchema.of(schema[4]), output: NormalizedSchema.of(schema[5]), errors };
    },
  };
}

/** What a Task's Resource calls: a Lambda function, an optimized or an AWS SDK integration. */
export function taskTarget(resource) {
  if (/^arn:[\w-]+:lambda:[\w-]*:\d*:function:/.test(resource ?? '')) return { kind: 'lambda-function', service: 'lambda', action: 'invoke' };
  const m = (resource ?? '').match(/^arn:[\w-]+:states:::(aws-sdk:)?([\w-]+):(\w+?)(\.sync(?::2)?|\.waitForTaskToken)?$/);
  return m ? { kind: m[1] ? 'aws-sdk' : 'optimized', service: m[2], action: m[3], pattern: m[4] ?? '' } : { kind: 'unknown' };
}

/** Every state, nested ones (Parallel branches, Map processors) included, as [display name, state]. */
export function* eachState(states, within = '') {
  for (const [name, state] of Object.entries(states ?? {})) {
    yield [`${within}${name}`, state];
    for (const branch of [...(state.Branches ?? []), state.ItemProcessor ?? state.Iterator].filter(Boolean)) yield* eachState(branch.States, `${within}${name} / `);
  }
}

/** The template's state machines, each definition rendered with the fixed test values of tests/support. */
export function stateMachines(template) {
  const refs = resolver(template);
  return Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine').map(([id, r]) => {
    const text = r.Properties.DefinitionString !== undefined ? refs.render(r.Properties.DefinitionString) : JSON.stringify(refs.resolveDeep(r.Properties.Definition));
    return { id, text, definition: JSON.parse(text) };
  });
}

// ---------------------------------------------------------------------------------------------
// A JSONPath state's data flow (https://states-language.net/#filters), for the judges that follow data:
// $.a.b and $$.a.b paths, payload templates, ResultPath. Intrinsic calls go to call(name, args).
// ---------------------------------------------------------------------------------------------
export function readPath(data, path, context) {
  const m = path.match(/^(\$\$?)((?:\.[^.[\]\s]+)*)$/) ?? fail(`path ${path}: only $.a.b paths are modelled`);
  return m[2].split('.').slice(1).reduce((v, k) => (isObject(v) ? v[k] : undefined), m[1] === '$$' ? context : data);
}

function evaluate(expression, data, context, call) {
  const m = expression.match(/^(States\.\w+)\(([\s\S]*)\)$/);
  if (!m) return readPath(data, expression, context);
  // Arguments: quoted strings, numbers, paths and calls, split at the commas outside quotes and brackets.
  const args = (m[2].match(/'(?:\\.|[^'\\])*'|[^,'()\s][^,'()]*(?:\((?:'(?:\\.|[^'\\])*'|[^()'])*\))?/g) ?? []).map((a) => a.trim())
    .map((a) => (a.startsWith("'") ? a.slice(1, -1).replace(/\\(.)/g, '$1') : /^-?\d/.test(a) ? Number(a) : evaluate(a, data, context, call)));
  return call(m[1], args);
}

/** A payload template (Parameters, ResultSelector) applied to `data`; a field whose path finds nothing is left out. */
export function fillTemplate(node, data, context, call) {
  if (!isObject(node)) return Array.isArray(node) ? node.map((n) => fillTemplate(n, data, context, call)) : node;
  return Object.fromEntries(Object.entries(node)
    .map(([k, v]) => (k.endsWith('.$') ? [k.slice(0, -2), evaluate(v, data, context, call)] : [k, fillTemplate(v, data, context, call)]))
    .filter(([, v]) => v !== undefined));
}

/** The state's input with `result` put at ResultPath (null: the input unchanged; absent: the result alone). */
export function placeResult(input, path, result) {
  if (path === null || path === undefined || path === '$') return path === null ? input : result;
  const keys = (path.match(/^\$((?:\.[^.[\]\s]+)+)$/) ?? fail(`ResultPath ${path}: only $.a.b is modelled`))[1].split('.').slice(1);
  const out = isObject(input) ? { ...input } : {};
  keys.reduce((node, k, i) => (node[k] = i === keys.length - 1 ? result : isObject(node[k]) ? { ...node[k] } : {}), out);
  return out;
}

function fail(message) {
  throw new Error(message);
}

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

/** Findings { environment, state, what, allowed } for one parsed definition. */
export function judgeDefinition(definition, environment = '-') {
  const findings = [];
  const add = (state) => (what, allowed) => findings.push({ environment, state, what, allowed });
  // asl-validator writes a default QueryLanguage into the states it reads: give it a copy.
  for (const e of validateAsl(structuredClone(definition)).errors) {
    add('(definition)')(`asl-validator ${e['Error code'] ?? 'SCHEMA'}: ${e.Message ?? e.message ?? JSON.stringify(e)}`, 'the States Language as asl-validator 4.0.0 reads it');
  }
  const errorsOf = new Map(); // state -> what its Retry/Catch may name
  for (const [name, state] of eachState(definition.States)) {
    if (state.Type === 'Task') errorsOf.set(state, checkTask(state, add(name)));
  }
  for (const [name, state] of eachState(definition.States)) {
    if (!state.Retry && !state.Catch) continue;
    // A Parallel or Map state sees the errors of the states inside it.
    const inner = state.Type === 'Task' ? [state] : [...eachState(Object.fromEntries([[name, state]]))].map(([, s]) => s).filter((s) => errorsOf.has(s));
    const allowed = { names: new Set(inner.flatMap((s) => [...(errorsOf.get(s)?.names ?? [])])), custom: inner.some((s) => errorsOf.get(s)?.custom) };
    for (const [field, handlers] of [['Retry', state.Retry ?? []], ['Catch', state.Catch ?? []]]) {
      handlers.forEach((handler, i) => (handler.ErrorEquals ?? []).forEach((error) => checkErrorName(error, `${field}[${i}]`, field === 'Catch', allowed, add(name))));
    }
  }
  return findings;
}

function checkTask(state, add) {
  const target = taskTarget(state.Resource);
  const model = target.kind === 'unknown' ? null : sdkModel(target.service);
  if (!model) {
    add(`Resource ${state.Resource}: no installed AWS SDK model to check it against`, `an integration of ${Object.keys(SERVICES).join(', ')} (add its client to SERVICES)`);
    return { names: new Set(), custom: false };
  }
  const operation = model.operation(target.action);
  if (!operation) {
    add(`Resource ${state.Resource}: ${model.service} has no operation ${pascal(target.action)}`, `an operation of ${SERVICES[target.service][0]}`);
    return { names: new Set(), custom: false };
  }
  const params = state.Parameters ?? state.Arguments;
  // A Lambda function ARN's Parameters are the function's payload, not an API request.
  if (params !== undefined && target.kind !== 'lambda-function') {
    const json = target.kind === 'optimized' ? JSON_MEMBERS[`${target.service}:${target.action}`] ?? [] : [];
    checkStruct(params, operation.input, 'Parameters', { add, model, json, depth: 0 });
  }
  const modeled = operation.errors.map((e) => stepFunctionsErrorName(model.prefix, e));
  const lambda = target.service === 'lambda' && target.action === 'invoke';
  return { names: new Set([...modeled, ...(lambda ? LAMBDA_ERRORS : [])]), custom: lambda };
}

function checkErrorName(error, where, inCatch, allowed, add) {
  const list = () => `the documented States.* names; ${[...allowed.names].sort().join(', ') || 'no service errors'}${allowed.custom ? '; in Catch, error types our Lambda functions throw' : ''}`;
  if (error.startsWith('States.')) {
    if (!STATES_ERRORS.has(error)) add(`${where}: "${error}" is not a States.* name Step Functions documents`, [...STATES_ERRORS].join(', '));
  } else if (!error.includes('.')) {
    // A name without a service prefix can only come from our own function's code.
    if (!(inCatch && allowed.custom)) add(`${where}: "${error}" is a custom error name${inCatch ? ', but this state invokes no Lambda function' : ', allowed only in Catch of a Lambda task'}`, list());
  } else if (!allowed.names.has(error)) {
    const hint = allowed.names.has(`${error}Exception`) ? ` (Step Functions adds the Exception suffix: "${error}Exception")` : ' (not in the operation\'s model)';
    add(`${where}: "${error}" is not an error this state can raise${hint}`, list());
  }
}

/** Findings for every state machine of one environment's template. */
export function judgeTemplate(template, environment) {
  return stateMachines(template).flatMap(({ definition }) => judgeDefinition(definition, environment));
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
