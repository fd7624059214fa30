// The execution-end recorder: the synthesized Express definition, executed by aws-local-stepfunctions,
// that an "Execution Status Change" event of the workflow (TIMED_OUT, ABORTED, FAILED) starts. Its
// Task states are bound to the stand-ins the workflow's executions use: the in-memory table (GetItem,
// conditional PutItem), the failure queue and the admitter, so what it adds can be compared with what the
// workflow's own failure branch adds. It names the job after the execution itself: no planner is bound.
import { StateMachine } from 'aws-local-stepfunctions';
import { callRecorder, settled } from './calls.mjs';
import { sendMessage } from './sqs.mjs';
import { integrationHandler } from './integrations.mjs';
import { FakeExecutions } from './step-functions.mjs';
import stateNames from '../contracts/state-names.json' with { type: 'json' };

/** The recorder's Task states, each bound to a stand-in. */
export const RECORDER_STATES = {
  lookUp: stateNames.endRecorder.lookUpJob,
  record: stateNames.endRecorder.recordEndInMetadataTable,
  deadLetter: stateNames.endRecorder.sendEndToDeadLetterQueue,
  release: stateNames.endRecorder.freeEndedExecutionsSlot,
};

/** $$.State.EnteredTime of every recorder run: the items it writes carry it as updatedAt. */
export const RECORDER_ENTERED_TIME = '2026-11-22T10:31:00.000Z';

const machines = new WeakMap(); // definition -> its StateMachine

/**
 * Runs the recorder once for `event` and resolves with { status, outcome (the state it ended in),
 * entered, calls, error }. Options: table (required: the workflow's FakeTable),
 * queue (the failure queue's messages), admitter (a
 * FakeExecutions of the intake admitter, which the recorder starts with the execution's release; by default one
 * whose executions do nothing). The result carries `admitter`.
 * A handler error no scenario scripted (a bug of the kit) is thrown after the run.
 */
export async function recordEnd(workflow, event, { table, queue = [], admitter = new FakeExecutions({ stateMachineArn: workflow.admitterArn }) }) {
  const definition = workflow.recorderDefinition ?? fail('pass what loadWorkflow() returns (it carries recorderDefinition)');
  if (!table) fail('recordEnd() needs { table }');
  table.tableName ??= workflow.tableName;
  const bugs = [];
  const { calls, call } = callRecorder((bug) => bugs.push(bug));
  const handlers = {
    [RECORDER_STATES.lookUp]: call(RECORDER_STATES.lookUp, (request) => table.getItem(request)),
    [RECORDER_STATES.record]: call(RECORDER_STATES.record, (request) => table.putItem(request)),
    [RECORDER_STATES.deadLetter]: call(RECORDER_STATES.deadLetter, (request) => sendMessage(queue, workflow.failureQueueUrl, request)),
    [RECORDER_STATES.release]: call(RECORDER_STATES.release, integrationHandler(definition, RECORDER_STATES.release, { executions: [admitter] })),
  };
  const tasks = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task').map(([name]) => name);
  for (const name of tasks) if (!handlers[name]) fail(`the recorder's Task '${name}' has no local handler (it would call AWS)`);

  let machine = machines.get(definition);
  if (!machine) machines.set(definition, (machine = new StateMachine(definition)));
  const run = machine.run(event, {
    overrides: {
      taskResourceLocalHandlers: handlers,
      retryIntervalOverrides: Object.fromEntries(Object.entries(definition.States).filter(([, s]) => s.Retry).map(([name]) => [name, 0])),
    },
    context: { State: { EnteredTime: RECORDER_ENTERED_TIME } },
  });
  const { status, error, entered } = await settled(run);
  if (bugs.length) fail(`the harness failed inside a recorder task (not a scripted error):\n${bugs.join('\n')}`);
  return { status, outcome: entered.at(-1), entered, calls, error, admitter };
}

function fail(message) {
  throw new Error(message);
}
