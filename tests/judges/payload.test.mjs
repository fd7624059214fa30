// Self-tests of the payload model's rules (payload.mjs, dataflow.mjs): paths, nested intrinsics and an inline Map's
// iterations. Each bound must move with what bounds it, or a green judge proves nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillTemplate, readPath } from './dataflow.mjs';
import { worstPayload } from './payload.mjs';

test('paths with [n] and [*] read as Step Functions reads them', () => {
  const data = { waiting: { items: [{ jobName: { S: 'a' } }, { jobName: { S: 'b' } }] } };
  assert.deepEqual(readPath(data, '$.waiting.items[*].jobName.S', {}), ['a', 'b']);
  assert.equal(readPath(data, '$.waiting.items[1].jobName.S', {}), 'b');
  assert.equal(readPath(data, '$.waiting.items[2].jobName.S', {}), undefined);
  assert.deepEqual(readPath(data, '$.waiting.missing[*].x', {}), []);
  assert.throws(() => readPath(data, '$.waiting.items[?(@.x)]', {}), /only \$\.a\.b paths/);
});

test('nested intrinsic calls get their own arguments', () => {
  const calls = [];
  const call = (name, args) => { calls.push([name, args]); return name === 'States.ArrayLength' ? args[0].length : name === 'States.MathAdd' ? args[0] + args[1] : args[0][args[1]]; };
  const filled = fillTemplate({ 'last.$': 'States.ArrayGetItem($.l, States.MathAdd(States.ArrayLength($.l), -1))' }, { l: ['x', 'y', 'z'] }, {}, call);
  assert.deepEqual(filled, { last: 'z' });
  assert.deepEqual(calls.map(([name]) => name), ['States.ArrayLength', 'States.MathAdd', 'States.ArrayGetItem']);
});

/** A definition whose Map runs `processor` over $.items, each iteration's input selected as { item, note }. */
const mapOver = (processor, resultPath = null, selector = { 'item.$': '$$.Map.Item.Value', 'note.$': '$.note' }) => ({
  StartAt: 'Map',
  States: {
    Map: {
      Type: 'Map', ItemsPath: '$.items', ResultPath: resultPath, End: true, ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, ...processor },
      ItemSelector: selector,
    },
  },
});
const noResults = () => assert.fail('no Task here');

test('a Map\'s iterations are measured: its item processor runs on the ItemSelector filled with each item', () => {
  const copies = (n) => ({ StartAt: 'Grow', States: { Grow: { Type: 'Pass', Parameters: Object.fromEntries(Array.from({ length: n }, (_, i) => [`c${i}.$`, '$.note'])), End: true } } });
  const input = { items: ['a', 'b'], note: 'n'.repeat(1000) };
  const worst = worstPayload(mapOver(copies(300)), noResults, input);
  assert.match(worst.what, /^output of "Map \/ Grow"$/);
  assert.ok(worst.bytes > 300 * 1000, `${worst.bytes}`);
  assert.ok(worstPayload(mapOver(copies(301)), noResults, input).bytes > worst.bytes);
  // The iteration's input is the selector's, filled with the item, not the item alone.
  const selected = worstPayload(mapOver({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }, null, { 'item.$': '$$.Map.Item.Value', 'note.$': '$.note', 'again.$': '$.note' }), noResults, input);
  assert.equal(selected.what, 'input of "Map / Done"');
  assert.deepEqual(selected.value, { item: 'a', note: input.note, again: input.note }); // both items alike: the first measured
});

test('a Map\'s result is an output an item, placed at its ResultPath; a distributed Map is not modelled', () => {
  const echo = { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } };
  const input = { items: Array(50).fill('i'.repeat(100)), note: 'n'.repeat(100) };
  const worst = worstPayload(mapOver(echo, '$.results'), noResults, input);
  assert.equal(worst.what, 'output of "Map"');
  assert.equal(worst.value.results.length, 50);
  assert.deepEqual(worst.value.results[0], { item: 'i'.repeat(100), note: 'n'.repeat(100) });
  const distributed = mapOver(echo);
  distributed.States.Map.ItemReader = { Resource: 'arn:aws:states:::s3:getObject' };
  assert.throws(() => worstPayload(distributed, noResults, input), /a distributed Map \(ItemReader\) is not modelled/);
});
