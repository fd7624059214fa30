import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../testkit/templates.mjs';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { fixedPollLoop, pacedPollLoop } from './definitions.mjs';
import stateNames from '../../contracts/state-names.json' with { type: 'json' };

const synthesized = existsSync(join(ROOT, 'cdk.out', 'dev', 'TranscribeStack-dev.template.json'));
const skip = !synthesized && 'run scripts/synth-all.sh first';

test('the fixed loop waits a fixed time, polls again while the job runs and never gives up', { skip }, () => {
  const { definition } = loadWorkflow('dev');
  const fixed = fixedPollLoop(definition, 60);

  assert.equal(fixed.States[stateNames.workflow.startTranscriptionJob].Next, stateNames.workflow.waitBeforePolling);
  assert.equal(fixed.States[stateNames.workflow.waitBeforePolling].Seconds, 60);
  assert.equal(fixed.States[stateNames.workflow.waitBeforePolling].SecondsPath, undefined);
  const nexts = fixed.States[stateNames.workflow.checkJobStatus].Choices.map((c) => c.Next);
  assert.ok(nexts.includes(stateNames.workflow.waitBeforePolling));
  for (const gone of [stateNames.workflow.waitForJobToFinish, stateNames.workflow.scheduleNextPoll, stateNames.workflow.describeJobThatDidNotFinish]) assert.equal(fixed.States[gone], undefined, gone);
  // Everything else is as synthesized, and the original is untouched.
  assert.deepEqual(fixed.States[stateNames.workflow.getTranscriptionJobStatus], definition.States[stateNames.workflow.getTranscriptionJobStatus]);
  assert.equal(definition.States[stateNames.workflow.waitBeforePolling].SecondsPath, undefined, 'synthesized, it is the short wait after a failed token store');
  assert.equal(definition.States[stateNames.workflow.startTranscriptionJob].Next, stateNames.workflow.waitForJobToFinish);
});

test('the paced loop is the previous design: the plan\'s waits as plain Wait states, no wait for an event', { skip }, () => {
  const { definition } = loadWorkflow('dev');
  const paced = pacedPollLoop(definition);

  assert.equal(paced.States[stateNames.workflow.waitForJobToFinish], undefined);
  assert.equal(paced.States[stateNames.workflow.startTranscriptionJob].Next, stateNames.workflow.waitBeforePolling);
  assert.equal(paced.States[stateNames.workflow.joinExistingJob].Next, stateNames.workflow.waitBeforePolling);
  assert.equal(paced.States[stateNames.workflow.scheduleNextPoll].Next, stateNames.workflow.waitBeforePolling);
  assert.equal(paced.States[stateNames.workflow.waitBeforePolling].SecondsPath, '$.job.polling.waitSeconds');
  assert.equal(paced.States[stateNames.workflow.waitBeforePolling].Seconds, undefined);
  assert.deepEqual(paced.States[stateNames.workflow.checkJobStatus], definition.States[stateNames.workflow.checkJobStatus]);
});
