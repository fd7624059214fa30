// The synthesized templates and their CloudFormation references, for every test and judge that
// reads cdk.out: load an environment's template, render its intrinsics to fixed, realistic values.
import { readFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
/**
 * The environments a cdk.out holds: dev, staging and prod, or those JUDGE_ENVIRONMENTS lists
 * (comma-separated): a settings file's template (cdk.out/settings/<file>/<env>/) has only its own.
 */
export const ENVIRONMENTS = process.env.JUDGE_ENVIRONMENTS ? process.env.JUDGE_ENVIRONMENTS.split(',') : ['dev', 'staging', 'prod'];

const stackNames = new WeakMap(); // template -> its stack name (from the file name)

/** The synthesized template of an environment; WORKFLOW_TEMPLATE overrides the path. */
export function loadTemplate(environment = 'dev', { cdkOut = join(ROOT, 'cdk.out') } = {}) {
  const file = process.env.WORKFLOW_TEMPLATE ?? join(cdkOut, environment, `TranscribeStack-${environment}.template.json`);
  if (!existsSync(file)) fail(`${file} not found: run 'bash scripts/synth-all.sh' first (or set WORKFLOW_TEMPLATE)`);
  const template = JSON.parse(readFileSync(file, 'utf8'));
  stackNames.set(template, basename(file).replace(/\.template\.json$/, ''));
  return template;
}

/**
 * Renders CloudFormation intrinsics to fixed test values. Supported: Ref (resources and pseudo
 * parameters), Fn::GetAtt (Arn and a few named attributes), Fn::Join. Anything else throws.
 */
export function resolver(template) {
  const stackName = stackNames.get(template) ?? 'TranscribeStack-test';
  const resources = template.Resources;
  const typeOf = (id) => resources[id]?.Type ?? fail(`Ref/GetAtt to unknown logical id '${id}'`);
  const h = (id, n) => createHash('sha256').update(`${stackName}/${id}`).digest('hex').slice(0, n);
  const physical = (id, max) => `${stackName}-${id}`.slice(0, max - 13) + `-${h(id, 12).toUpperCase()}`;
  const bucket = (id) => `${stackName}-${id}`.toLowerCase().slice(0, 63 - 13) + `-${h(id, 12)}`;
  const uuid = (id) => h(id, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

  const names = {
    'AWS::S3::Bucket': (id) => ({ ref: bucket(id), Arn: `arn:aws:s3:::${bucket(id)}`, DomainName: `${bucket(id)}.s3.amazonaws.com` }),
    'AWS::DynamoDB::Table': (id) => ({ ref: physical(id, 255), Arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${physical(id, 255)}` }),
    'AWS::SQS::Queue': (id) => ({
      ref: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${physical(id, 80)}`,
      Arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${physical(id, 80)}`,
      QueueName: physical(id, 80),
      QueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${physical(id, 80)}`,
    }),
    'AWS::KMS::Key': (id) => ({ ref: uuid(id), Arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${uuid(id)}`, KeyId: uuid(id) }),
    'AWS::Lambda::Function': (id) => ({ ref: physical(id, 64), Arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${physical(id, 64)}` }),
    'AWS::IAM::Role': (id) => ({ ref: physical(id, 64), Arn: `arn:aws:iam::${ACCOUNT}:role/${physical(id, 64)}` }),
    'AWS::StepFunctions::StateMachine': (id) => {
      // Its StateMachineName when the template gives one (re-processing: granted by ARN), else CloudFormation's.
      const name = resources[id].Properties?.StateMachineName ?? `${id}-${h(id, 12)}`;
      const arn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
      return { ref: arn, Arn: arn, Name: name };
    },
    'AWS::Logs::LogGroup': (id) => ({ ref: physical(id, 512), Arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${physical(id, 512)}:*` }),
    'AWS::SNS::Topic': (id) => ({ ref: `arn:aws:sns:${REGION}:${ACCOUNT}:${physical(id, 256)}`, TopicName: physical(id, 256) }),
    'AWS::CloudWatch::Dashboard': (id) => ({ ref: physical(id, 255) }),
    'AWS::KinesisFirehose::DeliveryStream': (id) => ({ ref: physical(id, 64), Arn: `arn:aws:firehose:${REGION}:${ACCOUNT}:deliverystream/${physical(id, 64)}` }),
  };
  const values = (id) => (names[typeOf(id)] ?? fail(`no test value for resources of type ${typeOf(id)} ('${id}')`))(id);

  const ref = (id) => {
    switch (id) {
      case 'AWS::Partition': return 'aws';
      case 'AWS::Region': return REGION;
      case 'AWS::AccountId': return ACCOUNT;
      case 'AWS::URLSuffix': return 'amazonaws.com';
      case 'AWS::StackName': return stackName;
      default:
        if (id.startsWith('AWS::')) fail(`unsupported pseudo parameter ${id}`);
        if (template.Parameters?.[id]) fail(`Ref to template parameter '${id}': the definition must not depend on Parameters`);
        return values(id).ref;
    }
  };
  const getAtt = (id, attribute) => (attribute === 'ref' ? undefined : values(id)[attribute]) ?? fail(`no test value for Fn::GetAtt ${id}.${attribute} (${typeOf(id)})`);

  const render = (node) => {
    if (typeof node === 'string') return node;
    if (node === null || typeof node !== 'object' || Array.isArray(node)) fail(`not a string expression: ${JSON.stringify(node)}`);
    const keys = Object.keys(node);
    if (keys.length !== 1) fail(`not an intrinsic: ${JSON.stringify(node).slice(0, 200)}`);
    const [key] = keys;
    const arg = node[key];
    switch (key) {
      case 'Ref': return ref(arg);
      case 'Fn::GetAtt': {
        const [id, attribute] = Array.isArray(arg) ? arg : arg.split(/\.(.*)/s);
        return getAtt(id, render(attribute));
      }
      case 'Fn::Join': return arg[1].map(render).join(arg[0]);
      default: return fail(`unsupported intrinsic ${key}: ${JSON.stringify(node).slice(0, 200)}`);
    }
  };
  /** Resolves intrinsics anywhere in a JSON value (used for event patterns and environment variables). */
  const resolveDeep = (node) => {
    if (Array.isArray(node)) return node.map(resolveDeep);
    if (node && typeof node === 'object') {
      const [key] = Object.keys(node);
      if (Object.keys(node).length === 1 && (key === 'Ref' || key.startsWith('Fn::'))) return render(node);
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolveDeep(v)]));
    }
    return node;
  };
  return { render, resolveDeep, ref, getAtt };
}

export function onlyId(template, type, where = () => true) {
  const ids = Object.entries(template.Resources).filter(([id, r]) => r.Type === type && where(r, id)).map(([id]) => id);
  if (ids.length !== 1) fail(`expected exactly one ${type} here, found ${ids.length}: ${ids.join(', ')}`);
  return ids[0];
}


/**
 * The same template as another environment's stack in the same account and region would have it: a copy in which
 * the environment's stack name and job-name prefix name the other environment (generated names follow the stack
 * name). The IAM judge asks, with it, whether a grant of one environment's stack matches another's resources.
 */
export function asEnvironment(template, environment) {
  const from = stackNames.get(template) ?? fail('load the template with loadTemplate() (its stack name comes from the file name)');
  const to = `TranscribeStack-${environment}`;
  const [fromEnvironment] = from.match(/[^-]+$/);
  const copy = JSON.parse(JSON.stringify(template).replaceAll(from, to).replaceAll(`transcribestack-${fromEnvironment}-`, `transcribestack-${environment}-`));
  stackNames.set(copy, to);
  return copy;
}

/** The stack name of a template returned by loadTemplate. */
export function stackNameOf(template) {
  return stackNames.get(template);
}

function fail(message) {
  throw new Error(message);
}
