// "Transcribe Job State Change" events as EventBridge delivers them to a subscriber: one when a job
// reaches COMPLETED or FAILED (none for QUEUED or IN_PROGRESS), best effort: after a latency drawn
// uniformly from [minMs, maxMs], and lost at `lossRate`, both from a seeded generator, so a run is
// the same every time. Latency is measured on the global clock (VirtualTime, when installed).
import { ACCOUNT, REGION } from './templates.mjs';
import { uuidOf } from './ids.mjs';
import { seededRandom } from './random.mjs';

export const DETAIL_TYPE = 'Transcribe Job State Change';
export const SOURCE = 'aws.transcribe';
const FINAL = ['COMPLETED', 'FAILED'];

/** The event Transcribe sends when the job `name` reached `status` at `atMs` (epoch ms). */
export function jobStateChangeEvent({ name, status, failureReason, atMs }) {
  if (!FINAL.includes(status)) throw new Error(`Transcribe sends no state-change event for ${status}`);
  return {
    version: '0',
    id: uuidOf(`transcribe-event/${name}/${status}`),
    'detail-type': DETAIL_TYPE,
    source: SOURCE,
    account: ACCOUNT,
    time: new Date(atMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: REGION,
    resources: [],
    detail: {
      TranscriptionJobName: name,
      TranscriptionJobStatus: status,
      ...(status === 'FAILED' ? { FailureReason: failureReason } : {}),
    },
  };
}

/**
 * Delivers events to `subscriber(event)` after a seeded latency, or loses them. `sent` holds
 * { event, sentAt, latencyMs, deliveredAt } per delivered event, `lost` the events never delivered.
 */
export class EventDelivery {
  constructor({ subscriber, latency: { minMs = 0, maxMs = minMs } = {}, lossRate = 0, seed = 1 }) {
    if (typeof subscriber !== 'function') throw new Error('EventDelivery needs a subscriber function');
    if (!(Number.isInteger(minMs) && Number.isInteger(maxMs) && minMs >= 0 && maxMs >= minMs)) throw new Error(`latency needs whole 0 <= minMs <= maxMs, not ${minMs}..${maxMs}`);
    if (!(lossRate >= 0 && lossRate <= 1)) throw new Error(`lossRate must be within 0..1, not ${lossRate}`);
    Object.assign(this, { subscriber, minMs, maxMs, lossRate });
    this.random = seededRandom(seed);
    this.sent = [];
    this.lost = [];
  }

  send(event) {
    // Both numbers are drawn for every event, so a loss does not shift the latencies of the others.
    const lost = this.random() < this.lossRate;
    const latencyMs = this.minMs + Math.floor(this.random() * (this.maxMs - this.minMs + 1));
    if (lost) {
      this.lost.push(event);
      return;
    }
    const delivery = { event, sentAt: Date.now(), latencyMs, deliveredAt: null };
    this.sent.push(delivery);
    const deliver = () => {
      delivery.deliveredAt = Date.now();
      this.subscriber(event);
    };
    // After the call that ended the job, never inside it. A zero delay is not a timer: a timer set
    // while another fires (a job ending by time) would be due 1 ms later.
    if (latencyMs === 0) queueMicrotask(deliver);
    else setTimeout(deliver, latencyMs);
  }
}
