// Proves the schemas judge can fail: one defect at a time in a real synthesized template yields
// exactly the expected finding, and the real templates of every environment pass.
//   JUDGE_CDK_OUT=/tmp/judge-input node --test tests/judges/schemas.test.mjs   (default: cdk.out)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENVIRONMENTS, ROOT, loadTemplate, onlyId } from '../../testkit/templates.mjs';
import { checkTemplate, loadDatabase } from './schemas.mjs';

const CDK_OUT = resolve(process.env.JUDGE_CDK_OUT ?? join(ROOT, 'cdk.out'));
const JUDGE = fileURLToPath(new URL('./schemas.mjs', import.meta.url));
const db = await loadDatabase(); // once for the file: it is the slow part
const dev = loadTemplate('dev', { cdkOut: CDK_OUT });

const first = (template, type) => Object.keys(template.Resources).find((id) => template.Resources[id].Type === type);
const key = onlyId(dev, 'AWS::KMS::Key');
const table = onlyId(dev, 'AWS::DynamoDB::Table');
const fn = first(dev, 'AWS::Lambda::Function');
const alarm = first(dev, 'AWS::CloudWatch::Alarm');
const bucket = first(dev, 'AWS::S3::Bucket'); // every bucket is encrypted (a guard test of the stack says so)

/** The findings of a copy of the dev template changed by `defect`. */
function judge(defect) {
  const template = structuredClone(dev);
  defect(template.Resources, template);
  return checkTemplate(template, db, { environment: 'dev' });
}

/** Asserts a defect yields exactly one finding, at that resource and path, saying `problem`. */
function assertOnly(findings, logicalId, path, problem, allowed) {
  assert.equal(findings.length, 1, findings.map((f) => `${f.logicalId} ${f.path}: ${f.problem}`).join('\n'));
  const [f] = findings;
  assert.deepEqual({ environment: f.environment, logicalId: f.logicalId, path: f.path }, { environment: 'dev', logicalId, path });
  assert.match(f.problem, problem);
  if (allowed) assert.match(f.allowed, allowed);
}

for (const environment of ENVIRONMENTS) {
  test(`the ${environment} template passes every schema check`, () => {
    const counts = { resources: 0, properties: 0 };
    const findings = checkTemplate(loadTemplate(environment, { cdkOut: CDK_OUT }), db, { environment, counts });
    assert.deepEqual(findings, []);
    assert.ok(counts.resources > 30 && counts.properties > 500, JSON.stringify(counts)); // it looked inside
  });
}

test('an unknown resource type is a finding at Type', () => {
  assertOnly(judge((r) => { r[table].Type = 'AWS::DynamoDB::Tabel'; }), table, 'Type', /unknown resource type AWS::DynamoDB::Tabel/);
  assertOnly(judge((r) => { r[table].Type = 'AWS::DynamoDb::Table'; }), table, 'Type', /did you mean AWS::DynamoDB::Table\?/);
});

test('property names are case-sensitive', () => {
  const findings = judge((r) => {
    r[key].Properties.enableKeyRotation = r[key].Properties.EnableKeyRotation;
    delete r[key].Properties.EnableKeyRotation;
  });
  assertOnly(findings, key, 'Properties.enableKeyRotation', /unknown property of AWS::KMS::Key \(did you mean EnableKeyRotation\?\)/, /\bEnableKeyRotation\b/);
});

test('a misspelled property is a finding', () => {
  assertOnly(judge((r) => { r[fn].Properties.MemorySzie = 256; }), fn, 'Properties.MemorySzie', /unknown property of AWS::Lambda::Function$/);
});

test('a string where a boolean, an integer or a struct is expected is a finding', () => {
  assertOnly(judge((r) => { r[key].Properties.EnableKeyRotation = 'true'; }), key, 'Properties.EnableKeyRotation', /expected a boolean, got string "true"/, /^boolean$/);
  assertOnly(judge((r) => { r[fn].Properties.Timeout = '10'; }), fn, 'Properties.Timeout', /expected an integer, got string "10"/);
  assertOnly(judge((r) => { r[fn].Properties.TracingConfig = 'Active'; }), fn, 'Properties.TracingConfig', /expected a TracingConfig object, got string/, /TracingConfig \{ Mode \}/);
});

test('a value outside an enum the database holds is a finding', () => {
  assertOnly(judge((r) => { r[key].Properties.KeyUsage = 'ENCRYPT'; }), key, 'Properties.KeyUsage', /"ENCRYPT" is not an allowed value/, /ENCRYPT_DECRYPT/);
});

test('a missing required property is a finding', () => {
  assertOnly(judge((r) => { delete r[fn].Properties.Role; }), fn, 'Properties.Role', /required property of AWS::Lambda::Function is missing/);
});

test('a bad property of a nested struct is a finding at its full path', () => {
  const path = 'Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].BucketKeyEnable';
  assertOnly(judge((r) => { r[bucket].Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].BucketKeyEnable = false; }), bucket, path, /unknown property of ServerSideEncryptionRule/);
  const missing = 'Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm';
  assertOnly(judge((r) => { delete r[bucket].Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm; }), bucket, missing, /required property of ServerSideEncryptionByDefault is missing/);
  assertOnly(judge((r) => { delete r[table].Properties.Tags[0].Value; }), table, 'Properties.Tags[0].Value', /required property of Tag is missing/);
});

test('a GetAtt of an attribute its target type does not have is a finding', () => {
  assertOnly(judge((r) => { r[fn].Properties.Role = { 'Fn::GetAtt': [r[fn].Properties.Role['Fn::GetAtt'][0], 'Arm'] }; }), fn, 'Properties.Role', /AWS::IAM::Role has no attribute "Arm"/, /\bArn\b.*\bRoleId\b/);
  assertOnly(judge((r) => { r[fn].Properties.Description = { 'Fn::Sub': `\${${table}.StreamArns}` }; }), fn, 'Properties.Description', /AWS::DynamoDB::Table has no attribute "StreamArns"/);
});

test('a Ref to an undefined logical id is a finding, pseudo parameters and parameters are not', () => {
  assertOnly(judge((r) => { r[alarm].Properties.AlarmActions = [{ Ref: 'MissingTopic' }]; }), alarm, 'Properties.AlarmActions[0]', /Ref to "MissingTopic", which is not defined/);
  assertOnly(judge((r) => { r[fn].Properties.Description = { 'Fn::Sub': '${Missing} in ${AWS::Region} (${!Literal})' }; }), fn, 'Properties.Description', /\$\{Missing\}/);
  assert.deepEqual(judge((r) => { r[fn].Properties.Description = { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, { Ref: 'BootstrapVersion' }]] }; }), []);
});

test('DependsOn and resource attributes are checked', () => {
  assertOnly(judge((r) => { r[fn].DependsOn = [...r[fn].DependsOn, 'Gone']; }), fn, `DependsOn[${dev.Resources[fn].DependsOn.length}]`, /"Gone" is not another resource/);
  assertOnly(judge((r) => { r[table].DeletionPolicy = 'Keep'; }), table, 'DeletionPolicy', /"Keep" is not a policy/);
  assertOnly(judge((r) => { r[table].Condtion = 'IsProd'; }), table, 'Condtion', /unknown resource attribute/);
});

test('intrinsics are accepted for scalars and lists but must produce the right kind of value', () => {
  assert.deepEqual(judge((r) => { r[fn].Properties.Timeout = { 'Fn::Select': [0, [10, 20]] }; }), []);
  assertOnly(judge((r) => { r[fn].Properties.Architectures = { 'Fn::Join': ['', ['arm64']] }; }), fn, 'Properties.Architectures', /Fn::Join cannot produce a list/);
  assertOnly(judge((r) => { r[fn].Properties.TracingConfig = { 'Fn::ImportValue': 'Tracing' }; }), fn, 'Properties.TracingConfig', /cannot produce an object/);
  const ifBranches = judge((r, t) => {
    t.Conditions = { IsProd: { 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, '1'] } };
    r[fn].Properties.MemorySize = { 'Fn::If': ['IsProd', 512, 'big'] };
  });
  assertOnly(ifBranches, fn, 'Properties.MemorySize.Fn::If[2]', /expected an integer, got string "big"/);
});

test('Outputs, Conditions and custom resources are judged too; CDK metadata is accepted', () => {
  assertOnly(judge((r, t) => { t.Outputs = { TableArn: { Value: { 'Fn::GetAtt': [table, 'Nope'] } } }; }), 'TableArn', 'Outputs.Value', /has no attribute "Nope"/);
  assertOnly(judge((r, t) => { t.Conditions = { C: { 'Fn::Equals': [{ Ref: table }, 'x'] } }; }), 'C', 'Conditions.Fn::Equals[0]', /Ref to/, /^parameters and pseudo parameters$/);
  assertOnly(judge((r) => { r.Custom = { Type: 'Custom::Thing', Properties: { Anything: 1 } }; }), 'Custom', 'Properties.ServiceToken', /required property of Custom::Thing is missing/);
  const token = { 'Fn::GetAtt': [fn, 'Arn'] }; // a custom resource's other properties and attributes are its handler's
  assert.deepEqual(judge((r) => { r.Custom = { Type: 'Custom::Thing', Properties: { ServiceToken: token, Anything: [1] } }; }), []);
  assert.deepEqual(judge((r) => {
    r.Custom = { Type: 'AWS::CloudFormation::CustomResource', Properties: { ServiceToken: token, Anything: 1 } };
    r[fn].Properties.Description = { 'Fn::GetAtt': ['Custom', 'Whatever'] };
  }), []);
  assert.ok(Object.values(dev.Resources).some((r) => r.Type === 'AWS::CDK::Metadata'), 'the real template carries CDK metadata and passes');
});

test('the CLI exits 0 on clean templates, 1 with each finding printed, 2 when a template is missing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'schemas-judge-'));
  try {
    const file = (environment, root) => join(root, environment, `TranscribeStack-${environment}.template.json`);
    for (const environment of ENVIRONMENTS) {
      mkdirSync(join(dir, environment));
      copyFileSync(file(environment, CDK_OUT), file(environment, dir));
    }
    const { WORKFLOW_TEMPLATE, ...env } = process.env; // that override would point every environment at one file
    const judgeCli = () => spawnSync(process.execPath, [JUDGE, dir], { encoding: 'utf8', env });
    const clean = judgeCli();
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /^prod: 0 finding\(s\); \d+ resources, \d+ property values checked$/m);
    const bad = structuredClone(dev);
    bad.Resources[key].Properties.EnableKeyRotation = 'yes';
    writeFileSync(file('dev', dir), JSON.stringify(bad));
    const run = judgeCli();
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`^dev ${key} Properties.EnableKeyRotation: expected a boolean, got string "yes" \\[schema allows: boolean\\]$`, 'm'));
    assert.match(run.stdout, /^dev: 1 finding\(s\);/m);
    rmSync(join(dir, 'prod'), { recursive: true });
    const missing = judgeCli();
    assert.equal(missing.status, 2, missing.stdout + missing.stderr);
    assert.match(missing.stderr, /^prod: .*TranscribeStack-prod\.template\.json not found/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
