// A rate quota as a token bucket, and the record of an API's calls: its peaks in any 1-second and
// 60-second window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiCalls, TokenBucket, peakInWindow } from './token-bucket.mjs';

test('a bucket answers its size at once, then throttles until it refills at its rate', () => {
  const bucket = new TokenBucket(150, 0, 800);
  const taken = (now, n) => Array.from({ length: n }, () => bucket.take(now)).filter(Boolean).length;

  assert.equal(taken(0, 1_000), 800);
  assert.equal(taken(1_000, 1_000), 150, 'one second refills 150');
  assert.equal(taken(60_000, 10_000), 800, 'never more than the bucket, however long it rested');
});

test('without a rate every request finds a token', () => {
  const bucket = new TokenBucket(Infinity, 0);
  assert.ok(Array.from({ length: 10_000 }, () => bucket.take(0)).every(Boolean));
});

test('the peak counts the most calls within any window, not per calendar second', () => {
  // 3 calls just before 1 s and 3 just after: no calendar second holds more than 3, one window holds 6.
  const times = [900, 950, 990, 1_000, 1_010, 1_050, 5_000];
  assert.equal(peakInWindow(times, 1_000), 6);
  assert.equal(peakInWindow(times, 60_000), 7);
  assert.equal(peakInWindow([], 1_000), 0);
  assert.equal(peakInWindow([0, 1_000], 1_000), 1, 'a window is [t, t + 1 s)');
});

test('an API\'s record: calls, throttled, refused and the accepted calls\' peaks apart from all requests', () => {
  const calls = new ApiCalls();
  for (let i = 0; i < 10; i++) calls.record(i * 10, { throttled: i >= 6 });
  calls.record(2_000, { refused: true });

  const summary = calls.summary();
  assert.deepEqual(
    [summary.calls, summary.throttled, summary.refused, summary.peakPerSecond, summary.acceptedPeakPerSecond, summary.peakPerMinute, summary.meanPerSecond],
    [11, 4, 1, 10, 6, 11, 5.5],
  );
});
