// staging and prod differ from dev in what the workflow asks Transcribe for (PII redaction,
// subtitles, deferred execution in prod) and in their limits. Runs when their templates exist
// (bash scripts/synth-all.sh) and WORKFLOW_TEMPLATE does not pin a single template.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../testkit/templates.mjs';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { uploadEvent } from '../../testkit/events.mjs';
import { Planner } from '../../testkit/planner.mjs';
import { FakeTranscribe } from '../../testkit/transcribe.mjs';
import { execute } from '../../testkit/execute.mjs';
import { plannedJob, assertEnded, assertRecordedFailure } from '../../testkit/assertions.mjs';
import { FIRST_POLL_PATH } from '../../testkit/states.mjs';

const environments = ['staging', 'prod'].filter((env) => !process.env.WORKFLOW_TEMPLATE && existsSync(join(ROOT, 'cdk.out', env, `TranscribeStack-${env}.template.json`)));
const workflows = Object.fromEntries(environments.map((env) => [env, loadWorkflow(env)]));
const planners = {};

before(() => {
  for (const env of environments) planners[env] = new Planner(workflows[env].plannerEnvironment);
});
after(() => Promise.all(Object.values(planners).map((p) => p.close())));

if (environments.length === 0) test('staging and prod', { skip: 'no synthesized staging/prod template (or WORKFLOW_TEMPLATE is set)' }, () => {});

for (const env of environments) {
  const workflow = workflows[env];
  const { definition } = workflow;

  test(`${env}: Transcribe accepts the job request with PII redaction, subtitles and deferred execution`, async () => {
    const key = 'media/customer call 0042.wav';
    const transcribe = new FakeTranscribe();
    const result = await execute(definition, uploadEvent(workflow, key), { planner: planners[env], transcribe });

    const { jobName } = plannedJob(result);
    assert.ok(jobName.startsWith(`transcribestack-${env}-customer-call-0042-`), jobName);
    const request = transcribe.startCalls[0];
    assert.deepEqual(request.ContentRedaction, { RedactionType: 'PII', RedactionOutput: 'redacted' });
    assert.deepEqual(request.Subtitles, { Formats: ['vtt'] });
    assert.deepEqual(request.Tags, [{ Key: 'Application', Value: 'TranscribeStack' }, { Key: 'Environment', Value: env }]);
    // Queueing is on in every environment: above the job quota Transcribe queues instead of refusing.
    assert.deepEqual(request.JobExecutionSettings, { AllowDeferredExecution: true, DataAccessRoleArn: workflow.dataAccessRoleArn });
    assert.deepEqual([...transcribe.jobs.keys()], [jobName], 'the job was started');
    assert.deepEqual(result.entered.slice(0, 6), FIRST_POLL_PATH.slice(0, 6));
  });

  // With ContentRedaction "redacted", Transcribe writes transcripts/redacted-<job>.json
  // (Transcript.RedactedTranscriptFileUri); the planner (TRANSCRIPT_FILE_PREFIX) points the post-processor there.
  test(`${env}: a redacted transcript is found and recorded`, async () => {
    const key = 'media/customer call 0043.wav';
    const result = await execute(definition, uploadEvent(workflow, key), { planner: planners[env] });

    assertEnded(assert, result, 'SUCCEEDED');
    assert.equal(result.table.items.get(plannedJob(result).jobName)?.status, 'COMPLETED');
  });

  test(`${env}: a job that never finishes reaches the poll limit before the execution times out`, async () => {
    const key = 'media/endless.mp3';
    const result = await execute(definition, uploadEvent(workflow, key), { planner: planners[env], transcribe: new FakeTranscribe({ pollsToFinish: Infinity }) });

    assertRecordedFailure(assert, result, {
      error: 'TranscriptionJobTimedOut',
      reason: `The job was still IN_PROGRESS after ${plannedJob(result).polling.givesUpAfterSeconds} seconds of polling.`,
      jobName: plannedJob(result).jobName,
      mediaUri: `s3://${workflow.rawBucket}/${key}`,
    });
  });
}
