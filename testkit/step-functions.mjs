// Step Functions' StartExecution, as the admitter, the workflow's release and re-processing call it through the optimized integration
// (arn:aws:states:::states:startExecution and .sync:2): executions of one state machine by name, with
// the rules AWS documents for a name that is taken: the same name and input while it runs answers the
// running execution; a different input, or an execution that has ended, is ExecutionAlreadyExists.
// A started execution runs `run(input, name)` (by default it ends at once, SUCCEEDED); the stand-in
// counts how many run at the same time. Scripted errors (throttling) are used up one per call. Every call
// is recorded (`apiCalls`, `apiRates()`): calls, throttled, mean and peak rates.
import { ACCOUNT, REGION } from './templates.mjs';
import { named } from './errors.mjs';
import { ApiCalls, TokenBucket } from './token-bucket.mjs';

/**
 * StartExecution's throttling quota, a token bucket per account and Region (AWS Step Functions Developer
 * Guide, "Step Functions service quotas", "Quotas related to API action throttling"; "Quotas related to
 * Express workflows" for Express): Standard workflows, a bucket of 1,300 refilled 300 a second in US East
 * (N. Virginia), US West (Oregon) and Europe (Ireland), 800 and 150 a second in all other Regions; Express
 * workflows, 6,000 and 6,000 a second. As FakeExecutions' `rate`.
 */
export const START_EXECUTION_QUOTAS = {
  standard: {
    busiestRegions: { regions: ['us-east-1', 'us-west-2', 'eu-west-1'], bucket: 1_300, perSecond: 300 },
    otherRegions: { regions: 'all other Regions', bucket: 800, perSecond: 150 },
  },
  express: { bucket: 6_000, perSecond: 6_000 },
};

/** StartExecution's Standard quota in `region`: { bucket, perSecond }. */
export function standardStartExecutionQuota(region) {
  const { busiestRegions, otherRegions } = START_EXECUTION_QUOTAS.standard;
  return busiestRegions.regions.includes(region) ? busiestRegions : otherRegions;
}

/** StartExecution's modeled errors as the optimized integration names them: StepFunctions.<shape>Exception. */
const ERRORS = {
  ExecutionAlreadyExists: 'Execution Already Exists',
  ExecutionLimitExceeded: 'The maximum number of running executions has been reached.',
  KmsThrottlingException: 'KMS throttled the request.',
  InvalidName: 'Invalid Name',
};

export function stepFunctionsError(code, message = ERRORS[code]) {
  if (!message) throw new Error(`StartExecution models no error ${code}`);
  return named(`StepFunctions.${code.endsWith('Exception') ? code : `${code}Exception`}`, `${message} (Service: AWSStepFunctions; Status Code: 400; Error Code: ${code})`);
}

/** What Step Functions checks of a name (StartExecution: at most 80 characters, no forbidden character). */
const FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;

export class FakeExecutions {
  /**
   * `stateMachineArn`: the only state machine that may be started; `run`: what an execution does;
   * `rate`: StartExecution's throttling quota { bucket, perSecond } (START_EXECUTION_QUOTAS), by Date.now();
   * none by default.
   */
  constructor({ stateMachineArn, run = async () => ({}), errors = [], rate = null }) {
    this.stateMachineArn = stateMachineArn;
    this.bucket = rate && new TokenBucket(rate.perSecond, Date.now(), rate.bucket);
    this.throttled = 0;
    this.apiCalls = new ApiCalls(); // StartExecution
    this.run = run;
    this.errors = [...errors];
    this.byName = new Map(); // name -> { name, executionArn, input (text), status, output }
    this.calls = [];
    this.running = 0;
    this.mostRunning = 0;
  }

  /** StartExecution (request/response): the started (or the same running) execution. */
  start(request) {
    return this.#start(request).answer;
  }

  /** StartExecution.sync:2: resolves when the execution ends, with its description (Output as JSON). */
  async startAndWait(request) {
    const { execution } = this.#start(request);
    await execution.ended;
    if (execution.status !== 'SUCCEEDED') throw named('States.TaskFailed', JSON.stringify({ status: execution.status, executionArn: execution.executionArn }));
    return { ExecutionArn: execution.executionArn, Name: execution.name, Status: execution.status, Output: execution.output, Input: JSON.parse(execution.input) };
  }

  /** StartExecution's record: { calls, throttled, meanPerSecond, peakPerSecond, peakPerMinute, ... } (see ApiCalls). */
  apiRates() {
    return { StartExecution: this.apiCalls.summary() };
  }

  /** The executions started, in order. */
  get executions() {
    return [...this.byName.values()];
  }

  #start(request) {
    this.calls.push(request);
    if (request.StateMachineArn !== this.stateMachineArn) throw new Error(`StartExecution of '${request.StateMachineArn}', expected '${this.stateMachineArn}'`);
    const scripted = this.errors.shift();
    if (scripted) {
      this.apiCalls.record(Date.now());
      throw stepFunctionsError(scripted);
    }
    const throttled = Boolean(this.bucket) && !this.bucket.take(Date.now());
    this.apiCalls.record(Date.now(), { throttled });
    if (throttled) {
      this.throttled++;
      // The API's own rate error (ThrottlingException) is not in the SFN model; whatever the integration
      // names it, no retrier of the admitter takes it (its Catch returns the upload to the intake).
      throw named('StepFunctions.ThrottlingException', 'Rate exceeded (Service: AWSStepFunctions; Status Code: 400; Error Code: ThrottlingException)');
    }
    // The optimized integration serializes a JSON Input itself.
    const input = typeof request.Input === 'string' ? request.Input : JSON.stringify(request.Input ?? {});
    const name = request.Name ?? `generated-${this.byName.size + 1}`;
    if (name.length > 80 || FORBIDDEN.test(name)) throw stepFunctionsError('InvalidName', `Invalid Name: '${name}'`);
    const existing = this.byName.get(name);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) return { execution: existing, answer: existing.answer };
      throw stepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${existing.executionArn}'`);
    }
    const executionArn = `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const answer = { ExecutionArn: executionArn, StartDate: '2026-11-22T10:00:00.000Z' };
    const execution = { name, executionArn, input, status: 'RUNNING', output: null, answer };
    this.byName.set(name, execution);
    this.running++;
    this.mostRunning = Math.max(this.mostRunning, this.running);
    execution.ended = (async () => {
      try {
        execution.output = JSON.stringify(await this.run(JSON.parse(input), name));
        execution.status = 'SUCCEEDED';
      } catch {
        execution.status = 'FAILED';
      } finally {
        this.running--;
      }
    })();
    return { execution, answer };
  }
}

/** The ARN of a state machine in the test account. */
export const stateMachineArnOf = (name) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
