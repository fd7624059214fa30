// Proves the cdk-nag check can fail: an unacknowledged finding fails it, the same finding
// acknowledged through template metadata (as the C# app writes it) passes, and a reason-less
// acknowledgement fails again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verdict } from './check.mjs';

const bareQueue = (metadata) => ({
  Resources: {
    PlainQueue: { Type: 'AWS::SQS::Queue', Properties: {}, ...(metadata ? { Metadata: metadata } : {}) },
  },
});

test('an unencrypted queue without acknowledgements fails', () => {
  const result = verdict(bareQueue());

  assert.equal(result.ok, false);
  assert.ok(result.errors.some((e) => e.rule === 'AwsSolutions-SQS4' && e.resource === 'PlainQueue'), JSON.stringify(result.errors));
});

test('the same findings acknowledged in template metadata pass', () => {
  const rules = [...new Set(verdict(bareQueue()).errors.map((e) => e.rule))];
  const acknowledged = bareQueue({
    cdk_nag: { rules_to_suppress: rules.map((id) => ({ id, reason: 'Acknowledged for this test with a real reason.' })) },
  });

  const result = verdict(acknowledged);

  assert.equal(result.errors.length, 0, JSON.stringify(result.errors));
  assert.equal(result.ok, true);
  assert.equal(result.acknowledgements.length, rules.length);
});

test('an acknowledgement without a real reason fails', () => {
  const rules = [...new Set(verdict(bareQueue()).errors.map((e) => e.rule))];
  const lazy = bareQueue({ cdk_nag: { rules_to_suppress: rules.map((id) => ({ id, reason: 'ok' })) } });

  const result = verdict(lazy);

  assert.equal(result.ok, false);
  assert.ok(result.shortReasons.length > 0);
});
