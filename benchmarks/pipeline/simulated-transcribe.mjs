// A time-based stand-in for Amazon Transcribe's batch API, as the state machine's SDK integration
// sees it: jobs take a given time, a concurrent-job quota holds (above it a job is refused with
// LimitExceededException, or QUEUED with JobExecutionSettings.AllowDeferredExecution), and
// StartTranscriptionJob and GetTranscriptionJob have request-rate quotas. Transcribe models no
// ThrottlingException: a request over a rate quota is refused with LimitExceededException too.
// Time is whatever Date.now() says: run it under VirtualTime.

import { serviceError } from '../../tests/workflow/harness.mjs';

const MESSAGES = {
  LimitExceededException: 'Either you have sent too many requests or your input file is too long. Wait before you resend your request, or use a smaller file and resend the request.',
  ConflictException: 'The requested job name already exists. Use a different job name.',
  NotFoundException: 'We can\'t find the requested resource. Check the name and try your request again.',
};

function transcribeError(code) {
  return serviceError('Transcribe', code, MESSAGES[code], code === 'ConflictException' ? 409 : 400);
}

/** Requests per second, in a bucket that holds one second of them (refilled continuously). */
class TokenBucket {
  constructor(perSecond, now) {
    this.perSecond = perSecond;
    this.tokens = perSecond;
    this.last = now;
  }

  take(now) {
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export class SimulatedTranscribe {
  /**
   * @param {object} options
   * @param {(request: object) => number} options.durationSeconds how long a job runs once it started
   * @param {import('../../tests/workflow/harness.mjs').FakeS3} options.s3 where transcripts are written
   * @param {number} [options.concurrentJobs] jobs that may run at once
   * @param {number} [options.startsPerSecond] StartTranscriptionJob rate quota
   * @param {number} [options.getsPerSecond] GetTranscriptionJob rate quota
   */
  constructor({ durationSeconds, s3, concurrentJobs = 250, startsPerSecond = 25, getsPerSecond = 30 }) {
    Object.assign(this, { durationSeconds, s3, concurrentJobs });
    this.startBucket = new TokenBucket(startsPerSecond, Date.now());
    this.getBucket = new TokenBucket(getsPerSecond, Date.now());
    this.jobs = new Map();
    this.waiting = [];
    this.running = 0;
    this.mostRunning = 0;
    this.counts = { startCalls: 0, startsThrottled: 0, startsOverQuota: 0, startsConflicting: 0, getCalls: 0, getsThrottled: 0, queued: 0 };
  }

  start(request) {
    this.counts.startCalls++;
    if (!this.startBucket.take(Date.now())) throw this.#refuse('startsThrottled', 'LimitExceededException');
    const name = request.TranscriptionJobName;
    if (this.jobs.has(name)) throw this.#refuse('startsConflicting', 'ConflictException');
    const deferred = request.JobExecutionSettings?.AllowDeferredExecution === true;
    if (this.running >= this.concurrentJobs && !deferred) throw this.#refuse('startsOverQuota', 'LimitExceededException');

    const job = { name, request, status: 'QUEUED', createdAt: Date.now(), gets: 0 };
    this.jobs.set(name, job);
    if (this.running < this.concurrentJobs) this.#run(job);
    else {
      this.counts.queued++;
      this.waiting.push(job);
    }
    return { TranscriptionJob: this.#view(job) };
  }

  get(request) {
    this.counts.getCalls++;
    if (!this.getBucket.take(Date.now())) throw this.#refuse('getsThrottled', 'LimitExceededException');
    const job = this.jobs.get(request.TranscriptionJobName);
    if (!job) throw transcribeError('NotFoundException');
    job.gets++;
    if (job.status === 'COMPLETED') job.noticedAt ??= Date.now();
    return { TranscriptionJob: this.#view(job) };
  }

  /** Jobs that reached COMPLETED, with the seconds between finishing and the first poll that saw it. */
  completedJobs() {
    return [...this.jobs.values()].filter((job) => job.status === 'COMPLETED');
  }

  #run(job) {
    this.running++;
    this.mostRunning = Math.max(this.mostRunning, this.running);
    job.status = 'IN_PROGRESS';
    job.startedAt = Date.now();
    setTimeout(() => this.#complete(job), this.durationSeconds(job.request) * 1000);
  }

  #complete(job) {
    const { request } = job;
    const file = `${request.TranscriptionJobName}.json`;
    const redaction = request.ContentRedaction?.RedactionOutput;
    if (redaction !== 'redacted') this.s3.put(request.OutputBucketName, `${request.OutputKey}${file}`, { jobName: job.name });
    if (redaction) this.s3.put(request.OutputBucketName, `${request.OutputKey}redacted-${file}`, { jobName: job.name, redacted: true });
    job.status = 'COMPLETED';
    job.completedAt = Date.now();
    this.running--;
    const next = this.waiting.shift();
    if (next) this.#run(next);
  }

  #view(job) {
    const iso = (ms) => (ms === undefined ? undefined : new Date(ms).toISOString());
    return Object.fromEntries(Object.entries({
      TranscriptionJobName: job.name,
      TranscriptionJobStatus: job.status,
      LanguageCode: job.request.LanguageCode,
      MediaFormat: job.request.MediaFormat,
      Media: job.request.Media,
      CreationTime: iso(job.createdAt),
      StartTime: iso(job.startedAt),
      CompletionTime: iso(job.completedAt),
      JobExecutionSettings: job.request.JobExecutionSettings,
    }).filter(([, value]) => value !== undefined));
  }

  #refuse(counter, code) {
    this.counts[counter]++;
    return transcribeError(code);
  }
}
