// The executor: a bug inside a stand-in can never pass for a Catch path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWorkflow } from './workflow.mjs';
import { uploadEvent } from './events.mjs';
import { execute } from './execute.mjs';
import stateNames from '../contracts/state-names.json' with { type: 'json' };

const workflow = loadWorkflow('dev');
const { definition } = workflow;

test('a bug inside a stand-in fails the scenario instead of taking a Catch path', async () => {
  // A stand-in planner: this test is about the harness, not the planning.
  const planner = { plan: async () => ({ jobName: 'j', mediaUri: `s3://${workflow.rawBucket}/media/k.mp3`, mediaFormat: 'mp3', transcriptKey: 'transcripts/j.json', polling: { waitSeconds: 10, laterWaitSeconds: [], laterPolls: 0, laterPollsMade: 0, givesUpAfterSeconds: 10 } }) };
  const postProcessor = () => {
    throw new TypeError('undefined is not a function');
  };
  await assert.rejects(execute(definition, uploadEvent(workflow, 'media/k.mp3'), { planner, postProcessor }), /the harness failed inside a task[\s\S]*TypeError/);
});

test('stop ends the execution at the state, after its call, and nothing runs after it', async () => {
  const planner = { plan: async () => ({ jobName: 'transcribestack-dev-k-0123456789abcdef', mediaUri: `s3://${workflow.rawBucket}/media/k.mp3`, mediaFormat: 'mp3', transcriptKey: 'transcripts/j.json', polling: { waitSeconds: 10, laterWaitSeconds: [], laterPolls: 0, laterPollsMade: 0, givesUpAfterSeconds: 10 } }) };
  const started = Date.now();

  const result = await execute(definition, uploadEvent(workflow, 'media/k.mp3'), { planner, stop: { at: stateNames.workflow.waitForJobToFinish, as: 'ABORTED' } });

  assert.equal(result.status, 'ABORTED');
  assert.equal(result.entered.at(-1), stateNames.workflow.waitForJobToFinish);
  assert.equal(result.table.items.get('transcribestack-dev-k-0123456789abcdef').status, 'TRANSCRIBING', 'the state\'s own call was made');
  assert.deepEqual(result.queue, []);
  assert.ok(Date.now() - started < 5_000, 'the interpreter\'s timers let go at once');
});
