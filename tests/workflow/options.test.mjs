// The settings files the repository keeps (config/example.prod.json, tests/workflow/settings/*.json),
// synthesized into cdk.out/settings/<file>/<env>/ by scripts/synth-all.sh: each template's
// StartTranscriptionJob request carries the file's options, Transcribe's stand-in (which refuses the
// combinations Transcribe's documentation rules out) accepts it, and the post-processor is handed the
// job as GetTranscriptionJob described it, with what the job did.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../testkit/templates.mjs';
import { loadWorkflow } from '../../testkit/workflow.mjs';
import { uploadEvent } from '../../testkit/events.mjs';
import { Planner } from '../../testkit/planner.mjs';
import { FakeTranscribe } from '../../testkit/transcribe.mjs';
import { execute } from '../../testkit/execute.mjs';
import { plannedJob, assertEnded } from '../../testkit/assertions.mjs';
import { STATES } from '../../testkit/states.mjs';
// config/example.prod.json's request, written once: TranscribeOptionsTemplateTests.cs reads it too.
import exampleRequest from '../../config/example.prod.request.json' with { type: 'json' };

const settingsOut = join(ROOT, 'cdk.out', 'settings');

/** What each settings file asks Transcribe for (the members of the request that depend on settings). */
const EXPECTED = {
  'example.prod': exampleRequest.options,
  'language-identification': {
    IdentifyLanguage: true,
    LanguageOptions: ['en-US', 'es-US', 'de-DE'],
    LanguageIdSettings: {
      'en-US': { VocabularyName: 'products-en-us', VocabularyFilterName: 'profanity-en-us', LanguageModelName: 'calls-en-us' },
      'es-US': { VocabularyName: 'products-es-us' },
    },
    Settings: { ChannelIdentification: true, VocabularyFilterMethod: 'remove' },
    Subtitles: { Formats: ['vtt'] },
  },
  'multiple-languages': {
    IdentifyMultipleLanguages: true,
    LanguageOptions: ['en-US', 'hi-IN'],
    LanguageIdSettings: { 'en-US': { VocabularyName: 'names-en-us', VocabularyFilterName: 'profanity-en-us' }, 'hi-IN': { VocabularyName: 'names-hi-in' } },
    Settings: { ShowSpeakerLabels: true, MaxSpeakerLabels: 3, VocabularyFilterMethod: 'mask' },
    Subtitles: { Formats: ['srt'], OutputStartIndex: 0 },
  },
};

// The members every request has whatever the settings (TranscriptionJobRequest's fixed members).
const ALWAYS = exampleRequest.alwaysSent;

const variants = process.env.WORKFLOW_TEMPLATE || !existsSync(settingsOut) ? [] : readdirSync(settingsOut).sort().flatMap((name) =>
  readdirSync(join(settingsOut, name)).map((env) => ({ name, env, workflow: loadWorkflow(env, { cdkOut: join(settingsOut, name) }) })));
const planners = new Map();

before(() => {
  for (const { name, workflow } of variants) planners.set(name, new Planner(workflow.plannerEnvironment));
});
after(() => Promise.all([...planners.values()].map((p) => p.close())));

if (variants.length === 0) test('settings files', { skip: 'no cdk.out/settings (bash scripts/synth-all.sh), or WORKFLOW_TEMPLATE is set' }, () => {});

test('every settings file the repository keeps is synthesized and expected here', { skip: variants.length === 0 }, () => {
  assert.deepEqual(variants.map((v) => v.name), Object.keys(EXPECTED).sort());
});

for (const { name, env, workflow } of variants) {
  test(`${name} (${env}): Transcribe accepts the request with the file's options and the job is recorded`, async () => {
    const transcribe = new FakeTranscribe();
    const key = 'media/options/call 0007.wav';
    const result = await execute(workflow.definition, uploadEvent(workflow, key), { planner: planners.get(name), transcribe });

    assertEnded(assert, result, 'SUCCEEDED');
    const [request] = transcribe.startCalls;
    const options = Object.fromEntries(Object.entries(request).filter(([member]) => !ALWAYS.includes(member)));
    assert.deepEqual(options, EXPECTED[name]);
    const { jobName } = plannedJob(result);
    assert.equal(result.table.items.get(jobName)?.status, 'COMPLETED');
  });

  test(`${name} (${env}): the post-processor is handed what the job did`, async () => {
    const transcribe = new FakeTranscribe();
    const result = await execute(workflow.definition, uploadEvent(workflow, 'media/options/call 0008.wav'), { planner: planners.get(name), transcribe });

    assertEnded(assert, result, 'SUCCEEDED');
    const { jobName, transcriptKey } = plannedJob(result);
    const { transcriptionJob: job } = result.calls.find((c) => c.state === STATES.postProcess).input;
    const request = EXPECTED[name];
    if (request.LanguageCode) assert.equal(job.LanguageCode, request.LanguageCode, 'a fixed-language job: its language');
    if (request.IdentifyLanguage) {
      assert.equal(job.LanguageCode, request.LanguageOptions[0], 'the identified language');
      assert.equal(typeof job.IdentifiedLanguageScore, 'number');
    }
    if (request.IdentifyMultipleLanguages) assert.deepEqual(job.LanguageCodes.map((l) => l.LanguageCode), request.LanguageOptions);
    assert.deepEqual(job.Subtitles.SubtitleFileUris.map((uri) => uri.split('/').pop()), request.Subtitles.Formats.map((format) => `${jobName}.${format}`));
    // With PII redaction the redacted copy is the one recorded (transcripts/redacted-<job>.json).
    assert.equal(transcriptKey, `transcripts/${request.ContentRedaction ? 'redacted-' : ''}${jobName}.json`);
    assert.equal(result.table.items.get(jobName).languageCode, job.LanguageCode);
  });
}
