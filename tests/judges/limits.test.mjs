// Self-tests of the limits judge (limits.mjs, payload.mjs, pacing.mjs): every check must fail on an injected
// violation and pass a template within the limits, or a green judge proves nothing. Templates come from
// $JUDGE_CDK_OUT (default cdk.out), <env>/TranscribeStack-<env>.template.json. The polling pacing is the real
// C# one (tests/TranscribeStack.LocalInvoke, built once per test run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ENVIRONMENTS, ROOT, loadTemplate } from '../../testkit/templates.mjs';
import { plannerEnvironment } from '../../testkit/workflow.mjs';
import { stateMachines } from './dataflow.mjs';
import { LIMITS, eventsOf, formatFinding, judgeLimits, longestExecution } from './limits.mjs';
import { askLocalInvoke, pacingSettings, pollingBounds } from './pacing.mjs';
import { jobPlan, maximalEvent, skippedUpload, widestPlan } from './payload.mjs';
import stateNames from '../../contracts/state-names.json' with { type: 'json' };

const cdkOut = resolve(process.env.JUDGE_CDK_OUT ?? join(ROOT, 'cdk.out'));
const templates = new Map();
const templateOf = (environment) => {
  if (!templates.has(environment)) templates.set(environment, loadTemplate(environment, { cdkOut }));
  return structuredClone(templates.get(environment));
};
const idOf = (template, type, prefix = '') => Object.keys(template.Resources).find((id) => template.Resources[id].Type === type && id.startsWith(prefix));
// A template judged once per test file: many tests judge the unchanged template beside their changed copy.
const judgements = new Map();
const judged = (template, environment = 'dev') => {
  const key = `${environment}\n${createHash('sha256').update(JSON.stringify(template)).digest('hex')}`;
  if (!judgements.has(key)) judgements.set(key, judgeLimits(template, environment));
  return structuredClone(judgements.get(key));
};
const show = (findings) => findings.map(formatFinding).join('\n') || '(none)';
const [WORKFLOW, NOTIFIER] = ['WorkflowStateMachine', 'CompletionNotifierStateMachine'];

function assertFinding(template, pattern) {
  const { findings } = judged(template);
  assert.ok(findings.some((f) => pattern.test(f.what) && f.allowed), `expected a finding matching ${pattern}; got:\n${show(findings)}`);
}

/** The upload rule matching the media prefix with `key` instead. */
function withPrefixRule(template, key = [{ prefix: 'media/' }]) {
  template.Resources[idOf(template, 'AWS::Events::Rule', 'UploadTriggerRule')].Properties.EventPattern.detail.object.key = key;
  return template;
}

/** A state machine's DefinitionString (a string or the parts of an Fn::Join) with `from` replaced everywhere. */
function editDefinition(template, from, to, machine = WORKFLOW) {
  const properties = template.Resources[idOf(template, 'AWS::StepFunctions::StateMachine', machine)].Properties;
  const join = properties.DefinitionString['Fn::Join'];
  const parts = join ? join[1] : [properties.DefinitionString];
  assert.ok(parts.some((p) => typeof p === 'string' && p.includes(from)), `the definition has no ${from}`);
  const edited = parts.map((p) => (typeof p === 'string' ? p.replaceAll(from, to) : p));
  if (join) join[1] = edited;
  else properties.DefinitionString = edited[0];
  return template;
}

/** A state machine's definition, rendered with testkit's values, after `mutate(states)` changed it. */
function editStates(template, mutate, machine = WORKFLOW) {
  const id = idOf(template, 'AWS::StepFunctions::StateMachine', machine);
  const { definition } = stateMachines(template).find((m) => m.id === id);
  mutate(definition.States);
  template.Resources[id].Properties.DefinitionString = JSON.stringify(definition);
  return template;
}

const outside = (findings, kind) => findings.filter((f) => (kind === 'rule') === f.subject.startsWith('rule '));

test('every check passes the real templates, and prints its figures', () => {
  for (const environment of ENVIRONMENTS) {
    const { findings, figures } = judged(templateOf(environment), environment);
    assert.deepEqual(findings.map(formatFinding), [], environment);
    for (const what of [/definition [\d,]+ bytes/, /worst state payload [\d,]+ bytes/, /longest execution [\d,]+ history events/, /pattern [\d,]+ characters/, /Express: no execution history/]) {
      assert.ok(figures.some((f) => what.test(f)), `${environment}: no figure ${what}`);
    }
    assert.equal(figures.filter((f) => /worst state payload/.test(f)).length, 5, `${environment}: every state machine's payload (workflow, admitter, re-processing, notifier, recorder)`);
    assert.ok(figures.some((f) => /^ReprocessingStateMachine\w+ \/ .+: longest child execution [\d,]+ history events/.test(f)), `${environment}: the Distributed Map's children's history`);
  }
});

test('the workflow started by the admitter is bounded by what enters the intake; what cannot be bounded is a finding', () => {
  const { figures } = judged(templateOf('dev'));
  assert.ok(figures.some((f) => /^WorkflowStateMachine\w+: worst state payload/.test(f)), figures.join('\n'));
  assert.ok(figures.some((f) => /^IntakeAdmitterStateMachine\w+: worst state payload/.test(f)), figures.join('\n'));
  const ADMITTER = 'IntakeAdmitterStateMachine';
  const RECEIVE = stateNames.admitter.receiveNextUpload;
  // Each message received more: the payload grows with MaxNumberOfMessages; attributes asked for have no bound.
  const worstOf = (template) => Number(judged(template).figures.find((f) => f.startsWith(ADMITTER)  && /worst state payload/.test(f)).match(/payload ([\d,]+) bytes/)[1].replace(/,/g, ''));
  assert.ok(worstOf(editStates(templateOf('dev'), (s) => { s[RECEIVE].Parameters.MaxNumberOfMessages = 10; }, ADMITTER)) > worstOf(templateOf('dev')));
  assertFinding(editStates(templateOf('dev'), (s) => { s[RECEIVE].Parameters.MessageAttributeNames = ['All']; }, ADMITTER), /ReceiveMessage with MessageAttributeNames: no bound/);
  // A state machine that sends into the intake outside a Map is not modelled (what it sends is not bounded).
  assertFinding(editStates(templateOf('dev'), (s) => {
    s['Send into the intake'] = { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { QueueUrl: s[stateNames.reprocessing.reProcessEveryObjectUnderPrefix].ItemProcessor.States[stateNames.reprocessing.putObjectsReRunIntoIntake].Parameters.QueueUrl, 'MessageBody.$': '$' }, End: true };
  }, 'ReprocessingStateMachine'), /sends into UploadTriggerIntakeQueue\w+ outside a Map: not modelled/);
});

test('a Distributed Map is followed into its children; one that keeps its results, or reads another source, is a finding', () => {
  const MAP = stateNames.reprocessing.reProcessEveryObjectUnderPrefix;
  const { figures } = judged(templateOf('dev'));
  assert.ok(figures.some((f) => /^ReprocessingStateMachine\w+: worst state payload /.test(f) && f.includes(` (a child of "${MAP}")`)), figures.join('\n'));
  assertFinding(editStates(templateOf('dev'), (s) => { s[MAP].ResultPath = '$.results'; }, 'ReprocessingStateMachine'), /a Distributed Map whose results are kept is not modelled/);
  assertFinding(editStates(templateOf('dev'), (s) => { s[MAP].ItemReader.Resource = 'arn:aws:states:::s3:getObject'; }, 'ReprocessingStateMachine'), /a Map reading arn:aws:states:::s3:getObject: not modelled/);
});

test('the rule check passes a rule without wildcards, counting the bucket reference at 63 characters', () => {
  const { findings, figures } = judged(withPrefixRule(templateOf('dev')));
  assert.deepEqual(outside(findings, 'rule').map(formatFinding), []);
  const rule = idOf(templateOf('dev'), 'AWS::Events::Rule', 'UploadTriggerRule');
  const pattern = templateOf('dev').Resources[rule].Properties.EventPattern;
  const longest = JSON.stringify({ ...pattern, detail: { bucket: { name: ['b'.repeat(63)] }, object: { key: [{ prefix: 'media/' }] } } });
  assert.ok(figures.some((f) => f.includes(`rule ${rule}: 0 wildcards, pattern ${longest.length} characters`)), figures.join('\n'));
});

test('a wildcard fails the rule check, and so do prefix and suffix in one matcher object', () => {
  assertFinding(withPrefixRule(templateOf('dev'), [{ prefix: 'media/' }, { wildcard: 'media/*.mp3' }]), /^1 wildcard matchers \(\$\.detail\.object\.key\)/);
  assertFinding(withPrefixRule(templateOf('dev'), [{ prefix: 'media/', suffix: '.mp3' }]), /one matcher object holds both prefix and suffix/);
});

test('a pattern over the budget fails, one at the budget passes', () => {
  const lengthWith = (prefix) => Number(judged(withPrefixRule(templateOf('dev'), [{ prefix }])).figures.find((f) => f.startsWith('rule UploadTriggerRule')).match(/pattern ([\d,]+) characters/)[1].replace(/,/g, ''));
  const atBudget = 'm'.repeat(LIMITS.patternChars - lengthWith(''));
  assert.equal(lengthWith(atBudget), LIMITS.patternChars);
  assert.deepEqual(outside(judged(withPrefixRule(templateOf('dev'), [{ prefix: atBudget }])).findings, 'rule').map(formatFinding), []);
  assertFinding(withPrefixRule(templateOf('dev'), [{ prefix: `${atBudget}m` }]), /event pattern is 1,025 characters/);
});

test('every rule is checked, and a reference without an assumed longest value fails', () => {
  const template = withPrefixRule(templateOf('dev'));
  const rule = template.Resources[idOf(template, 'AWS::Events::Rule', 'UploadTriggerRule')];
  template.Resources.SecondRule = { ...structuredClone(rule), Properties: { ...structuredClone(rule.Properties), EventPattern: { detail: { key: [{ wildcard: 'a*' }] } } } };
  assert.ok(judged(template).findings.some((f) => f.subject === 'rule SecondRule' && /wildcard/.test(f.what)), show(judged(template).findings));
  assertFinding(withPrefixRule(templateOf('dev'), [{ prefix: { Ref: idOf(template, 'AWS::SQS::Queue') } }]), /Ref \w+ \(AWS::SQS::Queue\): no longest value assumed/);
});

test('one more copy of a failure\'s cause in the state exceeds 256 KiB', () => {
  assertFinding(editDefinition(templateOf('dev'), '"reason.$":"$.error.Cause"', '"reason.$":"$.error.Cause","again.$":"$.error.Cause"'), /can reach [\d,]+ bytes/);
});

test('the notifier\'s payload is bounded by the widest completion event and task token', () => {
  const figure = judged(templateOf('dev')).figures.find((f) => f.startsWith(NOTIFIER) && /worst state payload/.test(f));
  // The event's detail twice as JSON text (a 2,048-character failure reason of quotes) and a 2,048-character token.
  assert.match(figure, new RegExp(`the task input of "${stateNames.notifier.wakeWaitingExecution}" \\(TaskToken 2,050, Output [\\d,]+\\)`));
  // Thirty more copies of the detail as text pass 256 KiB: the bound follows the data.
  const copies = Array.from({ length: 30 }, (_, i) => `"c${i}.$":"States.JsonToString($.detail)"`).join(',');
  assertFinding(editDefinition(templateOf('dev'), '"Output.$":"States.JsonToString($.detail)"', `"Output.$":"States.JsonToString($.detail)",${copies}`, NOTIFIER), new RegExp(`task input of "${stateNames.notifier.wakeWaitingExecution}" can reach`));
});

test('a result the judge cannot bound fails instead of passing', () => {
  const unbound = (template, pattern) => assertFinding(template, new RegExp(`cannot bound the execution: ${pattern.source}`));
  unbound(editStates(templateOf('dev'), (s) => { s[stateNames.workflow.startTranscriptionJob].ResultPath = '$.written'; }), /no bound for what arn:\S+startTranscriptionJob returns into \$\.written/);
  unbound(editStates(templateOf('dev'), (s) => { s[stateNames.workflow.waitForJobToFinish].ResultPath = '$.woken'; }), /no bound for the callback output \S+ returns into \$\.woken/);
  unbound(editDefinition(templateOf('dev'), '"#jobName, #taskToken, #status"', '"#jobName, #taskToken, #status, failureReason"', NOTIFIER), /GetItem projects failureReason: no length bound/);
  unbound(editDefinition(templateOf('dev'), '"ProjectionExpression":"#jobName, #taskToken, #status",', '', NOTIFIER), /GetItem without a ProjectionExpression returns the whole item/);
});

test('an Express workflow whose timeout passes five minutes fails', () => {
  assertFinding(editDefinition(templateOf('dev'), '"TimeoutSeconds":60,', '"TimeoutSeconds":301,', NOTIFIER), /an Express execution stops after 300 s, not 301 s/);
});

test('the planner\'s cap on polls keeps the longest plan within the history; more retries make the check fail', () => {
  const longerPlan = templateOf('dev');
  const variables = longerPlan.Resources[idOf(longerPlan, 'AWS::Lambda::Function', 'JobPlannerFunction')].Properties.Environment.Variables;
  Object.assign(variables, { POLL_MIN_INTERVAL_SECONDS: '10', POLL_MAX_INTERVAL_SECONDS: '10', POLL_GIVE_UP_AFTER_SECONDS: String(80 * 3600) });
  // 28,800 polls asked for: the planner refuses a plan of more than MaxPolls (480), and 480 rounds fit 25,000 events.
  const { findings, figures } = judged(longerPlan, 'dev');
  assert.deepEqual(findings.filter((f) => /history events/.test(f.what)).map(formatFinding), []);
  assert.ok(figures.some((f) => /^WorkflowStateMachine\w+: longest execution [\d,]+ history events, 480 polls/.test(f)), figures.join('\n'));
  const pollAttempts = stateMachines(templateOf('dev')).find((m) => m.id.startsWith(WORKFLOW)).definition.States[stateNames.workflow.getTranscriptionJobStatus].Retry[0].MaxAttempts;
  // More retries of each poll, on a plan of a poll a minute (600 polls in 10 hours).
  const retried = editDefinition(templateOf('dev'), `"MaxAttempts":${pollAttempts},`, '"MaxAttempts":99,');
  Object.assign(retried.Resources[idOf(retried, 'AWS::Lambda::Function', 'JobPlannerFunction')].Properties.Environment.Variables, { POLL_MIN_INTERVAL_SECONDS: '60', POLL_MAX_INTERVAL_SECONDS: '60' });
  assertFinding(retried, /writes [\d,]+ history events/);
});

test('history events are counted per state type and attempt', () => {
  const lambda = 'arn:aws:lambda:us-east-1:123456789012:function:f';
  assert.deepEqual(['Pass', 'Wait', 'Choice', 'Succeed', 'Fail'].map((Type) => eventsOf({ Type })), [2, 2, 2, 2, 1]);
  assert.equal(eventsOf({ Type: 'Task', Resource: lambda }), 2 + 3);
  assert.equal(eventsOf({ Type: 'Task', Resource: lambda, Retry: [{ ErrorEquals: ['a'], MaxAttempts: 2 }, { ErrorEquals: ['b'] }] }), 2 + 3 * (1 + 2 + 3));
  assert.equal(eventsOf({ Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:transcribe:getTranscriptionJob', Retry: [{ ErrorEquals: ['a'], MaxAttempts: 0 }] }), 2 + 3);
  assert.equal(eventsOf({ Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2' }), 2 + 4);
  // Entered, Scheduled, Started, Submitted, Succeeded or TimedOut, Exited.
  assert.equal(eventsOf({ Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:dynamodb:updateItem.waitForTaskToken', TimeoutSecondsPath: '$.t' }), 6);
});

test('a loop goes round as often as its counter allows, and a loop without a recognised bound fails', () => {
  const definition = {
    StartAt: 'Check',
    States: {
      Check: { Type: 'Choice', Choices: [{ Variable: '$.c.n', NumericGreaterThanEqualsPath: '$.c.max', Next: 'Done' }, { Variable: '$.c.n', IsNumeric: true, Next: 'Count' }], Default: 'Done' },
      Count: { Type: 'Pass', ResultPath: '$.c', Parameters: { 'n.$': 'States.MathAdd($.c.n, 1)', 'max.$': '$.c.max' }, Next: 'Check' },
      Done: { Type: 'Succeed' },
    },
  };
  // Check runs 4 times (n = 0..3), Count 3 times, then Done; plus ExecutionStarted and the end.
  assert.deepEqual(longestExecution(definition, { c: { n: 0, max: 3 } }), { events: 2 + 4 * 2 + 3 * 2 + 2, polls: 4 });
  const staysFirst = structuredClone(definition);
  staysFirst.States.Check.Choices.reverse();
  assert.throws(() => longestExecution(staysFirst, { c: { n: 0, max: 3 } }), /no counter and bound this judge recognises/);
  const loopingDefault = structuredClone(definition);
  loopingDefault.States.Check.Default = 'Count';
  assert.throws(() => longestExecution(loopingDefault, { c: { n: 0, max: 3 } }), /unbounded/);
});

test('a round of the real polling loop counts the callback wait, its Catch through a Wait state, the poll and its retries', () => {
  const real = stateMachines(templateOf('dev')).find((m) => m.id.startsWith(WORKFLOW)).definition;
  const polls = (laterPolls) => longestExecution(real, { job: { polling: { laterPolls, laterPollsMade: 0 } } });
  assert.equal(polls(9).polls, 10);
  // The longest round: the wait times out into the plain wait, the poll spends every retry and stays
  // throttled (noted, then checked as still running).
  const round = [stateNames.workflow.waitForJobToFinish, stateNames.workflow.waitBeforePolling, stateNames.workflow.getTranscriptionJobStatus, stateNames.workflow.noteThatPollWasThrottled, stateNames.workflow.checkJobStatus, stateNames.workflow.scheduleNextPoll];
  const pollAttempts = real.States[stateNames.workflow.getTranscriptionJobStatus].Retry[0].MaxAttempts;
  // The wait's UpdateItem retries DynamoDB throttling: each attempt is Scheduled, Started, Submitted, then an outcome.
  const waitAttempts = real.States[stateNames.workflow.waitForJobToFinish].Retry?.[0]?.MaxAttempts ?? 0;
  assert.equal(polls(10).events - polls(9).events, round.reduce((n, s) => n + eventsOf(real.States[s]), 0));
  assert.equal(polls(10).events - polls(9).events, (2 + 4 * (1 + waitAttempts)) + 2 + (2 + 3 * (1 + pollAttempts)) + 2 + 2 + 2);
});

test('the polling bound is the C# pacing\'s (PollPacing.MostPolls, at most MaxPolls), and the widest plan holds that many waits', () => {
  const dev = pollingBounds(pacingSettings(plannerEnvironment(templateOf('dev'))));
  assert.deepEqual({ ...dev, mostPolls: undefined, polls: undefined }, { minIntervalSeconds: 60, maxIntervalSeconds: 240, givesUpAfterSeconds: 36_000, jobSecondsPerAudioSecond: 0.5, mostPolls: undefined, maxPolls: 480, polls: undefined });
  assert.equal(dev.polls, dev.mostPolls);
  // The backstop: 240 s, then 240 s shortened by up to a tenth (216 s) until 10 h.
  assert.equal(dev.mostPolls, 1 + Math.ceil((36_000 - 240) / 216));
  const plan = widestPlan(dev);
  assert.equal(plan.laterWaitSeconds.length, dev.polls - 1);
  assert.equal(plan.laterPolls, dev.polls - 1);
  // Above MaxPolls the planner refuses the plan: the bound is MaxPolls; invalid settings are refused as the planner refuses them.
  assert.deepEqual(pollingBounds({ minIntervalSeconds: 1, maxIntervalSeconds: 1, givesUpAfterSeconds: 5000, jobSecondsPerAudioSecond: 1 }).polls, 480);
  assert.throws(() => pollingBounds({ minIntervalSeconds: 0, maxIntervalSeconds: 1, givesUpAfterSeconds: 5000, jobSecondsPerAudioSecond: 1 }), /rejects .*ArgumentOutOfRangeException/);
});

/** Every field's path and JSON type; an array by its first item. */
const shape = (value, at = '$') => (Array.isArray(value) ? [`${at}: array`, ...(value.length ? shape(value[0], `${at}[]`) : [])]
  : value !== null && typeof value === 'object' ? [`${at}: object`, ...Object.entries(value).flatMap(([k, v]) => shape(v, `${at}.${k}`))] : [`${at}: ${value === null ? 'null' : typeof value}`]).sort();

test('the widest JobPlan and SkippedUpload have the fields and types of the real planner\'s answers', () => {
  const environment = plannerEnvironment(templateOf('dev'));
  const upload = (key) => ({ detail: { bucket: { name: 'raw' }, object: { key, size: 480_000, etag: 'abc', 'version-id': 'v1' } } });
  const request = (key) => ({ handler: 'JobPlanner', payload: { executionName: 'talk-0123456789abcdef', upload: upload(key) } });
  const [planned, skipped] = askLocalInvoke([request('media/talk.mp3'), request('media/notes.txt')], environment);
  assert.ok(planned.ok && skipped.ok, JSON.stringify([planned, skipped]));
  const event = maximalEvent();
  assert.deepEqual(shape(jobPlan(event, environment, widestPlan(pollingBounds(pacingSettings(environment))))), shape(planned.result));
  assert.deepEqual(shape(skippedUpload(event)), shape(skipped.result));
});

// What payload.mjs still copies from the C# (the post-processor's answer and the job-name limit, which no local
// tool answers; the planner's answers are compared above), wherever in functions/ or contracts/ it lives.
const MIRRORED = [/public const int MaxJobNameLength = [^;]+;/, /public sealed record PostProcessResult\([^;]*\);/, /PropertyNamingPolicy = [^,]+,\s*DefaultIgnoreCondition = [^,]+,/];
const MIRRORED_FINGERPRINT = '246492be7ed54146';

test('the C# that payload.mjs copies is unchanged', () => {
  const sources = ['functions', 'contracts'].map((d) => join(ROOT, d)).filter(existsSync).flatMap(function files(dir) {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (['bin', 'obj'].includes(e.name) ? [] : files(join(dir, e.name))) : e.name.endsWith('.cs') ? [readFileSync(join(dir, e.name), 'utf8')] : []));
  });
  const snippets = MIRRORED.map((pattern) => sources.map((s) => s.match(pattern)?.[0]).find(Boolean) ?? assert.fail(`no C# matches ${pattern}: update payload.mjs and MIRRORED`));
  const fingerprint = createHash('sha256').update(snippets.map((s) => s.replace(/\s+/g, ' ')).join('\n')).digest('hex').slice(0, 16);
  assert.equal(fingerprint, MIRRORED_FINGERPRINT, `the C# payload.mjs copies changed:\n${snippets.join('\n\n')}\nUpdate payload.mjs (the post-processor's result, the job-name bound), then MIRRORED_FINGERPRINT.`);
});

test('an oversized definition fails', () => {
  assertFinding(editDefinition(templateOf('dev'), '"Comment":"TranscribeStack (dev)', `"Comment":"${'x'.repeat(LIMITS.definitionBytes)}TranscribeStack (dev)`), /the rendered definition is [\d,]+ bytes/);
});
