// The AWS SDK's service models as the judges read them (asl.mjs, payload.mjs): what a Task's Resource
// calls, the operation's input and output shapes, the enums, the errors it raises, and the names Step
// Functions gives those errors.
//
// Library gaps, and what this file does instead:
// - The clients' runtime schemas (@smithy static schemas) hold member names, types and how many members
//   are required (they list required members first: asl.test.mjs checks that against the declarations),
//   but no enum values, lengths or an operation's errors. Enum values are the clients' exported enum
//   objects; which member takes which enum, and which errors an operation raises (`@throws`), come from
//   the clients' generated declarations (dist-types), written from the same Smithy model.
// - No library says how Step Functions names a service's errors. Two rules, from AWS's pages and
//   executions recorded against AWS:
//   * An optimized integration (arn:aws:states:::dynamodb:putItem, sqs:sendMessage, a Lambda task)
//     names them "<prefix>.<error>" with the prefix of its own page (DynamoDB, SQS, Lambda) and the
//     Exception suffix; the prefix is listed in SERVICES.
//   * An AWS SDK integration (arn:aws:states:::aws-sdk:<service>:<action>) names them
//     "<ServiceName>.<ErrorName>", both PascalCase, always with the Exception suffix
//     (supported-services-awssdk.html: AcmPca.ResourceNotFoundException for acmpca,
//     S3.BucketAlreadyExistsException for S3's BucketAlreadyExists). These are the AWS SDK for Java v2
//     names: its client (AcmPcaClient, S3Client, DynamoDbClient, SfnClient) is named by pascalCase(serviceId)
//     without a leading Amazon/Aws or a trailing Service, its exception classes by pascalCase(shape) +
//     "Exception" (aws/aws-sdk-java-v2 codegen DefaultNamingStrategy.getServiceName/getExceptionName,
//     CodegenNamingUtils.pascalCase), and an error the model does not name (a validation error, an access
//     denial) is the client's base exception, "<ServiceName>.<ServiceName>Exception". Executions recorded
//     against AWS show exactly these: DynamoDb.ResourceNotFoundException and DynamoDb.DynamoDbException for
//     aws-sdk:dynamodb, S3.NoSuchBucketException, SecretsManager.SecretsManagerException
//     (localstack/localstack tests/aws/services/stepfunctions/v2/error_handling/test_aws_sdk.snapshot.json),
//     against StepFunctions.StateMachineDoesNotExistException for the optimized states:startExecution
//     (test_task_service_sfn.snapshot.json). The serviceId is the installed client's own.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { NormalizedSchema } from '@smithy/core/schema';

const require = createRequire(import.meta.url);

// The service of a Resource ARN -> the client that ships its model, and the prefix of its optimized
// integration's errors (null: the service has no optimized integration this project could use).
export const SERVICES = {
  transcribe: { pkg: '@aws-sdk/client-transcribe', optimized: null },
  dynamodb: { pkg: '@aws-sdk/client-dynamodb', optimized: 'DynamoDB' },
  sqs: { pkg: '@aws-sdk/client-sqs', optimized: 'SQS' },
  lambda: { pkg: '@aws-sdk/client-lambda', optimized: 'Lambda' },
  sfn: { pkg: '@aws-sdk/client-sfn', optimized: null },
  // arn:aws:states:::states:startExecution (connect-stepfunctions.html): the SFN API, errors StepFunctions.<shape>Exception.
  states: { pkg: '@aws-sdk/client-sfn', optimized: 'StepFunctions' },
};

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
export const pascal = (name) => name[0].toUpperCase() + name.slice(1);

/** CodegenNamingUtils.splitOnWordBoundaries and pascalCase of the AWS SDK for Java v2. */
export function javaPascalCase(text) {
  const words = text.replace(/[^A-Za-z0-9]+/g, ' ')
    .replace(/([^a-z]{2,})v([0-9]+)/g, '$1 v$2 ').replace(/([^A-Z]{2,})V([0-9]+)/g, '$1 V$2 ')
    .split(/(?<=[a-z])(?=[A-Z](?:[a-zA-Z]|[0-9]))/).join(' ')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([0-9])([a-zA-Z])/g, '$1 $2')
    .replace(/ +/g, ' ').trim().split(' ');
  return words.map((w) => (w ? w[0].toUpperCase() + w.slice(1).toLowerCase() : '')).join('');
}

/** The Java v2 client's service name for a Smithy serviceId ("DynamoDB" -> "DynamoDb", "ACM PCA" -> "AcmPca"). */
export function javaServiceName(serviceId) {
  return javaPascalCase(serviceId).replace(/^Amazon/, '').replace(/^Aws/, '').replace(/Service$/, '');
}

/** The Java v2 exception class of an error shape ("BucketAlreadyExists" -> "BucketAlreadyExistsException"). */
export function javaExceptionName(shape) {
  if (shape.endsWith('Fault')) return `${javaPascalCase(shape.slice(0, -'Fault'.length))}Exception`;
  return shape.endsWith('Exception') ? javaPascalCase(shape) : `${javaPascalCase(shape)}Exception`;
}

/** An optimized integration's name of a modeled error: its prefix, the shape, the Exception suffix added. */
export const optimizedErrorName = (prefix, shape) => `${prefix}.${shape.endsWith('Exception') ? shape : `${shape}Exception`}`;

/** What a Task's Resource calls: a Lambda function, an optimized or an AWS SDK integration. */
export function taskTarget(resource) {
  if (/^arn:[\w-]+:lambda:[\w-]*:\d*:function:/.test(resource ?? '')) return { kind: 'lambda-function', service: 'lambda', action: 'invoke', pattern: '' };
  const m = (resource ?? '').match(/^arn:[\w-]+:states:::(aws-sdk:)?([\w-]+):(\w+?)(\.sync(?::2)?|\.waitForTaskToken)?$/);
  return m ? { kind: m[1] ? 'aws-sdk' : 'optimized', service: m[2], action: m[3], pattern: m[4] ?? '' } : { kind: 'unknown', pattern: '' };
}

const models = new Map();
/** The installed client's model of a service: operations (input, output, errors) and enum uses; null when none. */
export function sdkModel(service) {
  if (!models.has(service)) models.set(service, SERVICES[service] ? loadModel(service, SERVICES[service]) : null);
  return models.get(service);
}

function loadModel(service, { pkg, optimized }) {
  const sdk = require(pkg);
  const root = join(dirname(require.resolve(pkg)), '..');
  const modelsDir = join(root, 'dist-types', 'models');
  const enumUses = new Map(); // "Struct.member" -> { name, values, as: value | item | key | mapValue }
  for (const file of readdirSync(modelsDir).filter((f) => /^models_\d+\.d\.ts$/.test(f))) {
    const text = readFileSync(join(modelsDir, file), 'utf8');
    for (const [, struct, body] of text.matchAll(/^export interface (\w+) \{\n([\s\S]*?)^\}/gm)) {
      for (const [, member, type] of body.matchAll(/^ {4}(\w+)\??: (.+?)(?: \| undefined)?;$/gm)) {
        const forms = [[/^(\w+)$/, 'value'], [/^(\w+)\[\]$/, 'item'], [/^Partial<Record<(\w+), /, 'key'], [/^Record<string, (\w+)>$/, 'mapValue']];
        for (const [pattern, as] of forms) {
          const name = type.match(pattern)?.[1];
          const values = isObject(sdk[name]) && Object.values(sdk[name]);
          if (values?.length && values.every((v) => typeof v === 'string')) enumUses.set(`${struct}.${member}`, { name, values, as });
        }
      }
    }
  }
  // The client's serviceId (its runtime configuration's default; constructing a client sends nothing).
  const Client = Object.entries(sdk).find(([name, value]) => /^[A-Z]\w*Client$/.test(name) && typeof value === 'function')?.[1];
  const serviceId = Client && new Client({}).config.serviceId;
  if (typeof serviceId !== 'string' || !serviceId) throw new Error(`${pkg}: no serviceId in its client's configuration`);
  return {
    service, serviceId, sdk,
    /** The prefix of the errors of an aws-sdk:<service> task, and of the optimized integration's (null: none). */
    prefix: { 'aws-sdk': javaServiceName(serviceId), optimized: optimized ?? null },
    enumOf: (struct, member) => enumUses.get(`${struct}.${member}`),
    operation(action) {
      const name = pascal(action);
      const schema = sdk[`${name}$`];
      if (!Array.isArray(schema) || schema[0] !== 9) return null;
      const declaration = join(root, 'dist-types', 'commands', `${name}Command.d.ts`);
      const thrown = existsSync(declaration) ? [...readFileSync(declaration, 'utf8').matchAll(/@throws \{@link (\w+)\}/g)].map((m) => m[1]) : [];
      // The service's base exception is registered in a synthetic namespace: not an error the service models.
      const errors = thrown.filter((e) => sdk[`${e}$`]?.[0] === -3 && !sdk[`${e}$`][1].startsWith('smithy.ts.sdk.synthetic'));
      return { name, input: NormalizedSchema.of(schema[4]), output: NormalizedSchema.of(schema[5]), errors };
    },
  };
}

/**
 * The error names Step Functions gives what `operation` of `model` raises when called as `target`
 * (taskTarget), or null when that kind of integration has no naming rule here.
 */
export function serviceErrorNames(target, model, operation) {
  if (target.kind === 'aws-sdk') {
    const service = model.prefix['aws-sdk'];
    return [...operation.errors.map((e) => `${service}.${javaExceptionName(e)}`), `${service}.${service}Exception`];
  }
  const prefix = model.prefix.optimized;
  return prefix ? operation.errors.map((e) => optimizedErrorName(prefix, e)) : null;
}
