// Executions named after the upload: the upload rule starts the starter (the synthesized Express
// definition, executed locally), which asks the real C# planner for the name and starts the workflow
// with it. A duplicate event maps to the same name and is "already handled"; a throttled StartExecution
// is retried and, when it never succeeds, the event waits in the dead-letter queue: nothing is lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { uploadEvent, ruleMatches } from '../../testkit/events.mjs';
import { plannerForTests } from '../../testkit/scenario.mjs';
import { FakeTranscribe } from '../../testkit/transcribe.mjs';
import { FakeTable } from '../../testkit/dynamodb.mjs';
import { execute } from '../../testkit/execute.mjs';
import { FakeExecutions } from '../../testkit/step-functions.mjs';
import { startUpload, STARTER_STATES } from '../../testkit/starter.mjs';
import { plannedJob } from '../../testkit/assertions.mjs';

const workflow = loadWorkflow('dev');
const planner = plannerForTests(workflow);
const NAME = /^[0-9A-Za-z_-]{1,80}$/;

/** The workflow's executions, started by name; they run until `release()` unless `endAtOnce`. */
function workflowExecutions({ errors = [], endAtOnce = true } = {}) {
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  const executions = new FakeExecutions({ stateMachineArn: workflow.stateMachineArn, errors, run: async () => (endAtOnce ? {} : released) });
  return { executions, release };
}

test('the upload rule delivers the event to the starter, not to the workflow', () => {
  const rule = workflow.template.Resources[Object.keys(workflow.template.Resources).find((id) => id.startsWith('UploadTriggerRule'))];
  assert.deepEqual(rule.Properties.Targets.map((t) => t.Arn), [{ Ref: Object.keys(workflow.template.Resources).find((id) => id.startsWith('UploadTriggerStateMachine')) }]);
  assert.ok(ruleMatches(workflow, uploadEvent(workflow, 'media/2026/Board meeting (Q4).mp3')));
});

test('an upload starts one workflow execution named after the file, with the event as its input', async () => {
  const event = uploadEvent(workflow, 'media/2026/Board meeting (Q4).mp3');
  const { executions } = workflowExecutions();
  const queue = [];

  const run = await startUpload(workflow, event, { planner, executions, queue });

  assert.equal(run.status, 'SUCCEEDED');
  assert.equal(run.outcome, 'The workflow execution is started');
  const [execution] = executions.executions;
  assert.equal(executions.executions.length, 1);
  assert.match(execution.name, /^Board-meeting-Q4-[0-9a-f]{16}$/, 'the file name an operator types into the console\'s search');
  assert.match(execution.name, NAME);
  assert.deepEqual(JSON.parse(execution.input), event, 'the workflow\'s input is the upload event, as before');
  assert.equal(queue.length, 0);
});

test('the named execution is the workflow\'s own run: its job carries the same hash as the name', async () => {
  const event = uploadEvent(workflow, 'media/interview.mp3');
  const { executions } = workflowExecutions();
  await startUpload(workflow, event, { planner, executions });
  const [{ name }] = executions.executions;

  const result = await execute(workflow.definition, event, { planner, transcribe: new FakeTranscribe({ pollsToFinish: 1 }), table: new FakeTable(), executionName: name });

  assert.equal(result.status, 'SUCCEEDED');
  assert.equal(result.executionArn, `${workflow.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`);
  assert.ok(plannedJob(result).jobName.endsWith(name.slice(-16)), `job ${plannedJob(result).jobName} and execution ${name}`);
});

test('a duplicate event while the execution runs maps to the same name and joins it: one execution', async () => {
  const event = uploadEvent(workflow, 'media/call.wav');
  const { executions, release } = workflowExecutions({ endAtOnce: false });

  const first = await startUpload(workflow, event, { planner, executions });
  const second = await startUpload(workflow, event, { planner, executions });
  release();

  assert.equal(first.outcome, 'The workflow execution is started');
  assert.equal(second.outcome, 'The workflow execution is started', 'same name, same input, still running: Step Functions answers with it');
  assert.equal(executions.calls.length, 2);
  assert.equal(executions.calls[0].Name, executions.calls[1].Name);
  assert.equal(executions.executions.length, 1, 'one execution');
});

test('a duplicate event after the execution ended is already handled: succeeds, starts nothing, no dead letter', async () => {
  const event = uploadEvent(workflow, 'media/call.wav');
  const { executions } = workflowExecutions();
  const queue = [];
  await startUpload(workflow, event, { planner, executions, queue });
  await Promise.all(executions.executions.map((e) => e.ended));

  // EventBridge delivers at least once: the same event again, and a copy with another event id.
  const again = await startUpload(workflow, event, { planner, executions, queue });
  const copy = await startUpload(workflow, { ...event, id: 'another-delivery' }, { planner, executions, queue });

  for (const run of [again, copy]) {
    assert.equal(run.status, 'SUCCEEDED');
    assert.equal(run.outcome, 'The upload is already handled');
    assert.equal(run.calls.find((c) => c.state === STARTER_STATES.start).error.name, 'StepFunctions.ExecutionAlreadyExistsException');
    assert.equal(run.retries[STARTER_STATES.start], undefined, 'an existing execution is not retried');
  }
  assert.equal(executions.executions.length, 1);
  assert.equal(queue.length, 0);
});

test('a new version of the object, or another object of the same file name, gets its own execution', async () => {
  const { executions } = workflowExecutions();
  await startUpload(workflow, uploadEvent(workflow, 'media/a/talk.mp3'), { planner, executions });
  await startUpload(workflow, uploadEvent(workflow, 'media/a/talk.mp3', { versionId: 'second-version' }), { planner, executions });
  await startUpload(workflow, uploadEvent(workflow, 'media/b/talk.mp3'), { planner, executions });

  const names = executions.executions.map((e) => e.name);
  assert.equal(new Set(names).size, 3);
  for (const name of names) assert.match(name, /^talk-[0-9a-f]{16}$/);
});

test('a throttled StartExecution is retried and the execution starts', async () => {
  const { executions } = workflowExecutions({ errors: ['ExecutionLimitExceeded', 'KmsThrottlingException', 'ExecutionLimitExceeded'] });
  const queue = [];

  const run = await startUpload(workflow, uploadEvent(workflow, 'media/burst-1.mp3'), { planner, executions, queue });

  assert.equal(run.outcome, 'The workflow execution is started');
  assert.equal(run.retries[STARTER_STATES.start], 3);
  assert.equal(executions.executions.length, 1);
  assert.equal(queue.length, 0);
});

test('StartExecution still throttled after its retries: the event waits in the dead-letter queue, as EventBridge would leave it', async () => {
  const event = uploadEvent(workflow, 'media/burst-2.mp3');
  // One attempt and its 8 retries, all throttled.
  const { executions } = workflowExecutions({ errors: Array(9).fill('ExecutionLimitExceeded') });
  const queue = [];

  const run = await startUpload(workflow, event, { planner, executions, queue });

  assert.equal(run.status, 'FAILED');
  assert.equal(run.outcome, 'The event is in the dead-letter queue');
  assert.equal(run.error.cause.name, 'StepFunctions.ExecutionLimitExceededException', 'the starter fails with StartExecution\'s error');
  assert.equal(run.retries[STARTER_STATES.start], 8);
  assert.equal(executions.executions.length, 0);
  assert.equal(queue.length, 1);
  assert.deepEqual(queue[0].body, event, 'the body is the event: start the starter with it to replay');

  // Replayed once Step Functions recovers: the same name as the first attempt would have had.
  const replayed = await startUpload(workflow, queue[0].body, { planner, executions });
  assert.equal(replayed.outcome, 'The workflow execution is started');
  assert.match(executions.executions[0].name, /^burst-2-[0-9a-f]{16}$/);
});

test('the planner cannot name the event: the workflow still starts, under a generated name', async () => {
  const { executions } = workflowExecutions();

  const run = await startUpload(workflow, uploadEvent(workflow, 'media/x.mp3'), { planner, executions, plannerErrors: ['Lambda.ServiceException', 'Lambda.ServiceException', 'Lambda.ServiceException', 'Lambda.ServiceException', 'Lambda.ServiceException'] });

  assert.equal(run.outcome, 'The workflow execution is started');
  assert.ok(run.entered.includes(STARTER_STATES.startUnnamed));
  assert.equal(executions.calls[0].Name, undefined, 'no name: Step Functions makes one up');
  assert.equal(executions.executions.length, 1);
});
