// Runs executions of a synthesized state machine concurrently under virtual time, with the real
// Wait seconds and the real Retry back-off (full jitter) of the definition, and counts what each
// execution did. Each execution is one execute() of the test kit, in its virtual-time mode.

import { execute } from '../../testkit/execute.mjs';
import { RecordedPlanner } from '../../testkit/planner.mjs';
import { FakeTable } from '../../testkit/dynamodb.mjs';
import { FakePostProcessor } from '../../testkit/post-processor.mjs';

/**
 * Starts one execution per input at the current virtual time and resolves when all have ended.
 * `workflow` is what loadWorkflow() says about the template the definition comes from; `plans` the
 * real planner's answers computed beforehand (a child process cannot run inside virtual time).
 * Returns per execution: { name, key, status (SUCCEEDED | FAILED | TIMED_OUT), error, transitions,
 * retries: {state: n}, endedAt (virtual ms) }, plus the shared table and queue.
 */
export async function runExecutions(definition, inputs, { workflow, clock, plans, transcribe }) {
  const shared = {
    workflow,
    planner: new RecordedPlanner(plans),
    transcribe,
    table: new FakeTable({ tableName: workflow.tableName }),
    queue: [],
    postProcessor: new FakePostProcessor(),
    time: 'virtual',
  };
  const all = Promise.all(inputs.map((input, i) => runOne(definition, input, `execution-${String(i + 1).padStart(4, '0')}`, shared)));
  const executions = await clock.run(all);
  return { executions, table: shared.table, queue: shared.queue };
}

async function runOne(definition, input, name, shared) {
  const { status, error, transitions, retries, endedAt } = await execute(definition, input, { ...shared, executionName: name });
  return { name, key: input.detail.object.key, status, error, transitions, retries, endedAt };
}
