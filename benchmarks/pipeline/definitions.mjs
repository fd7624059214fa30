// Variants of the synthesized definition that the benchmarks compare it with.

const WAIT = 'Wait before polling';
const CHECK = 'Check the job status';
const NEXT_POLL = 'Schedule the next poll';
const GIVE_UP = 'Describe the job that did not finish';

/**
 * The tutorial's loop in the synthesized state machine: Wait a fixed number of seconds, get the
 * status, check it, and wait again while the job runs (no pacing, no give-up); every other state as
 * synthesized. States no longer reachable are removed.
 */
export function fixedPollLoop(definition, seconds) {
  const copy = structuredClone(definition);
  const states = copy.States;
  for (const name of [WAIT, CHECK, NEXT_POLL, GIVE_UP]) if (!states[name]) throw new Error(`the definition has no state '${name}'`);
  const { SecondsPath, ...wait } = states[WAIT];
  states[WAIT] = { ...wait, Seconds: seconds, Comment: `Fixed ${seconds}-second poll loop (benchmark baseline).` };
  states[CHECK].Choices = states[CHECK].Choices
    .filter((choice) => choice.Next !== GIVE_UP)
    .map((choice) => (choice.Next === NEXT_POLL ? { ...choice, Next: WAIT } : choice));
  const reachable = reachableStates(copy);
  for (const name of Object.keys(states)) if (!reachable.has(name)) delete states[name];
  return copy;
}

function reachableStates(definition) {
  const seen = new Set();
  const visit = (name) => {
    if (!name || seen.has(name)) return;
    seen.add(name);
    const state = definition.States[name];
    [state.Next, state.Default, ...(state.Choices ?? []).map((c) => c.Next), ...(state.Catch ?? []).map((c) => c.Next)].forEach(visit);
  };
  visit(definition.StartAt);
  return seen;
}
