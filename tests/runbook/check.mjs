// The runbook as an executable specification: every step of the operations runbook (docs/runbook.md) that an operator
// runs is simulated, per environment, against the operators' managed policy of the synthesized template, with the
// IAM judge's simulator (tests/judges/iam/simulate.mjs). A denied step fails the run.
//
//   node tests/runbook/check.mjs [cdkOut]     (default: $JUDGE_CDK_OUT, else <repo>/cdk.out; JUDGE_ENVIRONMENTS as the judges)
//
// A step names what it does in a marker next to it, readable in the Markdown source and hidden when rendered:
//   <!-- iam: states:ListExecutions, states:DescribeStateMachine on stateMachine; states:GetExecutionHistory on execution:stateMachine -->
// Resources are the IAM judge's names (tests/judges/iam/requests.mjs RESOURCES: stateMachine, reprocessing, table,
// failureQueue, workflowLogs, ...) or these forms of them: execution:<machine> (one of its executions),
// child:<machine> (a child of its Distributed Map), mapRun:<machine>, index:table (the byStatus index),
// job (a transcription job of this environment), alarms (this stack's alarms), stack (this stack), * (none).
// Every `aws <service> <command>` of a section (a "## " heading; fenced or inline) must be named by a marker of the
// same section, so a command cannot change without its simulation. What the service does for the request is added
// (the key through SQS or DynamoDB). "Operator access" is excluded: it is what an administrator runs to give
// operators the policy, not a step run with it.
// Prints one summary line per environment; the steps only when one is denied or invalid.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ACCOUNT, ENVIRONMENTS, ROOT, loadTemplate } from '../../testkit/templates.mjs';
import { collectPolicies, decide, defaultCdkOut, label, realContext, stackModel, validateRequest } from '../judges/iam/simulate.mjs';

/** The runbook, relative to the repository root. */
export const RUNBOOK = 'docs/runbook.md';
const MARKER = /<!--\s*iam:\s*([\s\S]*?)-->/g;
const EXCLUDED = new Set(['Operator access']);
// The CLI's service names where they differ from IAM's prefix.
const SERVICES = { stepfunctions: 'states' };

/** The runbook's sections: { title, text } of each "## " heading of the document titled "# Operations runbook". */
export function runbookSections(markdown) {
  if (!/^# Operations runbook\s*$/m.test(markdown)) throw new Error(`${RUNBOOK} has no "# Operations runbook" title`);
  return markdown.split(/\n## /).slice(1).map((part) => ({ title: part.slice(0, part.indexOf('\n')).trim(), text: part }));
}

/** The steps of one subsection: its markers' { action, resource } pairs, and its aws commands' actions. */
export function stepsOf({ title, text }) {
  const named = [];
  for (const [, body] of text.matchAll(MARKER)) {
    for (const clause of body.split(';').map((c) => c.trim()).filter(Boolean)) {
      const [actions, resources] = clause.split(/\s+on\s+/);
      if (!resources) throw new Error(`${title}: marker clause '${clause}' names no resource ('<actions> on <resources>')`);
      for (const action of actions.split(',').map((a) => a.trim())) {
        for (const resource of resources.split(',').map((r) => r.trim())) named.push({ action, resource });
      }
    }
  }
  const commands = [...text.replace(MARKER, '').matchAll(/\baws\s+([a-z0-9-]+)\s+([a-z0-9-]+)/g)].map(([command, service, operation]) => ({
    command,
    action: `${SERVICES[service] ?? service}:${operation.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('')}`,
  }));
  return { title, named, commands };
}

/** The ARN a marker's resource names in this template (t: the IAM judge's stack model). */
function resourceArn(t, name) {
  const execution = (key) => t.arn[key].replace(':stateMachine:', ':execution:');
  const [form, key] = name.includes(':') ? name.split(':') : [null, name];
  const known = (k) => t.arn[k] ?? fail(`unknown resource '${k}' (requests.mjs RESOURCES names ${Object.keys(t.arn).join(', ')})`);
  switch (form) {
    case null:
      if (name === '*') return '*';
      if (name === 'job') return `arn:aws:transcribe:${t.region}:${t.account}:transcription-job/transcribestack-${t.env}-Board-meeting-Q4-1a2b3c4d5e6f7a8b`;
      if (name === 'alarms') return `arn:aws:cloudwatch:${t.region}:${t.account}:alarm:${t.stackName}-MonitoringExecutionsFailed-0123ABCD`;
      if (name === 'stack') return `arn:aws:cloudformation:${t.region}:${t.account}:stack/${t.stackName}/0123abcd-0000-4000-8000-000000000001`;
      return known(name);
    case 'execution': known(key); return `${execution(key)}:Board-meeting-Q4-1a2b3c4d5e6f7a8b`;
    case 'child': known(key); return `${execution(key)}/reprocess:0123abcd-0000-4000-8000-000000000001`;
    case 'mapRun': known(key); return `${t.arn[key].replace(':stateMachine:', ':mapRun:')}/reprocess:0123abcd-0000-4000-8000-000000000002`;
    case 'index': known(key); return `${t.arn[key]}/index/byStatus`;
    default: return fail(`unknown resource form '${form}:' in '${name}'`);
  }
}

/** What the service asks of the key on the operator's behalf (the key policy delegates to IAM). */
function implied(t, { action, resource }) {
  const via = (service, context) => ({ action: 'kms:Decrypt', resource: t.arn.key, context: { 'kms:ViaService': `${service}.${t.region}.amazonaws.com`, ...context }, implied: action });
  if (action === 'sqs:ReceiveMessage') return [via('sqs', { 'kms:EncryptionContext:aws:sqs:arn': resource })];
  if (['dynamodb:GetItem', 'dynamodb:Query'].includes(action)) {
    return [via('dynamodb', { 'kms:EncryptionContext:aws:dynamodb:tableName': t.name.table, 'kms:EncryptionContext:aws:dynamodb:subscriberId': t.account })];
  }
  return [];
}

/**
 * Simulates the runbook's steps against the operators' managed policy of one template. Returns
 * { rows, problems }: rows { step, action, resource, decision, ok }, problems (a command no marker names, an
 * unknown action or resource): each fails the check.
 */
export async function checkRunbook(markdown, template, env) {
  const t = stackModel(template, env);
  const policies = collectPolicies(template, t);
  const id = Object.keys(template.Resources).find((r) => template.Resources[r].Type === 'AWS::IAM::ManagedPolicy' && r.startsWith('OperatorAccessPolicy'))
    ?? fail(`${env}: no operators' managed policy (OperatorAccessPolicy…)`);
  const { entry, roles: [role] } = policies.managed.get(id);
  // Simulated for the operators' role (operators.assumedBy), else for a principal of the account holding only the policy.
  const principal = role ? t.render({ 'Fn::GetAtt': [role, 'Arn'] }) : `arn:aws:iam::${ACCOUNT}:role/${t.stackName}-operator`;
  const identityPolicies = role ? policies.identity.get(role) : [entry];
  const rows = [], problems = [];
  const sections = runbookSections(markdown).filter((s) => !EXCLUDED.has(s.title)).map(stepsOf);
  if (sections.every((s) => s.named.length === 0)) problems.push('the runbook names no step (no <!-- iam: ... --> marker)');
  for (const { title, named, commands } of sections) {
    for (const { command, action } of commands) {
      if (!named.some((n) => n.action === action)) problems.push(`${title}: \`${command}\` is ${action}, which no <!-- iam: ... --> marker of the subsection names`);
    }
    for (const step of named) {
      let resource;
      try { resource = resourceArn(t, step.resource); } catch (error) { problems.push(`${title}: ${error.message}`); continue; }
      for (const request of [{ action: step.action, resource, context: {} }, ...implied(t, { action: step.action, resource })]) {
        const context = realContext(request, principal);
        for (const problem of await validateRequest({ ...request, context })) problems.push(`${title}: ${request.action} on ${request.resource}: ${problem}`);
        const resourcePolicy = policies.resource.get(request.resource.startsWith('arn:aws:s3:::') ? request.resource.split('/')[0] : request.resource);
        const { decision, because } = await decide({ principal, action: request.action, resource: request.resource, context, identityPolicies, resourcePolicy });
        rows.push({ step: title, ...request, group: 'OperatorAccessPolicy', decision, because, ok: decision === 'Allowed', label: label(t, { ...request, group: 'operators' }) });
      }
    }
  }
  return { rows, problems, failed: problems.length > 0 || rows.some((r) => !r.ok) };
}

export const runbook = () => readFileSync(join(ROOT, RUNBOOK), 'utf8');

async function main() {
  const cdkOut = process.argv[2] ?? defaultCdkOut();
  const markdown = runbook();
  let failed = false;
  for (const env of ENVIRONMENTS) {
    const { rows, problems, failed: bad } = await checkRunbook(markdown, loadTemplate(env, { cdkOut }), env);
    failed ||= bad;
    const denied = rows.filter((r) => !r.ok);
    const steps = new Set(rows.map((r) => r.step)).size;
    console.log(`runbook ${env}: ${rows.length} requests of ${steps} sections simulated against the operators' policy, ${denied.length} denied, ${problems.length} problems`);
    for (const row of denied) console.log(`  DENIED  ${row.step}: ${row.label}${row.implied ? ` (for ${row.implied})` : ''}  ${row.decision}${row.because ? ` (${row.because})` : ''}`);
    for (const problem of problems) console.log(`  PROBLEM ${problem}`);
  }
  process.exitCode = failed ? 1 : 0;
}

function fail(message) { throw new Error(message); }

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
