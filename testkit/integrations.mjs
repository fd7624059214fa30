// A Task state's local handler chosen by its Resource: the service integration it names, bound to the stand-in
// of that resource (the table, a queue by its URL, the executions of a state machine by its ARN, a Lambda
// function by its ARN), with the error names Step Functions reports for that integration:
// - AWS SDK integrations (arn:aws:states:::aws-sdk:<service>:<action>): "<Service>.<Code>Exception" with the
//   service in PascalCase as the SDK names it: DynamoDb.*, Sqs.*, Sfn.*;
// - optimized integrations (arn:aws:states:::dynamodb:putItem, sqs:sendMessage, states:startExecution):
//   DynamoDB.*, SQS.*, StepFunctions.*;
// - a Lambda function's ARN as the Resource (lambda:invoke with the payload as the result): its own errors.
import { named, isModeled } from './errors.mjs';

const SDK = /^arn:aws:states:::aws-sdk:([a-z0-9]+):([A-Za-z]+)$/;
const OPTIMIZED = /^arn:aws:states:::([a-z]+):([A-Za-z]+)$/;
const FUNCTION = /^arn:aws:lambda:[^:]+:\d+:function:[^:]+(:[^:]+)?$/;

/** The actions of each stand-in a Resource may name, by integration. */
const TABLE_ACTIONS = ['putItem', 'updateItem', 'deleteItem', 'getItem', 'transactWriteItems', 'query'];
const QUEUE_ACTIONS = ['sendMessage', 'receiveMessage', 'deleteMessage', 'changeMessageVisibility'];

/**
 * The handler of Task state `name` of `definition`. `bindings`: { table (FakeTable), queues (FakeQueues, by their
 * queueUrl), executions (FakeExecutions, by their stateMachineArn), functions ({ [function ARN]: handler }),
 * scripted ({ [state name]: [error names] }: thrown one a call before the stand-in is asked, as the integration
 * would report them, e.g. 'DynamoDb.ProvisionedThroughputExceededException') }. A Resource no binding serves
 * fails here, so that no Task can call AWS.
 */
export function integrationHandler(definition, name, { table = null, queues = [], executions = [], functions = {}, scripted = {} } = {}) {
  const state = definition.States[name] ?? fail(`the definition has no state '${name}'`);
  if (state.Type !== 'Task') fail(`'${name}' is not a Task state`);
  const pending = [...(scripted[name] ?? [])];
  const handler = routed(state.Resource, name, { table, queues, executions, functions });
  return (request) => {
    const error = pending.shift();
    if (error) throw named(error, `scripted ${error}`);
    return handler(request);
  };
}

function routed(resource, name, { table, queues, executions, functions }) {
  const sdk = SDK.exec(resource);
  const optimized = !sdk && OPTIMIZED.exec(resource);
  if (sdk || optimized) {
    const [, service, action] = sdk ?? optimized;
    if (service === 'dynamodb' && TABLE_ACTIONS.includes(action)) {
      if (!table) fail(`'${name}' calls DynamoDB ${action}: bind a table`);
      return (request) => table[action](request, { service: sdk ? 'DynamoDb' : 'DynamoDB' });
    }
    if (service === 'sqs' && QUEUE_ACTIONS.includes(action) && (sdk || action === 'sendMessage')) {
      return renamed(sdk ? null : ['Sqs.', 'SQS.'], (request) => {
        const queue = queues.find((q) => q.queueUrl === request.QueueUrl) ?? fail(`'${name}' calls SQS ${action} on '${request.QueueUrl}': no queue of that URL is bound`);
        return queue[action](request);
      });
    }
    if ((sdk ? service === 'sfn' : service === 'states') && action === 'startExecution') {
      return renamed(sdk ? ['StepFunctions.', 'Sfn.'] : null, (request) => {
        const machine = executions.find((e) => e.stateMachineArn === request.StateMachineArn) ?? fail(`'${name}' starts '${request.StateMachineArn}': no FakeExecutions of that state machine is bound`);
        return machine.start(request);
      });
    }
    return fail(`'${name}': the integration ${resource} is not modelled`);
  }
  if (FUNCTION.test(resource)) {
    const fn = functions[resource] ?? functions[resource.replace(/:[^:]+$/, '')] ?? fail(`'${name}' invokes ${resource}: no function of that ARN is bound`);
    return fn;
  }
  return fail(`'${name}': the Resource ${resource} is not modelled`);
}

/** The handler with the stand-in's error prefix `from` renamed `to` (the same error as another integration names it). */
function renamed(names, handler) {
  if (!names) return handler;
  const [from, to] = names;
  const rename = (e) => {
    if (isModeled(e) && e.name.startsWith(from)) throw named(`${to}${e.name.slice(from.length)}`, e.message);
    throw e;
  };
  return (request) => {
    try {
      const answer = handler(request);
      return typeof answer?.then === 'function' ? answer.catch(rename) : answer;
    } catch (e) {
      return rename(e);
    }
  };
}

function fail(message) {
  throw new Error(message);
}
