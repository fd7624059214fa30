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

const T = 'jobs';
const windowKey = { jobName: { S: '#window' } };
/** The admitter's window requests, as issue #18's design writes them. */
const takeSlot = (window) => ({
  TableName: T, Key: windowKey,
  UpdateExpression: 'SET inFlight = if_not_exists(inFlight, :zero) + :one',
  ConditionExpression: 'attribute_not_exists(inFlight) OR inFlight < :window',
  ExpressionAttributeValues: { ':zero': { N: '0' }, ':one': { N: '1' }, ':window': { N: String(window) } },
});
const giveBack = { TableName: T, Key: windowKey, UpdateExpression: 'ADD inFlight :minusOne', ExpressionAttributeValues: { ':minusOne': { N: '-1' } } };
const slot = (name) => ({ jobName: { S: `#slot#${name}` } });
const release = (name) => ({
  TransactItems: [
    { Delete: { TableName: T, Key: slot(name), ConditionExpression: 'attribute_exists(jobName)' } },
    { Update: giveBack },
  ],
});

test('a conditional counter: SET if_not_exists + n up to a bound, ADD a negative number to give back', () => {
  const table = new FakeTable({ tableName: T });
  table.updateItem(takeSlot(2));
  table.updateItem(takeSlot(2));
  assert.equal(table.items.get('#window').inFlight, 2);
  assert.throws(() => table.updateItem(takeSlot(2)), (e) => e.name === 'DynamoDb.ConditionalCheckFailedException');
  assert.equal(table.items.get('#window').inFlight, 2, 'a failed condition writes nothing');
  table.updateItem(giveBack);
  assert.equal(table.items.get('#window').inFlight, 1);
  table.updateItem(takeSlot(2));
  assert.equal(table.items.get('#window').inFlight, 2);
  assert.throws(() => table.updateItem({ ...takeSlot(2), UpdateExpression: 'SET inFlight = :one' }), (e) => e.name === 'DynamoDb.ValidationException' && /unused/.test(e.message), ':zero is unused');
  assert.throws(() => table.updateItem({ ...giveBack, UpdateExpression: 'ADD inFlight :two' }), (e) => e.name === 'DynamoDb.ValidationException' && /not defined/.test(e.message));
  assert.throws(() => table.updateItem({ TableName: T, Key: windowKey, UpdateExpression: 'SET jobName = :v', ExpressionAttributeValues: { ':v': { S: 'x' } } }), /part of the key/);
});

test('comparisons order numbers by value and strings by bytes; different types compare false', () => {
  const item = { n: { N: '10' }, s: { S: 'b' } };
  const values = { ':nine': { N: '9' }, ':a': { S: 'a' }, ':ten': { S: '10' } };
  assert.equal(evaluateCondition('n > :nine', item, {}, values), true, '10 > 9 as numbers, not as text');
  assert.equal(evaluateCondition('n <= :nine', item, {}, values), false);
  assert.equal(evaluateCondition('s >= :a', item, {}, values), true);
  assert.equal(evaluateCondition('n < :ten', item, {}, values), false, 'a number and a string');
});

test('UpdateItem SET/REMOVE read the item before the update; an operand that does not exist is refused', () => {
  const table = new FakeTable({ tableName: T });
  table.putItem({ TableName: T, Item: { jobName: { S: 'j' }, a: { N: '1' }, b: { N: '5' } } });
  table.updateItem({ TableName: T, Key: { jobName: { S: 'j' } }, UpdateExpression: 'SET a = b - :one, b = a REMOVE c', ExpressionAttributeValues: { ':one': { N: '1' } } });
  assert.deepEqual(table.items.get('j'), { jobName: 'j', a: 4, b: 1 });
  assert.throws(() => table.updateItem({ TableName: T, Key: { jobName: { S: 'j' } }, UpdateExpression: 'SET a = missing + :one', ExpressionAttributeValues: { ':one': { N: '1' } } }),
    (e) => e.name === 'DynamoDb.ValidationException' && /does not exist/.test(e.message));
});

test('DeleteItem: conditional, and deleting what is not there succeeds', () => {
  const table = new FakeTable({ tableName: T });
  table.putItem({ TableName: T, Item: slot('x') });
  assert.throws(() => table.deleteItem({ TableName: T, Key: slot('x'), ConditionExpression: 'attribute_not_exists(jobName)' }), (e) => e.name === 'DynamoDb.ConditionalCheckFailedException');
  table.deleteItem({ TableName: T, Key: slot('x'), ConditionExpression: 'attribute_exists(jobName)' });
  assert.equal(table.items.has('#slot#x'), false);
  assert.deepEqual(table.deleteItem({ TableName: T, Key: slot('x') }), {});
  assert.equal(table.deletes, 1);
  assert.throws(() => table.deleteItem({ TableName: T, Key: slot('x'), ConditionExpression: 'attribute_exists(jobName)' }, { service: 'DynamoDB' }), (e) => e.name === 'DynamoDB.ConditionalCheckFailedException', 'the optimized integration\'s name');
});

test('TransactWriteItems applies every action or none; a failed condition cancels it with a reason per item', () => {
  const table = new FakeTable({ tableName: T });
  table.updateItem(takeSlot(5));
  table.putItem({ TableName: T, Item: slot('a') });
  table.transactWriteItems(release('a'));
  assert.equal(table.items.has('#slot#a'), false);
  assert.equal(table.items.get('#window').inFlight, 0);
  // The second release of the same name: the slot is gone, so the window is not decremented either.
  assert.throws(() => table.transactWriteItems(release('a')), (e) => e.name === 'DynamoDb.TransactionCanceledException'
    && /\[ConditionalCheckFailed, None\]/.test(e.message)
    && e.cancellationReasons.length === 2 && e.cancellationReasons[0].Code === 'ConditionalCheckFailed' && e.cancellationReasons[1].Code === 'None');
  assert.equal(table.items.get('#window').inFlight, 0, 'nothing applied');
  // ConditionCheck and Put in one transaction.
  table.transactWriteItems({ TransactItems: [
    { ConditionCheck: { TableName: T, Key: windowKey, ConditionExpression: 'inFlight < :w', ExpressionAttributeValues: { ':w': { N: '1' } } } },
    { Put: { TableName: T, Item: slot('b'), ConditionExpression: 'attribute_not_exists(jobName)' } },
  ] });
  assert.equal(table.items.has('#slot#b'), true);
  assert.throws(() => table.transactWriteItems({ TransactItems: [{ Put: { TableName: T, Item: slot('c') } }, { Delete: { TableName: T, Key: slot('c') } }] }),
    (e) => e.name === 'DynamoDb.ValidationException' && /multiple operations on one item/.test(e.message));
  assert.throws(() => table.transactWriteItems({ TransactItems: [] }), (e) => e.name === 'DynamoDb.ValidationException');
  assert.throws(() => table.transactWriteItems({ TransactItems: [{ Put: { TableName: 'other', Item: slot('d') } }] }), /expected the metadata table/);
});
