// The Transcribe stand-in: StartTranscriptionJob's rules, and jobs that run for a time under the
// virtual clock against the job quota and the request-rate quotas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeS3 } from './s3.mjs';
import { VirtualTime } from './virtual-time.mjs';
import { minimalStartRequest } from './transcribe-requests.mjs';
import { FakeTranscribe, TRANSCRIBE_QUOTAS } from './transcribe.mjs';

const request = (name, deferred = false) => minimalStartRequest(name, { deferred });

/** The media of the jobs these scenarios start exist: Transcribe fails a job whose media does not. */
function uploaded() {
  const s3 = new FakeS3();
  for (const name of ['a', 'b', 'c', 'd']) s3.put('raw', `media/${name}.mp3`);
  return s3;
}

/** Runs `scenario(transcribe, sleep)` on a virtual clock starting at 0. */
async function simulate(options, scenario) {
  const clock = new VirtualTime({ start: 0 }).install();
  try {
    const transcribe = new FakeTranscribe({ ...TRANSCRIBE_QUOTAS, s3: uploaded(), durationSeconds: () => 60, ...options });
    const sleep = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    await clock.run(scenario(transcribe, sleep));
    return transcribe;
  } finally {
    clock.uninstall();
  }
}

const status = (transcribe, name) => transcribe.get({ TranscriptionJobName: name }).TranscriptionJob.TranscriptionJobStatus;

test('a job runs for its duration, then is COMPLETED with its transcript written and the first poll that saw it', async () => {
  const transcribe = await simulate({}, async (t, sleep) => {
    assert.equal(t.start(request('a')).TranscriptionJob.TranscriptionJobStatus, 'IN_PROGRESS');
    await sleep(59);
    assert.equal(status(t, 'a'), 'IN_PROGRESS');
    await sleep(5);
    assert.equal(status(t, 'a'), 'COMPLETED');
  });

  const [job] = transcribe.completedJobs();
  assert.equal(job.completedAt, 60_000);
  assert.equal(job.noticedAt, 64_000);
  assert.ok(transcribe.s3.has('s3://transcripts-bucket/transcripts/a.json'));
});

test('above the concurrent-job quota a start is refused, unless the request allows deferred execution', async () => {
  const transcribe = await simulate({ concurrentJobs: 2 }, async (t, sleep) => {
    t.start(request('a'));
    t.start(request('b'));
    assert.throws(() => t.start(request('c')), { name: 'Transcribe.LimitExceededException' });
    assert.equal(t.start(request('d', true)).TranscriptionJob.TranscriptionJobStatus, 'QUEUED');
    await sleep(61);
    // a and b finished at 60 s: the queued job took a free slot then.
    assert.equal(status(t, 'd'), 'IN_PROGRESS');
    assert.equal(t.jobs.get('d').startedAt, 60_000);
    await sleep(60);
    assert.equal(status(t, 'd'), 'COMPLETED');
  });

  assert.equal(transcribe.mostRunning, 2);
  assert.deepEqual([transcribe.counts.startsOverQuota, transcribe.counts.queued], [1, 1]);
});

test('starts and polls above their rate are throttled, and the bucket refills with time', async () => {
  const transcribe = await simulate({ startsPerSecond: 3, getsPerSecond: 2 }, async (t, sleep) => {
    for (const name of ['a', 'b', 'c']) t.start(request(name));
    assert.throws(() => t.start(request('d')), { name: 'Transcribe.LimitExceededException' });
    status(t, 'a');
    status(t, 'a');
    assert.throws(() => status(t, 'a'), { name: 'Transcribe.LimitExceededException' });
    await sleep(0.5);
    assert.equal(status(t, 'a'), 'IN_PROGRESS');
    assert.equal(t.start(request('d')).TranscriptionJob.TranscriptionJobName, 'd');
  });

  assert.deepEqual([transcribe.counts.startsThrottled, transcribe.counts.getsThrottled], [1, 1]);
});

test('Transcribe\'s default quotas are the published ones', () => {
  assert.deepEqual(TRANSCRIBE_QUOTAS, { concurrentJobs: 250, maxQueuedJobs: 10_000, startsPerSecond: 25, getsPerSecond: 30, listsPerSecond: 5 });
});

test('a deferred start beyond the running jobs and the full queue is refused with LimitExceededException, counted apart', async () => {
  const transcribe = await simulate({ concurrentJobs: 1, maxQueuedJobs: 2 }, async (t, sleep) => {
    assert.equal(t.start(request('a', true)).TranscriptionJob.TranscriptionJobStatus, 'IN_PROGRESS');
    assert.equal(t.start(request('b', true)).TranscriptionJob.TranscriptionJobStatus, 'QUEUED');
    assert.equal(t.start(request('c', true)).TranscriptionJob.TranscriptionJobStatus, 'QUEUED');
    assert.throws(() => t.start(request('d', true)), { name: 'Transcribe.LimitExceededException' });
    assert.equal(t.jobs.has('d'), false, 'a refused start creates no job');
    await sleep(61);
    // a finished: b runs, c waits, and the queue has room again.
    assert.equal(t.start(request('d', true)).TranscriptionJob.TranscriptionJobStatus, 'QUEUED');
  });

  assert.deepEqual([transcribe.counts.startsOverQueue, transcribe.counts.startsOverQuota, transcribe.counts.queued, transcribe.mostQueued], [1, 0, 3, 2]);
  assert.deepEqual([transcribe.apiRates().StartTranscriptionJob.refused, transcribe.apiRates().StartTranscriptionJob.throttled], [1, 0]);
});

test('with the default quotas the queue holds 10,000 deferred jobs beyond the 250 running, and refuses the next', async () => {
  // No time passes (no job ends) and the start rate is lifted: only the job quotas are at work.
  const transcribe = await simulate({ startsPerSecond: Infinity }, async (t) => {
    for (let i = 0; i < 250 + 10_000; i++) t.start(request(`j${i}`, true));
    assert.throws(() => t.start(request('one-more', true)), { name: 'Transcribe.LimitExceededException' });
  });

  assert.deepEqual([transcribe.running, transcribe.waiting.length, transcribe.counts.startsOverQueue], [250, 10_000, 1]);
});

test('ListTranscriptionJobs above 5 a second is refused with LimitExceededException and counted; the bucket refills', async () => {
  const transcribe = await simulate({}, async (t, sleep) => {
    t.start(request('a'));
    for (let i = 0; i < 5; i++) assert.equal(t.list({}).TranscriptionJobSummaries.length, 1);
    assert.throws(() => t.list({}), { name: 'Transcribe.LimitExceededException' });
    await sleep(0.2);
    assert.equal(t.list({}).TranscriptionJobSummaries.length, 1, 'one token back after 200 ms');
    assert.throws(() => t.list({}), { name: 'Transcribe.LimitExceededException' });
  });

  assert.deepEqual([transcribe.counts.listCalls, transcribe.counts.listsThrottled], [8, 2]);
});

test('each API\'s calls are recorded: calls, throttled, mean and peak rates in any 1-second and 60-second window', async () => {
  const transcribe = await simulate({ getsPerSecond: 30 }, async (t, sleep) => {
    t.start(request('a'));
    const refused = [];
    for (let i = 0; i < 40; i++) {
      try {
        t.get({ TranscriptionJobName: 'a' });
      } catch (e) {
        refused.push(e.name);
      }
    }
    assert.deepEqual(refused, Array(10).fill('Transcribe.LimitExceededException'), '30 answered, 10 throttled');
    await sleep(10);
    for (let i = 0; i < 5; i++) t.get({ TranscriptionJobName: 'a' });
    t.list({});
  });

  const rates = transcribe.apiRates();
  assert.deepEqual(Object.keys(rates), ['StartTranscriptionJob', 'GetTranscriptionJob', 'ListTranscriptionJobs']);
  const get = rates.GetTranscriptionJob;
  assert.deepEqual([get.calls, get.throttled, get.refused, get.peakPerSecond, get.acceptedPeakPerSecond, get.peakPerMinute, get.acceptedPeakPerMinute], [45, 10, 0, 40, 30, 45, 35]);
  assert.equal(get.meanPerSecond, 4.5, '45 calls over the 10 s from the first to the last');
  assert.deepEqual([rates.StartTranscriptionJob.calls, rates.ListTranscriptionJobs.calls, rates.ListTranscriptionJobs.meanPerSecond], [1, 1, 1]);
});

test('a second start with the same name conflicts; an unknown name is not found', async () => {
  await simulate({}, async (t) => {
    t.start(request('a'));
    assert.throws(() => t.start(request('a')), { name: 'Transcribe.ConflictException' });
    assert.throws(() => t.get({ TranscriptionJobName: 'nope' }), { name: 'Transcribe.NotFoundException' });
  });
});

test('Transcribe refuses an invalid job name, as StartTranscriptionJob does', () => {
  const transcribe = new FakeTranscribe();
  const request = { TranscriptionJobName: 'has space', Media: { MediaFileUri: 's3://b/k.mp3' }, MediaFormat: 'mp3', LanguageCode: 'en-US' };
  assert.throws(() => transcribe.start(request), (e) => e.name === 'Transcribe.BadRequestException' && /transcriptionJobName/.test(e.message));
  assert.throws(() => transcribe.start({ ...request, TranscriptionJobName: 'x'.repeat(201) }), (e) => e.name === 'Transcribe.BadRequestException');
  assert.doesNotThrow(() => transcribe.start({ ...request, TranscriptionJobName: 'x'.repeat(200) }));
});

test('Transcribe refuses the option combinations its documentation rules out', () => {
  const transcribe = new FakeTranscribe();
  const base = { TranscriptionJobName: 'job', Media: { MediaFileUri: 's3://b/k.mp3' }, MediaFormat: 'mp3', OutputBucketName: 'bucket', OutputEncryptionKMSKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k' };
  const refused = {
    'a language code with identification': { LanguageCode: 'en-US', IdentifyLanguage: true },
    'both identification options': { IdentifyLanguage: true, IdentifyMultipleLanguages: true },
    'one language option': { IdentifyLanguage: true, LanguageOptions: ['en-US'] },
    'a language model with several languages': { IdentifyMultipleLanguages: true, LanguageOptions: ['en-US', 'hi-IN'], LanguageIdSettings: { 'en-US': { LanguageModelName: 'm' } } },
    'a vocabulary in Settings with identification': { IdentifyLanguage: true, Settings: { VocabularyName: 'v' } },
    'redaction with identification': { IdentifyLanguage: true, ContentRedaction: { RedactionType: 'PII', RedactionOutput: 'redacted' } },
    'redaction in Japanese': { LanguageCode: 'ja-JP', ContentRedaction: { RedactionType: 'PII', RedactionOutput: 'redacted' } },
    'toxicity in Spanish': { LanguageCode: 'es-US', ToxicityDetection: [{ ToxicityCategories: ['ALL'] }] },
    'a subtitle start index of 2': { LanguageCode: 'en-US', Subtitles: { Formats: ['vtt'], OutputStartIndex: 2 } },
    'speaker labels without their maximum': { LanguageCode: 'en-US', Settings: { ShowSpeakerLabels: true } },
    'a PII type Transcribe does not know': { LanguageCode: 'en-US', ContentRedaction: { RedactionType: 'PII', RedactionOutput: 'redacted', PiiEntityTypes: ['SHOE_SIZE'] } },
  };
  for (const [what, options] of Object.entries(refused)) {
    assert.throws(() => transcribe.start({ ...base, ...options }), (e) => e.name === 'Transcribe.BadRequestException', what);
  }
  assert.doesNotThrow(() => transcribe.start({ ...base, LanguageCode: 'de-CH', ContentRedaction: { RedactionType: 'PII', RedactionOutput: 'redacted', PiiEntityTypes: ['NAME'] } }));
});
