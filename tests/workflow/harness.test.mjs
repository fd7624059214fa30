// The harness itself: references are resolved or refused loudly, the stand-ins keep the services'
// rules, and a bug inside a stand-in can never pass for a Catch path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWorkflow, resolver, evaluateCondition, execute, uploadEvent, FakeTable, FakeTranscribe, STATES } from './harness.mjs';

const workflow = loadWorkflow('dev');
const { template, definition } = workflow;

test('the rendered definition binds every Task state to a local handler and holds no unresolved token', () => {
  const tasks = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task').map(([n]) => n).sort();
  assert.deepEqual(tasks, Object.values(STATES).sort());
  const text = JSON.stringify(definition);
  assert.doesNotMatch(text, /\$\{Token\[|Fn::|"Ref"/);
  assert.match(definition.States[STATES.start].Resource, /^arn:aws:states:::aws-sdk:transcribe:startTranscriptionJob$/);
  assert.match(workflow.failureQueueUrl, /^https:\/\/sqs\.us-east-1\.amazonaws\.com\/123456789012\/TranscribeStack-dev-WorkflowFailureQueue/);
  assert.match(workflow.keyArn, /^arn:aws:kms:us-east-1:123456789012:key\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.match(workflow.transcriptBucket, /^[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9]$/);
});

test('an unknown intrinsic, logical id or attribute fails loudly', () => {
  const { render } = resolver(template);
  assert.throws(() => render({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::x' }), /unsupported intrinsic Fn::Sub/);
  assert.throws(() => render({ 'Fn::Join': ['', ['a', { 'Fn::ImportValue': 'Shared' }]] }), /unsupported intrinsic Fn::ImportValue/);
  assert.throws(() => render({ Ref: 'NoSuchResource' }), /unknown logical id 'NoSuchResource'/);
  assert.throws(() => render({ Ref: 'AWS::NotificationARNs' }), /unsupported pseudo parameter/);
  const table = Object.keys(template.Resources).find((id) => template.Resources[id].Type === 'AWS::DynamoDB::Table');
  assert.throws(() => render({ 'Fn::GetAtt': [table, 'StreamArn'] }), /no test value for Fn::GetAtt/);
  const alarm = Object.keys(template.Resources).find((id) => template.Resources[id].Type === 'AWS::CloudWatch::Alarm');
  assert.throws(() => render({ Ref: alarm }), /no test value for resources of type AWS::CloudWatch::Alarm/);
});

test('the condition evaluator follows DynamoDB and refuses what it does not model', () => {
  const names = { '#status': 'status' };
  const values = { ':completed': { S: 'COMPLETED' } };
  const condition = 'attribute_not_exists(jobName) OR #status <> :completed';
  assert.equal(evaluateCondition(condition, undefined, names, values), true);
  assert.equal(evaluateCondition(condition, { jobName: { S: 'j' }, status: { S: 'FAILED' } }, names, values), true);
  assert.equal(evaluateCondition(condition, { jobName: { S: 'j' }, status: { S: 'COMPLETED' } }, names, values), false);
  assert.equal(evaluateCondition('NOT (attribute_exists(jobName) AND #status = :completed)', { jobName: { S: 'j' }, status: { S: 'COMPLETED' } }, names, values), false);
  assert.throws(() => evaluateCondition('#status <> :completed', { jobName: { S: 'j' } }, names, values), /missing attribute/);
  assert.throws(() => evaluateCondition('begins_with(jobName, :p)', undefined, {}, { ':p': { S: 'x' } }), /not modelled|expected/);
  const table = new FakeTable({ tableName: 't' });
  assert.throws(() => table.putItem({ TableName: 't', Item: { jobName: { S: 'j' } }, ConditionExpression: 'attribute_not_exists(jobName)', ExpressionAttributeValues: values }),
    (e) => e.name === 'DynamoDB.ValidationException' && /unused/.test(e.message));
});

test('Transcribe refuses an invalid job name, as StartTranscriptionJob does', () => {
  const transcribe = new FakeTranscribe();
  const request = { TranscriptionJobName: 'has space', Media: { MediaFileUri: 's3://b/k.mp3' }, MediaFormat: 'mp3', LanguageCode: 'en-US' };
  assert.throws(() => transcribe.start(request), (e) => e.name === 'Transcribe.BadRequestException' && /transcriptionJobName/.test(e.message));
  assert.throws(() => transcribe.start({ ...request, TranscriptionJobName: 'x'.repeat(201) }), (e) => e.name === 'Transcribe.BadRequestException');
  assert.doesNotThrow(() => transcribe.start({ ...request, TranscriptionJobName: 'x'.repeat(200) }));
});

test('a bug inside a stand-in fails the scenario instead of taking a Catch path', async () => {
  // A stand-in planner: this test is about the harness, not the planning.
  const planner = { plan: async () => ({ jobName: 'j', mediaUri: `s3://${workflow.rawBucket}/media/k.mp3`, mediaFormat: 'mp3', transcriptKey: 'transcripts/j.json' }) };
  const postProcessor = () => {
    throw new TypeError('undefined is not a function');
  };
  await assert.rejects(execute(definition, uploadEvent(workflow, 'media/k.mp3'), { planner, postProcessor }), /the harness failed inside a task[\s\S]*TypeError/);
});
