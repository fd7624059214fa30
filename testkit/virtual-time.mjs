// Virtual time for running state machines locally, on @sinonjs/fake-timers: aws-local-stepfunctions
// sleeps with the global setTimeout (Wait states, Retry back-off, task and execution timeouts) and
// stamps events with Date.now(). Installed, these read a virtual clock that jumps to the next timer
// whenever the process has nothing else to do, so hours of waiting take milliseconds and every run is
// the same (Math.random, used for retry jitter, is seeded too: fake-timers leaves it alone).
import FakeTimers from '@sinonjs/fake-timers';
import { seededRandom } from './random.mjs';

const timers = FakeTimers.withGlobal(globalThis);
const real = { setImmediate: globalThis.setImmediate, random: Math.random };
// Only what the interpreter and the stand-ins use for time; setImmediate, process.nextTick,
// queueMicrotask and performance stay real: run() needs them to let promise work settle, and the
// benchmarks report wall-clock time with performance.now().
const FAKED = ['setTimeout', 'clearTimeout', 'Date'];

/**
 * A virtual clock. `install()` replaces setTimeout, clearTimeout, Date and Math.random;
 * `run(promise)` drives timers until the promise settles; `uninstall()` restores the originals.
 * Only in-process work may be pending while it runs: the clock moves on as soon as the process is
 * idle, so real I/O (a child process, a socket) would see hours pass in an instant.
 */
export class VirtualTime {
  #clock = null;
  #now;

  /** @param {{ start?: number, seed?: number }} options start: epoch milliseconds; seed: for Math.random. */
  constructor({ start = Date.parse('2026-11-23T09:00:00.000Z'), seed = 1 } = {}) {
    this.start = start;
    this.#now = start;
    this.random = seededRandom(seed);
  }

  /** Epoch milliseconds on the virtual clock. */
  get now() {
    return this.#clock ? this.#clock.now : this.#now;
  }

  /** Seconds since the clock started. */
  get elapsedSeconds() {
    return (this.now - this.start) / 1000;
  }

  install() {
    if (this.#clock) throw new Error('virtual time is already installed');
    this.#clock = timers.install({ now: this.#now, toFake: FAKED });
    Math.random = this.random;
    return this;
  }

  uninstall() {
    if (this.#clock) {
      this.#now = this.#clock.now;
      this.#clock.uninstall();
      this.#clock = null;
    }
    Math.random = real.random;
  }

  /**
   * Fires timers one at a time in time order (equal times in the order they were set), letting all
   * promise work settle between two, until `promise` settles.
   */
  async run(promise) {
    if (!this.#clock) throw new Error('install() the virtual clock before run()');
    let settled = false;
    const outcome = Promise.resolve(promise).finally(() => {
      settled = true;
    });
    outcome.catch(() => {});
    for (;;) {
      await new Promise((resolve) => real.setImmediate(resolve));
      if (settled) return outcome;
      if (this.#clock.countTimers() === 0) throw new Error('virtual time: nothing left to run, but the awaited work has not settled');
      this.#clock.next();
    }
  }
}
