// Many executions of one state machine at once, in virtual time: each is one execute() of the test
// kit with the definition's real Wait seconds, Retry back-off (full jitter, seeded) and the wait for
// the job bounded by its TimeoutSecondsPath. With `events`, Transcribe's "Transcribe Job State
// Change" events go, after their seeded latency or not at all, through the completion rule's pattern
// to the synthesized completion notifier, which wakes the waiting execution with SendTaskSuccess; all
// executions share one table, one set of task tokens and one notifier, as in AWS.
import { execute } from './execute.mjs';
import { RecordedPlanner } from './planner.mjs';
import { FakeTable } from './dynamodb.mjs';
import { FakePostProcessor } from './post-processor.mjs';
import { CompletionNotifier } from './completion.mjs';
import { completionRuleMatches } from './events.mjs';

/**
 * Starts one execution per input at the current virtual time and resolves when all have ended and
 * every notifier run they caused has ended too.
 * - `workflow`: what loadWorkflow() says about the template the definition comes from (the
 *   definition may be a variant of its own; see execute());
 * - `plans`: the real planner's answers computed beforehand (a child process cannot run inside
 *   virtual time); `clock`: an installed VirtualTime; `transcribe`: a FakeTranscribe by time;
 * - `events`: { latency: { minMs, maxMs }, lossRate | lossShare, seed } (see EventDelivery), or none:
 *   then no event comes and every wait for the job ends at its timeout;
 * Returns per execution { name, key, status, error, failedIn, transitions, retries, billedTransitions,
 * timedOutWaits, wokenWaits, calls: {state: n}, endedAt }, the shared table, dead-letter queue and
 * notifier (its `runs`), and the event deliveries (`transcribe.stateChanges`: `sent`, `lost`).
 */
export async function runExecutions(definition, inputs, { workflow, clock, plans, transcribe, events = null }) {
  const table = new FakeTable({ tableName: workflow.tableName });
  const completion = new CompletionNotifier({ definition: workflow.notifierDefinition, table });
  if (events) {
    transcribe.subscribe({ ...events, subscriber: (event) => (completionRuleMatches(workflow, event) ? completion.deliver(event) : undefined) });
  }
  const shared = {
    workflow,
    planner: new RecordedPlanner(plans),
    transcribe,
    table,
    queue: [],
    postProcessor: new FakePostProcessor(),
    completion,
    time: 'virtual',
  };
  const all = (async () => {
    const executions = await Promise.all(inputs.map((input, i) => runOne(definition, input, `execution-${String(i + 1).padStart(4, '0')}`, shared)));
    await completion.settled();
    return executions;
  })();
  const executions = await clock.run(all);
  return { executions, table, queue: shared.queue, completion, deliveries: transcribe.stateChanges };
}

async function runOne(definition, input, name, shared) {
  const result = await execute(definition, input, { ...shared, executionName: name });
  const calls = {};
  for (const call of result.calls) calls[call.state] = (calls[call.state] ?? 0) + 1;
  const retried = Object.values(result.retries).reduce((sum, n) => sum + n, 0);
  return {
    name,
    key: input.detail.object.key,
    status: result.status,
    error: result.error,
    transitions: result.transitions, // states entered
    retries: result.retries,
    // Step Functions bills a transition per state entered and per retry.
    billedTransitions: result.transitions + retried,
    timedOutWaits: result.timedOutWaits,
    wokenWaits: result.wokenWaits,
    // The Task state whose error the execution failed with (after its retries), if it failed.
    failedIn: result.status === 'FAILED' ? (result.failedStates.findLast((f) => f.error === result.error && definition.States[f.state]?.Type === 'Task')?.state ?? null) : null,
    calls, // task calls per state: each is one request to the service the Task calls
    endedAt: result.endedAt,
  };
}
