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

/** Plans every event with the real planner (the template's settings), named as the admitter names it; key -> plan. */
export async function planAll(workflow, events) {
  const planner = new Planner(workflow.plannerEnvironment);
  try {
    const plans = await Promise.all(events.map(async (event) => (await planner.nameAndPlan(event)).plan));
    return new Map(events.map((event, i) => [event.detail.object.key, plans[i]]));
  } finally {
    await planner.close();
  }
}

/**
 * For each length in minutes, `count` uploads the planner expects to take exactly that long (each
 * its own key, so each its own job name and jittered plan), planned by the real planner; checked.
 * Returns { uploads: Map(minutes -> events), plans }.
 */
export async function uploadsOfLengths(workflow, minutesList, count) {
  const uploads = new Map(minutesList.map((m) => [m, Array.from({ length: count }, (_, i) => uploadExpectedToTake(workflow, `media/job-${m}-min-${i}.mp3`, m * 60))]));
  const plans = await planAll(workflow, [...uploads.values()].flat());
  for (const [m, events] of uploads) {
    for (const event of events) {
      const expected = plans.get(event.detail.object.key).expectedJobSeconds;
      if (Math.abs(expected - m * 60) > 1) throw new Error(`the planner expects ${expected} s for the ${m}-minute upload ${event.detail.object.key}`);
    }
  }
  return { uploads, plans };
}
