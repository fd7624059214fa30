// Proves the IAM judge can fail: each test widens or narrows one policy of a synthesized template
// (a fresh copy) and expects the judge to report the request that change breaks, on top of whatever
// the unchanged template already reports. The last test holds the real templates to the model.
//   JUDGE_CDK_OUT=<dir holding <env>/TranscribeStack-<env>.template.json> node --test 'tests/judges/iam/*.test.mjs'
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ENVIRONMENTS, loadTemplate } from '../../../testkit/templates.mjs';
import { decide, defaultCdkOut, judge, label, resourcePolicy, settingsOf, validateDocument, validateRequest } from './simulate.mjs';

const cdkOut = defaultCdkOut();
const ENV = 'prod'; // every principal exists in every environment; prod's settings are the strictest
const ACCOUNT = '123456789012';
const baseline = await judge(loadTemplate(ENV, { cdkOut }), ENV);

/** The statements of the one resource of `type` whose logical id starts with `prefix`. */
function statements(resources, type, prefix) {
  const [id] = Object.keys(resources).filter((k) => resources[k].Type === type && k.startsWith(prefix));
  assert.ok(id, `no ${type} ${prefix}… in the template`);
  const p = resources[id].Properties;
  return (p.PolicyDocument ?? p.KeyPolicy ?? p.AssumeRolePolicyDocument).Statement;
}
const find = (list, predicate) => list.find(predicate) ?? assert.fail('no such statement in the template');
const actionsOf = (s) => [s.Action].flat();

/** Requests that fail after `change` but passed before it, as 'ACTUAL <label> (why)'. */
async function brokenBy(change) {
  const template = loadTemplate(ENV, { cdkOut });
  change(template.Resources);
  const { t, rows } = await judge(template, ENV);
  return rows.filter((row, i) => !row.ok && baseline.rows[i].ok).map((row) => `${row.actual} ${label(t, row)} (${row.why})`);
}

function assertBroken(broken, expected) {
  assert.ok(broken.some((line) => line.includes(expected)), `expected '${expected}' among the new failures:\n${broken.join('\n') || '(none)'}`);
}

test('dropping the confused-deputy condition lets another account\'s job read the media', async () => {
  const broken = await brokenBy((r) => {
    delete find(statements(r, 'AWS::S3::BucketPolicy', 'MediaIngestion'), (s) => s.Principal?.Service === 'transcribe.amazonaws.com').Condition;
  });
  assertBroken(broken, 'ALLOWED transcribe.amazonaws.com s3:GetObject <rawBucket>/media/talk.mp3 (confused deputy: a job of another account)');
});

test('widening a prefix lets Transcribe write outside transcripts/', async () => {
  const broken = await brokenBy((r) => {
    const s = find(statements(r, 'AWS::S3::BucketPolicy', 'TranscriptStorage'), (x) => x.Principal?.Service === 'transcribe.amazonaws.com');
    s.Resource = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Object.keys(r).find((k) => k.startsWith('TranscriptStorageTranscriptsBucketA')), 'Arn'] }, '/*']] };
  });
  assertBroken(broken, 'ALLOWED transcribe.amazonaws.com s3:PutObject <transcriptBucket>/media/talk.json (nothing outside transcripts/)');
});

test('widening an action to service:* lets the post-processor delete items', async () => {
  const broken = await brokenBy((r) => {
    const s = find(statements(r, 'AWS::IAM::Policy', 'PostProcessorRole'), (x) => actionsOf(x).includes('dynamodb:PutItem'));
    s.Action = actionsOf(s).map((action) => (action === 'dynamodb:PutItem' ? 'dynamodb:*' : action));
  });
  assertBroken(broken, 'ALLOWED PostProcessorRole dynamodb:DeleteItem <table> (only puts items)');
});

test('dropping the TLS deny lets plain HTTP through', async () => {
  const broken = await brokenBy((r) => {
    const list = statements(r, 'AWS::S3::BucketPolicy', 'TranscriptStorage');
    list.splice(list.findIndex((s) => s.Condition?.Bool?.['aws:SecureTransport'] === 'false'), 1);
  });
  assertBroken(broken, 'ALLOWED WorkflowRole s3:PutObject <transcriptBucket>/transcripts/transcribestack-prod-x-0123456789abcdef.json (plain HTTP: the bucket policy denies it)');
});

test('dropping the SourceAccount condition of a trust policy lets another account\'s rule assume the role', async () => {
  const broken = await brokenBy((r) => {
    delete statements(r, 'AWS::IAM::Role', 'IntakeAdmitterTargetRole')[0].Condition;
  });
  assertBroken(broken, 'ALLOWED events.amazonaws.com sts:AssumeRole <IntakeAdmitterTargetRole> (confused deputy: another account\'s rule)');
});

test('removing a statement takes away Transcribe\'s output check', async () => {
  const broken = await brokenBy((r) => {
    const list = statements(r, 'AWS::IAM::Policy', 'WorkflowRole');
    list.splice(list.findIndex((s) => actionsOf(s).includes('s3:PutObject')), 1);
  });
  assertBroken(broken, 'DENIED WorkflowRole s3:PutObject <transcriptBucket>/transcripts/.write_access_check_file.temp');
});

test('narrowing the functions to their unqualified ARNs takes away versions and aliases', async () => {
  const broken = await brokenBy((r) => {
    const s = find(statements(r, 'AWS::IAM::Policy', 'WorkflowRole'), (x) => actionsOf(x).includes('lambda:InvokeFunction'));
    s.Resource = s.Resource.filter((resource) => !resource['Fn::Join']);
  });
  assertBroken(broken, 'DENIED WorkflowRole lambda:InvokeFunction <planner>:1 (any version or alias of them)');
});

test('the key policy is the gate: without its root statement no role may use the key', async () => {
  const broken = await brokenBy((r) => {
    const list = statements(r, 'AWS::KMS::Key', 'EncryptionKey');
    list.splice(list.findIndex((s) => s.Action === 'kms:*'), 1);
  });
  assertBroken(broken, 'DENIED WorkflowRole kms:Decrypt <key> (S3 decrypts the media)');
});

test('narrowing the Logs statement to another prefix denies this stack\'s log groups (the encryption context is evaluated)', async () => {
  const broken = await brokenBy((r) => {
    find(statements(r, 'AWS::KMS::Key', 'EncryptionKey'), (s) => s.Principal?.Service?.startsWith?.('logs.')).Condition.ArnLike['kms:EncryptionContext:aws:logs:arn'] = 'arn:aws:logs:us-east-1:123456789012:log-group:OtherStack-*';
  });
  assertBroken(broken, 'DENIED logs.us-east-1.amazonaws.com kms:GenerateDataKey <key> (encrypts this stack\'s log group (workflowLogs))');
});

test('dropping the dynamodb:Attributes condition lets the notifier read the whole item, and the workflow write any attribute', async () => {
  const broken = await brokenBy((r) => {
    delete find(statements(r, 'AWS::IAM::Policy', 'CompletionNotifierRole'), (x) => actionsOf(x).includes('dynamodb:GetItem')).Condition;
    find(statements(r, 'AWS::IAM::Policy', 'WorkflowRole'), (x) => actionsOf(x).includes('dynamodb:UpdateItem')).Condition['ForAllValues:StringEquals']['dynamodb:Attributes'].push('failureReason');
  });
  assertBroken(broken, 'ALLOWED CompletionNotifierRole dynamodb:GetItem <table> (no other attribute of the item)');
  assertBroken(broken, 'ALLOWED WorkflowRole dynamodb:UpdateItem <table> (no attribute beyond the waiting ones)');
});

test('widening the completion target lets it start the workflow, and an open dead-letter queue takes any rule\'s events', async () => {
  const broken = await brokenBy((r) => {
    find(statements(r, 'AWS::IAM::Policy', 'CompletionNotifierTargetRole'), (x) => actionsOf(x).includes('states:StartExecution')).Resource = '*';
    delete find(statements(r, 'AWS::SQS::QueuePolicy', 'CompletionNotifierEventDeadLetterQueue'), (x) => x.Effect === 'Allow').Condition;
  });
  assertBroken(broken, 'ALLOWED CompletionNotifierTargetRole states:StartExecution <stateMachine> (not the workflow)');
  assertBroken(broken, 'ALLOWED events.amazonaws.com sqs:SendMessage <completionQueue> (only the completion rule)');
});

test('the operators\' managed policy is simulated: widening it lets operators delete objects, send dead letters, stop other executions', async () => {
  const broken = await brokenBy((r) => {
    const policy = statements(r, 'AWS::IAM::ManagedPolicy', 'OperatorAccessPolicy');
    find(policy, (x) => actionsOf(x).includes('sqs:ReceiveMessage')).Action = 'sqs:*';
    find(policy, (x) => actionsOf(x).includes('states:StopExecution')).Resource = 'arn:aws:states:us-east-1:123456789012:execution:*';
    policy.push({ Effect: 'Allow', Action: 's3:*Object', Resource: '*' });
  });
  assertBroken(broken, 'ALLOWED OperatorAccessPolicy sqs:SendMessage <failureQueue> (sends no dead letter (failureQueue))');
  assertBroken(broken, 'ALLOWED OperatorAccessPolicy states:StopExecution arn:aws:states:us-east-1:123456789012:execution:AnotherStateMachine:x (another state machine\'s executions)');
  assertBroken(broken, 'ALLOWED OperatorAccessPolicy s3:DeleteObject <rawBucket>/media/talk.mp3 (no object writes or deletes)');
  assertBroken(broken, 'ALLOWED OperatorAccessPolicy s3:GetObject <rawBucket>/media/talk.mp3 (reads the media only with operators.canReadMedia (false))');
});

test('a grant by a pattern another environment\'s names match lets prod\'s roles act on dev\'s stack', async () => {
  const broken = await brokenBy((r) => {
    // Re-processing granted by a name pattern (as by its logical id, before it was named after the stack).
    find(statements(r, 'AWS::IAM::Policy', 'ReprocessingRole'), (x) => x.Sid === 'RunTheMapsChildren').Resource = 'arn:aws:states:us-east-1:123456789012:stateMachine:TranscribeStack-*-Reprocessing';
    find(statements(r, 'AWS::IAM::ManagedPolicy', 'OperatorAccessPolicy'), (x) => x.Sid === 'ReadThisStacksAlarms').Resource = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:TranscribeStack-*';
  });
  assertBroken(broken, 'ALLOWED ReprocessingRole states:StartExecution arn:aws:states:us-east-1:123456789012:stateMachine:TranscribeStack-dev-Reprocessing (dev\'s resource, not this environment\'s');
  assertBroken(broken, 'ALLOWED OperatorAccessPolicy cloudwatch:DescribeAlarms arn:aws:cloudwatch:us-east-1:123456789012:alarm:TranscribeStack-dev-MonitoringExecutionsFailed-0123ABCD (dev\'s resource');
});

test('what the settings file allows operators decides what the model expects', async () => {
  // prod's template has no media grant: a settings file that allows media makes those two lines fail.
  const { t, mismatches } = await judge(loadTemplate(ENV, { cdkOut }), ENV, { settings: { operators: { canReadMedia: true } } });
  assert.deepEqual(mismatches.map((row) => `${row.actual} ${label(t, row)}`), [
    'DENIED OperatorAccessPolicy s3:GetObject <rawBucket>/media/talk.mp3',
    'DENIED OperatorAccessPolicy kms:Decrypt <key>',
  ]);
});

test('a settings template is judged with its settings file, an environment\'s with none', () => {
  assert.equal(settingsOf('cdk.out/settings/example.prod').operators.canReadMedia, true);
  assert.equal(settingsOf('cdk.out/settings/language-identification').operators, undefined);
  assert.deepEqual(settingsOf('cdk.out'), {});
  assert.throws(() => settingsOf('cdk.out/settings/no-such-file'), /no settings file no-such-file\.json/);
});

test('kms:EncryptionContext conditions are decided with the context the request carries', async () => {
  const key = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0000`;
  const keyPolicy = resourcePolicy('key', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] });
  const identityPolicies = [{ name: 'role', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: key, Condition: { StringEquals: { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::mine' } } }] } }];
  const ask = (bucket) => decide({ principal: `arn:aws:iam::${ACCOUNT}:role/r`, action: 'kms:Decrypt', resource: key, context: { 'kms:EncryptionContext:aws:s3:arn': bucket }, identityPolicies, resourcePolicy: keyPolicy });
  const mine = await ask('arn:aws:s3:::mine');
  assert.equal(mine.decision, 'Allowed');
  assert.equal((await ask('arn:aws:s3:::theirs')).decision, 'ImplicitlyDenied');
  // The gap the workaround covers: when runSimulation stops dropping the key, simplify decide().
  assert.deepEqual(mine.ignored, ['kms:EncryptionContext:aws:s3:arn']);
});

test('policies are validated against the Service Authorization Reference', async () => {
  const problems = (await validateDocument({ name: 'p', policy: { Statement: [
    { Sid: 'Unknown', Effect: 'Deny', Action: ['sns:Publish', 'sns:Receive'], Resource: 'arn:aws:sns:us-east-1:123456789012:t' },
    { Sid: 'Key', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: '*', Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:*' } } },
    { Sid: 'NoType', Effect: 'Allow', Action: 'transcribe:TagResource', Resource: 'arn:aws:transcribe:us-east-1:123456789012:transcription-job/x-*' },
    { Sid: 'Type', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:sqs:us-east-1:123456789012:q' },
    { Sid: 'Fine', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } },
  ] } })).map((p) => `${p.where}: ${p.problem}`);
  assert.deepEqual(problems, [
    'p Unknown: sns:Receive is not an action',
    'p Key: condition key kms:EncryptionContext:aws:logs:arn does not apply to kms:DescribeKey',
    'p NoType: transcribe:TagResource has no resource type: its Resource must be "*", not arn:aws:transcribe:us-east-1:123456789012:transcription-job/x-*',
    'p Type: arn:aws:sqs:us-east-1:123456789012:q is none of s3:GetObject\'s resource types (accesspointobject, object)',
  ]);
});

test('requests are validated the same way', async () => {
  assert.deepEqual(await validateRequest({ action: 'transcribe:StartTranscriptionJob', resource: '*', context: { 'transcribe:OutputBucketName': 'b', 'aws:SourceArn': 'arn:aws:x' } }), []);
  assert.deepEqual(await validateRequest({ action: 'sqs:SendMessage', resource: '*', context: { 'sqs:NoSuchKey': 'x', 'kms:ViaService': 'x' } }), [
    '* is none of sqs:SendMessage\'s resource types (queue)',
    'unknown condition key sqs:NoSuchKey',
    'condition key kms:ViaService does not apply to sqs:SendMessage',
  ]);
  // The attribute conditions of the notifier's reads and the workflow's writes are keys of those actions.
  const table = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/t`;
  assert.deepEqual(await validateRequest({ action: 'dynamodb:GetItem', resource: table, context: { 'dynamodb:Attributes': ['a'], 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' } }), []);
  assert.deepEqual(await validateRequest({ action: 'dynamodb:UpdateItem', resource: table, context: { 'dynamodb:Attributes': ['a'], 'dynamodb:ReturnValues': 'NONE' } }), []);
  assert.deepEqual(await validateRequest({ action: 'dynamodb:GetItem', resource: table, context: { 'dynamodb:ReturnValues': 'NONE' } }), ['condition key dynamodb:ReturnValues does not apply to dynamodb:GetItem']);
  // An action whose resource types are all optional may be requested on "*" (metrics have none); one that needs a type may not.
  assert.deepEqual(await validateRequest({ action: 'cloudwatch:GetMetricData', resource: '*', context: {} }), []);
  assert.deepEqual(await validateRequest({ action: 'cloudwatch:GetDashboard', resource: '*', context: {} }), ['* is none of cloudwatch:GetDashboard\'s resource types (dashboard)']);
});

test('a principal missing from the template fails clearly', async () => {
  const template = loadTemplate(ENV, { cdkOut });
  for (const id of Object.keys(template.Resources)) if (id.startsWith('PostProcessorRole')) delete template.Resources[id];
  await assert.rejects(judge(template, ENV), /expected one AWS::IAM::Role with logical id PostProcessorRole…, found 0/);
});

test('a role the access model does not know is reported', async () => {
  const template = loadTemplate('dev', { cdkOut });
  template.Resources.ReportingRoleABCD1234 = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] } } };
  const { findings } = await judge(template, 'dev');
  assert.ok(findings.some((f) => f.where === 'ReportingRoleABCD1234' && /not in the access model/.test(f.problem)), JSON.stringify(findings));
});

test('the CLI exits non-zero when a template is missing', () => {
  const cli = fileURLToPath(new URL('./simulate.mjs', import.meta.url));
  const { WORKFLOW_TEMPLATE, ...env } = process.env; // the judge refuses that override
  const run = spawnSync(process.execPath, [cli, '/nonexistent-cdk-out'], { encoding: 'utf8', env });
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /dev: ERROR .*not found/);
});

for (const env of ENVIRONMENTS) {
  test(`${env}: the synthesized template meets the access model`, async () => {
    const { t, mismatches, findings } = env === ENV ? baseline : await judge(loadTemplate(env, { cdkOut }), env);
    const report = [
      ...mismatches.map((row) => `${row.actual} (expected ${row.expect}) ${label(t, row)} (${row.why})`),
      ...findings.map((f) => `finding: ${f.where}: ${f.problem}`),
    ];
    assert.deepEqual(report, [], `run 'node tests/judges/iam/simulate.mjs' for the table:\n${report.join('\n')}`);
  });
}
