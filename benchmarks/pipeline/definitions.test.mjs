import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../testkit/templates.mjs';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { fixedPollLoop } from './definitions.mjs';

const synthesized = existsSync(join(ROOT, 'cdk.out', 'dev', 'TranscribeStack-dev.template.json'));

test('the fixed loop waits a fixed time, polls again while the job runs and never gives up', { skip: !synthesized && 'run scripts/synth-all.sh first' }, () => {
  const { definition } = loadWorkflow('dev');
  const fixed = fixedPollLoop(definition, 60);

  assert.equal(fixed.States['Wait before polling'].Seconds, 60);
  assert.equal(fixed.States['Wait before polling'].SecondsPath, undefined);
  const nexts = fixed.States['Check the job status'].Choices.map((c) => c.Next);
  assert.ok(nexts.includes('Wait before polling'));
  assert.equal(fixed.States['Schedule the next poll'], undefined);
  assert.equal(fixed.States['Describe the job that did not finish'], undefined);
  // Everything else is as synthesized, and the original is untouched.
  assert.deepEqual(fixed.States['Start the transcription job'], definition.States['Start the transcription job']);
  assert.equal(definition.States['Wait before polling'].SecondsPath, '$.job.polling.waitSeconds');
});
