// Task handlers for the synthesized state machines that record every call: its request, then its answer
// or its error. An error the services model (a scripted refusal) is the scenario's; any other error is a
// bug of the kit, handed to `onBug` so the executor can fail loudly after the run.
import { isModeled, lambdaError } from './errors.mjs';

/**
 * { calls, call(state, handler) }: `call` wraps a handler so that each request is recorded in `calls`. A
 * handler that answers at once is answered at once (the zero-wait executions depend on it: a promise would
 * let a wait time out before the answer lands); one that returns a promise is recorded when it settles.
 */
export function callRecorder(onBug) {
  const calls = [];
  const call = (state, handler) => (request) => {
    const record = { state, input: structuredClone(request) };
    calls.push(record);
    const failed = (e) => {
      record.error = { name: e.name, message: e.message };
      if (!isModeled(e)) onBug(`${state}: ${e.stack}`, e);
      throw e;
    };
    try {
      const answer = handler(request);
      if (typeof answer?.then === 'function') return answer.then((value) => (record.output = value), failed);
      return (record.output = answer);
    } catch (e) {
      return failed(e);
    }
  };
  return { calls, call };
}

/** The planner's handler: the scripted Lambda errors first (one a call), then the planner's answers. */
export function plannerHandler(planner, plannerErrors = []) {
  const pending = [...plannerErrors];
  return (payload) => {
    const scripted = pending.shift();
    if (scripted) throw lambdaError(scripted);
    return planner.plan(payload);
  };
}

/**
 * Waits for a run of aws-local-stepfunctions to end: { status (SUCCEEDED or FAILED), error (the
 * interpreter's ExecutionError), entered (the states, in order), retries (per state) }. Anything but an
 * ExecutionError is a bug of the kit and is thrown.
 */
export async function settled(run) {
  const entered = [];
  const retries = {};
  const collected = (async () => {
    for await (const e of run.eventLogs) {
      if (e.type === 'StateEntered') entered.push(e.state.name);
      else if (e.type === 'StateRetried') retries[e.state.name] = (retries[e.state.name] ?? 0) + 1;
    }
  })();
  let status = 'SUCCEEDED';
  let error = null;
  try {
    await run.result;
  } catch (e) {
    if (e.name !== 'ExecutionError') throw e;
    status = 'FAILED';
    error = e;
  }
  await collected;
  return { status, error, entered, retries };
}
