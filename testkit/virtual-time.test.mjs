// The virtual clock: timers in time order, promise work settled between them, a seeded Math.random,
// and aws-local-stepfunctions waiting hours in no time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StateMachine } from 'aws-local-stepfunctions';
import { VirtualTime } from './virtual-time.mjs';

async function withClock(action) {
  const clock = new VirtualTime({ start: 0 }).install();
  try {
    return await action(clock);
  } finally {
    clock.uninstall();
  }
}

test('timers fire in time order, equal times in the order they were set', async () => {
  const fired = await withClock((clock) => clock.run(new Promise((resolve) => {
    const order = [];
    setTimeout(() => order.push('b@20'), 20_000);
    setTimeout(() => order.push('a@10'), 10_000);
    setTimeout(() => order.push('c@20'), 20_000);
    setTimeout(() => resolve([...order, `done@${Date.now()}`]), 30_000);
  })));

  assert.deepEqual(fired, ['a@10', 'b@20', 'c@20', 'done@30000']);
});

test('a cleared timer never fires; timers set by timers run at their own time', async () => {
  const seen = await withClock((clock) => clock.run(new Promise((resolve) => {
    const seenAt = [];
    const cancelled = setTimeout(() => seenAt.push('cancelled'), 5_000);
    clearTimeout(cancelled);
    setTimeout(() => {
      seenAt.push(Date.now());
      setTimeout(() => resolve([...seenAt, Date.now()]), 0);
      setTimeout(() => seenAt.push('late'), 1_000);
    }, 1_000);
  })));

  // fake-timers, like Node (where a delay below 1 ms is 1 ms), makes a zero delay set while a timer
  // fires due 1 ms later; one set from promise work, as the interpreter sets its timers, is not (below).
  assert.deepEqual(seen, [1_000, 1_001]);
});

test('a zero delay set from promise work after a timer runs at that timer\'s time', async () => {
  const at = await withClock((clock) => clock.run(new Promise((resolve) => {
    setTimeout(async () => {
      await Promise.resolve();
      setTimeout(() => resolve(Date.now()), 0);
    }, 1_000);
  })));

  assert.equal(at, 1_000);
});

test('promise work between timers settles before the clock moves', async () => {
  const result = await withClock((clock) => clock.run((async () => {
    const at = [];
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 60_000));
      await Promise.resolve();
      at.push(Date.now());
    }
    return at;
  })()));

  assert.deepEqual(result, [60_000, 120_000, 180_000]);
});

test('work that can never settle is reported instead of hanging', async () => {
  await withClock(async (clock) => {
    await assert.rejects(clock.run(new Promise(() => {})), /nothing left to run/);
  });
});

test('Math.random is seeded: the same seed gives the same numbers', async () => {
  const draw = async (seed) => {
    const clock = new VirtualTime({ seed }).install();
    try {
      return [Math.random(), Math.random(), Math.random()];
    } finally {
      clock.uninstall();
    }
  };

  assert.deepEqual(await draw(7), await draw(7));
  assert.notDeepEqual(await draw(7), await draw(8));
  assert.ok((await draw(7)).every((x) => x >= 0 && x < 1));
});

test('an aws-local-stepfunctions Wait of an hour takes virtual time only', async () => {
  const machine = new StateMachine({ StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 3600, Next: 'Done' }, Done: { Type: 'Succeed' } } });
  const started = performance.now();

  const [output, elapsed] = await withClock(async (clock) => [await clock.run(machine.run({ ok: true }).result), clock.elapsedSeconds]);

  assert.deepEqual(output, { ok: true });
  assert.equal(elapsed, 3600);
  assert.ok(performance.now() - started < 5_000, 'no real waiting');
});

test('uninstall restores the real clock', () => {
  const realNow = Date.now;
  const clock = new VirtualTime({ start: 0 }).install();
  assert.equal(Date.now(), 0);
  clock.uninstall();
  assert.equal(Date.now, realNow);
  assert.ok(Date.now() > Date.parse('2020-01-01'));
});
