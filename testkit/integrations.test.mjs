// Each Task is routed by its Resource to the stand-in it names, with the error names of that integration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { integrationHandler } from './integrations.mjs';
import { FakeTable } from './dynamodb.mjs';
import { FakeQueue } from './sqs.mjs';
import { FakeExecutions, stateMachineArnOf } from './step-functions.mjs';

const task = (Resource) => ({ Type: 'Task', Resource, End: true });
const definition = {
  StartAt: 'sdk put',
  States: {
    'sdk put': task('arn:aws:states:::aws-sdk:dynamodb:putItem'),
    'optimized put': task('arn:aws:states:::dynamodb:putItem'),
    'transact': task('arn:aws:states:::aws-sdk:dynamodb:transactWriteItems'),
    'receive': task('arn:aws:states:::aws-sdk:sqs:receiveMessage'),
    'start': task('arn:aws:states:::states:startExecution'),
    'sdk start': task('arn:aws:states:::aws-sdk:sfn:startExecution'),
    'plan': task('arn:aws:lambda:eu-west-1:123456789012:function:planner'),
    'transcribe': task('arn:aws:states:::aws-sdk:transcribe:startTranscriptionJob'),
  },
};
const put = { TableName: 't', Item: { jobName: { S: 'j' } }, ConditionExpression: 'attribute_not_exists(jobName)' };

test('DynamoDB: the SDK integration reports DynamoDb.*, the optimized one DynamoDB.*', () => {
  const table = new FakeTable({ tableName: 't' });
  const bindings = { table };
  integrationHandler(definition, 'sdk put', bindings)(put);
  assert.throws(() => integrationHandler(definition, 'sdk put', bindings)(put), (e) => e.name === 'DynamoDb.ConditionalCheckFailedException');
  assert.throws(() => integrationHandler(definition, 'optimized put', bindings)(put), (e) => e.name === 'DynamoDB.ConditionalCheckFailedException');
  assert.throws(() => integrationHandler(definition, 'transact', bindings)({ TransactItems: [{ Put: put }] }), (e) => e.name === 'DynamoDb.TransactionCanceledException');
});

test('SQS by the queue\'s URL; StartExecution by the state machine\'s ARN, StepFunctions.* or Sfn.*; Lambda by the function\'s ARN', () => {
  const queue = new FakeQueue({ queueUrl: 'https://sqs/intake' });
  queue.sendMessage({ QueueUrl: 'https://sqs/intake', MessageBody: 'x' });
  const arn = stateMachineArnOf('workflow');
  const executions = new FakeExecutions({ stateMachineArn: arn });
  const functions = { 'arn:aws:lambda:eu-west-1:123456789012:function:planner': (payload) => ({ named: payload.n }) };
  const bindings = { queues: [queue], executions: [executions], functions };
  assert.equal(integrationHandler(definition, 'receive', bindings)({ QueueUrl: 'https://sqs/intake' }).Messages[0].Body, 'x');
  assert.throws(() => integrationHandler(definition, 'receive', bindings)({ QueueUrl: 'https://sqs/other' }), /no queue of that URL/);
  integrationHandler(definition, 'start', bindings)({ StateMachineArn: arn, Name: 'a', Input: { a: 1 } });
  assert.throws(() => integrationHandler(definition, 'start', bindings)({ StateMachineArn: arn, Name: 'a', Input: { a: 2 } }), (e) => e.name === 'StepFunctions.ExecutionAlreadyExistsException');
  assert.throws(() => integrationHandler(definition, 'sdk start', bindings)({ StateMachineArn: arn, Name: 'a', Input: { a: 2 } }), (e) => e.name === 'Sfn.ExecutionAlreadyExistsException');
  assert.deepEqual(integrationHandler(definition, 'plan', bindings)({ n: 1 }), { named: 1 });
});

test('scripted errors come first, one a call; a Resource nothing serves fails when bound', () => {
  const table = new FakeTable({ tableName: 't' });
  const handler = integrationHandler(definition, 'sdk put', { table, scripted: { 'sdk put': ['DynamoDb.ProvisionedThroughputExceededException'] } });
  assert.throws(() => handler(put), (e) => e.name === 'DynamoDb.ProvisionedThroughputExceededException');
  assert.deepEqual(handler(put), {});
  assert.throws(() => integrationHandler(definition, 'transcribe', { table }), /not modelled/);
  assert.throws(() => integrationHandler(definition, 'sdk put', {})(put), /bind a table/);
});
