// The intake admitter: the synthesized Express definition, executed by aws-local-stepfunctions, that the doorbell,
// every end of the workflow ({"release": name}) and an operator start. Its Task states are bound by their
// Resource (testkit/integrations.mjs) to the intake (a FakeQueue as the template configures it), the job table
// (the window's counter and slot items), the real C# planner (which names the execution) and a FakeExecutions
// of the workflow (StartExecution by name).
import { StateMachine } from 'aws-local-stepfunctions';
import { callRecorder, plannerHandler, settled } from './calls.mjs';
import { integrationHandler } from './integrations.mjs';
import { FakeQueue } from './sqs.mjs';
import stateNames from '../contracts/state-names.json' with { type: 'json' };

const machines = new WeakMap(); // definition -> its StateMachine

/** The admitter's states the scenarios name (as synthesized; a renamed state fails the tests that use it). */
export const ADMITTER_STATES = {
  free: stateNames.admitter.freeEndedExecutionsSlot,
  take: stateNames.admitter.takeSlotInWindow,
  receive: stateNames.admitter.receiveNextUpload,
  name: stateNames.admitter.nameExecutionAfterUpload,
  claim: stateNames.admitter.claimSlotForExecution,
  start: stateNames.admitter.startWorkflowExecutionNamedAfterUpload,
  admitted: stateNames.admitter.deleteAdmittedUploadFromIntake,
  returnUpload: stateNames.admitter.returnUploadToIntake,
  windowFull: stateNames.admitter.windowIsFull,
  intakeEmpty: stateNames.admitter.intakeIsEmpty,
  refused: stateNames.admitter.stepFunctionsRefusedStart,
};

/** The window W of the definition: the bound its "take a slot" condition compares the counter with. */
export function windowOf(workflow) {
  const values = workflow.admitterDefinition.States[ADMITTER_STATES.take]?.Parameters?.ExpressionAttributeValues ?? fail(`the admitter has no '${ADMITTER_STATES.take}' with values`);
  return Number(values[':window']?.N ?? fail('the window\'s bound is not :window'));
}

/**
 * The intake and its dead-letter queue as the template configures them (visibility timeout, maxReceiveCount):
 * { intake, deadLetters }. `longPolling: false` for zero-wait runs (a receive answers at once).
 */
export function intakeOf(workflow, { longPolling = true } = {}) {
  const { visibilityTimeoutSeconds, maxReceiveCount, deadLetterQueueUrl } = workflow.intakeQueue ?? fail('pass what loadWorkflow() returns (it carries intakeQueue)');
  const deadLetters = new FakeQueue({ queueUrl: deadLetterQueueUrl, longPolling });
  const intake = new FakeQueue({ queueUrl: workflow.intakeQueueUrl, visibilityTimeoutSeconds, maxReceiveCount, deadLetterQueue: deadLetters, longPolling });
  return { intake, deadLetters };
}

/** What EventBridge's upload rule puts into the intake: the event, as the message body (its SendMessage). */
export function enqueueUpload(intake, event) {
  return intake.sendMessage({ QueueUrl: intake.queueUrl, MessageBody: JSON.stringify(event) });
}

/**
 * Runs the admitter once on `input` ({} for the doorbell or an operator, { release: name } for an ended execution)
 * and resolves with { status (SUCCEEDED | FAILED), outcome (the state it ended in), entered, calls, retries, error }.
 * Options: planner, intake (a FakeQueue), table (the job FakeTable), executions (a FakeExecutions of the workflow),
 * all required; plannerErrors (Lambda errors before the function runs), scripted ({ state: [error names] }),
 * time ('zero-wait': retries at once; 'virtual': their real back-off, on the installed VirtualTime).
 * A handler error no scenario scripted (a bug of the kit) is thrown after the run.
 */
export async function admit(workflow, input, { planner, intake, table, executions, plannerErrors = [], scripted = {}, time = 'zero-wait' }) {
  const definition = workflow.admitterDefinition ?? fail('pass what loadWorkflow() returns (it carries admitterDefinition)');
  if (!planner || !intake || !table || !executions) fail('admit() needs { planner, intake, table, executions }');
  table.tableName ??= workflow.tableName;
  const bugs = [];
  const { calls, call } = callRecorder((bug) => bugs.push(bug));
  const bindings = { table, queues: [intake], executions: [executions], functions: { [workflow.plannerArn]: plannerHandler(planner, plannerErrors) }, scripted };
  const handlers = Object.fromEntries(Object.entries(definition.States).filter(([, s]) => s.Type === 'Task')
    .map(([name]) => [name, call(name, integrationHandler(definition, name, bindings))]));

  let machine = machines.get(definition);
  if (!machine) machines.set(definition, (machine = new StateMachine(definition)));
  const run = machine.run(input, {
    overrides: {
      taskResourceLocalHandlers: handlers,
      // zero-wait: the pacing pause and the retries' back-off are entered, and take no time.
      ...(time === 'virtual' ? {} : {
        retryIntervalOverrides: Object.fromEntries(Object.entries(definition.States).filter(([, s]) => s.Retry).map(([name]) => [name, 0])),
        waitTimeOverrides: Object.fromEntries(Object.entries(definition.States).filter(([, s]) => s.Type === 'Wait').map(([name]) => [name, 0])),
      }),
    },
  });
  const { status, error, entered, retries } = await settled(run);
  if (bugs.length) fail(`the harness failed inside an admitter task (not a scripted error):\n${bugs.join('\n')}`);
  if (planner.failure) throw planner.failure;
  return { status, outcome: entered.at(-1), entered, calls, retries, error };
}

function fail(message) {
  throw new Error(message);
}
