// A request-rate quota as AWS services publish them: a bucket of `size` requests (by default one second's),
// refilled continuously at `perSecond`; a request finds a token or is throttled. And the record of one API's
// calls against its quotas (ApiCalls): how many, how many throttled, and their mean and peak rates.
export class TokenBucket {
  constructor(perSecond, now, size = perSecond) {
    Object.assign(this, { perSecond, size, tokens: size, last: now });
  }

  /** Takes a token at time `now` (ms): false when the bucket is empty. */
  take(now) {
    if (this.perSecond === Infinity) return true;
    this.tokens = Math.min(this.size, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** The windows peak rates are reported over: any 1 second and any 60 seconds (of the clock the calls ran on). */
export const PEAK_WINDOWS_MS = { second: 1_000, minute: 60_000 };

/**
 * One API's calls, as a benchmark reports them: every request (`calls`), those refused by the rate quota
 * (`throttled`) and those refused by another quota (`refused`, e.g. Transcribe's job queue), each call's
 * time (epoch ms, on the installed clock: virtual under VirtualTime), so that `summary()` can say the mean
 * rate and the most calls in any 1-second and any 60-second window, of all requests and of those accepted.
 */
export class ApiCalls {
  constructor() {
    this.calls = 0;
    this.throttled = 0;
    this.refused = 0;
    this.times = []; // every request, in time order
    this.acceptedTimes = []; // the requests no quota refused (a scripted or validation error counts here)
  }

  /** A request at `now`: `throttled` by the rate quota, `refused` by another quota, or accepted. */
  record(now, { throttled = false, refused = false } = {}) {
    this.calls++;
    this.times.push(now);
    if (throttled) this.throttled++;
    else if (refused) this.refused++;
    else this.acceptedTimes.push(now);
  }

  /**
   * { calls, throttled, refused, meanPerSecond (calls over the span from the first to the last, at least
   * 1 s), peakPerSecond and peakPerMinute (the most calls in any 1-second and 60-second window), and the
   * same peaks of the accepted calls }.
   */
  summary() {
    const { calls, throttled, refused, times, acceptedTimes } = this;
    const spanSeconds = times.length ? Math.max(1, (times.at(-1) - times[0]) / 1000) : 1;
    return {
      calls,
      throttled,
      refused,
      meanPerSecond: calls / spanSeconds,
      peakPerSecond: peakInWindow(times, PEAK_WINDOWS_MS.second),
      peakPerMinute: peakInWindow(times, PEAK_WINDOWS_MS.minute),
      acceptedPeakPerSecond: peakInWindow(acceptedTimes, PEAK_WINDOWS_MS.second),
      acceptedPeakPerMinute: peakInWindow(acceptedTimes, PEAK_WINDOWS_MS.minute),
    };
  }
}

/** The most of `times` (ascending ms) that fall within any window [t, t + windowMs). */
export function peakInWindow(times, windowMs) {
  let peak = 0;
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while (times[last] - times[first] >= windowMs) first++;
    peak = Math.max(peak, last - first + 1);
  }
  return peak;
}
