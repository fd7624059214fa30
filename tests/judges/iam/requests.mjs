// TranscribeStack's access model as the requests AWS evaluates: who calls what, on which resource,
// with which request context, and whether AWS must allow it. This table is the model (SECURITY.md
// explains it); simulate.mjs runs every line against the policies of a synthesized template.
//
// - RESOURCES names the stack's resources by CloudFormation type and logical-id prefix (the
//   construct path, as testkit/workflow.mjs finds them); `t.arn.<name>` / `t.name.<name>`.
// - PRINCIPALS is one group per principal: an IAM role (by logical-id prefix: its identity
//   policies apply), a customer-managed policy (by logical-id prefix: simulated for the role it is
//   attached to, or for a principal of the account it would be attached to) or a service principal
//   (only resource policies apply). A new principal is a new group of a few lines; `environments`
//   limits a group to where the principal exists, `optional` to templates that have it (a setting
//   creates it). `t.operators` holds the operators' settings of the template's settings file.
// - A line: allow|deny(actions, resources, context, why, flags); several actions or resources
//   make one request each. `by` makes a service principal the caller (a role's trust policy);
//   `assumption` marks a line that rests on our reading of AWS, not on AWS documentation.
// simulate.mjs adds what every real call carries (TLS, principal account, KMS caller account);
// a context key set to undefined is absent from the request.
import { REGION } from '../../../testkit/templates.mjs';

export const RESOURCES = {
  key: ['AWS::KMS::Key', 'EncryptionKey'],
  rawBucket: ['AWS::S3::Bucket', 'MediaIngestionRawAudioBucket'],
  transcriptBucket: ['AWS::S3::Bucket', 'TranscriptStorageTranscriptsBucket'],
  accessLogBucket: ['AWS::S3::Bucket', 'AccessLogsBucket'],
  table: ['AWS::DynamoDB::Table', 'JobMetadataTable'],
  failureQueue: ['AWS::SQS::Queue', 'WorkflowFailureQueue'],
  eventQueue: ['AWS::SQS::Queue', 'UploadTriggerEventDeadLetterQueue'],
  alarmTopic: ['AWS::SNS::Topic', 'MonitoringAlarmTopic'],
  uploadRule: ['AWS::Events::Rule', 'UploadTriggerRule'],
  intake: ['AWS::SQS::Queue', 'UploadTriggerIntakeQueue'],
  intakeDeadLetterQueue: ['AWS::SQS::Queue', 'UploadTriggerIntakeDeadLetterQueue'],
  doorbell: ['AWS::KinesisFirehose::DeliveryStream', 'UploadTriggerDoorbellStream'],
  admitter: ['AWS::StepFunctions::StateMachine', 'IntakeAdmitterStateMachine'],
  admitterLogs: ['AWS::Logs::LogGroup', 'IntakeAdmitterLogs'],
  admitterRule: ['AWS::Events::Rule', 'IntakeAdmitterRule'],
  admitterQueue: ['AWS::SQS::Queue', 'IntakeAdmitterEventDeadLetterQueue'],
  reprocessing: ['AWS::StepFunctions::StateMachine', 'ReprocessingStateMachine'],
  reprocessingLogs: ['AWS::Logs::LogGroup', 'ReprocessingLogs'],
  stateMachine: ['AWS::StepFunctions::StateMachine', 'WorkflowStateMachine'],
  planner: ['AWS::Lambda::Function', 'JobPlannerFunction'],
  postProcessor: ['AWS::Lambda::Function', 'PostProcessorFunction'],
  plannerLogs: ['AWS::Logs::LogGroup', 'JobPlannerLogs'],
  postProcessorLogs: ['AWS::Logs::LogGroup', 'PostProcessorLogs'],
  workflowLogs: ['AWS::Logs::LogGroup', 'WorkflowLogs'],
  notifier: ['AWS::StepFunctions::StateMachine', 'CompletionNotifierStateMachine'],
  notifierLogs: ['AWS::Logs::LogGroup', 'CompletionNotifierLogs'],
  completionRule: ['AWS::Events::Rule', 'CompletionNotifierRule'],
  completionQueue: ['AWS::SQS::Queue', 'CompletionNotifierEventDeadLetterQueue'],
  recorder: ['AWS::StepFunctions::StateMachine', 'ExecutionEndRecorderStateMachine'],
  recorderLogs: ['AWS::Logs::LogGroup', 'ExecutionEndRecorderLogs'],
  executionEndRule: ['AWS::Events::Rule', 'ExecutionEndRecorderRule'],
  executionEndQueue: ['AWS::SQS::Queue', 'ExecutionEndRecorderEventDeadLetterQueue'],
  dashboard: ['AWS::CloudWatch::Dashboard', 'MonitoringDashboard'],
};

const FOREIGN = '111122223333'; // another account: the confused deputy's victim
const row = (expect) => (actions, resources, context, why, flags = {}) =>
  [actions].flat().flatMap((action) => [resources].flat().map((resource) => ({ expect, action, resource, context, why, ...flags })));
const allow = row('ALLOWED');
const deny = row('DENIED');

// Request context, as the calling service fills it in.
const source = (account, arn) => ({ 'aws:SourceAccount': account, 'aws:SourceArn': arn });
const http = { 'aws:SecureTransport': 'false' };
const via = (t, service, context = {}) => ({ 'kms:ViaService': `${service}.${t.region}.amazonaws.com`, ...context });
const s3Object = (bucketArn) => ({ 'kms:EncryptionContext:aws:s3:arn': bucketArn }); // bucket keys: the bucket's ARN
const sseKms = (t) => ({ 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': t.arn.key });
const dynamoDb = (t) => ({ 'kms:EncryptionContext:aws:dynamodb:tableName': t.name.table, 'kms:EncryptionContext:aws:dynamodb:subscriberId': t.account });
const ours = (t) => ({ 'aws:RequestTag/Application': 'TranscribeStack', 'aws:RequestTag/Environment': t.env, 'aws:TagKeys': ['Application', 'Environment'] });
const output = (t) => ({
  'transcribe:OutputBucketName': t.name.transcriptBucket, 'transcribe:OutputKey': 'transcripts/', 'transcribe:OutputEncryptionKMSKeyId': t.arn.key,
});
// The job's KMSEncryptionContext: Transcribe documents that the output's KMS requests carry these pairs
// (https://docs.aws.amazon.com/transcribe/latest/dg/key-management.html#kms-context); none when not configured.
const outputContext = (t) => Object.fromEntries(Object.entries(t.startJob.KMSEncryptionContext ?? {}).map(([key, value]) => [`kms:EncryptionContext:${key}`, value]));
const hasOutputContext = (t) => Object.keys(outputContext(t)).length > 0;
/** The output context with every value changed: another job's, or a forged one. */
const otherContext = (t) => Object.fromEntries(Object.entries(outputContext(t)).map(([key, value]) => [key, `${value}-other`]));

/** The custom vocabularies, vocabulary filters and language models the job names, as ARNs. */
function customResources(t) {
  const perLanguage = Object.values(t.startJob.LanguageIdSettings ?? {});
  const named = (kind, values) => [...new Set(values.filter(Boolean))].map((name) => `arn:aws:transcribe:${t.region}:${t.account}:${kind}/${name}`);
  return {
    vocabularies: named('vocabulary', [t.startJob.Settings?.VocabularyName, ...perLanguage.map((l) => l.VocabularyName)]),
    filters: named('vocabulary-filter', [t.startJob.Settings?.VocabularyFilterName, ...perLanguage.map((l) => l.VocabularyFilterName)]),
    models: named('language-model', [t.startJob.ModelSettings?.LanguageModelName, ...perLanguage.map((l) => l.LanguageModelName)]),
  };
}

const KMS_WRITE = ['kms:GenerateDataKey', 'kms:Encrypt', 'kms:Decrypt'];
const LOGS_KMS = ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'];
const LOG_DELIVERY = ['logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups'];
const XRAY = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];
/** EventBridge assumes `self` for `rule` of this account, never for another account's rule (the confused deputy). */
const assumedForRule = (t, self, rule, why) => [
  ...allow('sts:AssumeRole', self, source(t.account, rule), why, { by: 'events.amazonaws.com' }),
  ...deny('sts:AssumeRole', self, source(FOREIGN, `arn:aws:events:${t.region}:${FOREIGN}:rule/Other`), 'confused deputy: another account\'s rule',
    { by: 'events.amazonaws.com' }),
];
/** A state machine that works from its event alone: it wakes no execution, reads no media; it delivers logs and traces. */
const fromTheEventAlone = (t, why) => [
  ...deny('states:SendTaskSuccess', '*', {}, 'only the notifier wakes executions'),
  ...deny('s3:GetObject', `${t.arn.rawBucket}/media/talk.mp3`, {}, why),
  ...logsAndTracing(),
];
/** A rule's target role: assumed for that rule only, it starts its one state machine and no other. */
const ruleTargetRole = (t, role, rule, assumedWhy, { starts, why }, { notOthers, why: othersWhy }) => [
  ...assumedForRule(t, t.role(role), rule, assumedWhy),
  ...allow('states:StartExecution', starts, {}, why),
  ...deny('states:StartExecution', notOthers, {}, othersWhy),
];
/** What a state machine's role calls beside its states: vended delivery of its logs and X-Ray (neither has a resource type). */
const logsAndTracing = () => [
  ...allow(LOG_DELIVERY, '*', {}, 'vended delivery of the execution logs (no resource type)'),
  ...allow([...XRAY, 'xray:GetSamplingRules', 'xray:GetSamplingTargets'], '*', {}, 'tracing (no resource type)'),
];
// What a waiting execution writes into its job's item, and what the notifier reads of it (dynamodb:Attributes:
// the key, and the attributes the request's expressions or projection name).
const WAITING_ITEM = ['jobName', 'taskToken', 'status', 'mediaUri', 'executionArn', 'updatedAt'];
const WAKING_READ = ['jobName', 'taskToken', 'status'];
// What the execution-end recorder reads of a job's item, and the FAILED item it writes.
const ENDED_READ = ['jobName', 'status', 'executionArn'];
const FAILED_ITEM = ['jobName', 'status', 'error', 'failureReason', 'mediaUri', 'executionArn', 'failedAt', 'updatedAt'];
const DEAD_LETTER_QUEUES = ['failureQueue', 'eventQueue', 'intakeDeadLetterQueue', 'admitterQueue', 'completionQueue', 'executionEndQueue'];
// The intake window's items in the job table (JobMetadataSchema.WindowKey, SlotKeyPrefix): no job name can take them.
const WINDOW = '#window';
const slot = (name) => `#slot#${name}`;

/** Names every group uses: the job of an execution named x-0123456789abcdef, its transcript, other accounts' things. */
function common(t) {
  const jobName = `transcribestack-${t.env}-x-0123456789abcdef`;
  const jobArn = (name) => `arn:aws:transcribe:${t.region}:${t.account}:transcription-job/${name}`;
  return {
    job: jobArn(jobName),
    otherJob: jobArn('another-application-job'),
    foreignJob: `arn:aws:transcribe:${t.region}:${FOREIGN}:transcription-job/${jobName}`,
    media: `${t.arn.rawBucket}/media/talk.mp3`,
    transcript: `${t.arn.transcriptBucket}/transcripts/${jobName}.json`,
    stream: (logs) => `arn:aws:logs:${t.region}:${t.account}:log-group:${t.name[logs]}:log-stream:2026/11/22/[$LATEST]0123abcd`,
  };
}

function workflowRole(t) {
  const { job, otherJob, media, transcript } = common(t);
  const self = t.role('WorkflowRole');
  const states = { by: 'states.amazonaws.com' };
  const START = 'transcribe:StartTranscriptionJob';
  const owner = { 'aws:RequestTag/Owner': 'someone', 'aws:TagKeys': ['Owner'] };
  const failureQueue = { 'kms:EncryptionContext:aws:sqs:arn': t.arn.failureQueue };
  return [
    ...allow('sts:AssumeRole', self, source(t.account, t.arn.stateMachine), 'Step Functions runs the state machine as this role', states),
    ...deny('sts:AssumeRole', self, source(FOREIGN, `arn:aws:states:${t.region}:${FOREIGN}:stateMachine:Other`), 'confused deputy: another account\'s state machine', states),
    // Transcribe API: the only caller of StartTranscriptionJob, pinned to our output and our tags.
    ...allow(START, '*', { ...output(t), ...ours(t) }, 'a job writes only into transcripts/ of our bucket, with our key, tagged as ours'),
    ...deny(START, '*', { ...output(t), 'transcribe:OutputBucketName': 'another-bucket', ...ours(t) }, 'output into another bucket'),
    ...deny(START, '*', { ...output(t), 'transcribe:OutputKey': 'media/', ...ours(t) }, 'output under another prefix'),
    ...deny(START, '*', { ...output(t), 'transcribe:OutputEncryptionKMSKeyId': undefined, ...ours(t) }, 'output without our key'),
    ...deny(START, '*', output(t), 'a job without our tags'),
    ...deny(START, '*', { ...output(t), ...ours(t), ...owner, 'aws:TagKeys': ['Application', 'Environment', 'Owner'] }, 'a tag key beyond Application and Environment'),
    ...allow('transcribe:TagResource', '*', ours(t), 'the job is started with its tags (TagResource has no resource type)'),
    ...deny('transcribe:TagResource', '*', owner, 'only our two tag keys'),
    ...allow('transcribe:GetTranscriptionJob', job, {}, 'polls its own jobs'),
    ...deny('transcribe:GetTranscriptionJob', otherJob, {}, 'another application\'s job'),
    // S3 and KMS as the caller: Transcribe validates the output with the caller's identity.
    ...allow('s3:PutObject', `${t.arn.transcriptBucket}/transcripts/.write_access_check_file.temp`, sseKms(t), 'Transcribe\'s output check, written as the caller'),
    ...allow('s3:PutObject', transcript, sseKms(t), 'the transcript, when written as the caller'),
    ...allow(KMS_WRITE, t.arn.key, via(t, 's3', s3Object(t.arn.transcriptBucket)), 'S3 encrypts that write with the stack key'),
    ...allow('s3:GetObject', media, {}, 'the media, read as the caller'),
    ...allow('kms:Decrypt', t.arn.key, via(t, 's3', s3Object(t.arn.rawBucket)), 'S3 decrypts the media'),
    ...allow(KMS_WRITE, t.arn.key, via(t, 'transcribe', outputContext(t)), 'Transcribe uses the output key through its own endpoint for the caller', { assumption: true }),
    ...deny('s3:PutObject', `${t.arn.transcriptBucket}/media/talk.json`, sseKms(t), 'not under media/ of the transcript bucket'),
    ...deny('s3:PutObject', `${t.arn.transcriptBucket}/exports/talk.json`, sseKms(t), 'nor under another prefix'),
    ...deny('s3:PutObject', `${t.arn.rawBucket}/transcripts/talk.json`, sseKms(t), 'nor into another bucket'),
    ...deny('s3:PutObject', transcript, { ...sseKms(t), ...http }, 'plain HTTP: the bucket policy denies it'),
    ...deny('s3:DeleteObject', transcript, {}, 'transcripts are never deleted by the workflow'),
    ...deny('s3:GetObject', `${t.arn.rawBucket}/uploads/talk.mp3`, {}, 'only media/ is read'),
    ...deny(['kms:Decrypt', 'kms:GenerateDataKey'], t.arn.key, {}, 'the key only through a service, never directly'),
    ...deny(['kms:Decrypt', 'kms:GenerateDataKey'], t.arn.key, via(t, 's3', s3Object('arn:aws:s3:::another-bucket')), 'not for another bucket\'s objects'),
    ...customResourceRequests(t),
    ...(hasOutputContext(t) ? [
      ...allow(KMS_WRITE, t.arn.key, via(t, 's3', { ...s3Object(t.arn.transcriptBucket), ...outputContext(t) }), 'S3 writes the output with the job\'s encryption context as well as the bucket\'s'),
      ...deny(['kms:Encrypt', 'kms:GenerateDataKey'], t.arn.key, via(t, 'transcribe'), 'Transcribe encrypts output only with the job\'s encryption context'),
      ...deny(['kms:Encrypt', 'kms:GenerateDataKey'], t.arn.key, via(t, 'transcribe', otherContext(t)), 'nor with another context'),
    ] : []),
    // The workflow's own steps.
    ...allow('lambda:InvokeFunction', [t.arn.planner, t.arn.postProcessor], {}, 'its two steps'),
    ...allow('lambda:InvokeFunction', [`${t.arn.planner}:1`, `${t.arn.postProcessor}:live`], {}, 'any version or alias of them'),
    ...allow('dynamodb:PutItem', t.arn.table, {}, 'records failures in the table'),
    ...allow('dynamodb:UpdateItem', t.arn.table, { 'dynamodb:Attributes': WAITING_ITEM }, 'stores its task token in the job\'s item, then waits'),
    ...deny('dynamodb:UpdateItem', t.arn.table, { 'dynamodb:Attributes': [...WAITING_ITEM, 'failureReason'] }, 'no attribute beyond the waiting ones'),
    ...deny('dynamodb:UpdateItem', t.arn.table, { 'dynamodb:Attributes': WAITING_ITEM, 'dynamodb:ReturnValues': 'ALL_OLD' }, 'the update returns no attribute it may not write'),
    ...deny('dynamodb:GetItem', t.arn.table, { 'dynamodb:Attributes': WAKING_READ }, 'the workflow reads no item'),
    ...allow(KMS_WRITE, t.arn.key, via(t, 'dynamodb', dynamoDb(t)), 'DynamoDB uses the table key as the caller'),
    ...allow('sqs:SendMessage', t.arn.failureQueue, {}, 'sends the failure to its dead-letter queue'),
    ...allow(['kms:GenerateDataKey', 'kms:Decrypt'], t.arn.key, via(t, 'sqs', failureQueue), 'SQS encrypts the message as the caller'),
    ...deny('sqs:SendMessage', t.arn.failureQueue, http, 'plain HTTP: the queue policy denies it'),
    ...deny('sqs:SendMessage', t.arn.eventQueue, {}, 'the event dead-letter queue is EventBridge\'s'),
    ...allow('iam:PassRole', t.role('WorkflowTranscribeDataAccessRole'), { 'iam:PassedToService': 'transcribe.amazonaws.com' }, 'hands the data-access role to Transcribe (jobs may queue)'),
    ...deny('iam:PassRole', t.role('WorkflowTranscribeDataAccessRole'), { 'iam:PassedToService': 'lambda.amazonaws.com' }, 'to no other service'),
    ...logsAndTracing(),
    ...deny('states:StartExecution', t.arn.stateMachine, {}, 'the workflow never starts its own executions'),
    ...allow('states:StartExecution', t.arn.admitter, {}, 'every end frees the upload\'s slot: starts the admitter (its ARN from its fixed name)'),
    ...deny('states:StartExecution', [t.arn.recorder, t.arn.notifier, t.arn.reprocessing], {}, 'no other state machine'),
    ...deny(['states:StopExecution', 'states:DescribeExecution'], `${t.arn.admitter.replace(':stateMachine:', ':execution:')}:x`, {}, 'starts the admitter, nothing more'),
    ...deny('states:SendTaskSuccess', '*', {}, 'only the notifier wakes executions'),
    ...deny(['sqs:SendMessage', 'sqs:ReceiveMessage'], t.arn.intake, {}, 'the intake is the rule\'s and the admitter\'s'),
    ...deny('dynamodb:DeleteItem', t.arn.table, { 'dynamodb:LeadingKeys': [slot('talk-0123456789abcdef')] }, 'frees its slot through the admitter, never itself'),
    ...deny('dynamodb:UpdateItem', t.arn.table, { 'dynamodb:LeadingKeys': [WINDOW], 'dynamodb:Attributes': ['jobName', 'inFlight'] }, 'never counts the window itself'),
  ];
}

/**
 * StartTranscriptionJob has no resource type and no dependent action (Service Authorization Reference):
 * a job names custom vocabularies, filters and models without any right on them, and the role has none.
 */
function customResourceRequests(t) {
  const { vocabularies, filters, models } = customResources(t);
  if (vocabularies.length + filters.length + models.length === 0) return [];
  return [
    ...allow('transcribe:StartTranscriptionJob', '*', { ...output(t), ...ours(t) }, 'starts jobs naming custom vocabularies, filters and models: nothing more to grant'),
    ...deny(['transcribe:GetVocabulary', 'transcribe:UpdateVocabulary', 'transcribe:DeleteVocabulary'], vocabularies, {}, 'no right on the custom vocabularies the job names'),
    ...deny(['transcribe:GetVocabularyFilter', 'transcribe:UpdateVocabularyFilter', 'transcribe:DeleteVocabularyFilter'], filters, {}, 'no right on the vocabulary filters the job names'),
    ...deny(['transcribe:DescribeLanguageModel', 'transcribe:DeleteLanguageModel'], models, {}, 'no right on the language models the job names'),
  ];
}

function transcribeService(t) {
  const { job, otherJob, foreignJob, media, transcript } = common(t);
  const mine = source(t.account, job);
  const foreign = source(FOREIGN, foreignJob);
  const context = outputContext(t);
  return [
    ...allow('s3:GetObject', media, mine, 'reads the media as itself while the job runs'),
    ...allow('s3:PutObject', transcript, { ...mine, ...sseKms(t) }, 'writes the transcript as itself'),
    ...allow('kms:Decrypt', t.arn.key, mine, 'decrypts the media with the stack key'),
    ...allow(['kms:GenerateDataKey', 'kms:Encrypt'], t.arn.key, { ...mine, ...context }, hasOutputContext(t) ? 'encrypts the transcript with the stack key and the job\'s encryption context' : 'encrypts the transcript with the stack key'),
    ...(hasOutputContext(t) ? [
      ...deny(['kms:GenerateDataKey', 'kms:Encrypt'], t.arn.key, mine, 'not without the job\'s encryption context'),
      ...deny(['kms:GenerateDataKey', 'kms:Encrypt'], t.arn.key, { ...mine, ...otherContext(t) }, 'not with another context'),
    ] : []),
    // AWS's documented confused-deputy form (aws:SourceArn like arn:aws:transcribe:<region>:<account>:*)
    // admits any job of this account, not only those named by the planner.
    ...allow('s3:GetObject', media, source(t.account, otherJob), 'documented confused-deputy form: any job of this account'),
    ...allow('s3:PutObject', transcript, { ...source(t.account, otherJob), ...sseKms(t) }, 'documented confused-deputy form: any job of this account'),
    ...allow(KMS_WRITE, t.arn.key, { ...source(t.account, otherJob), ...context }, 'documented confused-deputy form: any job of this account'),
    ...deny('s3:GetObject', media, foreign, 'confused deputy: a job of another account'),
    ...deny('s3:PutObject', transcript, { ...foreign, ...sseKms(t) }, 'confused deputy: a job of another account'),
    ...deny(['kms:Decrypt', 'kms:GenerateDataKey'], t.arn.key, foreign, 'confused deputy: a job of another account'),
    ...deny('s3:GetObject', `${t.arn.rawBucket}/uploads/talk.mp3`, mine, 'nothing outside media/'),
    ...deny('s3:PutObject', `${t.arn.transcriptBucket}/media/talk.json`, { ...mine, ...sseKms(t) }, 'nothing outside transcripts/'),
    ...deny('s3:GetObject', media, { ...mine, ...http }, 'plain HTTP'),
    ...deny('s3:PutObject', transcript, { ...mine, ...sseKms(t), ...http }, 'plain HTTP'),
  ];
}

function dataAccessRole(t) {
  const { job, otherJob, foreignJob, media, transcript } = common(t);
  const self = t.role('WorkflowTranscribeDataAccessRole');
  const transcribe = { by: 'transcribe.amazonaws.com' };
  return [
    ...allow('sts:AssumeRole', self, source(t.account, job), 'Transcribe assumes it for our jobs', transcribe),
    ...allow('sts:AssumeRole', self, source(t.account, otherJob), 'documented confused-deputy form: any job of this account', transcribe),
    ...deny('sts:AssumeRole', self, source(FOREIGN, foreignJob), 'confused deputy: a job of another account', transcribe),
    ...deny('sts:AssumeRole', self, { 'aws:SourceAccount': t.account }, 'no other service', { by: 'lambda.amazonaws.com' }),
    ...allow('s3:GetObject', media, {}, 'reads the media'),
    ...allow('s3:PutObject', transcript, sseKms(t), 'writes the transcript'),
    ...allow('kms:Decrypt', t.arn.key, via(t, 's3', s3Object(t.arn.rawBucket)), 'S3 decrypts the media'),
    ...allow(KMS_WRITE, t.arn.key, via(t, 's3', s3Object(t.arn.transcriptBucket)), 'S3 encrypts the transcript'),
    ...deny('kms:Decrypt', t.arn.key, {}, 'the key only through S3'),
    ...deny('s3:DeleteObject', transcript, {}, 'never deletes'),
    ...deny('s3:PutObject', `${t.arn.transcriptBucket}/media/talk.json`, sseKms(t), 'writes only under transcripts/'),
  ];
}

function postProcessorRole(t) {
  const { media, transcript, stream } = common(t);
  return [
    ...allow('sts:AssumeRole', t.role('PostProcessorRole'), {}, 'Lambda runs the function as this role', { by: 'lambda.amazonaws.com' }),
    ...allow('s3:GetObject', transcript, {}, 'reads the transcript'),
    ...allow('kms:Decrypt', t.arn.key, via(t, 's3', s3Object(t.arn.transcriptBucket)), 'S3 decrypts it'),
    ...(hasOutputContext(t) ? allow('kms:Decrypt', t.arn.key, via(t, 's3', { ...s3Object(t.arn.transcriptBucket), ...outputContext(t) }), 'S3 decrypts a transcript written with the job\'s encryption context') : []),
    ...allow('dynamodb:PutItem', t.arn.table, {}, 'writes the COMPLETED item'),
    ...allow(KMS_WRITE, t.arn.key, via(t, 'dynamodb', dynamoDb(t)), 'DynamoDB uses the table key as the caller'),
    ...allow(['logs:CreateLogStream', 'logs:PutLogEvents'], stream('postProcessorLogs'), {}, 'its own log group'),
    ...allow(XRAY, '*', {}, 'tracing (no resource type)'),
    ...deny(['kms:Encrypt', 'kms:GenerateDataKey'], t.arn.key, via(t, 's3', s3Object(t.arn.transcriptBucket)), 'reading a transcript needs only Decrypt'),
    ...deny('kms:Decrypt', t.arn.key, {}, 'the key only through a service'),
    ...deny('s3:GetObject', media, {}, 'never reads the media'),
    ...deny('dynamodb:PutItem', `${t.arn.table}/index/byStatus`, {}, 'the table, not its index'),
    ...deny(['dynamodb:DeleteItem', 'dynamodb:UpdateItem'], t.arn.table, {}, 'only puts items'),
    ...deny(['logs:CreateLogStream', 'logs:PutLogEvents'], stream('plannerLogs'), {}, 'not the planner\'s log group'),
  ];
}

function jobPlannerRole(t) {
  const { media, stream } = common(t);
  return [
    ...allow('sts:AssumeRole', t.role('JobPlannerRole'), {}, 'Lambda runs the function as this role', { by: 'lambda.amazonaws.com' }),
    ...allow(['logs:CreateLogStream', 'logs:PutLogEvents'], stream('plannerLogs'), {}, 'its own log group'),
    ...allow(XRAY, '*', {}, 'tracing (no resource type)'),
    ...deny('s3:GetObject', media, {}, 'plans from the event alone: no data access'),
    ...deny('dynamodb:PutItem', t.arn.table, {}, 'no data access'),
    ...deny('kms:Decrypt', t.arn.key, via(t, 's3', s3Object(t.arn.rawBucket)), 'no data access'),
  ];
}

/** The doorbell's Firehose role: writes the buffered records under intake-signals/ of the raw bucket, nothing else. */
function doorbellRole(t) {
  const self = t.role('UploadTriggerDoorbellRole');
  const firehose = { by: 'firehose.amazonaws.com' };
  // Firehose's key: <prefix><yyyy/MM/dd/HH>/<stream>-<version>-<date>-<uuid>
  const signal = `${t.arn.rawBucket}/intake-signals/2026/11/22/10/${t.name.doorbell}-1-2026-11-22-10-00-05-0123abcd`;
  return [
    ...allow('sts:AssumeRole', self, source(t.account, t.arn.doorbell), 'Firehose delivers the doorbell\'s records as this role', firehose),
    ...deny('sts:AssumeRole', self, source(FOREIGN, `arn:aws:firehose:${t.region}:${FOREIGN}:deliverystream/Other`), 'confused deputy: another account\'s stream', firehose),
    ...deny('sts:AssumeRole', self, { 'aws:SourceAccount': t.account }, 'no other service', { by: 'events.amazonaws.com' }),
    ...allow('s3:PutObject', signal, sseKms(t), 'writes a buffer of records as one object under intake-signals/'),
    ...allow('s3:AbortMultipartUpload', signal, {}, 'abandons a large buffer\'s upload it could not finish'),
    ...allow(['s3:PutObject'], `${t.arn.rawBucket}/intake-signals/errors/2026/11/22/10/failed`, sseKms(t), 'and what it could not deliver, under its error prefix there'),
    ...allow(['kms:GenerateDataKey', 'kms:Decrypt'], t.arn.key, via(t, 's3', s3Object(t.arn.rawBucket)), 'S3 encrypts the object with the stack key (bucket key)'),
    ...deny('s3:PutObject', `${t.arn.rawBucket}/media/talk.mp3`, sseKms(t), 'never under media/: a signal can never look like an upload'),
    ...deny('s3:PutObject', `${t.arn.rawBucket}/intake-signalsx/talk`, sseKms(t), 'only under the prefix with its slash'),
    ...deny('s3:PutObject', `${t.arn.transcriptBucket}/intake-signals/x`, sseKms(t), 'nor into another bucket'),
    ...deny('s3:PutObject', signal, { ...sseKms(t), ...http }, 'plain HTTP: the bucket policy denies it'),
    ...deny(['s3:GetObject', 's3:DeleteObject'], [signal, `${t.arn.rawBucket}/media/talk.mp3`], {}, 'reads and deletes no object'),
    // Firehose's own S3 policy example also lists these; writing a buffer needs none of them (our reading).
    ...deny(['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'], t.arn.rawBucket, {}, 'lists nothing of the bucket', { assumption: true }),
    ...deny(['kms:GenerateDataKey', 'kms:Decrypt'], t.arn.key, via(t, 's3', s3Object(t.arn.transcriptBucket)), 'not for the transcript bucket\'s objects'),
    ...deny('kms:Decrypt', t.arn.key, {}, 'the key only through S3'),
    ...deny(['sqs:SendMessage', 'sqs:ReceiveMessage'], t.arn.intake, {}, 'rings, never touches the intake'),
    ...deny('states:StartExecution', t.arn.admitter, {}, 'its objects start the admitter through EventBridge, not itself'),
  ];
}

/** EventBridge's role for the upload rule's doorbell target: PutRecord on the doorbell stream only. */
function doorbellTargetRole(t) {
  const self = t.role('UploadTriggerDoorbellStreamEventsRole');
  return [
    ...assumedForRule(t, self, t.arn.uploadRule, 'EventBridge rings the doorbell as this role'),
    ...deny('sts:AssumeRole', self, { 'aws:SourceAccount': t.account }, 'no other service', { by: 'firehose.amazonaws.com' }),
    ...allow(['firehose:PutRecord', 'firehose:PutRecordBatch'], t.arn.doorbell, {}, 'puts the upload\'s record into the doorbell stream'),
    ...deny('firehose:PutRecord', `arn:aws:firehose:${t.region}:${t.account}:deliverystream/AnotherStream`, {}, 'no other stream'),
    ...deny(['firehose:DeleteDeliveryStream', 'firehose:UpdateDestination'], t.arn.doorbell, {}, 'no change to the stream'),
    ...deny('sqs:SendMessage', t.arn.intake, {}, 'the intake is the rule\'s other target (its queue policy), not this role\'s'),
    ...deny('states:StartExecution', [t.arn.admitter, t.arn.stateMachine], {}, 'starts no state machine'),
  ];
}

/** The admitter: the window's items only, the intake's messages, the planner, StartExecution of the workflow. */
function intakeAdmitterRole(t) {
  const self = t.role('IntakeAdmitterRole');
  const states = { by: 'states.amazonaws.com' };
  const name = 'talk-0123456789abcdef';
  const jobName = `transcribestack-${t.env}-x-0123456789abcdef`;
  const intake = { 'kms:EncryptionContext:aws:sqs:arn': t.arn.intake };
  const execution = `${t.arn.stateMachine.replace(':stateMachine:', ':execution:')}:${name}`;
  // dynamodb:LeadingKeys: the partition key of each item the request (or each item of a transaction) names.
  const keys = (...values) => ({ 'dynamodb:LeadingKeys': values });
  return [
    ...allow('sts:AssumeRole', self, source(t.account, t.arn.admitter), 'Step Functions runs the admitter as this role', states),
    ...deny('sts:AssumeRole', self, source(FOREIGN, `arn:aws:states:${t.region}:${FOREIGN}:stateMachine:Other`), 'confused deputy: another account\'s state machine', states),
    // The window: the counter item, and one slot item per admitted execution. A transaction (free a slot) is
    // authorized item by item, with the action of each: DeleteItem of the slot, UpdateItem of the counter.
    ...allow('dynamodb:UpdateItem', t.arn.table, keys(WINDOW), 'takes and gives back a slot: the counter item'),
    ...allow(['dynamodb:PutItem', 'dynamodb:DeleteItem'], t.arn.table, keys(slot(name)), 'claims and frees the slot item of an execution'),
    ...deny('dynamodb:UpdateItem', t.arn.table, keys(slot(name)), 'a slot item is put and deleted, never updated'),
    ...deny(['dynamodb:PutItem', 'dynamodb:DeleteItem'], t.arn.table, keys(WINDOW), 'never replaces or deletes the counter'),
    ...deny(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], t.arn.table, keys(jobName), 'never a job\'s item'),
    ...deny('dynamodb:DeleteItem', t.arn.table, keys(slot(name), jobName), 'nor a job\'s item alongside a slot'),
    ...deny('dynamodb:PutItem', t.arn.table, keys('#slots'), 'nor an item that only starts like a slot'),
    ...deny(['dynamodb:GetItem', 'dynamodb:Query'], t.arn.table, keys(WINDOW), 'reads no item: the conditions decide'),
    ...deny('dynamodb:Scan', t.arn.table, {}, 'nor the table'),
    ...deny('dynamodb:UpdateItem', `${t.arn.table}/index/byStatus`, keys(WINDOW), 'the table, not its index'),
    ...allow(KMS_WRITE, t.arn.key, via(t, 'dynamodb', dynamoDb(t)), 'DynamoDB uses the table key as the caller'),
    ...deny('kms:Decrypt', t.arn.key, {}, 'the key only through a service'),
    // The intake: one message at a time, deleted once admitted, or made visible again.
    ...allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'], t.arn.intake, {}, 'receives an upload, deletes it once admitted, returns it when refused'),
    ...allow('kms:Decrypt', t.arn.key, via(t, 'sqs', intake), 'SQS decrypts the intake\'s messages as the caller'),
    ...deny(['kms:GenerateDataKey', 'kms:Encrypt'], t.arn.key, via(t, 'sqs', intake), 'sends nothing into the intake'),
    ...deny('kms:Decrypt', t.arn.key, via(t, 'sqs', { 'kms:EncryptionContext:aws:sqs:arn': t.arn.intakeDeadLetterQueue }), 'not the intake\'s dead letters'),
    ...deny('sqs:SendMessage', t.arn.intake, {}, 'puts nothing into the intake (a refused upload is made visible again)'),
    ...deny(['sqs:PurgeQueue', 'sqs:SetQueueAttributes', 'sqs:DeleteQueue'], t.arn.intake, {}, 'no change to the intake'),
    ...deny(['sqs:ReceiveMessage', 'sqs:DeleteMessage'], [t.arn.intakeDeadLetterQueue, t.arn.eventQueue, t.arn.failureQueue], {}, 'no other queue'),
    ...deny('sqs:ReceiveMessage', t.arn.intake, http, 'plain HTTP: the queue policy denies it'),
    // Naming and starting.
    ...allow('lambda:InvokeFunction', [t.arn.planner, `${t.arn.planner}:1`], {}, 'asks the planner for the execution\'s name'),
    ...deny('lambda:InvokeFunction', t.arn.postProcessor, {}, 'only the planner'),
    ...allow('states:StartExecution', t.arn.stateMachine, {}, 'starts the workflow, named after the upload'),
    ...deny('states:StartExecution', [t.arn.admitter, t.arn.recorder, t.arn.notifier, t.arn.reprocessing], {}, 'no other state machine (nor itself)'),
    ...deny(['states:StopExecution', 'states:RedriveExecution', 'states:DescribeExecution'], execution, {}, 'starts executions, nothing more'),
    ...fromTheEventAlone(t, 'admits from the event alone'),
  ];
}

function intakeAdmitterTargetRole(t) {
  return ruleTargetRole(t, 'IntakeAdmitterTargetRole', t.arn.admitterRule, 'EventBridge starts the admitter for a doorbell object as this role',
    { starts: t.arn.admitter, why: 'starts the admitter' },
    { notOthers: [t.arn.stateMachine, t.arn.recorder, t.arn.notifier], why: 'no other state machine: the admitter starts the workflow' });
}

function reprocessingRole(t) {
  const self = t.role('ReprocessingRole');
  const states = { by: 'states.amazonaws.com' };
  const workflowExecution = `${t.arn.stateMachine.replace(':stateMachine:', ':execution:')}:talk-0123456789abcdef-rvocab-2026-11`;
  // A child of the Distributed Map: an execution of this state machine under its Map Run (label "reprocess").
  const child = `${t.arn.reprocessing.replace(':stateMachine:', ':execution:')}/reprocess:0123abcd-0000-4000-8000-000000000001`;
  const intake = { 'kms:EncryptionContext:aws:sqs:arn': t.arn.intake };
  return [
    ...allow('sts:AssumeRole', self, source(t.account, t.arn.reprocessing), 'Step Functions runs the re-processing as this role', states),
    ...deny('sts:AssumeRole', self, source(FOREIGN, `arn:aws:states:${t.region}:${FOREIGN}:stateMachine:Other`), 'confused deputy: another account\'s state machine', states),
    // The ItemReader's ListObjectsV2 carries the request's prefix as s3:prefix.
    ...allow('s3:ListBucket', t.arn.rawBucket, { 's3:prefix': 'media/2026/' }, 'lists a prefix of the media'),
    ...allow('s3:ListBucket', t.arn.rawBucket, { 's3:prefix': 'media/' }, 'lists the whole media prefix'),
    ...deny('s3:ListBucket', t.arn.rawBucket, { 's3:prefix': 'uploads/' }, 'nothing outside the media prefix'),
    ...deny('s3:ListBucket', t.arn.rawBucket, { 's3:prefix': 'intake-signals/' }, 'not the doorbell\'s objects'),
    ...deny('s3:ListBucket', t.arn.rawBucket, {}, 'not the whole bucket (no prefix)'),
    ...deny('s3:ListBucket', t.arn.transcriptBucket, { 's3:prefix': 'media/' }, 'only the media bucket'),
    ...deny(['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], `${t.arn.rawBucket}/media/talk.mp3`, {}, 'lists keys; reads, writes and deletes no object'),
    ...deny('kms:Decrypt', t.arn.key, via(t, 's3', s3Object(t.arn.rawBucket)), 'listing needs no key'),
    // Each object's re-run goes into the intake, like an upload; the admitter starts it within the window.
    ...allow('sqs:SendMessage', t.arn.intake, {}, 'puts each object\'s re-run into the intake'),
    ...allow(['kms:GenerateDataKey', 'kms:Decrypt'], t.arn.key, via(t, 'sqs', intake), 'SQS encrypts the message as the caller'),
    ...deny('sqs:SendMessage', t.arn.intake, http, 'plain HTTP: the queue policy denies it'),
    ...deny(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:PurgeQueue'], t.arn.intake, {}, 'puts into the intake, takes nothing out of it'),
    ...deny('sqs:SendMessage', [t.arn.intakeDeadLetterQueue, t.arn.eventQueue, t.arn.failureQueue], {}, 'no other queue'),
    ...deny(['kms:GenerateDataKey', 'kms:Decrypt'], t.arn.key, via(t, 'sqs', { 'kms:EncryptionContext:aws:sqs:arn': t.arn.failureQueue }), 'not for another queue\'s messages'),
    ...allow('states:StartExecution', t.arn.admitter, {}, 'starts the admitter once its objects are in the intake'),
    ...deny('states:StartExecution', t.arn.stateMachine, {}, 'no longer starts the workflow: the admitter does, within the window'),
    ...deny(['states:DescribeExecution', 'states:StopExecution'], workflowExecution, {}, 'nor follows or stops its executions'),
    ...deny('lambda:InvokeFunction', [t.arn.planner, t.arn.postProcessor], {}, 'names nothing: the admitter asks the planner'),
    ...allow('states:StartExecution', t.arn.reprocessing, {}, 'the Distributed Map starts its children (its own name, the stack\'s)'),
    ...allow(['states:DescribeExecution', 'states:StopExecution'], child, {}, 'follows and stops the Map\'s children'),
    ...deny('states:StartExecution', [t.arn.notifier, t.arn.recorder], {}, 'no other state machine'),
    ...deny(['states:StopExecution', 'states:DescribeExecution'], `${t.arn.recorder.replace(':stateMachine:', ':execution:')}:x`, {}, 'no other state machine\'s executions'),
    ...deny('states:RedriveExecution', workflowExecution, {}, 'never redrives'),
    ...deny('states:SendTaskSuccess', '*', {}, 'only the notifier wakes executions'),
    ...deny(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], t.arn.table, {}, 'no data access: each re-run records its own job, the admitter counts the window'),
    ...deny('sqs:SendMessage', t.arn.failureQueue, {}, 'each re-run sends its own dead letter'),
    ...logsAndTracing(),
  ];
}

function completionNotifierRole(t) {
  const self = t.role('CompletionNotifierRole');
  const states = { by: 'states.amazonaws.com' };
  const execution = `${t.arn.stateMachine.replace(':stateMachine:', ':execution:')}:upload-1`;
  return [
    ...allow('sts:AssumeRole', self, source(t.account, t.arn.notifier), 'Step Functions runs the notifier as this role', states),
    ...deny('sts:AssumeRole', self, source(FOREIGN, `arn:aws:states:${t.region}:${FOREIGN}:stateMachine:Other`), 'confused deputy: another account\'s state machine', states),
    ...allow('dynamodb:GetItem', t.arn.table, { 'dynamodb:Attributes': WAKING_READ }, 'reads the waiting execution\'s token and the job\'s status'),
    ...deny('dynamodb:GetItem', t.arn.table, { 'dynamodb:Attributes': [...WAKING_READ, 'failureReason'] }, 'no other attribute of the item'),
    // How DynamoDB fills dynamodb:Attributes for a read without a projection is not documented: the key alone
    // assumed, with dynamodb:Select ALL_ATTRIBUTES (AWS's attribute example pairs the two conditions for this).
    ...deny('dynamodb:GetItem', t.arn.table, { 'dynamodb:Attributes': ['jobName'], 'dynamodb:Select': 'ALL_ATTRIBUTES' }, 'not the whole item (no projection)', { assumption: true }),
    ...deny(['dynamodb:PutItem', 'dynamodb:UpdateItem'], t.arn.table, { 'dynamodb:Attributes': WAKING_READ }, 'reads only'),
    ...deny('dynamodb:Scan', t.arn.table, {}, 'looks up one job, never the table'),
    ...allow('kms:Decrypt', t.arn.key, via(t, 'dynamodb', dynamoDb(t)), 'DynamoDB decrypts the item with the table key'),
    ...deny(['kms:Encrypt', 'kms:GenerateDataKey'], t.arn.key, via(t, 'dynamodb', dynamoDb(t)), 'reading needs only Decrypt'),
    ...deny('kms:Decrypt', t.arn.key, {}, 'the key only through DynamoDB'),
    ...allow('states:SendTaskSuccess', '*', {}, 'wakes the waiting execution (no resource type, no condition key)'),
    ...deny('states:SendTaskFailure', '*', {}, 'never fails a waiting execution'),
    ...deny('states:StopExecution', execution, {}, 'never stops the workflow'),
    ...deny('states:StartExecution', t.arn.stateMachine, {}, 'never starts the workflow'),
    ...logsAndTracing(),
  ];
}

function completionTargetRole(t) {
  return ruleTargetRole(t, 'CompletionNotifierTargetRole', t.arn.completionRule, 'EventBridge delivers completion events as this role',
    { starts: t.arn.notifier, why: 'starts the notifier' },
    { notOthers: t.arn.stateMachine, why: 'not the workflow' });
}

function executionEndRecorderRole(t) {
  const self = t.role('ExecutionEndRecorderRole');
  const states = { by: 'states.amazonaws.com' };
  const execution = `${t.arn.stateMachine.replace(':stateMachine:', ':execution:')}:upload-1`;
  const failureQueue = { 'kms:EncryptionContext:aws:sqs:arn': t.arn.failureQueue };
  const functions = [t.arn.planner, `${t.arn.planner}:1`, t.arn.postProcessor];
  return [
    ...allow('sts:AssumeRole', self, source(t.account, t.arn.recorder), 'Step Functions runs the recorder as this role', states),
    ...deny('sts:AssumeRole', self, source(FOREIGN, `arn:aws:states:${t.region}:${FOREIGN}:stateMachine:Other`), 'confused deputy: another account\'s state machine', states),
    // The job is named after the ended execution (JobNames): no function is asked.
    ...deny('lambda:InvokeFunction', functions, {}, 'names the job itself: invokes no function'),
    ...allow('dynamodb:GetItem', t.arn.table, { 'dynamodb:Attributes': ENDED_READ, 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' }, 'reads whether the job\'s item is final and which execution wrote it'),
    ...deny('dynamodb:GetItem', t.arn.table, { 'dynamodb:Attributes': [...ENDED_READ, 'taskToken'] }, 'not a waiting execution\'s token'),
    ...allow('dynamodb:PutItem', t.arn.table, { 'dynamodb:Attributes': FAILED_ITEM }, 'writes the FAILED item'),
    ...deny('dynamodb:PutItem', t.arn.table, { 'dynamodb:Attributes': [...FAILED_ITEM, 'transcriptUri'] }, 'no attribute beyond a FAILED item\'s'),
    ...deny('dynamodb:PutItem', t.arn.table, { 'dynamodb:Attributes': FAILED_ITEM, 'dynamodb:ReturnValues': 'ALL_OLD' }, 'without reading the replaced item back'),
    ...deny(['dynamodb:UpdateItem', 'dynamodb:DeleteItem'], t.arn.table, {}, 'only puts FAILED items'),
    ...deny('dynamodb:Query', t.arn.table, {}, 'looks up one job, never the table'),
    ...allow(KMS_WRITE, t.arn.key, via(t, 'dynamodb', dynamoDb(t)), 'DynamoDB uses the table key as the caller'),
    ...deny('kms:Decrypt', t.arn.key, {}, 'the key only through a service'),
    ...allow('sqs:SendMessage', t.arn.failureQueue, {}, 'sends the end to the failure queue, as the failure branch does'),
    ...allow(['kms:GenerateDataKey', 'kms:Decrypt'], t.arn.key, via(t, 'sqs', failureQueue), 'SQS encrypts the message as the caller'),
    ...deny('sqs:SendMessage', [t.arn.eventQueue, t.arn.executionEndQueue, t.arn.intake], {}, 'no other queue'),
    ...deny('sqs:SendMessage', t.arn.failureQueue, http, 'plain HTTP: the queue policy denies it'),
    ...deny('states:StartExecution', t.arn.stateMachine, {}, 'never starts the workflow'),
    ...allow('states:StartExecution', t.arn.admitter, {}, 'frees the ended execution\'s slot: starts the admitter (by its fixed name)'),
    ...deny('states:StartExecution', [t.arn.notifier, t.arn.reprocessing], {}, 'no other state machine'),
    ...deny(['dynamodb:DeleteItem', 'dynamodb:UpdateItem'], t.arn.table, { 'dynamodb:LeadingKeys': [slot('upload-1')] }, 'frees the slot through the admitter, never itself'),
    ...deny(['states:StopExecution', 'states:RedriveExecution'], execution, {}, 'never stops or redrives it'),
    ...fromTheEventAlone(t, 'records from the event alone'),
  ];
}

function executionEndTargetRole(t) {
  return ruleTargetRole(t, 'ExecutionEndRecorderTargetRole', t.arn.executionEndRule, 'EventBridge delivers execution ends as this role',
    { starts: t.arn.recorder, why: 'starts the recorder' },
    { notOthers: [t.arn.stateMachine, t.arn.notifier], why: 'no other state machine' });
}

/** The operators' managed policy, simulated for the principal it is attached to (see simulate.mjs). */
function operatorPolicy(t) {
  const { job, otherJob, media, transcript, stream } = common(t);
  // A child of re-processing's Distributed Map: execution:<name>/<Map Run label>:<id>.
  const child = `${t.arn.reprocessing.replace(':stateMachine:', ':execution:')}/reprocess:0123abcd-0000-4000-8000-000000000001`;
  const execution = `${t.arn.stateMachine.replace(':stateMachine:', ':execution:')}:upload-1`;
  const others = [`arn:aws:states:${t.region}:${t.account}:execution:AnotherStateMachine:x`,
    ...[t.arn.notifier, t.arn.recorder].map((arn) => `${arn.replace(':stateMachine:', ':execution:')}:x`)];
  const group = (logs) => `arn:aws:logs:${t.region}:${t.account}:log-group:${t.name[logs]}`;
  const alarm = (name) => `arn:aws:cloudwatch:${t.region}:${t.account}:alarm:${name}`;
  const ours = alarm(`TranscribeStack-${t.env}-MonitoringExecutionsFailed-0123ABCD`);
  const readable = (allowed) => (allowed ? allow : deny);
  const LOGS_READ = ['logs:DescribeLogStreams', 'logs:FilterLogEvents', 'logs:StartQuery', 'logs:GetQueryResults', 'logs:GetLogGroupFields'];
  return [
    // Executions of the workflow: follow, stop, redrive, re-run.
    ...allow(['states:DescribeStateMachine', 'states:ListExecutions'], t.arn.stateMachine, {}, 'lists and reads the workflow\'s executions'),
    ...allow('states:StartExecution', t.arn.stateMachine, {}, 'starts re-runs'),
    ...allow(['states:DescribeExecution', 'states:GetExecutionHistory', 'states:DescribeStateMachineForExecution'], execution, {}, 'reads an execution and its history'),
    ...allow(['states:StopExecution', 'states:RedriveExecution'], execution, {}, 'stops and redrives an execution'),
    ...deny(['states:StopExecution', 'states:RedriveExecution', 'states:DescribeExecution'], others, {}, 'another state machine\'s executions'),
    ...allow('states:StartExecution', t.arn.admitter, {}, 'drains a stuck intake, frees a slot not freed (the runbook\'s "Drain a stuck intake")'),
    ...allow('states:StartExecution', t.arn.recorder, {}, 'replays a dead letter: an execution end through the recorder'),
    ...deny(['states:DescribeExecution', 'states:StopExecution'], [t.arn.admitter, t.arn.recorder].map((arn) => `${arn.replace(':stateMachine:', ':execution:')}:x`), {}, 'starts them, reads or stops none of their executions'),
    // An upload event EventBridge could not deliver goes back into the intake, which admits it like any other.
    ...allow('sqs:SendMessage', t.arn.intake, {}, 'replays an undelivered upload event into the intake'),
    ...allow(['kms:GenerateDataKey', 'kms:Decrypt'], t.arn.key, via(t, 'sqs', { 'kms:EncryptionContext:aws:sqs:arn': t.arn.intake }), 'SQS encrypts it as the caller'),
    ...deny(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:PurgeQueue', 'sqs:ChangeMessageVisibility'], t.arn.intake, {}, 'takes nothing out of the intake: only the admitter does'),
    ...deny('sqs:SendMessage', t.arn.intake, http, 'plain HTTP: the queue policy denies it'),
    ...deny(['firehose:PutRecord', 'firehose:UpdateDestination'], t.arn.doorbell, {}, 'rings no doorbell: starts the admitter instead'),
    ...deny(['dynamodb:UpdateItem', 'dynamodb:DeleteItem'], t.arn.table, { 'dynamodb:LeadingKeys': [WINDOW] }, 'counts no window by hand: the admitter frees slots'),
    ...deny('states:StartExecution', t.arn.notifier, {}, 'starts no notifier (its input wakes executions)'),
    // Transcribe: this environment's jobs, by the job-name prefix.
    ...allow('transcribe:GetTranscriptionJob', job, {}, 'looks at the upload\'s job'),
    ...deny('transcribe:GetTranscriptionJob', otherJob, {}, 'another application\'s job'),
    ...deny('transcribe:DeleteTranscriptionJob', job, {}, 'deletes no job'),
    ...deny('transcribe:StartTranscriptionJob', '*', {}, 'starts no job (no resource type)'),
    // Re-processing a prefix: start it, follow its executions and Map Runs, stop one.
    ...allow(['states:StartExecution', 'states:DescribeStateMachine', 'states:ListExecutions'], t.arn.reprocessing, {}, 'starts re-processing and lists its runs'),
    ...allow(['states:DescribeExecution', 'states:GetExecutionHistory', 'states:StopExecution', 'states:ListMapRuns'], `${t.arn.reprocessing.replace(':stateMachine:', ':execution:')}:vocab-2026-11`, {}, 'follows and stops a re-processing run'),
    ...allow(['states:DescribeMapRun', 'states:ListExecutions'], `${t.arn.reprocessing.replace(':stateMachine:', ':mapRun:')}/reprocess:0123abcd`, {}, 'reads a re-processing run\'s progress and lists its children'),
    ...allow(['states:DescribeExecution', 'states:GetExecutionHistory'], child, {}, 'opens a Map Run\'s child execution'),
    ...deny(['states:StopExecution', 'states:RedriveExecution'], child, {}, 'a child is stopped with its run, never alone'),
    ...deny(['states:RedriveExecution'], `${t.arn.reprocessing.replace(':stateMachine:', ':execution:')}:vocab-2026-11`, {}, 'a re-processing run is re-run with the same marker, not redriven'),
    ...deny(['states:DeleteStateMachine', 'states:UpdateStateMachine'], t.arn.reprocessing, {}, 'no change to re-processing'),
    ...deny(['states:DeleteStateMachine', 'states:UpdateStateMachine'], t.arn.stateMachine, {}, 'no change to the workflow'),
    ...deny('states:SendTaskSuccess', '*', {}, 'does not complete waiting tasks'),
    // The state machines' logs.
    ...['workflowLogs', 'admitterLogs', 'reprocessingLogs', 'notifierLogs', 'recorderLogs'].flatMap((logs) => [
      ...allow(LOGS_READ, group(logs), {}, `reads the execution logs (${logs})`),
      ...allow(LOGS_READ, `${group(logs)}:*`, {}, `reads the execution logs (${logs}), as CloudWatch Logs names the group`),
      ...allow('logs:GetLogEvents', stream(logs), {}, `reads a log stream (${logs})`),
    ]),
    ...deny(LOGS_READ, group('postProcessorLogs'), {}, 'not the functions\' logs (their errors are in the execution history)'),
    ...deny(['logs:DeleteLogGroup', 'logs:PutRetentionPolicy'], group('workflowLogs'), {}, 'no change to the logs'),
    // The dashboard and the alarms.
    ...allow('cloudwatch:GetDashboard', t.arn.dashboard, {}, 'reads the dashboard'),
    ...allow('cloudwatch:GetMetricData', '*', {}, 'reads the dashboard\'s metrics (no resource type)'),
    ...deny('cloudwatch:GetDashboard', `arn:aws:cloudwatch::${t.account}:dashboard/AnotherApplication`, {}, 'another dashboard'),
    ...deny(['cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards'], t.arn.dashboard, {}, 'no change to the dashboard'),
    ...allow(['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'], ours, {}, 'reads this stack\'s alarms'),
    ...deny('cloudwatch:DescribeAlarms', alarm('AnotherApplication-Alarm'), {}, 'another application\'s alarms'),
    ...deny(['cloudwatch:SetAlarmState', 'cloudwatch:DisableAlarmActions', 'cloudwatch:DeleteAlarms'], ours, {}, 'no change to the alarms'),
    // The job metadata.
    ...allow(['dynamodb:GetItem', 'dynamodb:Query'], t.arn.table, {}, 'reads a job\'s item'),
    ...allow('dynamodb:Query', `${t.arn.table}/index/byStatus`, {}, 'lists jobs by status, newest first'),
    ...allow('kms:Decrypt', t.arn.key, via(t, 'dynamodb', dynamoDb(t)), 'DynamoDB decrypts the items'),
    ...allow('dynamodb:DescribeTable', t.arn.table, {}, 'the console\'s table page (settings, key schema)'),
    ...deny('dynamodb:DescribeTable', `arn:aws:dynamodb:${t.region}:${t.account}:table/AnotherApplicationTable`, {}, 'describes no other table'),
    ...deny(['dynamodb:UpdateTable', 'dynamodb:UpdateTimeToLive', 'dynamodb:DeleteTable'], t.arn.table, {}, 'no change to the table'),
    ...deny('dynamodb:Query', `${t.arn.table}/index/another`, {}, 'no other index'),
    ...deny(['dynamodb:Scan', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteTable'], t.arn.table, {}, 'reads items, writes nothing'),
    // Dead letters.
    ...DEAD_LETTER_QUEUES.flatMap((queue) => [
      ...allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage'], t.arn[queue], {}, `drains the dead letters (${queue})`),
      ...allow(['sqs:GetQueueUrl', 'sqs:GetQueueAttributes'], t.arn[queue], {}, `finds the queue and reads its depth (${queue})`),
      ...deny('sqs:SetQueueAttributes', t.arn[queue], {}, `no change to the queue (${queue})`),
      ...allow('kms:Decrypt', t.arn.key, via(t, 'sqs', { 'kms:EncryptionContext:aws:sqs:arn': t.arn[queue] }), `SQS decrypts them (${queue})`),
      ...deny('sqs:SendMessage', t.arn[queue], {}, `sends no dead letter (${queue})`),
      ...deny(['sqs:PurgeQueue', 'sqs:DeleteQueue'], t.arn[queue], {}, `no purge or delete (${queue})`),
    ]),
    ...deny(['sqs:ReceiveMessage', 'sqs:GetQueueAttributes'], `arn:aws:sqs:${t.region}:${t.account}:AnotherApplicationQueue`, {}, 'another queue'),
    // The consoles' lists: no resource type, so requested on "*"; names and summaries only.
    ...allow(['states:ListStateMachines', 'cloudwatch:ListDashboards', 'dynamodb:ListTables', 'sqs:ListQueues', 'logs:DescribeLogGroups'], '*', {}, 'lists what the consoles list'),
    ...deny(['states:CreateStateMachine'], `arn:aws:states:${t.region}:${t.account}:stateMachine:Another`, {}, 'creates no state machine'),
    ...deny('cloudwatch:PutMetricData', '*', {}, 'publishes no metric'),
    ...deny('cloudwatch:PutMetricAlarm', ours, {}, 'creates or changes no alarm'),
    ...deny('logs:GetLogEvents', stream('postProcessorLogs'), {}, 'listing log groups reads none of their events'),
    ...deny('sqs:ReceiveMessage', t.arn.failureQueue, http, 'plain HTTP: the queue policy denies it'),
    // Keys, objects and IAM.
    ...deny('kms:Decrypt', t.arn.key, {}, 'the key only through a service'),
    ...deny(['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy', 'kms:CreateGrant'], t.arn.key, {}, 'no key administration'),
    ...readable(t.operators.canReadMedia)('s3:GetObject', media, {}, `reads the media only with operators.canReadMedia (${t.operators.canReadMedia})`),
    ...readable(t.operators.canReadMedia)('kms:Decrypt', t.arn.key, via(t, 's3', s3Object(t.arn.rawBucket)), `S3 decrypts the media only with operators.canReadMedia (${t.operators.canReadMedia})`),
    ...readable(t.operators.canReadTranscripts)('s3:GetObject', transcript, {}, `reads transcripts only with operators.canReadTranscripts (${t.operators.canReadTranscripts})`),
    ...readable(t.operators.canReadTranscripts)('kms:Decrypt', t.arn.key, via(t, 's3', s3Object(t.arn.transcriptBucket)), `S3 decrypts transcripts only with operators.canReadTranscripts (${t.operators.canReadTranscripts})`),
    ...deny('s3:GetObject', `${t.arn.rawBucket}/uploads/talk.mp3`, {}, 'nothing outside the media prefix'),
    ...deny(['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObject'], [media, transcript], {}, 'no object writes or deletes'),
    ...deny('iam:CreatePolicyVersion', `arn:aws:iam::${t.account}:policy/${t.stackName}-operator-policy`, {}, 'cannot widen its own policy'),
    ...deny(['iam:AttachRolePolicy', 'iam:PutRolePolicy'], t.role('WorkflowRole'), {}, 'no IAM changes'),
    ...deny('iam:PassRole', t.role('WorkflowRole'), { 'iam:PassedToService': 'states.amazonaws.com' }, 'passes no role'),
    ...deny('iam:CreateRole', `arn:aws:iam::${t.account}:role/anything`, {}, 'creates no role'),
  ];
}

/** The operators' role, with operators.assumedBy: only that principal may assume it. */
function operatorRole(t) {
  const self = t.role('OperatorAccessRole');
  return [
    ...allow('sts:AssumeRole', self, {}, 'the principal operators.assumedBy names', { by: t.operators.assumedBy }),
    ...deny('sts:AssumeRole', self, {}, 'nobody else of the account', { by: `arn:aws:iam::${t.account}:role/someone-else` }),
    ...deny('sts:AssumeRole', self, { 'aws:SourceAccount': t.account }, 'no service', { by: 'states.amazonaws.com' }),
  ];
}

function eventBridgeService(t) {
  const rule = (name) => source(t.account, t.arn[name]);
  const queue = (name) => ({ 'kms:EncryptionContext:aws:sqs:arn': t.arn[name] });
  return [
    ...allow('sqs:SendMessage', t.arn.eventQueue, rule('uploadRule'), 'dead-letters undeliverable upload events'),
    ...allow(['kms:GenerateDataKey', 'kms:Decrypt'], t.arn.key, { ...rule('uploadRule'), ...queue('eventQueue') }, 'the queue is encrypted with the stack key'),
    ...deny('sqs:SendMessage', t.arn.eventQueue, source(t.account, `arn:aws:events:${t.region}:${t.account}:rule/AnotherRule`), 'only the upload rule'),
    // The intake: the upload rule's target, by the queue policy (aws:SourceArn: the rule), encrypted with the
    // stack key by the key policy's EventBridge statement (this stack's rules).
    ...allow('sqs:SendMessage', t.arn.intake, rule('uploadRule'), 'puts each upload event into the intake'),
    ...allow(['kms:GenerateDataKey', 'kms:Decrypt'], t.arn.key, { ...rule('uploadRule'), ...queue('intake') }, 'the intake is encrypted with the stack key'),
    ...deny('sqs:SendMessage', t.arn.intake, source(t.account, `arn:aws:events:${t.region}:${t.account}:rule/AnotherRule`), 'no other rule of the account fills the intake'),
    ...deny('sqs:SendMessage', t.arn.intake, rule('admitterRule'), 'not even another rule of this stack'),
    ...deny('sqs:SendMessage', t.arn.intake, source(FOREIGN, `arn:aws:events:${t.region}:${FOREIGN}:rule/Other`), 'confused deputy: another account\'s rule'),
    ...deny(['kms:GenerateDataKey', 'kms:Decrypt'], t.arn.key, { ...source(t.account, `arn:aws:events:${t.region}:${t.account}:rule/AnotherRule`), ...queue('intake') }, 'the key for this stack\'s rules only'),
    ...deny('sqs:SendMessage', t.arn.intake, { ...rule('uploadRule'), ...http }, 'plain HTTP: the queue policy denies it'),
    ...deny(['sqs:ReceiveMessage', 'sqs:GetQueueAttributes'], t.arn.intake, rule('uploadRule'), 'sends, nothing more'),
    ...deny('sqs:SendMessage', t.arn.intakeDeadLetterQueue, rule('uploadRule'), 'the intake\'s dead letters are SQS\'s redrive'),
    ...allow('sqs:SendMessage', t.arn.admitterQueue, rule('admitterRule'), 'dead-letters undeliverable doorbell objects'),
    ...allow(['kms:GenerateDataKey', 'kms:Decrypt'], t.arn.key, { ...rule('admitterRule'), ...queue('admitterQueue') }, 'that queue is encrypted with the stack key'),
    ...deny('sqs:SendMessage', t.arn.admitterQueue, rule('uploadRule'), 'only the admitter\'s rule'),
    ...allow('sqs:SendMessage', t.arn.completionQueue, rule('completionRule'), 'dead-letters undeliverable completion events'),
    ...allow(['kms:GenerateDataKey', 'kms:Decrypt'], t.arn.key, { ...rule('completionRule'), ...queue('completionQueue') }, 'that queue is encrypted with the stack key'),
    ...deny('sqs:SendMessage', t.arn.completionQueue, rule('uploadRule'), 'only the completion rule'),
    ...allow('sqs:SendMessage', t.arn.executionEndQueue, rule('executionEndRule'), 'dead-letters undeliverable execution ends'),
    ...allow(['kms:GenerateDataKey', 'kms:Decrypt'], t.arn.key, { ...rule('executionEndRule'), ...queue('executionEndQueue') }, 'that queue is encrypted with the stack key'),
    ...deny('sqs:SendMessage', t.arn.executionEndQueue, rule('completionRule'), 'only the execution-end rule'),
  ];
}

function cloudWatchService(t) {
  const mine = source(t.account, `arn:aws:cloudwatch:${t.region}:${t.account}:alarm:TranscribeStack-${t.env}-x`);
  const foreign = source(FOREIGN, `arn:aws:cloudwatch:${t.region}:${FOREIGN}:alarm:TranscribeStack-${t.env}-x`);
  const topic = { 'kms:EncryptionContext:aws:sns:topicArn': t.arn.alarmTopic };
  return [
    ...allow('sns:Publish', t.arn.alarmTopic, mine, 'this stack\'s alarms notify the topic'),
    ...allow(['kms:Decrypt', 'kms:GenerateDataKey'], t.arn.key, { ...mine, ...topic }, 'the topic is encrypted with the stack key'),
    ...deny('sns:Publish', t.arn.alarmTopic, foreign, 'confused deputy: another account\'s alarm'),
    ...deny(['kms:Decrypt', 'kms:GenerateDataKey'], t.arn.key, { ...foreign, ...topic }, 'confused deputy: another account\'s alarm'),
    ...deny('sns:Publish', t.arn.alarmTopic, { ...mine, ...http }, 'plain HTTP: the topic policy denies it'),
  ];
}

function logsService(t) {
  const group = (name) => ({ 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${t.region}:${t.account}:log-group:${name}` });
  return [
    ...['workflowLogs', 'plannerLogs', 'postProcessorLogs', 'notifierLogs', 'recorderLogs', 'admitterLogs', 'reprocessingLogs'].flatMap((logs) =>
      allow(LOGS_KMS, t.arn.key, group(t.name[logs]), `encrypts this stack's log group (${logs})`)),
    ...deny(LOGS_KMS, t.arn.key, group('AnotherApplication-Logs'), 'no other log group'),
  ];
}

function s3LoggingService(t) {
  const log = (prefix) => `${t.arn.accessLogBucket}/${prefix}2026-11-22-10-00-00-0123456789ABCDEF`;
  return [
    ...allow('s3:PutObject', log('raw-audio/'), source(t.account, t.arn.rawBucket), 'access logs of the raw bucket, in their prefix'),
    ...allow('s3:PutObject', log('transcripts/'), source(t.account, t.arn.transcriptBucket), 'access logs of the transcript bucket, in their prefix'),
    ...deny('s3:PutObject', log('raw-audio/'), source(t.account, t.arn.transcriptBucket), 'not into the other bucket\'s prefix'),
    ...deny('s3:PutObject', log('transcripts/'), source(t.account, t.arn.rawBucket), 'not into the other bucket\'s prefix'),
  ];
}

export const PRINCIPALS = [
  { role: 'WorkflowRole', requests: workflowRole },
  { service: 'transcribe.amazonaws.com', requests: transcribeService },
  { role: 'WorkflowTranscribeDataAccessRole', requests: dataAccessRole },
  { role: 'PostProcessorRole', requests: postProcessorRole },
  { role: 'JobPlannerRole', requests: jobPlannerRole },
  { role: 'UploadTriggerDoorbellRole', requests: doorbellRole },
  { role: 'UploadTriggerDoorbellStreamEventsRole', requests: doorbellTargetRole },
  { role: 'IntakeAdmitterRole', requests: intakeAdmitterRole },
  { role: 'IntakeAdmitterTargetRole', requests: intakeAdmitterTargetRole },
  { role: 'ReprocessingRole', requests: reprocessingRole },
  { role: 'CompletionNotifierRole', requests: completionNotifierRole },
  { role: 'CompletionNotifierTargetRole', requests: completionTargetRole },
  { role: 'ExecutionEndRecorderRole', requests: executionEndRecorderRole },
  { role: 'ExecutionEndRecorderTargetRole', requests: executionEndTargetRole },
  { policy: 'OperatorAccessPolicy', requests: operatorPolicy },
  { role: 'OperatorAccessRole', optional: true, requests: operatorRole },
  { service: 'events.amazonaws.com', requests: eventBridgeService },
  { service: 'cloudwatch.amazonaws.com', requests: cloudWatchService },
  { service: `logs.${REGION}.amazonaws.com`, requests: logsService },
  { service: 'logging.s3.amazonaws.com', requests: s3LoggingService },
];

/**
 * The misuse "dev's role acts on staging's resource": every request a role or the operators' policy of this stack
 * is allowed, made instead on another environment's stack in the same account and region (`o`: that stack's
 * names and ARNs, see simulate.mjs), must be denied. A request that names nothing of the stack ('*', the managed
 * rule of .sync) is the same in every environment and is not repeated.
 */
export function inAnotherEnvironment(rows, t, o) {
  const pairs = [
    ...Object.keys(t.arn).flatMap((key) => [[t.arn[key], o.arn[key]], [t.name[key], o.name[key]]]),
    ...Object.keys(t.roles).map((prefix) => [t.roles[prefix], o.role(prefix)]),
    [t.stackName, o.stackName],
    [`transcribestack-${t.env}-`, `transcribestack-${o.env}-`],
  ].filter(([from, to]) => from && from !== to).sort(([a], [b]) => b.length - a.length);
  const pattern = new RegExp(pairs.map(([from]) => from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  const to = new Map(pairs);
  const move = (value) => JSON.parse(JSON.stringify(value).replace(pattern, (from) => to.get(from)));
  return rows.filter((row) => row.expect === 'ALLOWED' && !row.by).flatMap((row) => {
    const moved = move({ resource: row.resource, context: row.context });
    if (moved.resource === row.resource) return [];
    return deny(row.action, moved.resource, moved.context, `${o.env}'s resource, not this environment's (${row.why})`, { crossEnvironment: true });
  });
}
