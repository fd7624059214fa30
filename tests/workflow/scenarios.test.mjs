// Behaviour of the synthesized state machine (dev), executed scenario by scenario.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadTemplate, loadDefinition, plannerEnvironment, Planner, FakeTranscribe, FakeTable, execute, uploadEvent, named, completedWriter } from './harness.mjs';

const template = loadTemplate('dev');
const definition = loadDefinition(template);
const JOB_NAME = /^[0-9a-zA-Z._-]{1,200}$/;
let planner;

// Read from the definition, not restated: the poll limit and the start retry budget.
const maxPolls = definition.States['Check the job status'].Choices
  .flatMap((c) => c.And ?? [])
  .find((c) => c.NumericGreaterThanEquals !== undefined).NumericGreaterThanEquals + 1;
const startAttempts = definition.States['Start the transcription job'].Retry[0].MaxAttempts;
const schedule = [definition.States['Start polling'].Parameters.waitSeconds, ...definition.States['Start polling'].Parameters.schedule];

// States entered on the happy path with one poll, and per extra poll.
const FIRST_POLL_PATH = ['Plan the transcription job', 'Start the transcription job', 'Start polling', 'Wait before polling',
  'Get the transcription job status', 'Check the job status', 'Record the transcript metadata', 'Transcription recorded'];
const PER_EXTRA_POLL = ['Schedule the next poll', 'Wait before polling', 'Get the transcription job status', 'Check the job status'];
const FAILURE_TAIL = ['Record the failure in the metadata table', 'Send the failure to the dead-letter queue', 'Transcription failed'];

before(() => {
  planner = new Planner(plannerEnvironment(template));
});
after(() => planner.close());

function assertOneFailure(result, { error, reasonIncludes, jobName }) {
  assert.equal(result.status, 'FAILED');
  assert.equal(result.error, error);
  assert.equal(result.queue.length, 1, 'exactly one dead-letter message');
  const message = result.queue[0].body;
  assert.equal(message.error, error);
  assert.match(message.reason, new RegExp(reasonIncludes));
  assert.match(message.executionArn, /^arn:aws:states:.*:execution:TranscriptionWorkflow:/);
  assert.match(message.mediaUri, /^s3:\/\/bucket-/);
  const item = result.table.items.get(jobName ?? message.jobName);
  assert.equal(item.status, 'FAILED');
  assert.equal(item.error, error);
  assert.equal(item.failureReason, message.reason);
  assert.equal(result.table.items.size, 1);
}

test('completes on the first poll: one job, one COMPLETED item, no dead letter', async () => {
  const transcribe = new FakeTranscribe({ pollsToFinish: 1 });
  const result = await execute(definition, uploadEvent(template, 'media/interview.mp3'), { planner, transcribe });

  assert.equal(result.status, 'SUCCEEDED');
  assert.deepEqual(result.entered, FIRST_POLL_PATH);
  assert.equal(result.queue.length, 0);
  const [item] = [...result.table.items.values()];
  assert.equal(item.status, 'COMPLETED');
  assert.equal(result.table.items.size, 1);
  const request = transcribe.startCalls[0];
  assert.equal(request.TranscriptionJobName, item.jobName);
  assert.match(request.TranscriptionJobName, /^transcribestack-dev-interview-[0-9a-f]{16}$/);
  assert.equal(request.OutputKey, 'transcripts/');
  assert.match(request.OutputBucketName, /^bucket-transcriptstorage/);
  assert.match(request.OutputEncryptionKMSKeyId, /^arn:aws:kms:.*:key\/EncryptionKey/);
  assert.equal(request.MediaFormat, 'mp3');
  assert.equal(request.LanguageCode, 'en-US');
  assert.deepEqual(request.Settings, { ShowSpeakerLabels: true, MaxSpeakerLabels: 4 });
  assert.deepEqual(request.Tags, [{ Key: 'Application', Value: 'TranscribeStack' }, { Key: 'Environment', Value: 'dev' }]);
  assert.equal(item.transcriptKey, `transcripts/${item.jobName}.json`);
});

test('completes after many polls, waiting along the growing schedule', async () => {
  const polls = 30;
  const result = await execute(definition, uploadEvent(template, 'media/long-meeting.wav'), { planner, transcribe: new FakeTranscribe({ pollsToFinish: polls }) });

  assert.equal(result.status, 'SUCCEEDED');
  assert.equal(result.transitions, FIRST_POLL_PATH.length + (polls - 1) * PER_EXTRA_POLL.length);
  assert.deepEqual(result.waits, schedule.slice(0, polls));
  assert.ok(result.waits.every((w, i) => i === 0 || w >= result.waits[i - 1]), 'waits never shrink');
  assert.equal(result.queue.length, 0);
});

test('a FAILED job is recorded once with Transcribe\'s reason', async () => {
  const transcribe = new FakeTranscribe({ pollsToFinish: 2, finalStatus: 'FAILED', failureReason: 'Unsupported audio codec.' });
  const result = await execute(definition, uploadEvent(template, 'media/broken.ogg'), { planner, transcribe });

  assertOneFailure(result, { error: 'TranscriptionJobFailed', reasonIncludes: 'Unsupported audio codec' });
  assert.equal(result.transitions, 6 + PER_EXTRA_POLL.length + 1 + FAILURE_TAIL.length);
  assert.deepEqual(result.entered.slice(-4), ['Describe the failed transcription', ...FAILURE_TAIL]);
});

test('a throttled start is retried with backoff and then succeeds', async () => {
  const transcribe = new FakeTranscribe({ startErrors: ['Transcribe.LimitExceededException', 'Transcribe.ThrottlingException', 'Transcribe.LimitExceededException'] });
  const result = await execute(definition, uploadEvent(template, 'media/burst-1.m4a'), { planner, transcribe });

  assert.equal(result.status, 'SUCCEEDED');
  assert.equal(result.retries['Start the transcription job'], 3);
  assert.equal(transcribe.startCalls.length, 4);
  assert.equal(transcribe.jobs.size, 1);
  assert.equal(result.queue.length, 0);
});

test('a start throttled forever ends in the failure branch after the retry budget', async () => {
  const transcribe = new FakeTranscribe({ startAlways: 'Transcribe.LimitExceededException' });
  const result = await execute(definition, uploadEvent(template, 'media/burst-2.mp3'), { planner, transcribe });

  assertOneFailure(result, { error: 'Transcribe.LimitExceededException', reasonIncludes: 'scripted' });
  assert.equal(result.retries['Start the transcription job'], startAttempts);
  assert.equal(transcribe.startCalls.length, startAttempts + 1);
  assert.deepEqual(result.entered, ['Plan the transcription job', 'Start the transcription job', 'Describe the failed step', ...FAILURE_TAIL]);
});

test('a duplicate event joins the existing job: one job, one item', async () => {
  const transcribe = new FakeTranscribe({ pollsToFinish: 1 });
  const table = new FakeTable();
  const event = uploadEvent(template, 'media/twice.flac');
  const first = await execute(definition, event, { planner, transcribe, table, executionName: 'first' });
  const second = await execute(definition, { ...event, id: 'e-2' }, { planner, transcribe, table, executionName: 'second' });

  assert.equal(first.status, 'SUCCEEDED');
  assert.equal(second.status, 'SUCCEEDED');
  assert.ok(second.entered.includes('Join the existing job'));
  assert.equal(second.transitions, FIRST_POLL_PATH.length + 1);
  assert.equal(transcribe.jobs.size, 1, 'no second job');
  assert.equal(transcribe.startCalls.length, 2);
  assert.equal(table.items.size, 1, 'no second item');
  assert.match([...table.items.values()][0].executionArn, /:first$/, 'the first record is kept');
  assert.equal(second.queue.length, 0);
});

test('BadRequestException is not retried and is recorded', async () => {
  const transcribe = new FakeTranscribe({ startErrors: ['Transcribe.BadRequestException'] });
  const result = await execute(definition, uploadEvent(template, 'media/denied.mp3'), { planner, transcribe });

  assertOneFailure(result, { error: 'Transcribe.BadRequestException', reasonIncludes: 'scripted' });
  assert.equal(result.retries['Start the transcription job'], undefined);
  assert.equal(transcribe.startCalls.length, 1);
});

test('a job that never finishes stops after the poll limit', async () => {
  const transcribe = new FakeTranscribe({ pollsToFinish: Infinity });
  const result = await execute(definition, uploadEvent(template, 'media/stuck.webm'), { planner, transcribe });

  assertOneFailure(result, { error: 'TranscriptionJobTimedOut', reasonIncludes: `still IN_PROGRESS after ${maxPolls} polls` });
  assert.equal(transcribe.getCalls.length, maxPolls);
  assert.equal(result.transitions, 3 + maxPolls * 3 + (maxPolls - 1) + 1 + FAILURE_TAIL.length);
});

test('a bad transcript fails the post-processor once, without retry, and is recorded', async () => {
  let calls = 0;
  const postProcessor = () => {
    calls++;
    throw named('MalformedTranscriptException', 'The transcript is not valid JSON at byte 12');
  };
  const result = await execute(definition, uploadEvent(template, 'media/garbled.mp4'), { planner, transcribe: new FakeTranscribe(), postProcessor });

  assertOneFailure(result, { error: 'MalformedTranscriptException', reasonIncludes: 'byte 12' });
  assert.equal(calls, 1);
});

test('a transient Lambda service error in post-processing is retried', async () => {
  const table = new FakeTable();
  const writer = completedWriter(table);
  let calls = 0;
  const postProcessor = (request) => {
    calls++;
    if (calls === 1) throw named('Lambda.ServiceException', 'Service unavailable');
    return writer(request);
  };
  const result = await execute(definition, uploadEvent(template, 'media/flaky.mp3'), { planner, transcribe: new FakeTranscribe(), table, postProcessor });

  assert.equal(result.status, 'SUCCEEDED');
  assert.equal(result.retries['Record the transcript metadata'], 1);
  assert.equal(table.items.size, 1);
  assert.equal(result.queue.length, 0);
});

test('an unsupported extension is recorded under an unplanned name with the original key', async () => {
  const transcribe = new FakeTranscribe();
  const result = await execute(definition, uploadEvent(template, 'media/notes.txt'), { planner, transcribe, executionName: 'exec-txt' });

  assertOneFailure(result, { error: 'UnsupportedMediaFormatException', reasonIncludes: "'txt'", jobName: 'unplanned-exec-txt' });
  assert.match(result.queue[0].body.mediaUri, /\/media\/notes\.txt$/);
  assert.equal(transcribe.startCalls.length, 0);
  assert.deepEqual(result.entered, ['Plan the transcription job', 'Describe the planning failure', ...FAILURE_TAIL]);
});

for (const key of [
  'media/quarterly review 2026 (final).mp3',
  'media/réunion d’équipe – 会议.wav',
  'media/already%20encoded+plus.m4a',
  `media/${'deep/'.repeat(100)}${'x'.repeat(500)}.MP3`,
]) {
  test(`odd key ${JSON.stringify(key.slice(0, 40))}… gets a valid job and the raw media URI`, async () => {
    const transcribe = new FakeTranscribe();
    const result = await execute(definition, uploadEvent(template, key), { planner, transcribe });

    assert.equal(result.status, 'SUCCEEDED');
    const request = transcribe.startCalls[0];
    assert.match(request.TranscriptionJobName, JOB_NAME);
    assert.ok(request.TranscriptionJobName.startsWith('transcribestack-dev-'));
    assert.ok(request.Media.MediaFileUri.endsWith(`/${key}`), request.Media.MediaFileUri);
    assert.equal(result.transitions, FIRST_POLL_PATH.length);
  });
}
