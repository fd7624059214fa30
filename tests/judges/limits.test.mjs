// Self-tests of the limits judge (limits.mjs): every check must fail on an injected violation and pass a
// template within the limits, or a green judge proves nothing. Templates come from $JUDGE_CDK_OUT (default
// cdk.out), <env>/TranscribeStack-<env>.template.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ENVIRONMENTS, ROOT, loadTemplate } from '../support/templates.mjs';
import { stateMachines } from './asl.mjs';
import { LIMITS, eventsOf, formatFinding, judgeLimits, longestExecution, pollingPlans, waits } from './limits.mjs';

const cdkOut = resolve(process.env.JUDGE_CDK_OUT ?? join(ROOT, 'cdk.out'));
const templates = new Map();
const templateOf = (environment) => {
  if (!templates.has(environment)) templates.set(environment, loadTemplate(environment, { cdkOut }));
  return structuredClone(templates.get(environment));
};
const idOf = (template, type) => Object.keys(template.Resources).find((id) => template.Resources[id].Type === type);
const judged = (template, environment = 'dev') => judgeLimits(template, environment);
const show = (findings) => findings.map(formatFinding).join('\n') || '(none)';

function assertFinding(template, pattern) {
  const { findings } = judged(template);
  assert.ok(findings.some((f) => pattern.test(f.what) && f.allowed), `expected a finding matching ${pattern}; got:\n${show(findings)}`);
}

/** The upload rule matching the media prefix alone, without wildcards (what the CDK fix does). */
function withPrefixRule(template, key = [{ prefix: 'media/' }]) {
  template.Resources[idOf(template, 'AWS::Events::Rule')].Properties.EventPattern.detail.object.key = key;
  return template;
}

/** The state machine's DefinitionString (a string or the parts of an Fn::Join) with `from` replaced everywhere. */
function editDefinition(template, from, to) {
  const properties = template.Resources[idOf(template, 'AWS::StepFunctions::StateMachine')].Properties;
  const join = properties.DefinitionString['Fn::Join'];
  const parts = join ? join[1] : [properties.DefinitionString];
  assert.ok(parts.some((p) => typeof p === 'string' && p.includes(from)), `the definition has no ${from}`);
  const edited = parts.map((p) => (typeof p === 'string' ? p.replaceAll(from, to) : p));
  if (join) join[1] = edited;
  else properties.DefinitionString = edited[0];
  return template;
}

const outside = (findings, kind) => findings.filter((f) => (kind === 'rule') === f.subject.startsWith('rule '));

test('the payload and definition checks pass the real templates, and print their figures', () => {
  for (const environment of ENVIRONMENTS) {
    const { findings, figures } = judged(templateOf(environment), environment);
    assert.deepEqual(outside(findings, 'state machine').filter((f) => !/history events/.test(f.what)).map(formatFinding), [], environment);
    for (const what of [/definition [\d,]+ bytes/, /worst state payload [\d,]+ bytes/, /longest execution [\d,]+ history events/, /pattern [\d,]+ characters/]) {
      assert.ok(figures.some((f) => what.test(f)), `${environment}: no figure ${what}`);
    }
  }
});

test('the history check passes the real dev and staging templates', () => {
  for (const environment of ['dev', 'staging']) assert.deepEqual(outside(judged(templateOf(environment), environment).findings, 'state machine').map(formatFinding), [], environment);
});

test('the rule check passes a rule without wildcards, counting the bucket reference at 63 characters', () => {
  const { findings, figures } = judged(withPrefixRule(templateOf('dev')));
  assert.deepEqual(outside(findings, 'rule').map(formatFinding), []);
  const pattern = templateOf('dev').Resources[idOf(templateOf('dev'), 'AWS::Events::Rule')].Properties.EventPattern;
  const longest = JSON.stringify({ ...pattern, detail: { bucket: { name: ['b'.repeat(63)] }, object: { key: [{ prefix: 'media/' }] } } });
  assert.ok(figures.some((f) => f.includes(`pattern ${longest.length} characters`)), figures.join('\n'));
});

test('a wildcard fails the rule check, and so do prefix and suffix in one matcher object', () => {
  assertFinding(withPrefixRule(templateOf('dev'), [{ prefix: 'media/' }, { wildcard: 'media/*.mp3' }]), /^1 wildcard matchers \(\$\.detail\.object\.key\)/);
  assertFinding(withPrefixRule(templateOf('dev'), [{ prefix: 'media/', suffix: '.mp3' }]), /one matcher object holds both prefix and suffix/);
});

test('a pattern over the budget fails, one at the budget passes', () => {
  const lengthWith = (prefix) => Number(judged(withPrefixRule(templateOf('dev'), [{ prefix }])).figures.find((f) => f.startsWith('rule ')).match(/pattern ([\d,]+) characters/)[1].replace(/,/g, ''));
  const atBudget = 'm'.repeat(LIMITS.patternChars - lengthWith(''));
  assert.equal(lengthWith(atBudget), LIMITS.patternChars);
  assert.deepEqual(outside(judged(withPrefixRule(templateOf('dev'), [{ prefix: atBudget }])).findings, 'rule').map(formatFinding), []);
  assertFinding(withPrefixRule(templateOf('dev'), [{ prefix: `${atBudget}m` }]), /event pattern is 1,025 characters/);
});

test('every rule is checked, and a reference without an assumed longest value fails', () => {
  const template = withPrefixRule(templateOf('dev'));
  const rule = template.Resources[idOf(template, 'AWS::Events::Rule')];
  template.Resources.SecondRule = { ...structuredClone(rule), Properties: { ...structuredClone(rule.Properties), EventPattern: { detail: { key: [{ wildcard: 'a*' }] } } } };
  assert.ok(judged(template).findings.some((f) => f.subject === 'rule SecondRule' && /wildcard/.test(f.what)), show(judged(template).findings));
  assertFinding(withPrefixRule(templateOf('dev'), [{ prefix: { Ref: idOf(template, 'AWS::SQS::Queue') } }]), /Ref \w+ \(AWS::SQS::Queue\): no longest value assumed/);
});

test('one more copy of a failure\'s cause in the state exceeds 256 KiB', () => {
  assertFinding(editDefinition(templateOf('dev'), '"reason.$":"$.error.Cause"', '"reason.$":"$.error.Cause","again.$":"$.error.Cause"'), /can reach [\d,]+ bytes/);
});

test('a result the judge cannot bound fails instead of passing', () => {
  assertFinding(editDefinition(templateOf('dev'), '"ResultPath":null,"Resource":"arn:', '"ResultPath":"$.written","Resource":"arn:'),
    /cannot bound the execution: no bound for what arn:\S+ returns into \$\.written/);
});

test('a longer polling plan or more retries make the history check fail', () => {
  const planner = (template) => template.Resources[Object.keys(template.Resources).find((id) => id.startsWith('JobPlannerFunction'))].Properties.Environment.Variables;
  const longerPlan = templateOf('dev');
  planner(longerPlan).POLL_GIVE_UP_AFTER_SECONDS = String(80 * 3600);
  assertFinding(longerPlan, /the longest execution \(every retry spent, 9\d\d polls, the failure branch\) writes [\d,]+ history events/);
  assertFinding(editDefinition(templateOf('dev'), '"MaxAttempts":8,', '"MaxAttempts":99,'), /writes [\d,]+ history events/);
});

test('history events are counted per state type and attempt', () => {
  const lambda = 'arn:aws:lambda:us-east-1:123456789012:function:f';
  assert.deepEqual(['Pass', 'Wait', 'Choice', 'Succeed', 'Fail'].map((Type) => eventsOf({ Type })), [2, 2, 2, 2, 1]);
  assert.equal(eventsOf({ Type: 'Task', Resource: lambda }), 2 + 3);
  assert.equal(eventsOf({ Type: 'Task', Resource: lambda, Retry: [{ ErrorEquals: ['a'], MaxAttempts: 2 }, { ErrorEquals: ['b'] }] }), 2 + 3 * (1 + 2 + 3));
  assert.equal(eventsOf({ Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:transcribe:getTranscriptionJob', Retry: [{ ErrorEquals: ['a'], MaxAttempts: 0 }] }), 2 + 3);
  assert.equal(eventsOf({ Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2' }), 2 + 4);
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
  // The real polling loop is bounded by the plan's laterPolls.
  const real = stateMachines(templateOf('dev'))[0].definition;
  assert.equal(longestExecution(real, { job: { polling: { laterPolls: 9, laterPollsMade: 0 } } }).polls, 10);
});

test('an oversized definition fails', () => {
  assertFinding(editDefinition(templateOf('dev'), '"Comment":"TranscribeStack (dev)', `"Comment":"${'x'.repeat(LIMITS.definitionBytes)}TranscribeStack (dev)`), /the rendered definition is [\d,]+ bytes/);
});

test('the polling plans are the C# planner\'s: its tests\' figures (10-300 s, 36,000 s)', () => {
  const pacing = { min: 10, max: 300, givesUpAfter: 36_000 };
  assert.deepEqual([60, 150, 271, 1, 9, 273, 301, 14_400].map((s) => waits(pacing, s)[0]), [66, 165, 299, 10, 10, 300, 300, 300]);
  for (const s of [1, 299, 14_400, 200_000]) assert.equal(waits(pacing, s).reduce((a, b) => a + b), 36_000);
  assert.equal(waits(pacing, 14_400)[1], 40);
  const plans = pollingPlans({ POLL_MIN_INTERVAL_SECONDS: '10', POLL_MAX_INTERVAL_SECONDS: '300', POLL_GIVE_UP_AFTER_SECONDS: '36000' });
  assert.equal(Math.max(...plans.map((p) => p.laterPolls)), waits(pacing, 1).length - 1);
  assert.throws(() => pollingPlans({ POLL_MIN_INTERVAL_SECONDS: '1', POLL_MAX_INTERVAL_SECONDS: '1', POLL_GIVE_UP_AFTER_SECONDS: '5000' }), /more than 1000 polls/);
});

// What limits.mjs copies from the C# (the pacing, the planner's and post-processor's answers, their JSON naming),
// wherever in functions/ or contracts/ it lives. A change there must be made in limits.mjs too, then pinned here.
const MIRRORED = [
  /public const double GrowthFraction = [^;]+;/, /public const int MaxPolls = [^;]+;/, /private List<int> Waits\([\s\S]*?\n {4}\}/,
  /public sealed record PollingPlan\([\s\S]*?\);/, /public sealed record JobPlan\([\s\S]*?\);/, /public sealed record UploadSkip\([^;]*\);/,
  /public sealed record SkippedUpload\([^;]*\);/, /public const int MaxJobNameLength = [^;]+;/, /public sealed record PostProcessResult\([^;]*\);/,
  /PropertyNamingPolicy = [^,]+,\s*DefaultIgnoreCondition = [^,]+,/,
];
const MIRRORED_FINGERPRINT = '54534cabdfe6b644';

test('the C# that limits.mjs copies is unchanged', () => {
  const sources = ['functions', 'contracts'].map((d) => join(ROOT, d)).filter(existsSync).flatMap(function files(dir) {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (['bin', 'obj'].includes(e.name) ? [] : files(join(dir, e.name))) : e.name.endsWith('.cs') ? [readFileSync(join(dir, e.name), 'utf8')] : []));
  });
  const snippets = MIRRORED.map((pattern) => sources.map((s) => s.match(pattern)?.[0]).find(Boolean) ?? assert.fail(`no C# matches ${pattern}: update limits.mjs and MIRRORED`));
  const fingerprint = createHash('sha256').update(snippets.map((s) => s.replace(/\s+/g, ' ')).join('\n')).digest('hex').slice(0, 16);
  assert.equal(fingerprint, MIRRORED_FINGERPRINT, `the C# limits.mjs copies changed:\n${snippets.join('\n\n')}\nUpdate limits.mjs (waits, pollingPlans, jobPlan, skippedUpload, the post-processor's result), then MIRRORED_FINGERPRINT.`);
});
