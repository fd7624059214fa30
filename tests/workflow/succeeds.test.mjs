// Uploads that end in a recorded transcript: the happy path, long jobs, transient errors that are
// retried, and object keys that stress the job name and the media URI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { uploadEvent, ruleMatches } from '../../testkit/events.mjs';
import { plannerForTests } from '../../testkit/scenario.mjs';
import { FakeTranscribe } from '../../testkit/transcribe.mjs';
import { JOB_NAME } from '../../testkit/transcribe-requests.mjs';
import { FakePostProcessor } from '../../testkit/post-processor.mjs';
import { execute } from '../../testkit/execute.mjs';
import { plannedJob, assertEnded, plannedWaits } from '../../testkit/assertions.mjs';
import { STATES, FIRST_POLL_PATH, PER_EXTRA_POLL } from '../../testkit/states.mjs';
import stateNames from '../../contracts/state-names.json' with { type: 'json' };

const workflow = loadWorkflow('dev');
const { definition } = workflow;
const planner = plannerForTests(workflow);

/** One COMPLETED item for the job, written by the post-processor of this execution, and no dead letter. */
function assertRecordedTranscript(result, jobName, mediaUri) {
  assertEnded(assert, result, 'SUCCEEDED');
  const item = result.table.items.get(jobName);
  assert.equal(result.table.items.size, 1, 'one item');
  assert.equal(item.status, 'COMPLETED');
  assert.equal(item.mediaUri, mediaUri);
  assert.equal(item.transcriptUri, `s3://${workflow.transcriptBucket}/transcripts/${jobName}.json`);
  assert.equal(item.executionArn, result.executionArn);
  assert.equal(result.output.result.outcome, 'Recorded');
  assert.equal(result.queue.length, 0, 'no dead letter');
}

test('completes on the first poll: the dev job request, one COMPLETED item, no dead letter', async () => {
  const key = 'media/interview.mp3';
  const transcribe = new FakeTranscribe({ pollsToFinish: 1 });
  const result = await execute(definition, uploadEvent(workflow, key), { planner, transcribe });

  const job = plannedJob(result);
  assert.match(job.jobName, /^transcribestack-dev-interview-[0-9a-f]{16}$/);
  const mediaUri = `s3://${workflow.rawBucket}/${key}`;
  assertRecordedTranscript(result, job.jobName, mediaUri);
  assert.deepEqual(result.entered, FIRST_POLL_PATH);
  assert.deepEqual(result.retries, {});
  // The request carries the dev settings (EnvironmentCatalog.Dev) and this stack's output location.
  assert.deepEqual(transcribe.startCalls, [{
    TranscriptionJobName: job.jobName,
    Media: { MediaFileUri: mediaUri },
    MediaFormat: 'mp3',
    OutputBucketName: workflow.transcriptBucket,
    OutputKey: 'transcripts/',
    OutputEncryptionKMSKeyId: workflow.keyArn,
    Tags: [{ Key: 'Application', Value: 'TranscribeStack' }, { Key: 'Environment', Value: 'dev' }],
    LanguageCode: 'en-US',
    Settings: { ShowSpeakerLabels: true, MaxSpeakerLabels: 4 },
    JobExecutionSettings: { AllowDeferredExecution: true, DataAccessRoleArn: workflow.dataAccessRoleArn },
  }]);
  assert.deepEqual(transcribe.getCalls, [{ TranscriptionJobName: job.jobName }]);
  // The post-processor is told where Transcribe wrote the transcript (OutputKey + job name + .json).
  const completed = result.calls.find((c) => c.state === STATES.get).output.TranscriptionJob;
  assert.deepEqual(result.calls.find((c) => c.state === STATES.postProcess).input, {
    jobName: job.jobName,
    mediaUri,
    transcriptBucket: workflow.transcriptBucket,
    transcriptKey: `transcripts/${job.jobName}.json`,
    executionArn: result.executionArn,
    jobCompletedAt: completed.CompletionTime,
    // The job as polled: for a fixed-language job its LanguageCode is the language the item records.
    transcriptionJob: completed,
  });
  assert.equal(completed.LanguageCode, 'en-US');
  assert.equal(result.table.items.get(job.jobName).languageCode, 'en-US');
});

test('a job whose event is lost is polled along the plan\'s backstop waits, every 4 minutes, the last at the give-up time', async () => {
  const transcribe = new FakeTranscribe({ pollsToFinish: 1 });
  const key = 'media/board meeting 3h.wav';
  const { executionName, plan: planned } = await planner.nameAndPlan(uploadEvent(workflow, key));
  const polls = 1 + planned.polling.laterPolls;
  transcribe.pollsToFinish = polls; // it ends at the plan's last poll
  const result = await execute(definition, uploadEvent(workflow, key), { planner, transcribe, executionName });
  const waits = plannedWaits(result).slice(0, polls);

  assertRecordedTranscript(result, plannedJob(result).jobName, `s3://${workflow.rawBucket}/${key}`);
  assert.equal(transcribe.getCalls.length, polls);
  // Every 4 minutes (less the jitter) for the whole give-up time: the one net, however long the job.
  assert.equal(polls, planned.polling.laterPolls + 1);
  assert.equal(result.transitions, FIRST_POLL_PATH.length + (polls - 1) * PER_EXTRA_POLL.length);
  assert.deepEqual(result.entered.slice(6, 6 + PER_EXTRA_POLL.length), PER_EXTRA_POLL);
  // Poll n waits entry n of the planner's plan: the longest interval (240 s, jittered), the last to the give-up time.
  assert.deepEqual(result.waits, waits);
  assert.ok(waits.slice(0, -1).every((w) => w > 0.9 * 240 - 1 && w <= 240), `backstop waits: ${waits}`);
  assert.equal(result.clock.elapsedSeconds, planned.polling.givesUpAfterSeconds);
});

test('a job whose event is lost is noticed by the backstop\'s first poll, 4 minutes after the start', async () => {
  // Two minutes of 128 kbit/s mp3: at the dev pacing (half real time) the job is expected to take 60 s;
  // whatever its length, the backstop polls it first at the longest interval, 240 s after the start.
  const key = 'media/voicemail.mp3';
  const result = await execute(definition, uploadEvent(workflow, key, { size: 120 * 128_000 / 8 }), { planner });

  assertRecordedTranscript(result, plannedJob(result).jobName, `s3://${workflow.rawBucket}/${key}`);
  assert.equal(plannedJob(result).expectedJobSeconds, 60);
  assert.deepEqual(result.waits, [240]);
  assert.deepEqual(result.entered, FIRST_POLL_PATH);
});

test('a start throttled 3 times is retried and then succeeds, with one job', async () => {
  const transcribe = new FakeTranscribe({ startErrors: ['LimitExceededException', 'InternalFailureException', 'LimitExceededException'] });
  const key = 'media/burst-17.m4a';
  const result = await execute(definition, uploadEvent(workflow, key), { planner, transcribe });

  const { jobName } = plannedJob(result);
  assertRecordedTranscript(result, jobName, `s3://${workflow.rawBucket}/${key}`);
  assert.deepEqual(result.retries, { [STATES.start]: 3 });
  assert.deepEqual(result.failedStates.map((f) => f.error), ['Transcribe.LimitExceededException', 'Transcribe.InternalFailureException', 'Transcribe.LimitExceededException']);
  assert.equal(transcribe.startCalls.length, 4);
  assert.ok(transcribe.startCalls.every((r) => r.TranscriptionJobName === jobName), 'every attempt asks for the same job');
  assert.deepEqual([...transcribe.jobs.keys()], [jobName]);
  assert.deepEqual(result.entered, FIRST_POLL_PATH, 'a retry enters no state again (AWS still bills it as a transition)');
});

test('a throttled status poll is retried, not failed', async () => {
  const transcribe = new FakeTranscribe({ pollsToFinish: 2, getErrors: ['LimitExceededException', 'InternalFailureException'] });
  const key = 'media/poll-burst.mp3';
  const result = await execute(definition, uploadEvent(workflow, key), { planner, transcribe });

  assertRecordedTranscript(result, plannedJob(result).jobName, `s3://${workflow.rawBucket}/${key}`);
  assert.deepEqual(result.retries, { [STATES.get]: 2 });
  assert.equal(transcribe.getCalls.length, 4);
  assert.equal(result.transitions, FIRST_POLL_PATH.length + PER_EXTRA_POLL.length);
});

test('a poll still throttled after its retries counts as "still running": the plan\'s next wait and poll follow, nothing is failed', async () => {
  const retries = definition.States[STATES.get].Retry[0].MaxAttempts;
  // Every attempt of the first poll is refused over the rate quota; the next poll answers.
  const transcribe = new FakeTranscribe({ pollsToFinish: 1, getErrors: Array(retries + 1).fill('LimitExceededException') });
  const key = 'media/throttled-poll.mp3';
  const result = await execute(definition, uploadEvent(workflow, key), { planner, transcribe });

  assertRecordedTranscript(result, plannedJob(result).jobName, `s3://${workflow.rawBucket}/${key}`);
  assert.deepEqual(result.retries, { [STATES.get]: retries });
  const throttled = FIRST_POLL_PATH.indexOf(STATES.get) + 1;
  assert.deepEqual(result.entered.slice(throttled, throttled + 2), [stateNames.workflow.noteThatPollWasThrottled, stateNames.workflow.checkJobStatus]);
  assert.deepEqual(result.entered.slice(throttled + 2, throttled + 2 + PER_EXTRA_POLL.length), PER_EXTRA_POLL);
  assert.equal(result.deadLetters.length, 0);
});

test('a throttled planner invocation is retried before the function runs', async () => {
  const key = 'media/throttled-plan.ogg';
  const callsBefore = planner.calls.length;
  const result = await execute(definition, uploadEvent(workflow, key), { planner, plannerErrors: ['Lambda.TooManyRequestsException'] });

  assertRecordedTranscript(result, plannedJob(result).jobName, `s3://${workflow.rawBucket}/${key}`);
  assert.deepEqual(result.retries, { [STATES.plan]: 1 });
  assert.equal(planner.calls.length - callsBefore, 1, 'the function ran once');
  assert.deepEqual(result.entered, FIRST_POLL_PATH);
});

test('a transient Lambda.ServiceException in post-processing is retried, then the item is recorded', async () => {
  const postProcessor = new FakePostProcessor({ errors: ['Lambda.ServiceException'] });
  const key = 'media/flaky.mp3';
  const result = await execute(definition, uploadEvent(workflow, key), { planner, postProcessor });

  assertRecordedTranscript(result, plannedJob(result).jobName, `s3://${workflow.rawBucket}/${key}`);
  assert.deepEqual(result.retries, { [STATES.postProcess]: 1 });
  assert.equal(postProcessor.calls.length, 2);
  assert.deepEqual(postProcessor.calls[0], postProcessor.calls[1], 'the retry sends the same request');
  assert.deepEqual(result.entered, FIRST_POLL_PATH);
});

// S3 keys as EventBridge delivers them (not URL-encoded). Each must give a valid job name and a
// media URI with the raw key: Transcribe fails a job whose URI names no object.
const oddKeys = {
  spaces: 'media/quarterly review 2026 (final).mp3',
  unicode: 'media/réunion d’équipe – 会议.wav',
  'unicode only': 'media/会议记录.flac',
  'literal %20 and +': 'media/already%20encoded+plus%2B sign.m4a',
  '1024 bytes, ASCII': `media/${'deep/'.repeat(120)}${'x'.repeat(1024 - 6 - 600 - 4)}.MP3`,
  '1024 bytes, 3-byte characters': `media/${'会'.repeat((1024 - 6 - 4) / 3)}.ogg`,
};

for (const [kind, key] of Object.entries(oddKeys)) {
  test(`odd key (${kind}) gives a valid job name and the raw media URI`, async () => {
    const event = uploadEvent(workflow, key);
    assert.ok(ruleMatches(workflow, event), 'the upload rule delivers the event');
    if (kind.startsWith('1024')) assert.equal(Buffer.byteLength(key), 1024);
    const transcribe = new FakeTranscribe();
    const result = await execute(definition, event, { planner, transcribe });

    const { jobName } = plannedJob(result);
    assert.match(jobName, JOB_NAME);
    assert.ok(jobName.startsWith('transcribestack-dev-'), jobName);
    assert.equal(transcribe.startCalls[0].Media.MediaFileUri, `s3://${workflow.rawBucket}/${key}`);
    assertRecordedTranscript(result, jobName, `s3://${workflow.rawBucket}/${key}`);
    assert.deepEqual(result.entered, FIRST_POLL_PATH);
  });
}
