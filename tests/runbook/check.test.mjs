// Proves the runbook check can fail: a step the operators' policy does not allow, a command no marker names, an
// unknown resource, and the runbook itself (docs/runbook.md) once a grant it relies on is taken from the template. Templates
// come from $JUDGE_CDK_OUT (default cdk.out).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTemplate } from '../../testkit/templates.mjs';
import { defaultCdkOut } from '../judges/iam/simulate.mjs';
import { checkRunbook, runbook as committed, runbookSections, stepsOf } from './check.mjs';

const cdkOut = defaultCdkOut();
const ENV = 'dev';
const template = () => loadTemplate(ENV, { cdkOut });
const runbook = (body) => `# Operations runbook\n\nIntro.\n\n## A step\n\n${body}\n`;
const denied = ({ rows }) => rows.filter((r) => !r.ok).map((r) => `${r.action} ${r.step}`);

test('docs/runbook.md passes, every section with a simulated step but the administrator\'s', async () => {
  const report = await checkRunbook(committed(), template(), ENV);
  assert.deepEqual(report.problems, []);
  assert.deepEqual(denied(report), []);
  const sections = new Set(report.rows.map((r) => r.step));
  for (const title of runbookSections(committed()).map((s) => s.title).filter((t) => t !== 'Operator access')) assert.ok(sections.has(title), title);
});

test('a step the policy does not allow fails: the stack\'s outputs through CloudFormation, deleting the workflow', async () => {
  const markdown = runbook('<!-- iam: cloudformation:DescribeStacks on stack; states:DeleteStateMachine on stateMachine -->\n```sh\naws cloudformation describe-stacks --stack-name TranscribeStack-dev\n```');
  const report = await checkRunbook(markdown, template(), ENV);
  assert.equal(report.failed, true);
  assert.deepEqual(denied(report), ['cloudformation:DescribeStacks A step', 'states:DeleteStateMachine A step']);
});

test('a command no marker names fails, even when the policy would allow it', async () => {
  const markdown = runbook('<!-- iam: states:ListExecutions on stateMachine -->\nThen `aws stepfunctions redrive-execution --execution-arn "$EXECUTION_ARN"`.');
  const report = await checkRunbook(markdown, template(), ENV);
  assert.equal(report.failed, true);
  assert.match(report.problems.join('\n'), /A step: `aws stepfunctions redrive-execution` is states:RedriveExecution, which no <!-- iam: \.\.\. --> marker/);
});

test('an unknown resource or an action AWS does not have is a problem', async () => {
  const report = await checkRunbook(runbook('<!-- iam: states:ListExecutions on sweep; states:ReadEverything on stateMachine -->'), template(), ENV);
  assert.match(report.problems.join('\n'), /unknown resource 'sweep'/);
  assert.match(report.problems.join('\n'), /states:ReadEverything is not an action/);
});

test('a document that is not the runbook fails', () => {
  assert.throws(() => runbookSections('# Settings\n\n## A step\n'), /docs\/runbook.md has no "# Operations runbook" title/);
});

test('a runbook without markers fails', async () => {
  const report = await checkRunbook(runbook('Open the console.'), template(), ENV);
  assert.deepEqual(report.problems, ['the runbook names no step (no <!-- iam: ... --> marker)']);
});

test('taking a grant from the operators\' policy makes docs/runbook.md fail at the steps that use it', async () => {
  const changed = template();
  const [id] = Object.keys(changed.Resources).filter((r) => r.startsWith('OperatorAccessPolicy'));
  const document = changed.Resources[id].Properties.PolicyDocument;
  document.Statement = document.Statement.filter((s) => ![s.Action].flat().includes('transcribe:GetTranscriptionJob'));
  const report = await checkRunbook(committed(), changed, ENV);
  assert.deepEqual(denied(report), ['transcribe:GetTranscriptionJob Follow one upload', 'transcribe:GetTranscriptionJob What a failure means']);
});

test('markers read as <actions> on <resources>, several clauses a marker, several markers a section', () => {
  const { named, commands } = stepsOf({ title: 't', text: 'a <!-- iam: sqs:ReceiveMessage, sqs:DeleteMessage on failureQueue, eventQueue; states:StartExecution on admitter -->\n`aws sqs get-queue-url`' });
  assert.deepEqual(named.map((n) => `${n.action} ${n.resource}`), [
    'sqs:ReceiveMessage failureQueue', 'sqs:ReceiveMessage eventQueue', 'sqs:DeleteMessage failureQueue', 'sqs:DeleteMessage eventQueue', 'states:StartExecution admitter',
  ]);
  assert.deepEqual(commands.map((c) => c.action), ['sqs:GetQueueUrl']);
});
