// Runs executions of a synthesized state machine concurrently under virtual time, with the real
// Wait seconds and the real Retry back-off (full jitter) of the definition, and counts what each
// execution did. The services are the harness's stand-ins plus a time-based Transcribe.

import { StateMachine } from 'aws-local-stepfunctions';
import { ACCOUNT, REGION, STATES, FakeTable, FakePostProcessor, sendMessage } from '../../tests/workflow/harness.mjs';

/**
 * The local handler of every Task state. The planner's answers are looked up in `plans` (computed
 * beforehand by the real C# planner for the same events), because a child process cannot run inside
 * virtual time.
 */
export function taskHandlers({ workflow, plans, transcribe, table, queue, postProcessor }) {
  return {
    [STATES.plan]: async (event) => plans.get(event.detail.object.key) ?? fail(`no plan for ${event.detail.object.key}`),
    [STATES.start]: async (request) => transcribe.start(request),
    [STATES.get]: async (request) => transcribe.get(request),
    [STATES.postProcess]: async (request) => postProcessor.invoke(request, { table, s3: transcribe.s3 }),
    [STATES.recordFailure]: async (request) => table.putItem(request),
    [STATES.deadLetter]: async (request) => sendMessage(queue, workflow.failureQueueUrl, request),
  };
}

/**
 * Starts one execution per input at the current virtual time and resolves when all have ended.
 * `workflow` is what harness.loadWorkflow() says about the template the definition comes from.
 * Returns per execution: { name, key, status (SUCCEEDED | FAILED | TIMED_OUT), error, transitions,
 * retries: {state: n}, endedAt (virtual ms) }, plus the shared table and queue.
 */
export async function runExecutions(definition, inputs, { workflow, clock, plans, transcribe }) {
  const table = new FakeTable({ tableName: workflow.tableName });
  const queue = [];
  const handlers = taskHandlers({ workflow, plans, transcribe, table, queue, postProcessor: new FakePostProcessor() });
  const machine = new StateMachine(definition);
  const all = Promise.all(inputs.map((input, i) => runOne(machine, workflow, input, `execution-${String(i + 1).padStart(4, '0')}`, handlers)));
  const executions = await clock.run(all);
  return { executions, table, queue };
}

async function runOne(machine, workflow, input, name, handlers) {
  const run = machine.run(input, {
    overrides: { taskResourceLocalHandlers: handlers },
    context: {
      Execution: { Id: `arn:aws:states:${REGION}:${ACCOUNT}:execution:${workflow.stateMachineName}:${name}`, Name: name, StartTime: new Date(Date.now()).toISOString() },
      StateMachine: { Id: workflow.stateMachineArn, Name: workflow.stateMachineName },
      State: { EnteredTime: new Date(Date.now()).toISOString() },
    },
  });
  const execution = { name, key: input.detail.object.key, status: 'SUCCEEDED', error: null, transitions: 0, retries: {} };
  const counted = (async () => {
    for await (const event of run.eventLogs) {
      if (event.type === 'StateEntered') execution.transitions++;
      else if (event.type === 'StateRetried') execution.retries[event.state.name] = (execution.retries[event.state.name] ?? 0) + 1;
      else if (event.type === 'ExecutionFailed') execution.error = event.Error;
    }
  })();
  try {
    await run.result;
  } catch (e) {
    if (e.name === 'ExecutionTimeoutError') execution.status = 'TIMED_OUT';
    else if (e.name === 'ExecutionError') execution.status = 'FAILED';
    else throw e;
  }
  execution.endedAt = Date.now();
  await counted;
  return execution;
}

function fail(message) {
  throw new Error(message);
}
