// config/settings.schema.json as an editor uses it (ajv, JSON Schema 2020-12): the settings files the
// repository keeps are valid, and the mistakes the synth refuses by structure (an unknown key, a wrong
// type, a value outside a list of choices) are flagged in the editor already. The C# test
// SettingsSchemaTests keeps the schema equal to the settings record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { ROOT } from '../../testkit/templates.mjs';

const read = (path) => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(read('config/settings.schema.json'));
const errors = () => (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('; ');

const kept = ['config/example.prod.json', ...readdirSync(join(ROOT, 'tests/workflow/settings')).map((f) => `tests/workflow/settings/${f}`)];
for (const file of kept) {
  test(`${file} is valid against the schema`, () => {
    assert.ok(validate(read(file)), errors());
  });
}

const flagged = {
  'an unknown key': { transcribe: { speakerLabels: true } },
  'a wrong type': { transcribe: { maxSpeakerLabels: 'four' } },
  'a language Transcribe does not know': { transcribe: { languageCode: 'en-XX' } },
  'a filter method that does not exist': { transcribe: { vocabularyFilterMethod: 'blur' } },
  'a PII type that does not exist': { transcribe: { piiEntityTypes: ['FAVOURITE_COLOUR'] } },
  'per-language settings for a language Transcribe does not know': { transcribe: { languageIdSettings: { 'xx-XX': { vocabularyName: 'v' } } } },
  'an unknown per-language key': { transcribe: { languageIdSettings: { 'en-US': { vocabulary: 'v' } } } },
  'an encryption context value that is not a string': { transcribe: { kmsEncryptionContext: { team: 1 } } },
  'a removal policy that does not exist': { removalPolicy: 'KEEP' },
};
for (const [what, settings] of Object.entries(flagged)) {
  test(`the schema flags ${what}`, () => {
    assert.equal(validate(settings), false);
  });
}
