// Proves the cdk-nag check can fail: an unacknowledged finding fails it; the same findings acknowledged
// through template metadata (as cdk/Security/NagAcknowledgements.cs writes it) pass; an acknowledgement
// without a real reason fails again; stale acknowledgements are reported; a missing template fails the CLI.
//   node --test 'tests/nag/*.test.mjs'
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { ENVIRONMENTS, checkAll, runNag, templatePath } from './check.mjs';

const REASON = 'Accepted for this test: the bucket only exists to exercise the check.';

// A deliberately bad resource: an S3 bucket with no encryption, no access logging, no versioning,
// no public access block and no TLS-only policy.
const badBucket = (metadata) => ({
  Resources: {
    BadBucket: { Type: 'AWS::S3::Bucket', Properties: {}, ...(metadata ? { Metadata: metadata } : {}) },
  },
});

/** Acknowledgements, in the C# app's metadata format, for exactly the given findings. */
function acknowledging(findings) {
  const byRule = new Map();
  for (const f of findings) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f.findingId]);
  return {
    cdk_nag: {
      rules_to_suppress: [...byRule].map(([id, findingIds]) =>
        findingIds.some(Boolean) ? { id, reason: REASON, applies_to: findingIds } : { id, reason: REASON },
      ),
    },
  };
}

const bare = runNag(badBucket());

test('an unencrypted bucket without access logging fails the check', () => {
  assert.equal(bare.ok, false);
  const rules = new Set(bare.findings.filter((f) => f.level === 'error' && f.logicalId === 'BadBucket').map((f) => f.ruleId));
  for (const expected of [
    'AwsSolutions-S1', // server access logs
    'AwsSolutions-S10', // TLS-only bucket policy
    'HIPAA.Security-S3BucketLoggingEnabled',
    'NIST.800.53.R5-S3DefaultEncryptionKMS',
    'PCI.DSS.321-S3DefaultEncryptionKMS',
  ]) {
    assert.ok(rules.has(expected), `${expected} expected among ${[...rules].join(', ')}`);
  }
  assert.equal(bare.errors, bare.findings.filter((f) => f.level === 'error').length);
  assert.equal(bare.acknowledged.length, 0);
  // each finding says what the rule asks (its info) and why (its explanation), as cdk-nag's logger told them
  const s1 = bare.findings.find((f) => f.ruleId === 'AwsSolutions-S1');
  assert.equal(s1.info, 'The S3 Bucket has server access logs disabled.');
  assert.ok(bare.findings.every((f) => f.info && f.explanation && !f.info.startsWith(f.ruleId)), JSON.stringify(bare.findings[0]));
});

test('the same findings acknowledged in the template metadata pass', () => {
  const result = runNag(badBucket(acknowledging(bare.findings)));

  assert.deepEqual(result.findings, [], JSON.stringify(result.findings, null, 1));
  assert.equal(result.ok, true);
  assert.equal(result.acknowledged.length, bare.findings.length);
  assert.deepEqual(result.staleAcknowledgements, []);
  assert.deepEqual(result.invalidAcknowledgements, []);
});

test('acknowledging all but one finding still fails, on that finding', () => {
  const [left, ...rest] = bare.findings.filter((f) => f.level === 'error');
  const result = runNag(badBucket(acknowledging([...rest.filter((f) => f.ruleId !== left.ruleId), ...bare.findings.filter((f) => f.level === 'warning')])));

  assert.equal(result.ok, false);
  assert.deepEqual(result.findings.map((f) => [f.ruleId, f.logicalId]), [[left.ruleId, 'BadBucket']]);
});

test('an acknowledgement with a reason under 10 characters fails and does not acknowledge', () => {
  const metadata = acknowledging(bare.findings);
  metadata.cdk_nag.rules_to_suppress[0].reason = 'too short';

  const result = runNag(badBucket(metadata));

  assert.equal(result.ok, false);
  assert.deepEqual(
    result.invalidAcknowledgements.map((a) => [a.logicalId, a.ruleId]),
    [['BadBucket', metadata.cdk_nag.rules_to_suppress[0].id]],
  );
  assert.ok(result.findings.some((f) => f.ruleId === metadata.cdk_nag.rules_to_suppress[0].id), 'its finding is reported as unacknowledged');
});

test('an acknowledgement that matches no finding is reported as stale, without failing', () => {
  const metadata = acknowledging(bare.findings);
  metadata.cdk_nag.rules_to_suppress.push({ id: 'AwsSolutions-L1', reason: 'A Lambda rule acknowledged on a bucket: never matches.' });

  const result = runNag(badBucket(metadata));

  assert.equal(result.ok, true);
  assert.deepEqual(result.staleAcknowledgements.map((s) => [s.ruleId, s.logicalId]), [['AwsSolutions-L1', 'BadBucket']]);
});

test('CfnInclude carries the template metadata to the included resource, where cdk-nag reads it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nag-test-'));
  try {
    const metadata = acknowledging(bare.findings);
    const templateFile = join(dir, 'template.json');
    writeFileSync(templateFile, JSON.stringify(badBucket(metadata)));
    const include = new CfnInclude(new Stack(new App(), 'Included'), 'Template', { templateFile });

    assert.deepEqual(include.getResource('BadBucket').getMetadata('cdk_nag'), metadata.cdk_nag);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the CLI fails on an unacknowledged error and on a missing template, and passes otherwise', () => {
  const root = mkdtempSync(join(tmpdir(), 'nag-cli-'));
  const write = (environment, template) => {
    mkdirSync(join(root, environment), { recursive: true });
    writeFileSync(templatePath(root, environment), JSON.stringify(template));
  };
  const lines = [];
  const log = (line) => lines.push(line);
  try {
    for (const environment of ENVIRONMENTS) write(environment, badBucket(acknowledging(bare.findings)));
    assert.equal(checkAll(root, { log }), 0, lines.join('\n'));
    assert.match(lines.at(-1), /^cdk-nag: PASS/);

    write('staging', badBucket());
    lines.length = 0;
    assert.equal(checkAll(root, { log }), 1);
    assert.ok(lines.some((l) => l.startsWith('  ERROR AwsSolutions-S1  BadBucket')), lines.join('\n'));
    assert.match(lines.at(-1), /^cdk-nag: FAIL \(staging: \d+ unacknowledged error/);

    write('staging', badBucket(acknowledging(bare.findings)));
    rmSync(templatePath(root, 'prod'));
    lines.length = 0;
    assert.equal(checkAll(root, { log }), 1);
    assert.match(lines.at(-1), /^cdk-nag: FAIL \(prod: template missing\)/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('an unacknowledged warning is reported and printed in the summary, but does not fail', () => {
  // AwsSolutions-DDB3 (no point-in-time recovery) is a warning; the other packs' findings on it are errors.
  const table = (metadata) => ({
    Resources: {
      Table: {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        },
        ...(metadata ? { Metadata: metadata } : {}),
      },
    },
  });
  const errors = runNag(table()).findings.filter((f) => f.level === 'error');
  const template = table(acknowledging(errors));

  const result = runNag(template);
  assert.equal(result.ok, true);
  assert.equal(result.errors, 0);
  assert.deepEqual(result.findings.map((f) => [f.level, f.ruleId, f.logicalId]), [['warning', 'AwsSolutions-DDB3', 'Table']]);

  const root = mkdtempSync(join(tmpdir(), 'nag-cli-'));
  const lines = [];
  try {
    for (const environment of ENVIRONMENTS) {
      mkdirSync(join(root, environment), { recursive: true });
      writeFileSync(templatePath(root, environment), JSON.stringify(template));
    }
    assert.equal(checkAll(root, { log: (line) => lines.push(line) }), 0, lines.join('\n'));
    assert.ok(lines.some((l) => l.trim() === '== warnings (do not fail the check)'), lines.join('\n'));
    assert.ok(lines.some((l) => /^ {2}WARNING AwsSolutions-DDB3 {2}Table .*\(dev, staging, prod\)$/.test(l)), lines.join('\n'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a stack-level acknowledgement (template Metadata) is refused: CfnInclude would hide it from cdk-nag', () => {
  const template = { ...badBucket(acknowledging(bare.findings)), Metadata: { cdk_nag: { rules_to_suppress: [{ id: 'AwsSolutions-S1', reason: REASON }] } } };

  const result = runNag(template);

  assert.equal(result.ok, false);
  assert.deepEqual(result.invalidAcknowledgements.map((a) => [a.logicalId, a.ruleId]), [['(template Metadata)', 'AwsSolutions-S1']]);
  assert.deepEqual(result.findings, []);
});
