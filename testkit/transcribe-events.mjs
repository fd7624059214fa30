// "Transcribe Job State Change" events as EventBridge delivers them to a subscriber: one when a job
// reaches COMPLETED or FAILED (none for QUEUED or IN_PROGRESS), best effort: after a latency drawn
// uniformly from [minMs, maxMs], and lost either each at `lossRate` or, with `lossShare`, exactly that
// share of them, all from seeded generators, so a run is the same every time. Latency is measured on
// the global clock (VirtualTime, when installed).
import { eventBridgeEvent } from './events.mjs';
import { uuidOf } from './ids.mjs';
import { seededRandom } from './random.mjs';

export const DETAIL_TYPE = 'Transcribe Job State Change';
export const SOURCE = 'aws.transcribe';
const FINAL = ['COMPLETED', 'FAILED'];

/** The event Transcribe sends when the job `name` reached `status` at `atMs` (epoch ms). */
export function jobStateChangeEvent({ name, status, failureReason, atMs }) {
  if (!FINAL.includes(status)) throw new Error(`Transcribe sends no state-change event for ${status}`);
  return eventBridgeEvent({
    id: uuidOf(`transcribe-event/${name}/${status}`),
    detailType: DETAIL_TYPE,
    source: SOURCE,
    time: new Date(atMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    resources: [],
    detail: {
      TranscriptionJobName: name,
      TranscriptionJobStatus: status,
      ...(status === 'FAILED' ? { FailureReason: failureReason } : {}),
    },
  });
}

/**
 * Delivers events to `subscriber(event)` after a seeded latency, or loses them. `sent` holds
 * { event, sentAt, latencyMs, deliveredAt } per delivered event, `lost` the events never delivered.
 * Loss, one of:
 * - `lossRate`: each event is lost with that probability (so a few jobs may lose more or less);
 * - `lossShare`: exactly that share of the events is lost, spread evenly through them from a seeded
 *   offset: after n events, round-down(n x share) or one more are lost (0.1: one of every ten).
 * Either way the n-th event gets the same latency for the same seed, whatever is lost.
 */
export class EventDelivery {
  constructor({ subscriber, latency: { minMs = 0, maxMs = minMs } = {}, lossRate = 0, lossShare = null, seed = 1 }) {
    if (typeof subscriber !== 'function') throw new Error('EventDelivery needs a subscriber function');
    if (!(Number.isInteger(minMs) && Number.isInteger(maxMs) && minMs >= 0 && maxMs >= minMs)) throw new Error(`latency needs whole 0 <= minMs <= maxMs, not ${minMs}..${maxMs}`);
    if (!(lossRate >= 0 && lossRate <= 1)) throw new Error(`lossRate must be within 0..1, not ${lossRate}`);
    if (lossShare !== null && !(lossShare >= 0 && lossShare <= 1)) throw new Error(`lossShare must be within 0..1, not ${lossShare}`);
    if (lossShare !== null && lossRate > 0) throw new Error('give lossRate or lossShare, not both');
    Object.assign(this, { subscriber, minMs, maxMs, lossRate, lossShare });
    this.random = seededRandom(seed);
    // Its own generator: the offset does not shift the latencies drawn by `random`.
    this.offset = seededRandom(seed ^ 0x9e3779b9)();
    this.sent = [];
    this.lost = [];
  }

  send(event) {
    // Both numbers are drawn for every event, so a loss does not shift the latencies of the others.
    const lost = this.#loses(this.random());
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

  /** Whether the next event is lost: by its own draw at `lossRate`, or by its place with `lossShare`. */
  #loses(draw) {
    if (this.lossShare === null) return draw < this.lossRate;
    const n = this.sent.length + this.lost.length;
    return Math.floor((n + 1) * this.lossShare + this.offset) > Math.floor(n * this.lossShare + this.offset);
  }
}
