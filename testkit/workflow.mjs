// The workflow as synthesized: an environment's state machine definition rendered from its
// template (every CloudFormation reference a fixed test value), and what the tests and benchmarks
// need to know about it (names, ARNs, the upload rule's event pattern, the planner's settings).
import { loadTemplate, resolver, onlyId, stackNameOf } from './templates.mjs';

// loadDefinition() stamps each definition with the workflow it was rendered from, so that
// execute(definition) can name the execution and check the table and queue it is given.
const WORKFLOW = Symbol('workflow');

/** Everything a scenario needs from one environment's template: { template, definition, ...facts }. */
export function loadWorkflow(environment = 'dev', { cdkOut } = {}) {
  return workflowOf(loadDefinition(loadTemplate(environment, cdkOut ? { cdkOut } : undefined)));
}

/** The workflow's state machine (the Standard one) of the template, its DefinitionString rendered and parsed. */
export function loadDefinition(template) {
  const definition = renderedDefinition(template, workflowId(template));
  Object.defineProperty(definition, WORKFLOW, { value: { definition, ...describeWorkflow(template) } });
  return definition;
}

/** The completion notifier's (Express) definition of the template, rendered and parsed. */
export function loadNotifierDefinition(template) {
  return renderedDefinition(template, onlyId(template, 'AWS::StepFunctions::StateMachine', (_, id) => id.startsWith('CompletionNotifierStateMachine')));
}

/** The intake admitter's (Express) definition of the template, rendered and parsed. */
export function loadAdmitterDefinition(template) {
  return renderedDefinition(template, admitterId(template));
}

/** The re-processing (Standard, a Distributed Map) definition of the template, rendered and parsed. */
export function loadReprocessingDefinition(template) {
  return renderedDefinition(template, onlyId(template, 'AWS::StepFunctions::StateMachine', (_, id) => id.startsWith('ReprocessingStateMachine')));
}

/** The execution-end recorder's (Express) definition of the template, rendered and parsed. */
export function loadRecorderDefinition(template) {
  return renderedDefinition(template, onlyId(template, 'AWS::StepFunctions::StateMachine', (_, id) => id.startsWith('ExecutionEndRecorderStateMachine')));
}

function admitterId(template) {
  return onlyId(template, 'AWS::StepFunctions::StateMachine', (_, id) => id.startsWith('IntakeAdmitterStateMachine'));
}

function workflowId(template) {
  return onlyId(template, 'AWS::StepFunctions::StateMachine', (_, id) => id.startsWith('WorkflowStateMachine'));
}

function renderedDefinition(template, stateMachineId) {
  const text = resolver(template).render(template.Resources[stateMachineId].Properties.DefinitionString);
  try {
    return JSON.parse(text);
  } catch (e) {
    return fail(`the rendered DefinitionString of ${stateMachineId} is not JSON (${e.message}): ${text.slice(0, 300)}`);
  }
}

/** What loadDefinition() derived from the template the definition was rendered from. */
export function workflowOf(definition) {
  return definition[WORKFLOW] ?? fail('pass a definition returned by loadDefinition()/loadWorkflow(), or { workflow } with it');
}

/**
 * The names, ARNs and settings of a template's workflow: the state machine, the upload rule's
 * event pattern and raw bucket, the transcript bucket, table, failure queue, key, the environment
 * the template gives the job planner, the intake (its queue; the admitter that starts the workflow), the re-processing,
 * the completion notifier, the execution-end recorder) with their rules' event patterns.
 */
export function describeWorkflow(template) {
  const refs = resolver(template);
  const stateMachineId = workflowId(template);
  // The upload rule puts the event into the intake; the admitter starts the workflow with the message body: the event.
  const intake = onlyId(template, 'AWS::SQS::Queue', (_, id) => id.startsWith('UploadTriggerIntakeQueue'));
  const admitter = admitterId(template);
  const rule = onlyId(template, 'AWS::Events::Rule', (r) => r.Properties.Targets?.some((t) => t.Arn?.['Fn::GetAtt']?.[0] === intake));
  const target = template.Resources[rule].Properties.Targets.find((t) => t.Arn?.['Fn::GetAtt']?.[0] === intake);
  // The execution input is the event itself only while the target transforms nothing.
  for (const field of ['Input', 'InputPath', 'InputTransformer']) {
    if (target[field]) fail(`the rule target sets ${field}: uploadEvent() must then apply it to build the execution input`);
  }
  const eventPattern = refs.resolveDeep(template.Resources[rule].Properties.EventPattern);
  return {
    template,
    stackName: stackNameOf(template),
    stateMachineArn: refs.ref(stateMachineId),
    stateMachineName: refs.getAtt(stateMachineId, 'Name'),
    eventPattern,
    rawBucket: eventPattern?.detail?.bucket?.name?.[0] ?? fail('the rule does not pin detail.bucket.name'),
    transcriptBucket: refs.ref(onlyId(template, 'AWS::S3::Bucket', (_, id) => id.startsWith('TranscriptStorage'))),
    tableName: refs.ref(onlyId(template, 'AWS::DynamoDB::Table')),
    failureQueueUrl: refs.ref(onlyId(template, 'AWS::SQS::Queue', (_, id) => id.startsWith('WorkflowFailureQueue'))),
    keyArn: refs.getAtt(onlyId(template, 'AWS::KMS::Key'), 'Arn'),
    dataAccessRoleArn: refs.getAtt(onlyId(template, 'AWS::IAM::Role', (_, id) => id.startsWith('WorkflowTranscribeDataAccessRole')), 'Arn'),
    plannerEnvironment: plannerEnvironment(template),
    intakeQueueUrl: refs.ref(intake),
    // What the intake is configured with (its visibility timeout, its redrive to the dead-letter queue).
    intakeQueue: intakeQueueSettings(template, intake),
    plannerArn: refs.getAtt(onlyId(template, 'AWS::Lambda::Function', (_, id) => id.startsWith('JobPlanner')), 'Arn'),
    intakeQueueArn: refs.getAtt(intake, 'Arn'),
    admitterArn: refs.ref(admitter),
    admitterDefinition: loadAdmitterDefinition(template),
    eventQueueUrl: refs.ref(onlyId(template, 'AWS::SQS::Queue', (_, id) => id.startsWith('UploadTriggerEventDeadLetterQueue'))),
    reprocessingDefinition: loadReprocessingDefinition(template),
    notifierDefinition: loadNotifierDefinition(template),
    completionEventPattern: refs.resolveDeep(template.Resources[onlyId(template, 'AWS::Events::Rule', (_, id) => id.startsWith('CompletionNotifierRule'))].Properties.EventPattern),
    recorderDefinition: loadRecorderDefinition(template),
    executionEndEventPattern: refs.resolveDeep(template.Resources[onlyId(template, 'AWS::Events::Rule', (_, id) => id.startsWith('ExecutionEndRecorderRule'))].Properties.EventPattern),
  };
}

/** The intake's { visibilityTimeoutSeconds, maxReceiveCount, deadLetterQueueUrl } as the template sets them. */
function intakeQueueSettings(template, intake) {
  const refs = resolver(template);
  const { VisibilityTimeout, RedrivePolicy } = template.Resources[intake].Properties;
  const deadLetter = RedrivePolicy?.deadLetterTargetArn?.['Fn::GetAtt']?.[0] ?? fail('the intake has no redrive policy to a queue of the stack');
  return { visibilityTimeoutSeconds: VisibilityTimeout ?? 30, maxReceiveCount: RedrivePolicy.maxReceiveCount, deadLetterQueueUrl: refs.ref(deadLetter) };
}

/** Environment variables the template gives the job planner (the tests run it with the same). */
export function plannerEnvironment(template) {
  const planner = onlyId(template, 'AWS::Lambda::Function', (_, id) => id.startsWith('JobPlanner'));
  return resolver(template).resolveDeep(template.Resources[planner].Properties.Environment?.Variables ?? {});
}

function fail(message) {
  throw new Error(message);
}
