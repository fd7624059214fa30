// Proves the generated lists of SECURITY.md follow the templates: a change of the operators' policy or of the
// roles changes them, so a committed list that was not regenerated fails. Templates come from $JUDGE_CDK_OUT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, loadTemplate } from '../../testkit/templates.mjs';
import { defaultCdkOut } from '../judges/iam/simulate.mjs';
import { listsOf, render, splice } from './generated.mjs';

const cdkOut = defaultCdkOut();
const templates = () => Object.fromEntries(['dev', 'staging', 'prod'].map((env) => [env, loadTemplate(env, { cdkOut })]));
const security = () => readFileSync(join(ROOT, 'SECURITY.md'), 'utf8');

test('SECURITY.md holds the lists of the synthesized templates', () => {
  const { committed } = splice(security(), render(templates()));
  assert.equal(committed, render(templates()));
});

test('a queue the operators\' policy no longer drains, in one environment, leaves the committed list stale', () => {
  const changed = templates();
  const policy = Object.entries(changed.prod.Resources).find(([id]) => id.startsWith('OperatorAccessPolicy'))[1].Properties.PolicyDocument;
  const drain = policy.Statement.find((s) => [s.Action].flat().includes('sqs:ReceiveMessage'));
  drain.Resource = [drain.Resource].flat().slice(1);
  const generated = render(changed);
  assert.notEqual(splice(security(), generated).committed, generated);
  assert.match(generated, /\(dev, staging only\)/);
});

test('a role is listed with who may assume it', () => {
  const { dev } = templates();
  const roles = listsOf(dev)['Roles (who may assume each)'];
  assert.ok(roles.includes('`WorkflowTranscribeDataAccessRole…`: `transcribe.amazonaws.com`'), roles.join('\n'));
  delete dev.Resources[Object.keys(dev.Resources).find((id) => id.startsWith('WorkflowTranscribeDataAccessRole') && dev.Resources[id].Type === 'AWS::IAM::Role')];
  assert.ok(!listsOf(dev)['Roles (who may assume each)'].some((r) => r.includes('WorkflowTranscribeDataAccessRole')));
});

test('a document without the markers is refused', () => {
  assert.throws(() => splice('# Security model\n', ''), /SECURITY.md has no region/);
});
