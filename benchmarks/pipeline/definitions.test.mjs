import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../testkit/templates.mjs';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { fixedPollLoop, pacedPollLoop } from './definitions.mjs';

const synthesized = existsSync(join(ROOT, 'cdk.out', 'dev', 'TranscribeStack-dev.template.json'));
const skip = !synthesized && 'run scripts/synth-all.sh first';

test('the fixed loop waits a fixed time, polls again while the job runs and never gives up', { skip }, () => {
  const { definition } = loadWorkflow('dev');
  const fixed = fixedPollLoop(definition, 60);

  assert.equal(fixed.States['Start the transcription job'].Next, 'Wait before polling');
  assert.equal(fixed.States['Wait before polling'].Seconds, 60);
  assert.equal(fixed.States['Wait before polling'].SecondsPath, undefined);
  const nexts = fixed.States['Check the job status'].Choices.map((c) => c.Next);
  assert.ok(nexts.includes('Wait before polling'));
  for (const gone of ['Wait for the job to finish', 'Schedule the next poll', 'Describe the job that did not finish']) assert.equal(fixed.States[gone], undefined, gone);
  // Everything else is as synthesized, and the original is untouched.
  assert.deepEqual(fixed.States['Get the transcription job status'], definition.States['Get the transcription job status']);
  assert.equal(definition.States['Wait before polling'].SecondsPath, undefined, 'synthesized, it is the short wait after a failed token store');
  assert.equal(definition.States['Start the transcription job'].Next, 'Wait for the job to finish');
});

test('the paced loop is the previous design: the plan\'s waits as plain Wait states, no wait for an event', { skip }, () => {
  const { definition } = loadWorkflow('dev');
  const paced = pacedPollLoop(definition);

  assert.equal(paced.States['Wait for the job to finish'], undefined);
  assert.equal(paced.States['Start the transcription job'].Next, 'Wait before polling');
  assert.equal(paced.States['Join the existing job'].Next, 'Wait before polling');
  assert.equal(paced.States['Schedule the next poll'].Next, 'Wait before polling');
  assert.equal(paced.States['Wait before polling'].SecondsPath, '$.job.polling.waitSeconds');
  assert.equal(paced.States['Wait before polling'].Seconds, undefined);
  assert.deepEqual(paced.States['Check the job status'], definition.States['Check the job status']);
});
