// SQS in memory: the failure dead-letter queue (sendMessage: SendMessage through the optimized integration
// onto a plain array of { queueUrl, messageBody, body (parsed), messageId }) and a queue with SQS's receive
// semantics (FakeQueue: the intake, which the admitter receives from).
import { createHash } from 'node:crypto';
import { serviceError, scriptedServiceError } from './errors.mjs';
import { uuidOf } from './ids.mjs';
import { ApiCalls } from './token-bucket.mjs';

/** SendMessage to `queue`, which must be `expectedUrl`. `errors`: scripted SQS error codes, used up one per call. */
export function sendMessage(queue, expectedUrl, request, errors = []) {
  if (request.QueueUrl !== expectedUrl) throw new Error(`SendMessage to '${request.QueueUrl}', expected the failure queue '${expectedUrl}'`);
  const scripted = errors.shift();
  if (scripted) throw scriptedServiceError('SQS', scripted, 500);
  // The optimized integration serializes a JSON MessageBody to text.
  const messageBody = typeof request.MessageBody === 'string' ? request.MessageBody : JSON.stringify(request.MessageBody);
  if (Buffer.byteLength(messageBody) > 256 * 1024) throw serviceError('SQS', 'InvalidParameterValueException', 'One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.');
  const messageId = uuidOf(`message/${expectedUrl}/${queue.length}/${messageBody}`);
  queue.push({ queueUrl: request.QueueUrl, messageBody, body: JSON.parse(messageBody), messageId });
  return { MessageId: messageId, MD5OfMessageBody: createHash('md5').update(messageBody).digest('hex') };
}

/** ReceiveMessage's bounds (SQS API reference): 1 to 10 messages, a wait of 0 to 20 s, a visibility of 0 to 12 hours. */
const MAX_MESSAGES = 10;
const MAX_WAIT_SECONDS = 20;
const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * A standard SQS queue in memory, as the AWS SDK integration (arn:aws:states:::aws-sdk:sqs:*) calls it; errors
 * are named "Sqs.<Code>Exception". Time is Date.now(): under VirtualTime, the virtual clock.
 * - SendMessage (DelaySeconds); ReceiveMessage (MaxNumberOfMessages, VisibilityTimeout, WaitTimeSeconds: a long
 *   poll waits on the clock for a message to become visible, unless `longPolling: false`, which answers at once as
 *   the zero-wait tests need); each receive counts (ApproximateReceiveCount) and hides the message until its
 *   visibility timeout passes; a receive that would exceed `maxReceiveCount` moves the message to `deadLetterQueue`
 *   (another FakeQueue) instead, as the redrive policy does.
 * - DeleteMessage and ChangeMessageVisibility by the receipt handle of the latest receive (an older handle of a
 *   message received again deletes nothing, as SQS documents; ChangeMessageVisibility of a visible message is
 *   MessageNotInflight).
 * - ApproximateNumberOfMessages (visible), ...NotVisible (in flight or delayed), the oldest message's age (the
 *   CloudWatch metric ApproximateAgeOfOldestMessage). `apiCalls`: every request, by time, for the benchmarks.
 */
export class FakeQueue {
  constructor({ queueUrl, visibilityTimeoutSeconds = 30, maxReceiveCount = null, deadLetterQueue = null, longPolling = true } = {}) {
    if (!queueUrl) fail('FakeQueue needs { queueUrl }');
    if (maxReceiveCount !== null && !deadLetterQueue) fail('a maxReceiveCount needs a deadLetterQueue');
    Object.assign(this, { queueUrl, visibilityTimeoutSeconds, maxReceiveCount, deadLetterQueue, longPolling });
    this.messages = new Map(); // messageId -> { messageId, body, sentAt, visibleAt, receiveCount, receiptHandle }
    this.sent = 0;
    this.deleted = 0;
    this.redriven = 0;
    this.apiCalls = new ApiCalls();
    this.pollers = new Set(); // long polls waiting for a message: () => void
  }

  sendMessage(request) {
    this.#request(request);
    const body = typeof request.MessageBody === 'string' ? request.MessageBody : JSON.stringify(request.MessageBody);
    if (!body) throw sqsError('MissingParameter', 'The request must contain the parameter MessageBody.');
    if (Buffer.byteLength(body) > 256 * 1024) throw sqsError('InvalidParameterValue', 'One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.');
    const delay = request.DelaySeconds ?? 0;
    if (!Number.isInteger(delay) || delay < 0 || delay > 900) throw sqsError('InvalidParameterValue', `Value ${delay} for parameter DelaySeconds is invalid. Reason: must be between 0 and 900.`);
    const messageId = uuidOf(`message/${this.queueUrl}/${++this.sent}`);
    const now = Date.now();
    this.messages.set(messageId, { messageId, body, sentAt: now, visibleAt: now + delay * 1000, receiveCount: 0, receiptHandle: null, handles: 0 });
    this.#wakePollers();
    return { MessageId: messageId, MD5OfMessageBody: md5(body) };
  }

  /** { Messages: [...] } with at most MaxNumberOfMessages visible messages, or {} (after the long poll, if any). */
  receiveMessage(request) {
    this.#request(request);
    const max = request.MaxNumberOfMessages ?? 1;
    if (!Number.isInteger(max) || max < 1 || max > MAX_MESSAGES) throw sqsError('InvalidParameterValue', `Value ${max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`);
    const wait = request.WaitTimeSeconds ?? 0;
    if (!Number.isInteger(wait) || wait < 0 || wait > MAX_WAIT_SECONDS) throw sqsError('InvalidParameterValue', `Value ${wait} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`);
    const visibility = request.VisibilityTimeout ?? this.visibilityTimeoutSeconds;
    checkVisibility(visibility);
    const received = this.#take(max, visibility);
    if (received.length || wait === 0 || !this.longPolling) return answer(received);
    // A long poll: the first message that becomes visible (sent, or its visibility timeout passed) within the wait.
    return new Promise((resolve) => {
      const deadline = Date.now() + wait * 1000;
      const timers = [];
      const done = () => {
        const now = Date.now();
        const taken = this.#take(max, visibility);
        if (!taken.length && now < deadline) return schedule();
        this.pollers.delete(done);
        timers.forEach(clearTimeout);
        resolve(answer(taken));
      };
      const schedule = () => {
        const next = Math.min(deadline, this.#nextVisibleAt());
        timers.push(setTimeout(done, Math.max(0, next - Date.now())));
      };
      this.pollers.add(done);
      schedule();
    });
  }

  deleteMessage(request) {
    this.#request(request);
    const message = this.#byHandle(request.ReceiptHandle);
    // A deleted message's handle deletes nothing and succeeds; so does an older handle of a message received again.
    if (message && message.receiptHandle === request.ReceiptHandle) {
      this.messages.delete(message.messageId);
      this.deleted++;
    }
    return {};
  }

  changeMessageVisibility(request) {
    this.#request(request);
    checkVisibility(request.VisibilityTimeout);
    const message = this.#byHandle(request.ReceiptHandle);
    const now = Date.now();
    if (!message || message.receiptHandle !== request.ReceiptHandle || message.visibleAt <= now) {
      throw sqsError('MessageNotInflight', 'The message referred to is not in flight.');
    }
    message.visibleAt = now + request.VisibilityTimeout * 1000;
    if (request.VisibilityTimeout === 0) this.#wakePollers();
    return {};
  }

  /** Messages a receive could get now (ApproximateNumberOfMessages). */
  get approximateNumberOfMessages() {
    const now = Date.now();
    return [...this.messages.values()].filter((m) => m.visibleAt <= now).length;
  }

  /** Messages in flight or delayed (ApproximateNumberOfMessagesNotVisible). */
  get approximateNumberOfMessagesNotVisible() {
    return this.messages.size - this.approximateNumberOfMessages;
  }

  /** Seconds since the oldest message still in the queue was sent (ApproximateAgeOfOldestMessage); 0 when empty. */
  get oldestMessageAgeSeconds() {
    let oldest = Infinity;
    for (const m of this.messages.values()) oldest = Math.min(oldest, m.sentAt);
    return oldest === Infinity ? 0 : (Date.now() - oldest) / 1000;
  }

  /** The body (text) of every message in the queue, in the order they were sent. */
  get bodies() {
    return [...this.messages.values()].map((m) => m.body);
  }

  #request(request) {
    this.apiCalls.record(Date.now());
    if (request?.QueueUrl !== this.queueUrl) fail(`a request to '${request?.QueueUrl}', expected the queue '${this.queueUrl}'`);
  }

  #take(max, visibility) {
    const now = Date.now();
    const taken = [];
    for (const message of this.messages.values()) {
      if (taken.length === max) break;
      if (message.visibleAt > now) continue;
      if (this.maxReceiveCount !== null && message.receiveCount >= this.maxReceiveCount) {
        // The redrive policy: a receive past maxReceiveCount moves the message instead (keeping its body).
        this.messages.delete(message.messageId);
        this.redriven++;
        this.deadLetterQueue.#arrive(message);
        continue;
      }
      message.receiveCount++;
      message.receiptHandle = `${message.messageId}#${++message.handles}`;
      message.visibleAt = now + visibility * 1000;
      taken.push(message);
    }
    return taken;
  }

  #arrive({ messageId, body, sentAt }) {
    // A moved message keeps its id and its age (a standard queue's DLQ keeps the original enqueue time).
    this.messages.set(messageId, { messageId, body, sentAt, visibleAt: Date.now(), receiveCount: 0, receiptHandle: null, handles: 0 });
    this.#wakePollers();
  }

  #byHandle(handle) {
    const messageId = typeof handle === 'string' ? handle.split('#')[0] : null;
    if (!messageId || !/#\d+$/.test(handle)) throw sqsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`);
    return this.messages.get(messageId) ?? null;
  }

  #nextVisibleAt() {
    let next = Infinity;
    for (const m of this.messages.values()) next = Math.min(next, m.visibleAt);
    return next;
  }

  #wakePollers() {
    for (const poller of [...this.pollers]) queueMicrotask(poller);
  }
}

function answer(messages) {
  if (!messages.length) return {};
  return {
    Messages: messages.map((m) => ({
      MessageId: m.messageId,
      ReceiptHandle: m.receiptHandle,
      MD5OfBody: md5(m.body),
      Body: m.body,
      Attributes: { ApproximateReceiveCount: String(m.receiveCount), SentTimestamp: String(m.sentAt) },
    })),
  };
}

function checkVisibility(seconds) {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_VISIBILITY_SECONDS) {
    throw sqsError('InvalidParameterValue', `Value ${seconds} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.`);
  }
}

/** An SQS error as the AWS SDK integration names it: "Sqs.<Code>Exception". */
export function sqsError(code, message) {
  return serviceError('Sqs', code.endsWith('Exception') ? code : `${code}Exception`, message);
}

const md5 = (text) => createHash('md5').update(text).digest('hex');

function fail(message) {
  throw new Error(message);
}
