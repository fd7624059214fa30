// Judges the synthesized templates against hard limits of EventBridge and Step Functions that no synth or
// unit test notices before a deployment, or an unlucky execution, hits them:
//   1. every EventBridge rule's pattern: no wildcard, no prefix+suffix object, at most LIMITS.patternChars
//      characters with every reference at its longest value;
//   2. the largest state payload the pipeline can produce, against 256 KiB (payload.mjs);
//   3. the longest possible execution, in history events, against 25,000 (an Express workflow: its timeout,
//      against five minutes), the polling loop bounded by the real C# pacing (pacing.mjs);
//   4. every rendered definition, against 1 MB.
//
//   node tests/judges/limits.mjs [cdk.out]     figures, then findings one a line; exit 1 on any, 2 when a template is missing
//
// Limits: https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html ("Maximum input or output size
// for a task, state, or execution: 256 KiB of data as a UTF-8 encoded string"; "Maximum execution history size:
// 25,000 events"; "Maximum size of a state machine definition: 1 MB"). EventBridge allows 2,048 characters a
// pattern (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html, "Event pattern size"):
// patternChars is this project's budget, half of that, so that a rule can still grow.
import { Buffer } from 'node:buffer';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { HistoryEventType } from '@aws-sdk/client-sfn';
import { ENVIRONMENTS, ROOT, loadTemplate } from '../../testkit/templates.mjs';
import { plannerEnvironment } from '../../testkit/workflow.mjs';
import { placeResult as place, readPath as read, stateMachines } from './dataflow.mjs';
import { pacingSettings, pollingBounds } from './pacing.mjs';
import { LONGEST, PSEUDO, bytes, inputsOf, jobPlan, plannerInput, plannerState, results, skippedUpload, widestInput, widestPlan, worstPayload } from './payload.mjs';
import { taskTarget } from './sdk-models.mjs';

export const LIMITS = { payloadBytes: 262_144, historyEvents: 25_000, definitionBytes: 1_048_576, patternChars: 1_024, expressSeconds: 300 };

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const figure = (n) => n.toLocaleString('en-US');
const fail = (message) => { throw new Error(message); };

// Check 1 takes the longest values of references from payload.mjs (LONGEST, PSEUDO): a reference to anything
// else is a finding until its longest value is added there.
function longest(node, template, unknown) {
  if (Array.isArray(node)) return node.map((n) => longest(n, template, unknown));
  if (!isObject(node)) return node;
  const [key, ...more] = Object.keys(node);
  const type = (id) => template.Resources[id]?.Type;
  if (more.length || !(key === 'Ref' || key?.startsWith('Fn::'))) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, longest(v, template, unknown)]));
  const arg = node[key];
  if (key === 'Ref') return PSEUDO[arg] ?? LONGEST[type(arg)]?.ref ?? unknown(`Ref ${arg} (${type(arg)})`);
  if (key === 'Fn::Join') return arg[1].map((part) => longest(part, template, unknown)).join(arg[0]);
  const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split(/\.(.*)/s);
  return key === 'Fn::GetAtt' ? LONGEST[type(id)]?.[attribute] ?? unknown(`Fn::GetAtt ${id}.${attribute} (${type(id)})`) : unknown(key);
}

/** Check 1, for every rule of the template: the upload and completion rules today. */
export function judgeRules(template, add, figures) {
  for (const [id, rule] of Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Events::Rule' && r.Properties?.EventPattern)) {
    const subject = `rule ${id}`;
    const pattern = typeof rule.Properties.EventPattern === 'string' ? JSON.parse(rule.Properties.EventPattern) : rule.Properties.EventPattern;
    const wildcards = [];
    (function walk(node, at) {
      if (Array.isArray(node)) return node.forEach((n) => walk(n, at));
      if (!isObject(node)) return;
      if ('wildcard' in node) wildcards.push(at);
      // EventBridge's matchers take one operator an object (eb-create-pattern-operators.html): both would not mean "and".
      if ('prefix' in node && 'suffix' in node) add(subject, `${at}: one matcher object holds both prefix and suffix`, 'one of prefix or suffix a matcher object');
      Object.entries(node).forEach(([k, v]) => walk(v, `${at}.${k}`));
    })(pattern, '$');
    if (wildcards.length) add(subject, `${wildcards.length} wildcard matchers (${[...new Set(wildcards)].join(', ')})`, 'no wildcard: the rule\'s complexity must stay 0');
    const text = JSON.stringify(longest(pattern, template, (what) => (add(subject, `${what}: no longest value assumed`, `references to ${Object.keys(LONGEST).join(', ')}`), '')));
    figures.push(`${subject}: ${wildcards.length} wildcards, pattern ${figure(text.length)} characters at the longest (budget ${figure(LIMITS.patternChars)})`);
    if (text.length > LIMITS.patternChars) add(subject, `event pattern is ${figure(text.length)} characters with every reference at its longest`, `at most ${figure(LIMITS.patternChars)}`);
  }
}

// Check 3: history events along the longest path, by Step Functions' HistoryEventType names (checked against
// @aws-sdk/client-sfn's model). Every attempt of a Task repeats its attempt events, ended by one outcome event:
// ...Succeeded, ...Failed, or for a task with a timeout TaskTimedOut. A .sync or .waitForTaskToken task writes
// TaskSubmitted once the call returned, then waits for the job or the callback: TaskStateEntered, TaskScheduled,
// TaskStarted, TaskSubmitted, TaskSucceeded or TaskTimedOut (or TaskFailed), TaskStateExited. A caught error
// still exits the state (TaskStateExited) before its Catch's next state, a Wait state for instance, is entered.
// Only Standard workflows have an execution history (and its 25,000-event quota); an Express workflow runs at
// most five minutes (service-quotas.html, "Maximum execution duration"), checked against its TimeoutSeconds.
const EVENTS = {
  Pass: ['PassStateEntered', 'PassStateExited'], Wait: ['WaitStateEntered', 'WaitStateExited'], Choice: ['ChoiceStateEntered', 'ChoiceStateExited'],
  Succeed: ['SucceedStateEntered', 'SucceedStateExited'], Fail: ['FailStateEntered'], Task: ['TaskStateEntered', 'TaskStateExited'],
  lambdaAttempt: ['LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded'], taskAttempt: ['TaskScheduled', 'TaskStarted', 'TaskSucceeded'],
  waitingAttempt: ['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded'], execution: ['ExecutionStarted', 'ExecutionFailed'],
  // A Distributed Map writes its run's start and end in the parent's history; its children have histories of their own.
  distributedMap: ['MapStateEntered', 'MapRunStarted', 'MapRunSucceeded', 'MapStateExited'],
  // Each ends an attempt in place of ...Succeeded: the count is the same.
  outcomes: ['LambdaFunctionFailed', 'LambdaFunctionTimedOut', 'TaskFailed', 'TaskTimedOut'],
};
for (const type of Object.values(EVENTS).flat()) if (!Object.values(HistoryEventType).includes(type)) fail(`${type} is not a HistoryEventType of Step Functions`);

export function eventsOf(state) {
  if (state.Type === 'Map' && state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED') return EVENTS.distributedMap.length;
  if (state.Type !== 'Task') return (EVENTS[state.Type] ?? fail(`${state.Type} states are not counted`)).length;
  const target = taskTarget(state.Resource);
  const attempt = (target.kind === 'lambda-function' ? EVENTS.lambdaAttempt : target.pattern ? EVENTS.waitingAttempt : EVENTS.taskAttempt).length;
  // Every retrier counts its own attempts (states-language.net, "Retrying after error"): at worst all are spent.
  return EVENTS.Task.length + attempt * (1 + (state.Retry ?? []).reduce((n, r) => n + (r.MaxAttempts ?? 3), 0));
}

const successors = (s) => [s.Next, ...(s.Catch ?? []).map((c) => c.Next), ...(s.Choices ?? []).map((c) => c.Next), s.Default].filter(Boolean);

/** How often a loop can go round: a Pass counting with States.MathAdd, a Choice leaving on a bound read from `data`. */
function rounds(loop, states, data) {
  const counters = loop.flatMap((name) => Object.entries(states[name].Type === 'Pass' ? states[name].Parameters ?? {} : {}).map(([key, value]) => {
    const m = typeof value === 'string' && value.match(/^States\.MathAdd\((\$[^,\s]+),\s*(\d+)\)$/);
    return m && `${states[name].ResultPath}.${key.slice(0, -2)}` === m[1] && { state: name, path: m[1], step: Number(m[2]) };
  })).filter(Boolean);
  for (const counter of counters) {
    for (const name of loop.filter((n) => states[n].Type === 'Choice' && !loop.includes(states[n].Default))) {
      for (const [i, rule] of states[name].Choices.entries()) {
        const conditions = rule.And ?? [rule];
        const bound = conditions.find((c) => c.Variable === counter.path && ('NumericGreaterThanEqualsPath' in c || 'NumericGreaterThanEquals' in c));
        const others = conditions.filter((c) => c !== bound);
        // It leaves the loop ahead of every rule that stays, asking what they ask plus the bound.
        const asks = (r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'Next'));
        const exits = bound && !loop.includes(rule.Next) && states[name].Choices.every((r, j) => !loop.includes(r.Next)
          || (j > i && (others.length === 0 || (others.length === 1 && isDeepStrictEqual(others[0], asks(r))))));
        if (!exits) continue;
        const limit = 'NumericGreaterThanEqualsPath' in bound ? read(data, bound.NumericGreaterThanEqualsPath, {}) : bound.NumericGreaterThanEquals;
        return { counter: counter.state, rounds: Math.max(0, Math.ceil((limit - (read(data, counter.path, {}) ?? 0)) / counter.step)) };
      }
    }
  }
  return null;
}

export function longestExecution(definition, data) {
  const states = definition.States;
  const reach = (from, seen = new Set()) => successors(states[from]).reduce((s, w) => (s.has(w) ? s : reach(w, s.add(w))), seen);
  const reaches = new Map(Object.keys(states).map((n) => [n, reach(n)]));
  // A loop is a set of states that reach each other: counted as one step of a path through a DAG.
  const groupOf = (v) => Object.keys(states).filter((w) => w === v || (reaches.get(v).has(w) && reaches.get(w).has(v))).sort().join('\n');
  let polls = 1;
  const memo = new Map();
  const longestFrom = (key) => {
    if (memo.has(key)) return memo.get(key);
    const group = key.split('\n');
    let cost = eventsOf(states[group[0]]);
    if (group.length > 1 || successors(states[group[0]]).includes(group[0])) {
      const loop = rounds(group, states, data) ?? fail(`the loop through "${group.join('", "')}" has no counter and bound this judge recognises: its history is unbounded`);
      polls = Math.max(polls, loop.rounds + 1);
      // The counting state runs once a round, the others once more: in the round that leaves. Every state of the
      // loop counts in every round, a detour (a Catch through a Wait state) included: a bound, reached when the
      // detour is taken every round.
      cost = group.reduce((n, s) => n + eventsOf(states[s]) * (s === loop.counter ? loop.rounds : loop.rounds + 1), 0);
    }
    const after = group.flatMap((s) => successors(states[s])).map(groupOf).filter((g) => g !== key);
    return memo.set(key, cost + Math.max(0, ...after.map(longestFrom))).get(key);
  };
  const events = EVENTS.execution.length + longestFrom(groupOf(definition.StartAt));
  return { events, polls };
}

/** Findings { environment, subject, what, allowed } and the figures to print, for one environment's template. */
export function judgeLimits(template, environment) {
  const [findings, figures] = [[], []];
  const add = (subject, what, allowed) => findings.push({ environment, subject, what, allowed });
  const report = (subject, value, limit, figured, what) => {
    figures.push(`${subject}: ${figured} (limit ${figure(limit)})`);
    if (value > limit) add(subject, what, `at most ${figure(limit)}`);
  };
  // A definition the judge cannot follow is a finding, never a pass.
  const attempt = (subject, check) => { try { check(); } catch (e) { add(subject, `cannot bound the execution: ${e.message}`, 'a definition whose states, paths and results this judge models'); } };
  judgeRules(template, add, figures);
  for (const { id, type, text, definition } of stateMachines(template)) {
    const size = Buffer.byteLength(text, 'utf8');
    report(id, size, LIMITS.definitionBytes, `definition ${figure(size)} bytes`, `the rendered definition is ${figure(size)} bytes`);
    const planner = plannerState(template, definition);
    // The planner's polling plan, at its widest and longest, from the real C# pacing of the template's settings.
    const pacing = () => pollingBounds(pacingSettings(plannerEnvironment(template)));
    attempt(id, () => {
      // The planner's answers are judged apart (an execution gets one); a definition without a Choice on a
      // SkippedUpload predates it: its planner threw instead. Every way the state machine is started is judged
      // (the admitter: a doorbell object, a slot to free, nothing); a planner asked only to name an execution
      // (the admitter's) plans no job.
      const skips = planner && Object.values(definition.States).some((s) => JSON.stringify(s.Choices ?? []).includes(`"${planner.ResultPath}.skipped"`));
      const plans = planner && !JSON.stringify(planner.Parameters ?? {}).includes('executionNameOf');
      const worst = inputsOf(template, id).flatMap((event) => {
        const upload = plannerInput(event);
        const answers = plans ? [jobPlan(upload, plannerEnvironment(template), widestPlan(pacing())), ...(skips ? [skippedUpload(upload)] : [])] : [undefined];
        return answers.map((answer) => worstPayload(definition, results(template, answer), event));
      }).reduce((a, b) => (b.bytes > a.bytes ? b : a));
      const parts = Object.entries(isObject(worst.value) ? worst.value : {}).filter(([, v]) => bytes(v) >= 1024).map(([k, v]) => `${k} ${figure(bytes(v))}`).join(', ');
      report(id, worst.bytes, LIMITS.payloadBytes, `worst state payload ${figure(worst.bytes)} bytes, the ${worst.what} (${parts})`, `the ${worst.what} can reach ${figure(worst.bytes)} bytes (${parts})`);
    });
    if (type === 'EXPRESS') {
      const seconds = definition.TimeoutSeconds ?? LIMITS.expressSeconds;
      report(id, seconds, LIMITS.expressSeconds, `Express: no execution history, times out after ${figure(seconds)} s`, `an Express execution stops after ${figure(LIMITS.expressSeconds)} s, not ${figure(seconds)} s`);
      continue;
    }
    attempt(id, () => {
      // The loop's bound travels in the planner's answer: the plan with the most polls, where the planner's task puts it.
      const event = widestInput(template, id);
      const data = planner ? place(event, planner.ResultPath, jobPlan(plannerInput(event), plannerEnvironment(template), widestPlan(pacing()))) : event;
      const { events, polls } = longestExecution(definition, data);
      report(id, events, LIMITS.historyEvents, `longest execution ${figure(events)} history events, ${figure(polls)} polls`,
        `the longest execution (every retry spent, ${figure(polls)} polls, the failure branch) writes ${figure(events)} history events`);
      // A Distributed Map's children: executions of their own, each with its own history.
      for (const [name, map] of Object.entries(definition.States).filter(([, st]) => st.Type === 'Map' && st.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED')) {
        const child = longestExecution(map.ItemProcessor, data);
        report(`${id} / ${name}`, child.events, LIMITS.historyEvents, `longest child execution ${figure(child.events)} history events`,
          `the longest child execution (every retry spent) writes ${figure(child.events)} history events`);
      }
    });
  }
  return { findings, figures };
}

export const formatFinding = (f) => `${f.environment} | ${f.subject} | ${f.what} | allowed: ${f.allowed}`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cdkOut = resolve(process.argv[2] ?? join(ROOT, 'cdk.out'));
  try {
    const findings = ENVIRONMENTS.flatMap((environment) => {
      const judged = judgeLimits(loadTemplate(environment, { cdkOut }), environment);
      judged.figures.forEach((f) => console.log(`${environment}: ${f}`));
      return judged.findings;
    });
    findings.forEach((f) => console.log(formatFinding(f)));
    process.exitCode = findings.length ? 1 : 0;
  } catch (e) {
    console.error(e.message); // a missing template
    process.exitCode = 2;
  }
}
