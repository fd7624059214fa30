// The lists of SECURITY.md that restate the templates, generated from them: the roles and who may assume each,
// what the operators' managed policy names (the state machines it starts, the log groups it reads, the
// dead-letter queues it drains) and the alarms. Each list sits between markers in SECURITY.md:
//   <!-- generated:templates:begin ... -->  ...  <!-- generated:templates:end -->
//
//   node tests/docs/generated.mjs [cdkOut] [--write]     (default cdkOut: $JUDGE_CDK_OUT, else <repo>/cdk.out)
//
// Reads dev, staging and prod; an item not in every environment says where it is. Without --write, exits 1 when
// the committed text differs (and prints the generated one); with --write, rewrites it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, loadTemplate } from '../../testkit/templates.mjs';

const ENVIRONMENTS = ['dev', 'staging', 'prod'];
export const BEGIN = '<!-- generated:templates:begin: from the synthesized templates by tests/docs/generated.mjs (npm test checks it; --write rewrites it) -->\n';
export const END = '<!-- generated:templates:end -->';

/**
 * A resource as the runbook names it: a generated name begins with the logical id's construct path (`WorkflowLogs…`,
 * CDK's hash and CloudFormation's suffix follow); a given name is shown with its environment as `<env>`.
 */
const stem = (id, template) => {
  const name = template?.Resources[id]?.Properties?.StateMachineName;
  return typeof name === 'string' ? `\`${name.replace(/^TranscribeStack-[^-]+-/, 'TranscribeStack-<env>-')}\`` : `\`${id.replace(/[0-9A-F]{8}$/, '')}…\``;
};

/** The logical ids a policy statement's Resource refers to (Ref, Fn::GetAtt), of the given type. */
function referenced(template, statement, type) {
  const ids = new Set();
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return undefined;
    if (typeof node.Ref === 'string') ids.add(node.Ref);
    if (node['Fn::GetAtt']) ids.add([node['Fn::GetAtt']].flat().join('.').split('.')[0]);
    return Object.values(node).forEach(walk);
  };
  walk(statement.Resource);
  return [...ids].filter((id) => template.Resources[id]?.Type === type);
}

/** Who a role's trust policy lets assume it. */
function trustedBy(role) {
  const principals = role.Properties.AssumeRolePolicyDocument.Statement.flatMap((s) => [s.Principal?.Service ?? [], s.Principal?.AWS ?? []].flat());
  return principals.map((p) => (typeof p === 'string' ? `\`${p}\`` : 'a principal the settings name')).join(', ');
}

/** The lists of one template: { title: [items] }. */
export function listsOf(template) {
  const resources = Object.entries(template.Resources);
  const of = (type) => resources.filter(([, r]) => r.Type === type);
  const [, policy] = of('AWS::IAM::ManagedPolicy').find(([id]) => id.startsWith('OperatorAccessPolicy')) ?? [];
  const statements = [policy?.Properties.PolicyDocument.Statement ?? []].flat();
  const granted = (action, type) => [...new Set(statements.filter((s) => [s.Action].flat().includes(action)).flatMap((s) => referenced(template, s, type)))];
  return {
    'Roles (who may assume each)': of('AWS::IAM::Role').map(([id, role]) => `${stem(id)}: ${trustedBy(role)}`),
    'State machines the operators\' policy may start': granted('states:StartExecution', 'AWS::StepFunctions::StateMachine').map((id) => stem(id, template)),
    'Log groups the operators\' policy reads': granted('logs:FilterLogEvents', 'AWS::Logs::LogGroup').map((id) => stem(id, template)),
    'Dead-letter queues the operators\' policy drains': granted('sqs:ReceiveMessage', 'AWS::SQS::Queue').map((id) => stem(id, template)),
    'Log groups the operators\' policy does not read': of('AWS::Logs::LogGroup').map(([id]) => id).filter((id) => !granted('logs:FilterLogEvents', 'AWS::Logs::LogGroup').includes(id)).map((id) => stem(id, template)),
    'Alarms (each `alarm:TranscribeStack-<env>-…`, which the operators\' policy reads)': of('AWS::CloudWatch::Alarm').map(([id]) => stem(id)),
  };
}

/** The Markdown of every environment's lists: an item missing somewhere names the environments that have it. */
export function render(templates) {
  const byEnvironment = Object.fromEntries(Object.entries(templates).map(([env, template]) => [env, listsOf(template)]));
  const environments = Object.keys(byEnvironment);
  const titles = Object.keys(byEnvironment[environments[0]]);
  return titles.map((title) => {
    const items = [...new Set(environments.flatMap((env) => byEnvironment[env][title]))].sort();
    const lines = items.map((item) => {
      const where = environments.filter((env) => byEnvironment[env][title].includes(item));
      return `- ${item}${where.length < environments.length ? ` (${where.join(', ')} only)` : ''}`;
    });
    return `**${title}** (${items.length}):\n\n${lines.join('\n') || '- none'}\n`;
  }).join('\n');
}

/** SECURITY.md with its generated region replaced by `generated`, and the region as committed. */
export function splice(markdown, generated) {
  const begin = markdown.indexOf(BEGIN);
  const end = markdown.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`SECURITY.md has no region between '${BEGIN.trim()}' and '${END}'`);
  return { committed: markdown.slice(begin + BEGIN.length, end), updated: markdown.slice(0, begin + BEGIN.length) + generated + markdown.slice(end) };
}

function main() {
  const args = process.argv.slice(2);
  const write = args.includes('--write');
  const cdkOut = args.find((a) => !a.startsWith('--')) ?? process.env.JUDGE_CDK_OUT ?? join(ROOT, 'cdk.out');
  const file = join(ROOT, 'SECURITY.md');
  const generated = render(Object.fromEntries(ENVIRONMENTS.map((env) => [env, loadTemplate(env, { cdkOut })])));
  const { committed, updated } = splice(readFileSync(file, 'utf8'), generated);
  if (committed === generated) {
    console.log('SECURITY.md: the lists of the templates (roles, started state machines, log groups, dead-letter queues, alarms) are current');
  } else if (write) {
    writeFileSync(file, updated);
    console.log('SECURITY.md: the lists of the templates rewritten');
  } else {
    console.log(`SECURITY.md: the lists of the templates differ from the synthesized templates. Regenerate them: node tests/docs/generated.mjs --write\nGenerated:\n${generated}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
