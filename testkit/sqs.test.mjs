// The queue stand-ins keep SQS's rules: visibility on the clock, receive counts, receipt handles, redrive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeQueue, sendMessage } from './sqs.mjs';
import { VirtualTime } from './virtual-time.mjs';

const URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/intake';
const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/intake-dlq';

/** Runs `body(clock)` on an installed virtual clock. */
async function onVirtualTime(body) {
  const clock = new VirtualTime().install();
  try {
    return await clock.run(body(clock));
  } finally {
    clock.uninstall();
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('a received message is invisible until its visibility timeout passes, then received again with a new handle and count', () => onVirtualTime(async () => {
  const queue = new FakeQueue({ queueUrl: URL, visibilityTimeoutSeconds: 300 });
  queue.sendMessage({ QueueUrl: URL, MessageBody: '{"upload":1}' });
  const first = queue.receiveMessage({ QueueUrl: URL, MaxNumberOfMessages: 1 });
  assert.equal(first.Messages.length, 1);
  assert.equal(first.Messages[0].Body, '{"upload":1}');
  assert.equal(first.Messages[0].Attributes.ApproximateReceiveCount, '1');
  assert.deepEqual(queue.receiveMessage({ QueueUrl: URL }), {}, 'in flight: nothing to receive');
  assert.equal(queue.approximateNumberOfMessages, 0);
  assert.equal(queue.approximateNumberOfMessagesNotVisible, 1);
  await sleep(299_000);
  assert.deepEqual(queue.receiveMessage({ QueueUrl: URL }), {}, 'one second before the timeout passes');
  await sleep(1_000);
  const again = queue.receiveMessage({ QueueUrl: URL, VisibilityTimeout: 10 });
  assert.equal(again.Messages[0].Attributes.ApproximateReceiveCount, '2');
  assert.notEqual(again.Messages[0].ReceiptHandle, first.Messages[0].ReceiptHandle);
  // The older handle deletes nothing (SQS: the latest receive's handle deletes); the latest one does.
  queue.deleteMessage({ QueueUrl: URL, ReceiptHandle: first.Messages[0].ReceiptHandle });
  assert.equal(queue.messages.size, 1);
  queue.deleteMessage({ QueueUrl: URL, ReceiptHandle: again.Messages[0].ReceiptHandle });
  assert.equal(queue.messages.size, 0);
  assert.deepEqual(queue.deleteMessage({ QueueUrl: URL, ReceiptHandle: again.Messages[0].ReceiptHandle }), {}, 'deleting again succeeds');
  assert.throws(() => queue.deleteMessage({ QueueUrl: URL, ReceiptHandle: 'nonsense' }), (e) => e.name === 'Sqs.ReceiptHandleIsInvalidException');
}));

test('MaxNumberOfMessages bounds a receive, in the order the messages were sent', () => onVirtualTime(async () => {
  const queue = new FakeQueue({ queueUrl: URL });
  for (let i = 1; i <= 4; i++) queue.sendMessage({ QueueUrl: URL, MessageBody: `m${i}` });
  assert.deepEqual(queue.receiveMessage({ QueueUrl: URL, MaxNumberOfMessages: 3 }).Messages.map((m) => m.Body), ['m1', 'm2', 'm3']);
  assert.deepEqual(queue.receiveMessage({ QueueUrl: URL, MaxNumberOfMessages: 3 }).Messages.map((m) => m.Body), ['m4']);
  assert.throws(() => queue.receiveMessage({ QueueUrl: URL, MaxNumberOfMessages: 11 }), (e) => e.name === 'Sqs.InvalidParameterValueException');
  assert.throws(() => queue.receiveMessage({ QueueUrl: URL, WaitTimeSeconds: 21 }), (e) => e.name === 'Sqs.InvalidParameterValueException');
  assert.throws(() => queue.receiveMessage({ QueueUrl: 'https://elsewhere' }), /expected the queue/);
}));

test('a long poll waits on the clock for a message, or answers empty after WaitTimeSeconds', () => onVirtualTime(async (clock) => {
  const queue = new FakeQueue({ queueUrl: URL });
  const startedAt = clock.now;
  assert.deepEqual(await queue.receiveMessage({ QueueUrl: URL, WaitTimeSeconds: 5 }), {});
  assert.equal(clock.now - startedAt, 5_000);
  const waiting = queue.receiveMessage({ QueueUrl: URL, WaitTimeSeconds: 20 });
  await sleep(2_000);
  queue.sendMessage({ QueueUrl: URL, MessageBody: 'late' });
  assert.equal((await waiting).Messages[0].Body, 'late');
  assert.equal(clock.now - startedAt, 7_000, 'answered when the message came, not at the end of the wait');
  const lazy = new FakeQueue({ queueUrl: URL, longPolling: false });
  assert.deepEqual(lazy.receiveMessage({ QueueUrl: URL, WaitTimeSeconds: 20 }), {}, 'without long polling: at once');
}));

test('ChangeMessageVisibility returns an in-flight message to the queue after the new timeout; a visible one is not in flight', () => onVirtualTime(async () => {
  const queue = new FakeQueue({ queueUrl: URL, visibilityTimeoutSeconds: 300 });
  queue.sendMessage({ QueueUrl: URL, MessageBody: 'throttled' });
  const [message] = queue.receiveMessage({ QueueUrl: URL }).Messages;
  queue.changeMessageVisibility({ QueueUrl: URL, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 30 });
  await sleep(29_000);
  assert.equal(queue.approximateNumberOfMessages, 0);
  await sleep(1_000);
  assert.equal(queue.approximateNumberOfMessages, 1);
  assert.throws(() => queue.changeMessageVisibility({ QueueUrl: URL, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 30 }), (e) => e.name === 'Sqs.MessageNotInflightException');
  assert.throws(() => queue.changeMessageVisibility({ QueueUrl: URL, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 43_201 }), (e) => e.name === 'Sqs.InvalidParameterValueException');
}));

test('a message received maxReceiveCount times moves to the dead-letter queue at the next receive, with its age', () => onVirtualTime(async () => {
  const dlq = new FakeQueue({ queueUrl: DLQ_URL });
  const queue = new FakeQueue({ queueUrl: URL, visibilityTimeoutSeconds: 1, maxReceiveCount: 3, deadLetterQueue: dlq });
  queue.sendMessage({ QueueUrl: URL, MessageBody: 'poison' });
  for (let i = 1; i <= 3; i++) {
    assert.equal(queue.receiveMessage({ QueueUrl: URL }).Messages[0].Attributes.ApproximateReceiveCount, String(i));
    await sleep(1_000);
  }
  assert.deepEqual(queue.receiveMessage({ QueueUrl: URL }), {}, 'the fourth receive moves it instead');
  assert.equal(queue.messages.size, 0);
  assert.equal(queue.redriven, 1);
  assert.deepEqual(dlq.bodies, ['poison'], 'kept its body');
  assert.equal(dlq.oldestMessageAgeSeconds, 3, 'its age counts from the original send');
}));

test('the oldest message\'s age and the count of visible messages follow the clock', () => onVirtualTime(async () => {
  const queue = new FakeQueue({ queueUrl: URL });
  assert.equal(queue.oldestMessageAgeSeconds, 0);
  queue.sendMessage({ QueueUrl: URL, MessageBody: 'a' });
  await sleep(60_000);
  queue.sendMessage({ QueueUrl: URL, MessageBody: 'b', DelaySeconds: 10 });
  assert.equal(queue.oldestMessageAgeSeconds, 60);
  assert.equal(queue.approximateNumberOfMessages, 1, 'the delayed one is not visible yet');
  await sleep(10_000);
  assert.equal(queue.approximateNumberOfMessages, 2);
  assert.equal(queue.apiCalls.calls, 2);
}));

test('the failure queue\'s SendMessage keeps working: the URL checked, the body parsed', () => {
  const queue = [];
  sendMessage(queue, URL, { QueueUrl: URL, MessageBody: { executionArn: 'a' } });
  assert.deepEqual(queue[0].body, { executionArn: 'a' });
  assert.throws(() => sendMessage(queue, URL, { QueueUrl: DLQ_URL, MessageBody: '{}' }), /expected the failure queue/);
});
