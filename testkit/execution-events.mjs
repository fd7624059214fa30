// Step Functions' "Execution Status Change" events, as EventBridge delivers them for a Standard
// workflow's execution (https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html): the
// detail says what DescribeExecution says, the input as a JSON string (left out, with
// inputDetails.included false, when input and output together exceed 248 KiB), and the error and
// cause of an execution that failed, timed out or was stopped (null when it has none).
import { eventBridgeEvent } from './events.mjs';
import { uuidOf } from './ids.mjs';

export const DETAIL_TYPE = 'Step Functions Execution Status Change';
export const SOURCE = 'aws.states';
const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];

/**
 * The event of the execution `executionArn` of `stateMachineArn` reaching `status` at `atMs` (epoch ms).
 * `input`: the execution's input (an object, serialized here as Step Functions does; undefined: left out).
 * `redriveCount`: the redrives before this status (an execution redriven once and failing again: 1).
 */
export function executionStatusChangeEvent({ stateMachineArn, executionArn, status, input, error = null, cause = null, output = null, startMs = 0, atMs = 0, redriveCount = 0 }) {
  if (!STATUSES.includes(status)) throw new Error(`Step Functions sends no execution status ${status}`);
  const [, name] = executionArn.match(/:execution:[^:]+:([^:]+)$/) ?? fail(`not an execution ARN: ${executionArn}`);
  const ended = status !== 'RUNNING' && status !== 'PENDING_REDRIVE';
  return eventBridgeEvent({
    id: uuidOf(`states-event/${executionArn}/${status}`),
    detailType: DETAIL_TYPE,
    source: SOURCE,
    time: new Date(atMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    resources: [executionArn],
    detail: {
      executionArn,
      stateMachineArn,
      name,
      status,
      startDate: startMs,
      stopDate: ended ? atMs : null,
      input: input === undefined ? null : JSON.stringify(input),
      output: status === 'SUCCEEDED' && output !== null ? JSON.stringify(output) : null,
      inputDetails: { included: input !== undefined },
      outputDetails: status === 'SUCCEEDED' ? { included: output !== null } : null,
      error,
      cause,
      // How many times the execution was redriven before this status (0: never), as DescribeExecution says.
      redriveCount,
      redriveStatus: 'NOT_REDRIVABLE',
    },
  });
}

/**
 * The event an execution run with execute() (testkit/execute.mjs) ends with: its status, the input it
 * was started with, and its Fail state's error and cause when it FAILED. `error` and `cause` given
 * here replace them (StopExecution takes an error and a cause, for instance); `redriveCount` says how
 * many redrives came before this end.
 */
export function endOf(workflow, result, input, { error, cause, atMs = Date.parse('2026-11-22T10:30:00Z'), redriveCount = 0 } = {}) {
  const failed = result.status === 'FAILED';
  return executionStatusChangeEvent({
    stateMachineArn: workflow.stateMachineArn,
    executionArn: result.executionArn,
    status: result.status,
    input,
    error: error !== undefined ? error : failed ? result.error : null,
    cause: cause !== undefined ? cause : failed ? result.cause : null,
    startMs: Date.parse('2026-11-22T10:00:00Z'),
    atMs,
    redriveCount,
  });
}

function fail(message) {
  throw new Error(message);
}
