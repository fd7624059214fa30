// Virtual time for running state machines locally: aws-local-stepfunctions sleeps with the global
// setTimeout (Wait states, Retry back-off, task and execution timeouts) and stamps events with
// Date.now(). Installed, these read a virtual clock that jumps to the next timer whenever the
// process has nothing else to do, so hours of waiting take milliseconds and every run is the same
// (Math.random, used for retry jitter, is seeded too).

const real = {
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setImmediate: globalThis.setImmediate,
  dateNow: Date.now,
  random: Math.random,
};

/** mulberry32: a small, well-distributed seeded generator in [0, 1). */
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Timers ordered by due time, then by the order they were set (a binary min-heap). */
class TimerQueue {
  #items = [];

  get size() {
    return this.#items.length;
  }

  push(timer) {
    const items = this.#items;
    items.push(timer);
    for (let i = items.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!TimerQueue.#before(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop() {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0) {
      items[0] = last;
      for (let i = 0; ;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && TimerQueue.#before(items[left], items[smallest])) smallest = left;
        if (right < items.length && TimerQueue.#before(items[right], items[smallest])) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest], items[i]];
        i = smallest;
      }
    }
    return top;
  }

  static #before(a, b) {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
}

/**
 * A virtual clock. `install()` replaces setTimeout, clearTimeout, Date.now and Math.random;
 * `run(promise)` drives timers until the promise settles; `uninstall()` restores the originals.
 * Only in-process work may be pending while it runs: the clock moves on as soon as the process is
 * idle, so real I/O (a child process, a socket) would see hours pass in an instant.
 */
export class VirtualTime {
  #queue = new TimerQueue();
  #seq = 0;
  #installed = false;

  /** @param {{ start?: number, seed?: number }} options start: epoch milliseconds; seed: for Math.random. */
  constructor({ start = Date.parse('2026-11-23T09:00:00.000Z'), seed = 1 } = {}) {
    this.now = start;
    this.start = start;
    this.random = seeded(seed);
  }

  /** Seconds since the clock started. */
  get elapsedSeconds() {
    return (this.now - this.start) / 1000;
  }

  install() {
    if (this.#installed) throw new Error('virtual time is already installed');
    this.#installed = true;
    globalThis.setTimeout = (callback, ms = 0, ...args) => {
      const timer = { at: this.now + Math.max(0, Number(ms) || 0), seq: this.#seq++, callback, args, cleared: false };
      this.#queue.push(timer);
      return { timer, ref() { return this; }, unref() { return this; }, hasRef: () => true };
    };
    globalThis.clearTimeout = (handle) => {
      if (handle?.timer) handle.timer.cleared = true;
      else real.clearTimeout(handle);
    };
    Date.now = () => this.now;
    Math.random = this.random;
    return this;
  }

  uninstall() {
    globalThis.setTimeout = real.setTimeout;
    globalThis.clearTimeout = real.clearTimeout;
    Date.now = real.dateNow;
    Math.random = real.random;
    this.#installed = false;
  }

  /** Fires timers in time order, letting all promise work settle between two, until `promise` settles. */
  async run(promise) {
    let settled = false;
    const outcome = Promise.resolve(promise).finally(() => {
      settled = true;
    });
    outcome.catch(() => {});
    for (;;) {
      await new Promise((resolve) => real.setImmediate(resolve));
      if (settled) return outcome;
      const timer = this.#nextTimer();
      if (!timer) throw new Error('virtual time: nothing left to run, but the awaited work has not settled');
      this.now = timer.at;
      timer.callback(...timer.args);
    }
  }

  #nextTimer() {
    while (this.#queue.size > 0) {
      const timer = this.#queue.pop();
      if (!timer.cleared) return timer;
    }
    return null;
  }
}
