// Upload events and their job plans, computed by the real C# job planner before any virtual-time run.

import { Planner } from '../../testkit/planner.mjs';
import { uploadEvent } from '../../testkit/events.mjs';

/** Bytes of 128 kbit/s mp3 per second of audio (the planner's estimate for the mp3 format). */
const MP3_BYTES_PER_SECOND = 128_000 / 8;

/**
 * An mp3 upload the planner expects to take `expectedJobSeconds` to transcribe, using the
 * template's JOB_SECONDS_PER_AUDIO_SECOND: the size is the audio that takes that long.
 */
export function uploadExpectedToTake(workflow, key, expectedJobSeconds) {
  const ratio = Number(workflow.plannerEnvironment.JOB_SECONDS_PER_AUDIO_SECOND);
  return uploadEvent(workflow, key, { size: Math.round((expectedJobSeconds / ratio) * MP3_BYTES_PER_SECOND) });
}

/** Plans every event with the real planner (the template's settings); key -> plan. */
export async function planAll(workflow, events) {
  const planner = new Planner(workflow.plannerEnvironment);
  try {
    const plans = await Promise.all(events.map((event) => planner.plan(event)));
    return new Map(events.map((event, i) => [event.detail.object.key, plans[i]]));
  } finally {
    await planner.close();
  }
}
