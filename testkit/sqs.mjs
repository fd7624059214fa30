// The failure dead-letter queue in memory: SendMessage checks the queue URL and SQS's size limit,
// and the queue is a plain array of { queueUrl, messageBody, body (parsed), messageId }.
import { createHash } from 'node:crypto';
import { serviceError, scriptedServiceError } from './errors.mjs';
import { uuidOf } from './ids.mjs';

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
