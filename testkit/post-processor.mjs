// The post-processing Lambda as the workflow sees it: a JavaScript stand-in for the C# function
// that checks its request, reads the transcript where it is told to and records the COMPLETED item
// with the function's conditional PutItem.
import { functionError, lambdaError } from './errors.mjs';

/**
 * The post-processing Lambda: validates its request like the real function, reads the transcript
 * where it is told to (TranscriptNotFoundException if Transcribe did not write it there), and writes
 * the COMPLETED item with the function's conditional PutItem (a duplicate answers AlreadyRecorded).
 * Scripted errors: `errors` are used up one per call, `always` is thrown on every call. A name
 * starting with "Lambda." is a Lambda service error, anything else a function error.
 */
export class FakePostProcessor {
  constructor({ errors = [], always = null } = {}) {
    this.errors = [...errors];
    this.always = always;
    this.calls = [];
  }

  invoke(request, { table, s3 }) {
    this.calls.push(request);
    const scripted = this.always ?? this.errors.shift();
    if (scripted) throw lambdaError(scripted);
    for (const field of ['jobName', 'mediaUri', 'transcriptBucket', 'transcriptKey', 'executionArn']) {
      if (typeof request[field] !== 'string' || !request[field].trim()) throw functionError('InvalidJobRequestException', `The request has no '${field}'.`);
    }
    if (request.jobCompletedAt && Number.isNaN(Date.parse(request.jobCompletedAt))) throw functionError('InvalidJobRequestException', `jobCompletedAt '${request.jobCompletedAt}' is not a timestamp.`);
    const job = request.transcriptionJob;
    if (job !== undefined && (job === null || typeof job !== 'object' || Array.isArray(job))) throw functionError('InvalidJobRequestException', 'The input is not a valid PostProcessRequest: transcriptionJob is not an object.');
    const transcriptUri = `s3://${request.transcriptBucket}/${request.transcriptKey}`;
    if (!s3.has(transcriptUri)) throw functionError('TranscriptNotFoundException', `${transcriptUri} does not exist.`);
    const S = (value) => ({ S: value });
    try {
      table.putItem({
        TableName: table.tableName ?? 'metadata',
        Item: {
          jobName: S(request.jobName),
          status: S('COMPLETED'),
          mediaUri: S(request.mediaUri),
          transcriptUri: S(transcriptUri),
          executionArn: S(request.executionArn),
          completedAt: S(request.jobCompletedAt),
          recordedAt: S('2026-11-22T10:30:00.000Z'),
          updatedAt: S('2026-11-22T10:30:00.000Z'),
          wordCount: { N: '1234' },
          // As the function: the job's language comes from its description.
          ...(job?.LanguageCode ? { languageCode: S(job.LanguageCode) } : {}),
        },
        ConditionExpression: 'attribute_not_exists(jobName) OR #status <> :completed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':completed': S('COMPLETED') },
      });
      return { jobName: request.jobName, status: 'COMPLETED', outcome: 'Recorded', wordCount: 1234, durationSeconds: 512.4 };
    } catch (e) {
      if (e.name !== 'DynamoDB.ConditionalCheckFailedException') throw e;
      return { jobName: request.jobName, status: 'COMPLETED', outcome: 'AlreadyRecorded', wordCount: 1234, durationSeconds: 512.4 };
    }
  }
}
