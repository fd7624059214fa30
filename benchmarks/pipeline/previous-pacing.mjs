// The polling plans of the previous design (before the finished-job sweep, at commit c77a163), the
// baseline the benchmarks compare with: PollPacing's paced waits then, with that commit's settings.
// The C# code now plans backstop waits (3 h), so the old pacing is kept here, for the baseline only:
// the first poll a tenth after the expected end (at least 10 s, at most 300 s), then each wait 10 s
// plus a tenth of the time waited, up to 300 s, the last ending at the give-up time. Not jittered
// (the old plans shortened later waits by up to 10% per job; unjittered waits are at most that longer).
export const PREVIOUS_PACING = { minIntervalSeconds: 10, maxIntervalSeconds: 300, growthFraction: 0.1 };

/** The previous design's polling plan of a job expected to take `expectedJobSeconds`, giving up after `givesUpAfterSeconds`. */
export function previousPollingPlan(expectedJobSeconds, givesUpAfterSeconds, { minIntervalSeconds, maxIntervalSeconds, growthFraction } = PREVIOUS_PACING) {
  const clamp = (n) => Math.min(Math.max(n, minIntervalSeconds), maxIntervalSeconds);
  const waits = [];
  let waited = 0;
  let next = clamp(Math.ceil(expectedJobSeconds * (1 + growthFraction)));
  while (waited < givesUpAfterSeconds) {
    next = Math.min(next, givesUpAfterSeconds - waited);
    waits.push(next);
    waited += next;
    next = Math.max(minIntervalSeconds, Math.min(minIntervalSeconds + Math.ceil(waited * growthFraction), maxIntervalSeconds));
  }
  return { waitSeconds: waits[0], laterWaitSeconds: waits.slice(1), laterPolls: waits.length - 1, laterPollsMade: 0, givesUpAfterSeconds };
}

/** The planner's answers with their polling plans replaced by the previous design's. */
export function withPreviousPlans(plans) {
  return new Map([...plans].map(([key, plan]) => [key, plan.polling ? { ...plan, polling: previousPollingPlan(plan.expectedJobSeconds, plan.polling.givesUpAfterSeconds) } : plan]));
}
