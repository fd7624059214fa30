// Self-tests of the payload model's rules for the finished-job sweep (payload.mjs, dataflow.mjs): what a status-index
// Query and a ListTranscriptionJobs page return at their widest, and an inline Map's iterations. Each bound must move
// with what bounds it, or a green judge proves nothing. Templates come from $JUDGE_CDK_OUT (default cdk.out).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { ROOT, loadTemplate } from '../../testkit/templates.mjs';
import { fillTemplate, readPath, stateMachines } from './dataflow.mjs';
import { judgeLimits } from './limits.mjs';
import { bytes, results, worstPayload } from './payload.mjs';

const cdkOut = resolve(process.env.JUDGE_CDK_OUT ?? join(ROOT, 'cdk.out'));
let dev;
const template = () => structuredClone(dev ??= loadTemplate('dev', { cdkOut }));
const SWEEP = 'FinishedJobSweepStateMachine';
const sweepOf = (t) => stateMachines(t).find((m) => m.id.startsWith(SWEEP));
/** A state of a definition, or of a Map's item processor within it. */
const stateIn = (definition, name) => definition.States[name]
  ?? Object.values(definition.States).filter((s) => s.ItemProcessor).map((s) => stateIn(s.ItemProcessor, name)).find(Boolean);
const QUERY = 'arn:aws:states:::aws-sdk:dynamodb:query';
const LIST = 'arn:aws:states:::aws-sdk:transcribe:listTranscriptionJobs';

/** The widest result of the sweep's own request of `state`, with `change` applied to the request. */
function resultOf(stateName, change = {}) {
  const t = template();
  const state = stateIn(sweepOf(t).definition, stateName);
  return results(t)(state, new Map(), { ...state.Parameters, ...change });
}

/** The sweep's worst payload in bytes, with its definition's text edited by `edit`. */
function sweepPayload(edit = (text) => text) {
  const t = template();
  const { id, definition } = sweepOf(t);
  t.Resources[id].Properties.DefinitionString = edit(JSON.stringify(definition));
  const figure = judgeLimits(t, 'dev').figures.find((f) => f.startsWith(id) && /worst state payload/.test(f)) ?? assert.fail('no payload figure for the sweep');
  return Number(figure.match(/payload ([\d,]+) bytes/)[1].replace(/,/g, ''));
}

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

test('a Query returns Limit projected items and the table\'s and index\'s key, and grows with Limit', () => {
  const name = 'Find the jobs still waited for';
  const page = resultOf(name, { Limit: 10 });
  assert.equal(page.Items.length, 10);
  assert.deepEqual(Object.keys(page.Items[0]).sort(), ['jobName', 'updatedAt']);
  assert.equal(page.Items[0].jobName.S.length, 200);
  assert.equal(page.Items[0].updatedAt.S.length, '2022-05-04T12:33:13.922000-07:00'.length);
  assert.deepEqual(Object.keys(page.LastEvaluatedKey).sort(), ['jobName', 'status', 'updatedAt']);
  const item = bytes(page.Items[0]) + 1; // and its comma
  assert.equal(bytes(resultOf(name, { Limit: 11 })) - bytes(page), item); // Count and ScannedCount: 10 -> 11, as long
  assert.throws(() => resultOf(name, { Limit: undefined }), /Query without a Limit/);
  assert.throws(() => resultOf(name, { ProjectionExpression: undefined }), /Query without a ProjectionExpression/);
  assert.throws(() => resultOf(name, { ProjectionExpression: '#jobName, failureReason' }), /Query projects failureReason: no length bound/);
  assert.throws(() => resultOf(name, { Select: 'ALL_ATTRIBUTES' }), /Select ALL_ATTRIBUTES: not modelled/);
  assert.throws(() => resultOf(name, { IndexName: 'byOwner' }), /index byOwner: the table has none/);
});

test('a ListTranscriptionJobs page holds MaxResults widest summaries and a NextToken of 8,192 characters', () => {
  const name = "List this stack's newest jobs";
  const page = resultOf(name, { MaxResults: 3 });
  assert.equal(page.TranscriptionJobSummaries.length, 3);
  assert.equal(page.NextToken.length, 8192);
  assert.ok(['QUEUED', 'IN_PROGRESS', 'FAILED', 'COMPLETED'].includes(page.Status));
  const [summary] = page.TranscriptionJobSummaries;
  assert.equal(summary.TranscriptionJobName.length, 200);
  assert.equal(summary.FailureReason.length, 2048);
  assert.equal(summary.ToxicityDetection.length, 1);
  // This stack's jobs (JobNameContains its prefix): as many languages as the workflow identifies, one without identification.
  assert.equal(summary.LanguageCodes.length, 1);
  assert.equal(bytes(resultOf(name, { MaxResults: 4 })) - bytes(page), bytes(summary) + 1);
  assert.equal(resultOf(name, { MaxResults: undefined }).TranscriptionJobSummaries.length, 100); // absent: the largest page assumed
  assert.throws(() => resultOf(name, { MaxResults: 101 }), /MaxResults 101: at most 100/);
});

test('the sweep\'s worst payload grows with its Query Limit and its page size', () => {
  const at = (limit, maxResults) => sweepPayload((text) => text.replace('"Limit":400', `"Limit":${limit}`).replaceAll('"MaxResults":30', `"MaxResults":${maxResults}`));
  // One more waiting job: one more name (200 characters, quoted, a comma) in the state.
  assert.equal(at(11, 5) - at(10, 5), 203);
  // One more job a page: one more widest summary in the page (the page's oldest job is noted beside it).
  const summary = bytes(resultOf("List this stack's newest jobs", { MaxResults: 1 }).TranscriptionJobSummaries[0]);
  assert.equal(at(10, 6) - at(10, 5), summary + 1);
  assert.equal(sweepPayload(), at(400, 30));
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

test('the sweep\'s wake-up iteration is measured with the GetItem it reads', () => {
  const t = template();
  const { definition } = sweepOf(t);
  const map = stateIn(definition, 'Wake the executions of finished jobs');
  const iteration = { detail: { TranscriptionJobName: 'j'.repeat(200), TranscriptionJobStatus: 'COMPLETED' }, waitedFor: false };
  const worst = worstPayload(map.ItemProcessor, results(t), {}, { input: iteration, within: 'Wake the executions of finished jobs / ' });
  // The item read back (jobName 200, taskToken 2,048, status 64) beside the iteration's input.
  assert.match(worst.what, /"Wake the executions of finished jobs \/ (Look up the waiting execution|Is an execution waiting for the job\?)"/);
  assert.ok(worst.bytes > 2048 + 200 && worst.bytes < 10_000, `${worst.bytes}`);
});
