import { test } from 'node:test';
import assert from 'node:assert/strict';
import { doorbellRings, optimumSeconds, rateVerdict, lostEventDelays } from './intake.mjs';

test('the doorbell starts one admitter per Firehose buffer that holds uploads, a delivery after its flush', () => {
  const at = (s) => s * 1000;
  assert.deepEqual(doorbellRings([], { bufferMs: 5000, deliveryMs: 2000 }), [], 'nothing runs while idle');
  assert.deepEqual(doorbellRings(Array(50_000).fill(0), { bufferMs: 5000, deliveryMs: 2000 }), [at(7)], '50,000 at once: one ring');
  assert.deepEqual(doorbellRings([at(0), at(4.9), at(5), at(30)], { bufferMs: 5000, deliveryMs: 2000 }), [at(7), at(12), at(37)]);
  assert.deepEqual(doorbellRings([at(30), at(0)], { bufferMs: 5000, deliveryMs: 0 }), [at(5), at(35)], 'arrivals in any order');
});

test('the optimum is whole rounds of the concurrent-job quota', () => {
  assert.equal(optimumSeconds(50_000, 250, 300), 200 * 300);
  assert.equal(optimumSeconds(1_001, 250, 300), 5 * 300);
});

test('rate goals: mean at most half the quota, at most 1% throttled; no quota published is said, not judged', () => {
  assert.deepEqual(rateVerdict({ calls: 1000, throttled: 10, meanPerSecond: 12.5 }, 25), { meanShare: 0.5, meanMet: true, throttledShare: 0.01, throttledMet: true });
  const over = rateVerdict({ calls: 1000, throttled: 11, meanPerSecond: 13 }, 25);
  assert.equal(over.meanMet, false);
  assert.equal(over.throttledMet, false);
  assert.equal(rateVerdict({ calls: 5, throttled: 0, meanPerSecond: 1e6 }, null).meanShare, null);
});

test('a lost event\'s job is measured from its end to its record; one never recorded has no figure', () => {
  const delays = lostEventDelays(['a', 'b'], new Map([['a', 1000], ['b', 0]]), new Map([['a', 241_000]]));
  assert.deepEqual(delays, [{ jobName: 'a', seconds: 240 }, { jobName: 'b', seconds: null }]);
});
