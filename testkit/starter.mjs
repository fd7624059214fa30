// The upload starter: the synthesized Express definition, executed by aws-local-stepfunctions, that the
// upload rule starts for each "Object Created" event. Its Task states are bound to the real C# planner
// (which names the execution), a FakeExecutions of the workflow (StartExecution by name) and the event
// dead-letter queue.
import { StateMachine } from 'aws-local-stepfunctions';
import { callRecorder, plannerHandler, settled } from './calls.mjs';
import { sendMessage } from './sqs.mjs';

/** The starter's Task states, each bound to a stand-in. */
export const STARTER_STATES = {
  name: 'Name the execution after the upload',
  start: 'Start the workflow execution named after the upload',
  startUnnamed: 'Start the workflow execution without a name',
  deadLetter: 'Send the event to the dead-letter queue',
};

const machines = new WeakMap(); // definition -> its StateMachine

/**
 * Runs the starter once for `event` and resolves with { status, outcome (the state it ended in), entered,
 * calls, retries, error }. Options: planner (required), executions (required: a FakeExecutions of the
 * workflow), queue (the event dead-letter queue's messages), plannerErrors (Lambda errors before the
 * function runs), time ('zero-wait': retries at once; 'virtual': their real back-off, on the installed
 * VirtualTime). A handler error no scenario scripted (a bug of the kit) is thrown after the run.
 */
export async function startUpload(workflow, event, { planner, executions, queue = [], plannerErrors = [], time = 'zero-wait' }) {
  const definition = workflow.starterDefinition ?? fail('pass what loadWorkflow() returns (it carries starterDefinition)');
  if (!planner || !executions) fail('startUpload() needs { planner, executions }');
  const bugs = [];
  const { calls, call } = callRecorder((bug) => bugs.push(bug));
  const handlers = {
    [STARTER_STATES.name]: call(STARTER_STATES.name, plannerHandler(planner, plannerErrors)),
    [STARTER_STATES.start]: call(STARTER_STATES.start, (request) => executions.start(request)),
    [STARTER_STATES.startUnnamed]: call(STARTER_STATES.startUnnamed, (request) => executions.start(request)),
    [STARTER_STATES.deadLetter]: call(STARTER_STATES.deadLetter, (request) => sendMessage(queue, workflow.eventQueueUrl, request)),
  };
  const tasks = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task').map(([name]) => name);
  for (const name of tasks) if (!handlers[name]) fail(`the starter's Task '${name}' has no local handler (it would call AWS)`);
  for (const name of Object.keys(handlers)) if (!tasks.includes(name)) fail(`the starter has no Task state '${name}'`);

  let machine = machines.get(definition);
  if (!machine) machines.set(definition, (machine = new StateMachine(definition)));
  const run = machine.run(event, {
    overrides: {
      taskResourceLocalHandlers: handlers,
      ...(time === 'virtual' ? {} : { retryIntervalOverrides: Object.fromEntries(Object.entries(definition.States).filter(([, s]) => s.Retry).map(([name]) => [name, 0])) }),
    },
  });
  const { status, error, entered, retries } = await settled(run);
  if (bugs.length) fail(`the harness failed inside a starter task (not a scripted error):\n${bugs.join('\n')}`);
  if (planner.failure) throw planner.failure;
  return { status, outcome: entered.at(-1), entered, calls, retries, error };
}

function fail(message) {
  throw new Error(message);
}
