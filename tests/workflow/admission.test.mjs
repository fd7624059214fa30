// Admission from the durable intake (issue #18): the upload rule puts each event into the intake; the admitter
// (the synthesized Express definition, executed locally) takes a slot in the window, receives one upload, asks the
// real C# planner for its execution name, claims the slot under that name and starts the workflow with it, until
// the window is full or the intake is empty. Every end of the workflow starts the admitter with its release,
// which frees its slot once. Nothing the admitter cannot start is lost: it goes back to the intake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { uploadEvent, ruleMatches } from '../../testkit/events.mjs';
import { plannerForTests } from '../../testkit/scenario.mjs';
import { FakeTranscribe } from '../../testkit/transcribe.mjs';
import { FakeTable } from '../../testkit/dynamodb.mjs';
import { execute } from '../../testkit/execute.mjs';
import { FakeExecutions } from '../../testkit/step-functions.mjs';
import { VirtualTime } from '../../testkit/virtual-time.mjs';
import { admit, enqueueUpload, intakeOf, windowOf, ADMITTER_STATES } from '../../testkit/admitter.mjs';
import { plannedJob } from '../../testkit/assertions.mjs';

const workflow = loadWorkflow('dev');
const planner = plannerForTests(workflow);
const W = windowOf(workflow);

/** A fresh intake, table and workflow; the workflow's executions run until `release()` unless `endAtOnce`. */
function setUp({ endAtOnce = true, rate = null, longPolling = false, upload } = {}) {
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  const executions = new FakeExecutions({ stateMachineArn: workflow.stateMachineArn, rate, run: async () => (endAtOnce ? {} : released) });
  const { intake, deadLetters } = intakeOf(workflow, { longPolling });
  const table = new FakeTable({ tableName: workflow.tableName });
  // `upload`: the key of an upload already waiting in the intake (its event is returned).
  const event = upload === undefined ? undefined : uploadEvent(workflow, upload);
  if (event) enqueueUpload(intake, event);
  const admitWith = (input = {}, options = {}) => admit(workflow, input, { planner, intake, table, executions, ...options });
  return { executions, release, intake, deadLetters, table, event, admitWith };
}

const inFlight = (table) => table.items.get('#window')?.inFlight;
const slots = (table) => [...table.items.keys()].filter((k) => k.startsWith('#slot#')).map((k) => k.slice('#slot#'.length));
/** The window with every slot taken by executions `taken-1` ... `taken-W`. */
function fillWindow(table) {
  table.putItem({ TableName: workflow.tableName, Item: { jobName: { S: '#window' }, inFlight: { N: String(W) } } });
  for (let i = 1; i <= W; i++) table.putItem({ TableName: workflow.tableName, Item: { jobName: { S: `#slot#taken-${i}` } } });
}

test('the upload rule delivers the event to the intake and rings the doorbell; the window is the setting intake.window', () => {
  const rule = workflow.template.Resources[Object.keys(workflow.template.Resources).find((id) => id.startsWith('UploadTriggerRule'))];
  const targets = rule.Properties.Targets.map((t) => t.Arn['Fn::GetAtt']?.[0]);
  assert.ok(targets.some((id) => id.startsWith('UploadTriggerIntakeQueue')), 'the intake');
  assert.ok(targets.some((id) => id.startsWith('UploadTriggerDoorbellStream')), 'the doorbell');
  assert.equal(targets.length, 2);
  assert.ok(ruleMatches(workflow, uploadEvent(workflow, 'media/2026/Board meeting (Q4).mp3')));
  assert.equal(W, 300, 'issue #18: 300 in every environment by default');
});

test('an upload is admitted: started under the planner\'s name with the event as its input, its message deleted, one slot taken', async () => {
  const { executions, intake, table, admitWith, event } = setUp({ upload: 'media/2026/Board meeting (Q4).mp3' });

  const run = await admitWith();

  assert.equal(run.status, 'SUCCEEDED');
  assert.equal(run.outcome, ADMITTER_STATES.intakeEmpty, 'then it finds the intake empty and stops');
  assert.equal(executions.executions.length, 1);
  const [execution] = executions.executions;
  assert.match(execution.name, /^Board-meeting-Q4-[0-9a-f]{16}$/, 'the planner\'s name: the file name an operator searches for');
  assert.deepEqual(JSON.parse(execution.input), event, 'the workflow\'s input is the upload event');
  assert.equal(intake.messages.size, 0, 'the admitted upload left the intake');
  assert.equal(inFlight(table), 1);
  assert.deepEqual(slots(table), [execution.name]);
});

test('the admitted execution is the workflow\'s own run: its job carries the same hash as the name, and its end starts the admitter with its release', async () => {
  const { executions, intake, table, admitWith, event } = setUp({ upload: 'media/interview.mp3' });
  await admitWith();
  const [{ name }] = executions.executions;
  const admitter = new FakeExecutions({ stateMachineArn: workflow.admitterArn });

  const result = await execute(workflow.definition, event, { planner, transcribe: new FakeTranscribe({ pollsToFinish: 1 }), table, executionName: name, admitter });

  assert.equal(result.status, 'SUCCEEDED');
  assert.ok(plannedJob(result).jobName.endsWith(name.slice(-16)), `job ${plannedJob(result).jobName} and execution ${name}`);
  assert.deepEqual(admitter.calls.map((c) => c.Input), [{ release: name }], 'one admitter start, freeing this execution');
});

test('nothing is admitted while all W slots are taken: the upload stays in the intake, never received', async () => {
  const { executions, intake, table, admitWith } = setUp();
  fillWindow(table);
  enqueueUpload(intake, uploadEvent(workflow, 'media/waits.mp3'));

  const run = await admitWith();

  assert.equal(run.status, 'SUCCEEDED');
  assert.equal(run.outcome, ADMITTER_STATES.windowFull);
  assert.equal(run.calls.some((c) => c.state === ADMITTER_STATES.receive), false);
  assert.equal(executions.executions.length, 0);
  assert.equal(intake.approximateNumberOfMessages, 1);
  assert.equal(inFlight(table), W);
});

test('a release frees its slot and admits the next upload; the window stays full', async () => {
  const { executions, intake, table, admitWith } = setUp();
  fillWindow(table);
  enqueueUpload(intake, uploadEvent(workflow, 'media/next.mp3'));
  enqueueUpload(intake, uploadEvent(workflow, 'media/after-next.mp3'));

  const run = await admitWith({ release: 'taken-7' });

  assert.equal(run.outcome, ADMITTER_STATES.windowFull);
  assert.deepEqual(executions.executions.map((e) => e.name.replace(/-[0-9a-f]{16}$/, '')), ['next'], 'one freed slot, one upload admitted');
  assert.equal(slots(table).includes('taken-7'), false);
  assert.equal(slots(table).length, W);
  assert.equal(inFlight(table), W);
  assert.equal(intake.approximateNumberOfMessages, 1, 'the other upload waits');
});

test('a duplicate event of an upload in flight joins it: no second execution, its slot given back, the duplicate deleted', async () => {
  const { executions, intake, table, release, admitWith, event } = setUp({ endAtOnce: false, upload: 'media/call.wav' });
  enqueueUpload(intake, { ...event, id: 'another-delivery' }); // EventBridge delivers at least once

  const run = await admitWith();
  release();

  assert.equal(run.outcome, ADMITTER_STATES.intakeEmpty);
  assert.equal(run.calls.filter((c) => c.state === ADMITTER_STATES.claim && c.error?.name === 'DynamoDb.ConditionalCheckFailedException').length, 1, 'the second claim finds the slot taken');
  assert.equal(executions.calls.length, 1, 'StartExecution once');
  assert.equal(executions.executions.length, 1);
  assert.equal(inFlight(table), 1, 'no slot leaked');
  assert.equal(slots(table).length, 1);
  assert.equal(intake.messages.size, 0);
});

test('a duplicate event after the execution ended and was released is already handled: nothing started, nothing held', async () => {
  const { executions, intake, table, admitWith, event } = setUp({ upload: 'media/late-copy.wav' });
  await admitWith();
  const [{ name }] = executions.executions;
  await admitWith({ release: name });
  enqueueUpload(intake, { ...event, id: 'a-late-delivery' });

  const run = await admitWith();

  assert.equal(run.calls.find((c) => c.state === ADMITTER_STATES.start).error.name, 'StepFunctions.ExecutionAlreadyExistsException');
  assert.equal(run.retries[ADMITTER_STATES.start], undefined, 'an existing execution is not retried');
  assert.equal(executions.executions.length, 1);
  assert.equal(inFlight(table), 0);
  assert.deepEqual(slots(table), []);
  assert.equal(intake.messages.size, 0);
});

test('a second release of the same execution frees nothing', async () => {
  const { executions, intake, table, admitWith } = setUp();
  enqueueUpload(intake, uploadEvent(workflow, 'media/once.mp3'));
  enqueueUpload(intake, uploadEvent(workflow, 'media/twice.mp3'));
  await admitWith();
  const [{ name }] = executions.executions;
  assert.equal(inFlight(table), 2);

  await admitWith({ release: name });
  const again = await admitWith({ release: name });

  assert.equal(again.calls.find((c) => c.state === ADMITTER_STATES.free).error.name, 'DynamoDb.TransactionCanceledException');
  assert.equal(inFlight(table), 1, 'the other upload still holds its slot');
  assert.deepEqual(slots(table), [executions.executions[1].name]);
});

test('a throttled StartExecution returns the upload to the intake: visible again later, its slot freed, nothing dead-lettered; a later admitter starts it', async () => {
  const clock = new VirtualTime().install();
  try {
    await clock.run((async () => {
      const { executions, intake, deadLetters, table, admitWith, event } = setUp({
        rate: { bucket: 0, perSecond: 0 },
        longPolling: true,
        upload: 'media/throttled.mp3',
      });

      const run = await admitWith({}, { time: 'virtual' });

      assert.equal(run.status, 'FAILED');
      assert.equal(run.outcome, ADMITTER_STATES.refused);
      assert.equal(run.error.cause?.name ?? run.error.name, 'StepFunctions.ThrottlingException');
      assert.ok(run.entered.includes(ADMITTER_STATES.returnUpload));
      assert.equal(executions.executions.length, 0);
      assert.equal(inFlight(table), 0, 'the slot is freed');
      assert.deepEqual(slots(table), []);
      assert.equal(intake.approximateNumberOfMessages, 0, 'hidden for a while');
      await new Promise((resolve) => setTimeout(resolve, 60_000));
      assert.equal(intake.approximateNumberOfMessages, 1, 'back in the intake');
      assert.equal(deadLetters.messages.size, 0);

      executions.bucket = null; // Step Functions recovers
      const later = await admitWith({}, { time: 'virtual' });
      assert.equal(later.outcome, ADMITTER_STATES.intakeEmpty);
      assert.deepEqual(executions.executions.map((e) => JSON.parse(e.input)), [event]);
      assert.equal(inFlight(table), 1);
    })());
  } finally {
    clock.uninstall();
  }
});

test('an empty intake gives the slot back', async () => {
  const { executions, table, admitWith } = setUp();

  const run = await admitWith();

  assert.equal(run.status, 'SUCCEEDED');
  assert.equal(run.outcome, ADMITTER_STATES.intakeEmpty);
  assert.ok(run.calls.some((c) => c.state === ADMITTER_STATES.take && !c.error), 'it took a slot first');
  assert.equal(inFlight(table), 0);
  assert.equal(executions.calls.length, 0);
});

test('the planner cannot name the event: the workflow still starts, named after the message', async () => {
  const { executions, intake, admitWith } = setUp();
  enqueueUpload(intake, uploadEvent(workflow, 'media/x.mp3'));

  const run = await admitWith({}, { plannerErrors: Array(5).fill('Lambda.ServiceException') });

  assert.equal(run.outcome, ADMITTER_STATES.intakeEmpty);
  assert.equal(executions.executions.length, 1);
  assert.match(executions.executions[0].name, /^unnamed-[0-9a-f-]{36}$/);
});
