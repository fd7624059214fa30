// Template references are rendered to test values or refused loudly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTemplate, resolver } from './templates.mjs';

const template = loadTemplate('dev');

test('an unknown intrinsic, logical id or attribute fails loudly', () => {
  const { render } = resolver(template);
  assert.throws(() => render({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::x' }), /unsupported intrinsic Fn::Sub/);
  assert.throws(() => render({ 'Fn::Join': ['', ['a', { 'Fn::ImportValue': 'Shared' }]] }), /unsupported intrinsic Fn::ImportValue/);
  assert.throws(() => render({ Ref: 'NoSuchResource' }), /unknown logical id 'NoSuchResource'/);
  assert.throws(() => render({ Ref: 'AWS::NotificationARNs' }), /unsupported pseudo parameter/);
  const table = Object.keys(template.Resources).find((id) => template.Resources[id].Type === 'AWS::DynamoDB::Table');
  assert.throws(() => render({ 'Fn::GetAtt': [table, 'StreamArn'] }), /no test value for Fn::GetAtt/);
  const alarm = Object.keys(template.Resources).find((id) => template.Resources[id].Type === 'AWS::CloudWatch::Alarm');
  assert.throws(() => render({ Ref: alarm }), /no test value for resources of type AWS::CloudWatch::Alarm/);
});
