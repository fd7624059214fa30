// A console redrive, reproduced: aws-local-stepfunctions cannot redrive an execution, so the redrive is
// modelled on what AWS documents it to do: it "continues the failed execution from the unsuccessful step
// and uses the same input" (the input that step received), under the same execution ARN, with the
// results of the steps before it kept. The model: a copy of the definition whose StartAt is the failed
// state, run with that state's recorded input and the execution's name, against the same stand-ins.
// (Not modelled: $$.Execution.RedriveCount, which the workflow does not read.)
import { execute } from './execute.mjs';
import { workflowOf } from './workflow.mjs';

const copies = new WeakMap(); // definition -> Map(state -> its copy): the interpreter validates each once

/**
 * The definition, starting at `state`: the redrive's model. The states are unchanged; those the redrive
 * can no longer reach (the steps before it) are left out, as the interpreter refuses unreachable states.
 */
export function redriveDefinition(definition, state) {
  if (!definition.States[state]) throw new Error(`the definition has no state '${state}'`);
  let byState = copies.get(definition);
  if (!byState) copies.set(definition, (byState = new Map()));
  if (!byState.has(state)) {
    const reachable = reachableFrom(definition.States, state);
    const States = Object.fromEntries(Object.entries(structuredClone(definition.States)).filter(([name]) => reachable.has(name)));
    byState.set(state, { ...structuredClone(definition), StartAt: state, States });
  }
  return byState.get(state);
}

function reachableFrom(states, start) {
  const seen = new Set();
  const pending = [start];
  while (pending.length) {
    const name = pending.pop();
    if (seen.has(name)) continue;
    seen.add(name);
    const s = states[name];
    if (s.Type === 'Map' || s.Type === 'Parallel') throw new Error(`a redrive into '${name}' (${s.Type}) is not modelled`);
    pending.push(...[s.Next, s.Default, ...(s.Catch ?? []).map((c) => c.Next), ...(s.Choices ?? []).map((c) => c.Next)].filter(Boolean));
  }
  return seen;
}

/**
 * Redrives the FAILED execution `failed` (what execute() returned for it): runs `definition` from the
 * state it failed at, with the input that state received, as the same execution (its name, so its ARN).
 * `options` are execute()'s: pass the stand-ins the first run used (the table, the queue, Transcribe)
 * so the redrive sees what the first run and the execution-end recorder left.
 */
export function redrive(definition, failed, options = {}) {
  if (failed.status !== 'FAILED' || !failed.failedAt) throw new Error(`only a FAILED execution can be redriven, not one that ended ${failed.status}`);
  const { state, input } = failed.failedAt;
  return execute(redriveDefinition(definition, state), structuredClone(input), {
    workflow: workflowOf(definition),
    ...options,
    executionName: failed.executionName,
  });
}
