// The media formats are one fact with two copies that must agree: Transcribe's service model (the
// MediaFormat enum the simulator checks requests with) and the C# job planner, which decides what it
// transcribes and what it skips. The real planner answers here, for every format in every letter case.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { MEDIA_FORMATS } from './transcribe-requests.mjs';
import { Planner } from './planner.mjs';
import { loadWorkflow } from './workflow.mjs';
import { uploadEvent } from './events.mjs';

const workflow = loadWorkflow('dev');
const planner = new Planner(workflow.plannerEnvironment);
after(() => planner.close());

test('the planner transcribes exactly the formats of Transcribe\'s model, in any letter case', async () => {
  for (const format of MEDIA_FORMATS) {
    for (const extension of [format, format.toUpperCase()]) {
      const plan = await planner.plan({ executionName: `sample-${extension}`, upload: uploadEvent(workflow, `media/sample.${extension}`) });
      assert.equal(plan.skipped, undefined, `media/sample.${extension} is transcribed`);
      assert.equal(plan.mediaFormat, format);
    }
  }
  const skipped = await planner.plan({ executionName: 'sample-aiff', upload: uploadEvent(workflow, 'media/sample.aiff') });
  assert.equal(skipped.skipped.reason, 'UnsupportedMediaFormat');
  // The planner's own list, as its message states it, is the model's.
  const listed = /Transcribe accepts (.+)\.$/.exec(skipped.skipped.detail)[1].split(', ');
  assert.deepEqual([...listed].sort(), [...MEDIA_FORMATS].sort());
});
