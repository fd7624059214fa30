// The burst benchmark's own logic, kept apart so that it has self-tests: when the Firehose doorbell starts the
// admitter, the optimum a burst can drain in, and how each goal of issue #18 is judged from the figures.

/**
 * The times (epoch ms) the doorbell starts the admitter for uploads arriving at `arrivalsMs`: Firehose buffers
 * records for `bufferMs` from the first record of a buffer (the buffering interval; 128 MB is never reached by
 * tiny records) and then writes one object, whose Object Created event starts the admitter `deliveryMs` later.
 * One run per buffer that holds at least one upload; none while no upload arrives.
 */
export function doorbellRings(arrivalsMs, { bufferMs, deliveryMs }) {
  const sorted = [...arrivalsMs].sort((a, b) => a - b);
  const rings = [];
  let flushAt = -Infinity;
  for (const t of sorted) {
    if (t < flushAt) continue; // joins the open buffer
    flushAt = t + bufferMs;
    rings.push(flushAt + deliveryMs);
  }
  return rings;
}

/** The quota-bound optimum: ceil(uploads / concurrent jobs) rounds of one job length, in seconds. */
export function optimumSeconds(uploads, concurrentJobs, jobSeconds) {
  return Math.ceil(uploads / concurrentJobs) * jobSeconds;
}

/** The rate goals of #18 for one API: mean rate <= 50% of its quota, throttled calls <= 1% of calls. */
export const RATE_GOALS = { meanOfQuota: 0.5, throttledShare: 0.01 };

/**
 * { meanShare, meanMet, throttledShare, throttledMet } of an API's record (ApiCalls.summary()) against its quota in
 * requests a second; a quota of null (none published) meets the mean goal by definition and says so.
 */
export function rateVerdict(summary, quotaPerSecond) {
  const meanShare = quotaPerSecond ? summary.meanPerSecond / quotaPerSecond : null;
  const throttledShare = summary.calls ? summary.throttled / summary.calls : 0;
  return {
    meanShare,
    meanMet: meanShare === null ? true : meanShare <= RATE_GOALS.meanOfQuota,
    throttledShare,
    throttledMet: throttledShare <= RATE_GOALS.throttledShare,
  };
}

/** For each job whose completion event was lost: seconds from its end to its record ({ jobName, seconds|null }). */
export function lostEventDelays(lostJobNames, completedAtMs, recordedAtMs) {
  return lostJobNames.map((jobName) => {
    const ended = completedAtMs.get(jobName);
    const recorded = recordedAtMs.get(jobName);
    return { jobName, seconds: ended === undefined || recorded === undefined ? null : (recorded - ended) / 1000 };
  });
}

export const verdict = (met) => (met ? 'met' : 'NOT met');
