// The table stand-in keeps DynamoDB's rules for conditional writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateCondition, FakeTable, itemSizeBytes } from './dynamodb.mjs';

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

test('item sizes count names and values as DynamoDB does for capacity units', () => {
  assert.equal(itemSizeBytes({ jobName: { S: 'abc' } }), 7 + 3);
  assert.equal(itemSizeBytes({ n: { N: '1234' } }), 1 + 3, 'four significant digits: 2 bytes + 1');
  assert.equal(itemSizeBytes({ n: { N: '-0.0012300' } }), 1 + 3, 'sign, point and outer zeros do not count');
  assert.equal(itemSizeBytes({ s: { S: 'é' } }), 1 + 2, 'UTF-8 bytes');
  assert.equal(itemSizeBytes({ ok: { BOOL: true }, m: { M: { a: { S: 'x' } } } }), 2 + 1 + 1 + 3 + 2);
});
