// Runs one execution of a synthesized definition with aws-local-stepfunctions, a real ASL
// interpreter, every Task state bound to a local stand-in, and reports what it did: status, the Fail
// state's error and cause, states entered, retries, waits, every task call, and the stand-ins' state.
// The behaviour tests and the benchmarks both run executions through execute():
// - time: 'zero-wait' (the tests): Wait states and retry pauses take 0 ms; the waits asked for are
//   added up against the definition's TimeoutSeconds (result.clock), so a run that would time out in
//   AWS is reported as one.
// - time: 'virtual' (the benchmarks): the real Wait seconds and Retry back-off (full jitter), on
//   whatever clock is installed (VirtualTime); the executions' context carries that clock's time.
// A handler error is either modeled (an AWS error a stand-in or scenario produces) or a bug of the
// test kit: the latter is re-thrown after the run, so it can never pass for a Catch path.
import { StateMachine } from 'aws-local-stepfunctions';
import { ACCOUNT, REGION } from './templates.mjs';
import { workflowOf } from './workflow.mjs';
import { STATES } from './states.mjs';
import { isModeled, lambdaError, named, scriptedServiceError } from './errors.mjs';
import { CompletionNotifier, WAIT_STATE } from './completion.mjs';
import { uuidOf } from './ids.mjs';
import { FakeTranscribe } from './transcribe.mjs';
import { FakeTable } from './dynamodb.mjs';
import { FakePostProcessor } from './post-processor.mjs';
import { sendMessage } from './sqs.mjs';
import { integrationHandler } from './integrations.mjs';
import { FakeExecutions } from './step-functions.mjs';

/** $$.State.EnteredTime of every zero-wait execution: the items it records carry this time. */
export const EXECUTION_ENTERED_TIME = '2026-11-22T10:00:01.000Z';

const machines = new WeakMap(); // definition -> its StateMachine (validating a definition is slow)
let executionCounter = 0;

/**
 * Runs one execution of `definition` on `input` and resolves with its result (see below).
 *
 * Options: planner (required: Planner or RecordedPlanner), transcribe, table, queue, postProcessor,
 * admitter (a FakeExecutions of the intake admitter: every end of the workflow starts it with its release; by
 * default one whose executions do nothing), executionName (default: the name the admitter gives the input, asked of
 * the planner; a UUID when it cannot name it), time ('zero-wait' | 'virtual'), workflow (default: the one loadDefinition() rendered
 * the definition from), plannerErrors (Lambda errors before the function runs), recordErrors and
 * skipRecordErrors (DynamoDB errors), sqsErrors: scripted error codes, used up one per call.
 * Ending early: `stop` ({ at: a Task state, as: 'ABORTED' | 'TIMED_OUT' }) ends the execution when it
 * reaches that state, after the state's own call (a token stored, an item written): an operator's
 * StopExecution, or the execution timeout elapsing while the state runs (the interpreter's own timeout
 * runs on real time, which zero-wait executions do not spend). The result's status is `as`.
 * Completion events: `events` ({ latency, lossRate, seed }, see EventDelivery) makes `transcribe`
 * send them to a completion notifier (the template's, executed) that wakes the waiting execution;
 * `completion` passes a CompletionNotifier shared by several executions (the benchmarks). Without
 * either, no event comes: every wait for the job times out and the job is polled.
 * In zero-wait time a job that ends by polls ends during the wait before the poll that would end it
 * (so its event can wake the wait), unless `finishWhileWaiting: false`.
 */
export async function execute(definition, input, options = {}) {
  const {
    workflow = workflowOf(definition),
    planner,
    transcribe = new FakeTranscribe(),
    table = new FakeTable(),
    queue = [],
    postProcessor = new FakePostProcessor(),
    time = 'zero-wait',
    events = null,
    stop = null,
  } = options;
  if (!planner) fail('execute() needs { planner }');
  const executionName = options.executionName ?? (await admittedName(planner, input)) ?? uuidOf(`execution/${++executionCounter}`);
  if (time !== 'zero-wait' && time !== 'virtual') fail(`time must be 'zero-wait' or 'virtual', not '${time}'`);
  table.tableName ??= workflow.tableName;
  const { s3 } = transcribe;
  // The upload exists: the event says S3 created it.
  if (input?.detail?.bucket?.name && typeof input.detail.object?.key === 'string') s3.put(input.detail.bucket.name, input.detail.object.key, { size: input.detail.object.size });

  const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${workflow.stateMachineName}:${executionName}`;
  const completion = options.completion ?? new CompletionNotifier({ definition: workflow.notifierDefinition, table });
  if (events) transcribe.subscribe({ ...events, subscriber: completion.deliver });
  // One token per execution: every wait of it stores the same one (see TaskTokens).
  const taskToken = `task-token/${executionName}`;
  let run;
  const admitter = options.admitter ?? new FakeExecutions({ stateMachineArn: workflow.admitterArn });
  const base = taskHandlers({ ...options, workflow, planner, transcribe, table, queue, postProcessor, completion, time });
  // The other Task states (the release that starts the admitter) by their Resource.
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === 'Task' && !base[name]) base[name] = integrationHandler(definition, name, { table, executions: [admitter] });
  }
  if (stop) stopAt(base, stop, () => run.abort());
  const { handlers, calls, bugs } = recorded(definition, workflow.definition, base);
  const startedAt = time === 'virtual' ? new Date(Date.now()).toISOString() : EXECUTION_ENTERED_TIME;
  run = machineOf(definition).run(input, {
    overrides: { taskResourceLocalHandlers: handlers, ...(time === 'zero-wait' ? zeroWaits(definition) : {}) },
    context: {
      Execution: { Id: executionArn, Name: executionName, StartTime: startedAt },
      Task: { Token: taskToken },
      StateMachine: { Id: workflow.stateMachineArn, Name: workflow.stateMachineName },
      State: { EnteredTime: startedAt },
    },
  });

  // What the events say, kept as it arrives (the events themselves hold every state's input and output).
  const entered = [];
  const retries = {};
  const waits = [];
  const failedStates = [];
  let failed = null;
  let lastEntered = null;
  let waitingFor = null;
  let timedOutWaits = 0;
  let waitExits = 0;
  let waitFailures = 0;
  const collected = (async () => {
    for await (const e of run.eventLogs) {
      const waitForJob = e.state?.name === WAIT_STATE;
      if (e.type === 'StateEntered') {
        entered.push(e.state.name);
        lastEntered = { state: e.state.name, input: jsonClone(e.state.input) };
        if (e.state.type === 'Wait') waits.push(waitSeconds(definition.States[e.state.name], e.state.input));
        if (waitForJob) waitingFor = jsonPath(e.state.input, definition.States[WAIT_STATE].TimeoutSecondsPath);
      } else if (e.type === 'StateRetried') retries[e.state.name] = (retries[e.state.name] ?? 0) + 1;
      else if (e.type === 'StateFailed' && waitForJob && e.Error === 'States.Timeout') {
        // No event within the plan's wait: the polling plan at work, not a failure. The wait lasted
        // all of it, and its token completes nothing now.
        completion.tokens.abandon(taskToken);
        waits.push(waitingFor);
        timedOutWaits++;
        waitFailures++;
      } else if (e.type === 'StateFailed') {
        failedStates.push({ state: e.state.name, error: e.Error, cause: e.Cause });
        if (waitForJob) waitFailures++;
      } else if (e.type === 'StateExited' && waitForJob) waitExits++; // every wait exits, woken or not
      else if (e.type === 'ExecutionFailed') failed ??= e;
    }
  })();
  collected.catch(() => {}); // awaited below, unless the run itself throws first
  let status = 'SUCCEEDED';
  let output = null;
  try {
    output = await run.result;
  } catch (e) {
    if (e.name === 'ExecutionTimeoutError') status = 'TIMED_OUT';
    else if (e.name === 'ExecutionError') status = 'FAILED';
    else if (e.name === 'ExecutionAbortedError' && stop) status = stop.as;
    else throw e;
  }
  const endedAt = Date.now();
  await collected;
  completion.tokens.abandon(taskToken);
  if (!options.completion) await completion.settled();
  if (bugs.length) fail(`the harness failed inside a task (not a scripted error):\n${bugs.join('\n')}`);
  if (planner.failure) throw planner.failure;
  return {
    status, // SUCCEEDED | FAILED | TIMED_OUT, or ABORTED (stop)
    output,
    error: failed?.Error ?? null,
    cause: failed?.Cause ?? null,
    entered,
    transitions: entered.length,
    retries,
    failedStates,
    // A FAILED execution's last state and the input it received: where a redrive continues (testkit/redrive.mjs).
    failedAt: status === 'FAILED' ? lastEntered : null,
    waits, // the seconds of every Wait state, and of every wait for the job that timed out
    timedOutWaits,
    wokenWaits: waitExits - waitFailures, // waits for the job ended by its completion event
    notifications: options.completion ? null : completion.runs,
    clock: waitedAgainstTimeout(waits, definition.TimeoutSeconds),
    endedAt, // epoch ms on the clock the execution ran on
    calls,
    executionArn,
    executionName,
    deadLetters: queue.filter((m) => m.body?.executionArn === executionArn),
    admitter,
    table,
    queue,
    s3,
    transcribe,
  };
}

/**
 * Ends the execution at the Task state `at`: the state's call is made (its effects happen, a modeled
 * error it answers no longer matters), then the run is aborted while the task is still running. No
 * state runs after it: no retrier takes the task's last error, and the aborted run enters nothing.
 */
function stopAt(handlers, { at, as }, abort) {
  if (!['ABORTED', 'TIMED_OUT'].includes(as)) fail(`stop.as must be 'ABORTED' or 'TIMED_OUT', not '${as}'`);
  const handler = handlers[at] ?? fail(`stop.at: '${at}' is not a Task state with a handler`);
  handlers[at] = (request) => {
    try {
      const answer = handler(request);
      answer?.then?.(undefined, (e) => { if (!isModeled(e)) throw e; });
    } catch (e) {
      if (!isModeled(e)) throw e;
    }
    // The execution ends while the task runs; then the task lets go, so that the interpreter clears its
    // timers (the task's and the execution's timeout) instead of keeping the process alive for hours.
    return new Promise((_, reject) => setImmediate(() => {
      abort();
      setImmediate(() => reject(named('TestKit.ExecutionEnded', 'the execution ended while this task ran')));
    }));
  };
}

/** The local handler of every Task state, with the scripted errors of the options. */
/**
 * The name the admitter gives the execution of `input` (the planner's answer to executionNameOf, not counted in
 * its calls), or null: an input it cannot name (a hand-started execution, which Step Functions names with a
 * UUID), or a planner that only replays plans.
 */
async function admittedName(planner, input) {
  if (typeof planner.nameOf !== 'function') return null;
  try {
    return (await planner.nameOf(input)).executionName;
  } catch (e) {
    if (e.name === 'InvalidJobRequestException') return null;
    throw e;
  }
}

function taskHandlers({ workflow, planner, transcribe, table, queue, postProcessor, completion, time, finishWhileWaiting = true, plannerErrors = [], recordErrors = [], skipRecordErrors = [], sqsErrors = [] }) {
  const pending = { plan: [...plannerErrors], record: [...recordErrors], skip: [...skipRecordErrors], sqs: [...sqsErrors] };
  const s3 = transcribe.s3;
  return {
    [STATES.plan]: (payload) => {
      const scripted = pending.plan.shift();
      if (scripted) throw lambdaError(scripted);
      return planner.plan(payload);
    },
    [STATES.start]: (request) => transcribe.start(request),
    [STATES.waitForJob]: (parameters) => {
      const request = withoutTimeoutField(parameters);
      // Store the token as the task asks (a final item refuses it: DynamoDb.ConditionalCheckFailedException).
      table.updateItem(request);
      const token = request.ExpressionAttributeValues[':taskToken'].S;
      const woken = completion.tokens.wait(token);
      if (time === 'virtual') return woken; // the event or the definition's TimeoutSecondsPath ends it
      // No time passes: the job may end now, while the execution waits; its event, if it is sent and not
      // lost, runs the notifier, which wakes the wait. Otherwise the wait times out at once.
      const jobName = request.Key.jobName.S;
      const sentBefore = transcribe.stateChanges?.sent.length ?? 0;
      if (finishWhileWaiting) transcribe.endIfDueBeforeNextPoll(jobName);
      if ((transcribe.stateChanges?.sent.length ?? 0) === sentBefore) throw timedOut();
      return Promise.race([woken, (async () => {
        await new Promise((resolve) => setImmediate(resolve)); // the event's microtask has started the notifier
        await completion.settled();
        throw timedOut();
      })()]);
    },
    [STATES.get]: (request) => transcribe.get(request),
    [STATES.postProcess]: (request) => (typeof postProcessor === 'function' ? postProcessor(request, { table, s3 }) : postProcessor.invoke(request, { table, s3 })),
    [STATES.recordFailure]: (request) => {
      const scripted = pending.record.shift();
      if (scripted) throw scriptedServiceError('DynamoDB', scripted, 400);
      return table.putItem(request);
    },
    [STATES.recordSkip]: (request) => {
      const scripted = pending.skip.shift();
      if (scripted) throw scriptedServiceError('DynamoDB', scripted, 400);
      return table.putItem(request);
    },
    [STATES.deadLetter]: (request) => sendMessage(queue, workflow.failureQueueUrl, request, pending.sqs),
  };
}

/**
 * Binds the handlers to the definition's Task states (every one) and records each call. Every handler
 * must name a Task state of the synthesized definition (`synthesized`, the one the workflow was loaded
 * from), so a renamed state fails here; a benchmark's variant of it may leave some out. A handler that
 * answers at once is awaited no longer than a plain async handler would be, so concurrent executions
 * interleave as they would without the recording.
 */
function recorded(definition, synthesized, handlers) {
  const tasksOf = (d) => Object.entries(d.States).filter(([, s]) => s.Type === 'Task').map(([n]) => n);
  const taskStates = tasksOf(definition);
  const synthesizedTasks = synthesized ? tasksOf(synthesized) : taskStates;
  for (const name of taskStates) if (!handlers[name]) fail(`the definition's Task '${name}' has no local handler (it would call AWS)`);
  for (const name of Object.keys(handlers)) if (!synthesizedTasks.includes(name)) fail(`the definition has no Task state '${name}'`);
  for (const name of Object.keys(handlers)) if (!taskStates.includes(name)) delete handlers[name];
  const calls = [];
  const bugs = [];
  const failed = (name, call, e) => {
    call.error = { name: e.name, message: e.message };
    if (!isModeled(e)) bugs.push(`${name}: ${e.stack}`);
    throw e;
  };
  const wrapped = Object.fromEntries(Object.entries(handlers).map(([name, handler]) => [name, async (request) => {
    const call = { state: name, input: jsonClone(request) };
    calls.push(call);
    let answer;
    try {
      answer = handler(request);
    } catch (e) {
      return failed(name, call, e);
    }
    if (typeof answer?.then !== 'function') return (call.output = answer);
    try {
      return (call.output = await answer);
    } catch (e) {
      return failed(name, call, e);
    }
  }]));
  return { handlers: wrapped, calls, bugs };
}

/**
 * A copy of a task's request, as structuredClone makes it, several times faster for the plain objects, arrays
 * and primitives the interpreter builds requests of (structuredClone serializes; a recursive copy does not).
 * Anything else in it (a Date, a Map) is copied by structuredClone.
 */
export function jsonClone(value) {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const copy = new Array(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = jsonClone(value[i]);
    return copy;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return structuredClone(value);
  const copy = {};
  for (const key of Object.keys(value)) copy[key] = jsonClone(value[key]);
  return copy;
}

/** What the interpreter raises when a task outlives its timeout; thrown by the zero-wait stand-in instead of waiting. */
function timedOut() {
  return named('States.Timeout', 'The task timed out: no completion event within the plan\'s wait.');
}

function machineOf(definition) {
  let machine = machines.get(definition);
  if (!machine) machines.set(definition, (machine = new StateMachine(forInterpreter(definition))));
  return machine;
}

// Step Functions resolves a Task's TimeoutSecondsPath against the state's input (AWS: "a dynamic
// timeout specified by a path in the state input"); aws-local-stepfunctions 3.0.0 resolves it against
// the Parameters' output. For the interpreter only, the wait's Parameters also carry the timeout
// (TIMEOUT_FIELD) and TimeoutSecondsPath points there; the stand-in drops the field before it acts.
const TIMEOUT_FIELD = 'timeoutSecondsForTheLocalInterpreter';

function forInterpreter(definition) {
  const copy = structuredClone(definition);
  for (const state of Object.values(copy.States)) {
    if (state.Type === 'Task' && state.TimeoutSecondsPath && state.Parameters) {
      state.Parameters[`${TIMEOUT_FIELD}.$`] = state.TimeoutSecondsPath;
      state.TimeoutSecondsPath = `$.${TIMEOUT_FIELD}`;
    }
  }
  return copy;
}

/** The request a task's Parameters make, without the field forInterpreter() adds. */
function withoutTimeoutField(request) {
  const { [TIMEOUT_FIELD]: _timeout, ...rest } = request;
  return rest;
}

function zeroWaits(definition) {
  const names = Object.keys(definition.States);
  return {
    waitTimeOverrides: Object.fromEntries(names.filter((n) => definition.States[n].Type === 'Wait').map((n) => [n, 0])),
    retryIntervalOverrides: Object.fromEntries(names.filter((n) => definition.States[n].Retry).map((n) => [n, 0])),
  };
}

/** The seconds a Wait state asks for, read from its input like Step Functions does. */
function waitSeconds(state, input) {
  if (state.InputPath !== undefined) fail('Wait states with InputPath are not modelled');
  if (state.Seconds !== undefined) return state.Seconds;
  if (state.SecondsPath !== undefined) return jsonPath(input, state.SecondsPath);
  return fail('Wait states with Timestamp/TimestampPath are not modelled');
}

function jsonPath(value, path) {
  if (!/^\$(\.[A-Za-z0-9_]+)+$/.test(path)) fail(`JSONPath ${path} is not modelled`);
  return path.slice(2).split('.').reduce((v, k) => v?.[k], value);
}

/**
 * The waits an execution asked for against the definition's TimeoutSeconds: an execution that would
 * have waited longer ends as TIMED_OUT in AWS, at the wait that crosses the limit.
 */
function waitedAgainstTimeout(waits, timeoutSeconds) {
  let elapsedSeconds = 0;
  let timedOutAtWait = null;
  waits.forEach((w, i) => {
    elapsedSeconds += w;
    if (timedOutAtWait === null && timeoutSeconds !== undefined && elapsedSeconds > timeoutSeconds) timedOutAtWait = i + 1;
  });
  return { elapsedSeconds, timeoutSeconds, timedOut: timedOutAtWait !== null, timedOutAtWait };
}

function fail(message) {
  throw new Error(message);
}
