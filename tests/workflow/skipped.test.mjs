// Objects the upload rule lets through that are not media files under the prefix: each ends in one
// SKIPPED item that says why, a SUCCEEDED execution, no Transcribe call, no dead letter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { uploadEvent, ruleMatches } from '../../testkit/events.mjs';
import { plannerForTests } from '../../testkit/scenario.mjs';
import { FakeTranscribe } from '../../testkit/transcribe.mjs';
import { execute } from '../../testkit/execute.mjs';
import { RELEASES, STATES } from '../../testkit/states.mjs';
import stateNames from '../../contracts/state-names.json' with { type: 'json' };

const workflow = loadWorkflow('dev');
const { definition } = workflow;
const planner = plannerForTests(workflow);

const SKIP_PATH = [STATES.plan, stateNames.workflow.isUploadMediaFile, STATES.recordSkip, RELEASES.skipped, stateNames.workflow.uploadSkipped];

async function assertSkipped(key, reason, detail, { delivered }) {
  const event = uploadEvent(workflow, key, { size: key.endsWith('/') ? 0 : 1_200 });
  assert.equal(ruleMatches(workflow, event), delivered, `the upload rule ${delivered ? 'delivers' : 'does not deliver'} '${key}'`);
  const transcribe = new FakeTranscribe();
  const result = await execute(definition, event, { planner, transcribe });

  assert.equal(result.status, 'SUCCEEDED', `status (error ${result.error}: ${result.cause})`);
  assert.deepEqual(result.entered, SKIP_PATH);
  assert.equal(transcribe.startCalls.length, 0, 'nothing is sent to Transcribe');
  assert.equal(result.deadLetters.length, 0, 'no dead letter');
  const { jobName } = planner.calls.at(-1).answer.result;
  assert.deepEqual(result.table.items.get(jobName), {
    jobName,
    status: 'SKIPPED',
    skipReason: reason,
    skipDetail: result.table.items.get(jobName)?.skipDetail,
    mediaUri: `s3://${workflow.rawBucket}/${key}`,
    executionArn: result.executionArn,
    skippedAt: '2026-11-22T10:00:01.000Z',
    updatedAt: '2026-11-22T10:00:01.000Z',
  }, 'the SKIPPED item');
  assert.match(result.table.items.get(jobName).skipDetail, detail);
  assert.equal(result.table.items.size, 1, 'one item');
  return result;
}

test('an unsupported extension under the prefix is delivered and recorded as SKIPPED, not failed', async () => {
  await assertSkipped('media/meeting notes – draft 2.txt', 'UnsupportedMediaFormat', /'media\/meeting notes – draft 2\.txt' has the extension 'txt'; Transcribe accepts amr, flac/, { delivered: true });
});

test('a folder marker created in the console is recorded as SKIPPED', async () => {
  await assertSkipped('media/2026/', 'FolderMarker', /'media\/2026\/' is a folder marker/, { delivered: true });
});

test('an object outside the media prefix (a hand-started execution) is recorded as SKIPPED', async () => {
  await assertSkipped('exports/talk.mp3', 'OutsideMediaPrefix', /'exports\/talk\.mp3' is not under the media prefix 'media\/'/, { delivered: false });
});

test('media in any letter case under the prefix is delivered and transcribed, not skipped', async () => {
  for (const key of ['media/talk.mp3', 'media/2026/11/Interview.WAV', 'media/a b/c.M4a']) assert.ok(ruleMatches(workflow, uploadEvent(workflow, key)), key);
  const result = await execute(definition, uploadEvent(workflow, 'media/Interview.WAV'), { planner, transcribe: new FakeTranscribe() });
  assert.equal(result.status, 'SUCCEEDED');
  assert.ok(result.entered.includes(STATES.start), 'the job is started');
  assert.ok(!result.entered.includes(STATES.recordSkip));
});

test('the same skipped object twice leaves one SKIPPED item', async () => {
  const first = await assertSkipped('media/readme.md', 'UnsupportedMediaFormat', /'md'/, { delivered: true });
  const second = await execute(definition, uploadEvent(workflow, 'media/readme.md'), { planner, table: first.table });
  assert.equal(second.status, 'SUCCEEDED');
  assert.equal(second.table.items.size, 1);
});

// A skip DynamoDB still throttles after the retries is a passing failure: the execution fails at the
// step, the execution-end recorder records it, a redrive writes the SKIPPED item (redrive.test.mjs).
