// Amazon Transcribe's batch API as the state machine's SDK integration sees it: one simulator for the
// behaviour tests and the benchmarks. It keeps StartTranscriptionJob's request rules, answers
// ConflictException for a job name in use and NotFoundException for an unknown one, holds a
// concurrent-job quota (above it a start is refused with LimitExceededException, or QUEUED with
// JobExecutionSettings.AllowDeferredExecution, up to the queue's size: beyond it a deferred start is refused
// with LimitExceededException too) and request-rate quotas on Start, Get and List (Transcribe models no
// ThrottlingException: a request over a rate is refused with LimitExceededException too). Each of the three
// APIs keeps a record of its calls (`apis`, `apiRates()`): calls, throttled, refused, mean and peak rates.
// A finished job is COMPLETED, with its transcript written where Transcribe writes it, or FAILED
// with a reason; either way a "Transcribe Job State Change" event goes to a subscriber, if any.
//
// How a job advances, one of:
// - `pollsToFinish` (the behaviour tests, in which no time passes): it ends at that
//   GetTranscriptionJob call, QUEUED before its second, IN_PROGRESS after; times are fixed.
// - `durationSeconds(request)` (the benchmarks, under VirtualTime): it runs that long once it has a
//   slot, by Date.now() and setTimeout.
// Quotas are off unless given; TRANSCRIBE_QUOTAS are the ones the benchmarks model.
import { REGION } from './templates.mjs';
import { transcribeError } from './errors.mjs';
import { FakeS3 } from './s3.mjs';
import { invalidStartRequest } from './transcribe-requests.mjs';
import { EventDelivery, jobStateChangeEvent } from './transcribe-events.mjs';
import { ApiCalls, TokenBucket } from './token-bucket.mjs';

/**
 * Transcribe's default quotas (Amazon Transcribe endpoints and quotas, AWS General Reference, "Service
 * quotas", batch): 250 concurrent batch transcription jobs; at most 10,000 jobs queued with
 * AllowDeferredExecution ("Maximum number of queued batch jobs"); StartTranscriptionJob 25 requests a
 * second, GetTranscriptionJob 30, ListTranscriptionJobs 5.
 */
export const TRANSCRIBE_QUOTAS = { concurrentJobs: 250, maxQueuedJobs: 10_000, startsPerSecond: 25, getsPerSecond: 30, listsPerSecond: 5 };

/** The APIs whose calls the simulator records, by their names in the API reference. */
export const TRANSCRIBE_APIS = ['StartTranscriptionJob', 'GetTranscriptionJob', 'ListTranscriptionJobs'];

const TIME_ZERO = Date.parse('2026-11-22T10:00:00.000Z');
const FINAL = new Set(['COMPLETED', 'FAILED']);
const MEDIA_MISSING = 'The URI that you provided doesn\'t point to an S3 object. Make sure that the object exists and try your request again.';
const JOB_NOT_FOUND = 'The requested job couldn\'t be found. Check the job name and try your request again.';

export class FakeTranscribe {
  /**
   * @param {object} [options]
   * @param {number} [options.pollsToFinish] GetTranscriptionJob calls until a job ends (default 1)
   * @param {(request: object) => number} [options.durationSeconds] instead: how long a job runs once started
   * @param {string} [options.finalStatus] how a job ends when its media exists: COMPLETED or FAILED
   * @param {string} [options.failureReason] the FailureReason of a FAILED job
   * @param {Array<string|object>} [options.startErrors] scripted Transcribe errors, one per start call
   * @param {Array<string|object>} [options.getErrors] scripted Transcribe errors, one per get call
   * @param {string|object} [options.startAlways] a Transcribe error thrown by every start
   * @param {(request: object, call: number) => Promise<void>} [options.onGet] runs inside a get, before the job advances
   * @param {FakeS3} [options.s3] where the media is read and the transcripts written
   * @param {number} [options.concurrentJobs] jobs that may run at once
   * @param {number} [options.maxQueuedJobs] deferred jobs that may wait for a slot (beyond them a deferred start is refused)
   * @param {number} [options.startsPerSecond] StartTranscriptionJob rate quota
   * @param {number} [options.getsPerSecond] GetTranscriptionJob rate quota
   * @param {number} [options.listsPerSecond] ListTranscriptionJobs rate quota
   * @param {object} [options.stateChanges] { subscriber, latency: { minMs, maxMs }, lossRate, seed }: see EventDelivery
   */
  constructor({
    pollsToFinish, durationSeconds = null, finalStatus = 'COMPLETED', failureReason = 'The media file is corrupt or its format is not supported.',
    startErrors = [], getErrors = [], startAlways = null, onGet = null, s3 = new FakeS3(),
    concurrentJobs = Infinity, maxQueuedJobs = Infinity, startsPerSecond = Infinity, getsPerSecond = Infinity, listsPerSecond = Infinity, stateChanges = null,
  } = {}) {
    if (durationSeconds && pollsToFinish !== undefined) throw new Error('a job ends after pollsToFinish polls or after durationSeconds, not both');
    Object.assign(this, { durationSeconds, finalStatus, failureReason, startAlways, onGet, s3, concurrentJobs, maxQueuedJobs });
    this.pollsToFinish = durationSeconds ? null : (pollsToFinish ?? 1);
    this.startErrors = [...startErrors];
    this.getErrors = [...getErrors];
    this.startBucket = new TokenBucket(startsPerSecond, Date.now());
    this.getBucket = new TokenBucket(getsPerSecond, Date.now());
    this.listBucket = new TokenBucket(listsPerSecond, Date.now());
    this.apis = Object.fromEntries(TRANSCRIBE_APIS.map((api) => [api, new ApiCalls()]));
    this.stateChanges = stateChanges && new EventDelivery(stateChanges);
    this.jobs = new Map();
    this.waiting = [];
    this.running = 0;
    this.mostRunning = 0;
    this.mostQueued = 0;
    this.startCalls = [];
    this.getCalls = [];
    this.thrown = [];
    this.counts = {
      startCalls: 0, startsThrottled: 0, startsOverQuota: 0, startsOverQueue: 0, startsConflicting: 0, getCalls: 0, getsThrottled: 0, listCalls: 0, listsThrottled: 0, queued: 0,
    };
  }

  /** Each API's record: { calls, throttled, refused, meanPerSecond, peakPerSecond, peakPerMinute, ... } (see ApiCalls). */
  apiRates() {
    return Object.fromEntries(Object.entries(this.apis).map(([api, calls]) => [api, calls.summary()]));
  }

  /** StartTranscriptionJob: the job, RUNNING if a slot is free, QUEUED if deferred and the queue has room. */
  start(request) {
    return this.#recorded('StartTranscriptionJob', () => this.#start(request));
  }

  #start(request) {
    this.startCalls.push(request);
    this.counts.startCalls++;
    const scripted = this.startAlways ?? this.startErrors.shift();
    if (scripted) throw this.#refuse(transcribeError(scripted));
    if (!this.startBucket.take(Date.now())) throw this.#refuse(transcribeError('LimitExceededException'), 'startsThrottled');
    const invalid = invalidStartRequest(request);
    if (invalid) throw this.#refuse(transcribeError({ code: 'BadRequestException', message: invalid }));
    const name = request.TranscriptionJobName;
    if (this.jobs.has(name)) throw this.#refuse(transcribeError('ConflictException'), 'startsConflicting');
    const deferred = request.JobExecutionSettings?.AllowDeferredExecution === true;
    if (this.running >= this.concurrentJobs && !deferred) throw this.#refuse(transcribeError('LimitExceededException'), 'startsOverQuota');
    // Deferred, the job waits for a slot in Transcribe's queue, which holds at most maxQueuedJobs.
    if (this.running >= this.concurrentJobs && this.waiting.length >= this.maxQueuedJobs) throw this.#refuse(transcribeError('LimitExceededException'), 'startsOverQueue');

    const index = this.jobs.size;
    const job = { name, request, index, status: 'QUEUED', createdAt: this.byPolls ? TIME_ZERO + index * 3600_000 : Date.now(), gets: 0, polls: 0 };
    this.jobs.set(name, job);
    if (this.running < this.concurrentJobs) this.#admit(job);
    else {
      this.counts.queued++;
      this.waiting.push(job);
      this.mostQueued = Math.max(this.mostQueued, this.waiting.length);
    }
    return { TranscriptionJob: this.#view(job) };
  }

  /** GetTranscriptionJob: the job as it is now (a promise when an onGet hook is set). */
  get(request) {
    return this.#recorded('GetTranscriptionJob', () => this.#get(request));
  }

  #get(request) {
    this.getCalls.push(request);
    this.counts.getCalls++;
    const scripted = this.getErrors.shift();
    if (scripted) throw this.#refuse(transcribeError(scripted));
    if (!this.getBucket.take(Date.now())) throw this.#refuse(transcribeError('LimitExceededException'), 'getsThrottled');
    const job = this.jobs.get(request.TranscriptionJobName);
    if (!job) throw this.#refuse(transcribeError({ code: 'NotFoundException', message: JOB_NOT_FOUND }));
    if (this.onGet) return Promise.resolve(this.onGet(request, this.getCalls.length)).then(() => this.#poll(job));
    return this.#poll(job);
  }

  /**
   * ListTranscriptionJobs: this account's jobs whose name contains JobNameContains (case-insensitive),
   * with Status if given, newest created first (as the API reference says), MaxResults (default 5) a
   * page, NextToken the position of the next page. Summaries carry name, times and status.
   */
  list(request = {}) {
    return this.#recorded('ListTranscriptionJobs', () => this.#list(request));
  }

  #list({ JobNameContains, MaxResults = 5, NextToken, Status }) {
    this.counts.listCalls++;
    if (!this.listBucket.take(Date.now())) throw this.#refuse(transcribeError('LimitExceededException'), 'listsThrottled');
    if (!Number.isInteger(MaxResults) || MaxResults < 1 || MaxResults > 100) throw this.#refuse(transcribeError({ code: 'BadRequestException', message: `MaxResults ${MaxResults} is outside 1-100.` }));
    const start = NextToken === undefined ? 0 : Number.parseInt(NextToken, 10);
    if (!Number.isInteger(start) || start < 0) throw this.#refuse(transcribeError({ code: 'BadRequestException', message: 'The NextToken is not valid.' }));
    const contains = JobNameContains?.toLowerCase();
    const jobs = [...this.jobs.values()]
      .filter((job) => (!contains || job.name.toLowerCase().includes(contains)) && (!Status || job.status === Status))
      .sort((a, b) => b.createdAt - a.createdAt || b.index - a.index);
    const page = jobs.slice(start, start + MaxResults).map((job) => {
      const { TranscriptionJobName, CreationTime, StartTime, CompletionTime, LanguageCode, TranscriptionJobStatus, FailureReason } = this.#view(job);
      return withoutUndefined({ TranscriptionJobName, CreationTime, StartTime, CompletionTime, LanguageCode, TranscriptionJobStatus, FailureReason });
    });
    return withoutUndefined({ Status, TranscriptionJobSummaries: page, NextToken: start + MaxResults < jobs.length ? String(start + MaxResults) : undefined });
  }

  /** Where "Transcribe Job State Change" events go from now on (EventBridge and the completion rule). */
  subscribe(stateChanges) {
    this.stateChanges = new EventDelivery(stateChanges);
    return this.stateChanges;
  }

  /**
   * By polls (no time passes): a job whose next GetTranscriptionJob would end it ends now, while
   * its execution waits for it, so its completion event can arrive during the wait. True when it ended.
   */
  endIfDueBeforeNextPoll(name) {
    const job = this.jobs.get(name);
    if (!this.byPolls || !job?.admitted || FINAL.has(job.status) || job.polls + 1 < this.pollsToFinish) return false;
    job.polls++;
    this.#finish(job);
    return true;
  }

  /** Jobs that reached COMPLETED (with completedAt, and noticedAt: the first poll that saw it). */
  completedJobs() {
    return [...this.jobs.values()].filter((job) => job.status === 'COMPLETED');
  }

  get byPolls() {
    return this.pollsToFinish !== null;
  }

  #poll(job) {
    job.gets++;
    if (this.byPolls && job.admitted && !FINAL.has(job.status)) {
      job.polls++;
      if (job.polls >= this.pollsToFinish) this.#finish(job);
      else if (job.polls >= 2) this.#begin(job);
    }
    if (job.status === 'COMPLETED') job.noticedAt ??= this.#now(job);
    return { TranscriptionJob: this.#view(job) };
  }

  /** The job has a slot: by time it runs now; by polls it runs from its second poll. */
  #admit(job) {
    this.running++;
    this.mostRunning = Math.max(this.mostRunning, this.running);
    job.admitted = true;
    if (this.byPolls) return;
    this.#begin(job);
    setTimeout(() => this.#finish(job), this.durationSeconds(job.request) * 1000);
  }

  #begin(job) {
    job.status = 'IN_PROGRESS';
    job.startedAt = this.byPolls ? job.createdAt + 5_000 : Date.now();
  }

  #finish(job) {
    const { request } = job;
    if (job.status === 'QUEUED') this.#begin(job);
    if (!this.s3.has(request.Media.MediaFileUri)) {
      job.failureReason = MEDIA_MISSING;
      job.status = 'FAILED';
    } else if (this.finalStatus === 'COMPLETED') {
      job.transcript = this.#writeTranscript(request);
      job.subtitleFileUris = this.#writeSubtitles(request);
      job.status = 'COMPLETED';
    } else {
      job.failureReason = this.failureReason;
      job.status = this.finalStatus;
    }
    job.completedAt = this.#now(job);
    this.running--;
    const next = this.waiting.shift();
    if (next) this.#admit(next);
    this.stateChanges?.send(jobStateChangeEvent({ name: job.name, status: job.status, failureReason: job.failureReason, atMs: job.completedAt }));
  }

  /**
   * OutputKey ending in '/' is a folder: Transcribe writes <OutputKey><job name>.json. With
   * ContentRedaction the redacted transcript is a separate file named redacted-<file name> (AWS
   * documentation: Transcript.RedactedTranscriptFileUri; SyncOutputConfiguration, "adds redacted-
   * before the file name"); the unredacted one is written only for redacted_and_unredacted.
   */
  #writeTranscript(request) {
    if (!request.OutputKey?.endsWith('/')) throw new Error(`OutputKey '${request.OutputKey}' is not modelled`);
    const folder = request.OutputKey;
    const file = `${request.TranscriptionJobName}.json`;
    const redaction = request.ContentRedaction?.RedactionOutput;
    const url = (key) => `https://s3.${REGION}.amazonaws.com/${request.OutputBucketName}/${key}`;
    const transcript = {};
    if (redaction !== 'redacted') {
      this.s3.put(request.OutputBucketName, `${folder}${file}`, { jobName: request.TranscriptionJobName, redacted: false });
      transcript.TranscriptFileUri = url(`${folder}${file}`);
    }
    if (redaction) {
      this.s3.put(request.OutputBucketName, `${folder}redacted-${file}`, { jobName: request.TranscriptionJobName, redacted: true });
      transcript.RedactedTranscriptFileUri = url(`${folder}redacted-${file}`);
    }
    return transcript;
  }

  /** Subtitle files sit beside the transcript, named after the job (SubtitlesOutput.SubtitleFileUris). */
  #writeSubtitles(request) {
    const url = (key) => `https://s3.${REGION}.amazonaws.com/${request.OutputBucketName}/${key}`;
    return (request.Subtitles?.Formats ?? []).map((format) => {
      const key = `${request.OutputKey}${request.TranscriptionJobName}.${format}`;
      this.s3.put(request.OutputBucketName, key, { jobName: request.TranscriptionJobName, format });
      return url(key);
    });
  }

  /** Now for this job: by polls, 10 s per poll after a start 5 s after creation (job n is created n hours in); else Date.now(). */
  #now(job) {
    return this.byPolls ? job.createdAt + (5 + job.gets * 10) * 1000 : Date.now();
  }

  #view(job) {
    const { request, status } = job;
    const iso = (ms) => new Date(ms).toISOString();
    return withoutUndefined({
      TranscriptionJobName: request.TranscriptionJobName,
      TranscriptionJobStatus: status,
      LanguageCode: request.LanguageCode,
      MediaFormat: request.MediaFormat,
      Media: { MediaFileUri: request.Media.MediaFileUri },
      CreationTime: iso(job.createdAt),
      ...(status === 'QUEUED' ? {} : { StartTime: iso(job.startedAt) }),
      ...(status === 'COMPLETED' ? { CompletionTime: iso(job.completedAt), Transcript: job.transcript } : {}),
      ...(request.ContentRedaction ? { ContentRedaction: request.ContentRedaction } : {}),
      ...(request.JobExecutionSettings ? { JobExecutionSettings: request.JobExecutionSettings } : {}),
      ...(status === 'FAILED' ? { CompletionTime: iso(job.completedAt), FailureReason: job.failureReason } : {}),
      ...(request.Settings ? { Settings: request.Settings } : {}),
      ...(request.ModelSettings ? { ModelSettings: request.ModelSettings } : {}),
      ...(request.IdentifyLanguage ? { IdentifyLanguage: true } : {}),
      ...(request.IdentifyMultipleLanguages ? { IdentifyMultipleLanguages: true } : {}),
      ...(request.LanguageOptions ? { LanguageOptions: request.LanguageOptions } : {}),
      ...(request.LanguageIdSettings ? { LanguageIdSettings: request.LanguageIdSettings } : {}),
      ...(request.ToxicityDetection ? { ToxicityDetection: request.ToxicityDetection } : {}),
      // What identification found, once the job is done: the first option (or en-US) and its score,
      // or each option with a share of the audio.
      ...(status === 'COMPLETED' && request.IdentifyLanguage ? { LanguageCode: request.LanguageOptions?.[0] ?? 'en-US', IdentifiedLanguageScore: 0.9876 } : {}),
      ...(status === 'COMPLETED' && request.IdentifyMultipleLanguages
        ? { LanguageCodes: (request.LanguageOptions ?? ['en-US']).map((code, i) => ({ LanguageCode: code, DurationInSeconds: 10 + i * 5 })) }
        : {}),
      ...(request.Subtitles ? { Subtitles: { ...request.Subtitles, ...(status === 'COMPLETED' ? { SubtitleFileUris: job.subtitleFileUris } : {}) } } : {}),
      Tags: request.Tags,
    });
  }

  /** Counts and records a refusal ({ name, message }: the errors themselves hold stack traces). */
  #refuse(error, counter) {
    if (counter) this.counts[counter]++;
    this.thrown.push({ name: error.name, message: error.message });
    if (counter) this.#outcome = RATE_COUNTERS.has(counter) ? { throttled: true } : QUOTA_COUNTERS.has(counter) ? { refused: true } : {};
    return error;
  }

  #outcome = {};

  /** Runs one call of `api` and records it at its time: throttled (rate), refused (another quota) or accepted. */
  #recorded(api, call) {
    const now = Date.now();
    this.#outcome = {};
    try {
      return call();
    } finally {
      this.apis[api].record(now, this.#outcome);
    }
  }
}

/** Refusals by a rate quota, and by another quota (the concurrent jobs, the queue). */
const RATE_COUNTERS = new Set(['startsThrottled', 'getsThrottled', 'listsThrottled']);
const QUOTA_COUNTERS = new Set(['startsOverQuota', 'startsOverQueue']);

function withoutUndefined(object) {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined));
}
