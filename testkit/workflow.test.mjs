// The rendered definition: every CloudFormation reference resolved, every Task state bound to a handler.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWorkflow } from './workflow.mjs';
import { RELEASES, STATES } from './states.mjs';

const workflow = loadWorkflow('dev');
const { definition } = workflow;

test('the rendered definition binds every Task state to a local handler and holds no unresolved token', () => {
  const tasks = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task').map(([n]) => n).sort();
  assert.deepEqual(tasks, [...Object.values(STATES), ...Object.values(RELEASES)].sort());
  for (const name of Object.values(RELEASES)) assert.equal(definition.States[name].Parameters.StateMachineArn, workflow.admitterArn, `${name} starts the admitter`);
  const text = JSON.stringify(definition);
  assert.doesNotMatch(text, /\$\{Token\[|Fn::|"Ref"/);
  assert.match(definition.States[STATES.start].Resource, /^arn:aws:states:::aws-sdk:transcribe:startTranscriptionJob$/);
  assert.match(workflow.failureQueueUrl, /^https:\/\/sqs\.us-east-1\.amazonaws\.com\/123456789012\/TranscribeStack-dev-WorkflowFailureQueue/);
  assert.match(workflow.keyArn, /^arn:aws:kms:us-east-1:123456789012:key\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.match(workflow.transcriptBucket, /^[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9]$/);
});
