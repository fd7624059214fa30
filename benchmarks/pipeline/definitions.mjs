// Variants of the synthesized definition that the benchmarks compare it with. Each replaces the wait
// for the job's completion event ("Wait for the job to finish", a callback task bounded by the plan's
// wait) with the plain Wait state the definition already has, so no event can end a wait early.
import stateNames from '../../contracts/state-names.json' with { type: 'json' };

const WAIT_FOR_JOB = stateNames.workflow.waitForJobToFinish;
const WAIT = stateNames.workflow.waitBeforePolling;
const CHECK = stateNames.workflow.checkJobStatus;
const NEXT_POLL = stateNames.workflow.scheduleNextPoll;
const GIVE_UP = stateNames.workflow.describeJobThatDidNotFinish;

/**
 * The previous design (before completion events): wait the plan's current wait, poll, and while the
 * job runs take the plan's next wait; every other state as synthesized.
 */
export function pacedPollLoop(definition) {
  const copy = withoutEventWait(definition);
  // The plain wait took the plan's current wait then (now it is the short wait after a failed token store).
  const { Seconds, ...wait } = copy.States[WAIT];
  copy.States[WAIT] = { ...wait, SecondsPath: '$.job.polling.waitSeconds', Comment: 'The plan\'s current wait (previous design).' };
  return withoutUnreachable(copy);
}

/**
 * The tutorial's loop in the synthesized state machine: wait a fixed number of seconds, get the
 * status, check it, and wait again while the job runs (no pacing, no give-up); every other state as
 * synthesized.
 */
export function fixedPollLoop(definition, seconds) {
  const copy = withoutEventWait(definition);
  const states = copy.States;
  for (const name of [CHECK, NEXT_POLL, GIVE_UP]) if (!states[name]) throw new Error(`the definition has no state '${name}'`);
  const { SecondsPath, Seconds, ...wait } = states[WAIT];
  states[WAIT] = { ...wait, Seconds: seconds, Comment: `Fixed ${seconds}-second poll loop (benchmark baseline).` };
  states[CHECK].Choices = states[CHECK].Choices
    .filter((choice) => choice.Next !== GIVE_UP)
    .map((choice) => (choice.Next === NEXT_POLL ? { ...choice, Next: WAIT } : choice));
  return withoutUnreachable(copy);
}

/** A copy in which every transition to the wait for the event goes to the plain Wait state instead. */
function withoutEventWait(definition) {
  const copy = structuredClone(definition);
  for (const name of [WAIT_FOR_JOB, WAIT]) if (!copy.States[name]) throw new Error(`the definition has no state '${name}'`);
  for (const state of Object.values(copy.States)) {
    if (state.Next === WAIT_FOR_JOB) state.Next = WAIT;
    for (const choice of state.Choices ?? []) if (choice.Next === WAIT_FOR_JOB) choice.Next = WAIT;
    for (const handler of state.Catch ?? []) if (handler.Next === WAIT_FOR_JOB) handler.Next = WAIT;
  }
  return copy;
}

function withoutUnreachable(definition) {
  const seen = new Set();
  const visit = (name) => {
    if (!name || seen.has(name)) return;
    seen.add(name);
    const state = definition.States[name];
    [state.Next, state.Default, ...(state.Choices ?? []).map((c) => c.Next), ...(state.Catch ?? []).map((c) => c.Next)].forEach(visit);
  };
  visit(definition.StartAt);
  for (const name of Object.keys(definition.States)) if (!seen.has(name)) delete definition.States[name];
  return definition;
}
