// Transcribe's completion events reaching the workflow: the task tokens of the executions waiting in
// "Wait for the job to finish", and the completion notifier — the synthesized Express definition,
// executed by aws-local-stepfunctions — that an event starts: it reads the job's item and calls
// SendTaskSuccess with the token it finds. What Step Functions does with a token is modelled here:
// it completes a waiting task once; a token whose task timed out, ended or was already completed
// answers TaskTimedOut, as SendTaskSuccess documents.
import { StateMachine } from 'aws-local-stepfunctions';
import { serviceError } from './errors.mjs';
import { callRecorder } from './calls.mjs';
import stateNames from '../contracts/state-names.json' with { type: 'json' };

export const WAIT_STATE = stateNames.workflow.waitForJobToFinish;
const LOOK_UP = stateNames.notifier.lookUpWaitingExecution;
const WAKE = stateNames.notifier.wakeWaitingExecution;

/**
 * The tasks waiting for a callback. One token per execution (the executor's context gives each
 * execution one): each wait of the execution stores it again, and a token completes only the wait
 * that is running when SendTaskSuccess arrives; the executor abandons a wait that timed out.
 */
export class TaskTokens {
  constructor() {
    this.waiting = new Map(); // token -> resolve
    this.woken = 0;
    this.stale = 0;
  }

  /** A wait of `token`: resolves with SendTaskSuccess's output. */
  wait(token) {
    return new Promise((resolve) => {
      this.waiting.set(token, resolve);
    });
  }

  /** The wait ended without a callback (it timed out): its token completes nothing any more. */
  abandon(token) {
    this.waiting.delete(token);
  }

  sendTaskSuccess({ TaskToken, Output }) {
    const resolve = this.waiting.get(TaskToken);
    if (!resolve) {
      this.stale++;
      throw serviceError('Sfn', 'TaskTimedOutException', 'Task Timed Out');
    }
    JSON.parse(Output); // SendTaskSuccess refuses output that is not JSON (InvalidOutput)
    this.waiting.delete(TaskToken);
    this.woken++;
    resolve(JSON.parse(Output));
    return {};
  }
}

/**
 * Runs the synthesized completion notifier for every event it is given: `deliver(event)` is the
 * subscriber to hand to FakeTranscribe's stateChanges. `runs` records each execution's outcome
 * (the Succeed state it ended in) and its calls; `settled()` resolves when every run has ended.
 */
export class CompletionNotifier {
  constructor({ definition, table, tokens = new TaskTokens() }) {
    if (!definition?.States?.[LOOK_UP] || !definition.States[WAKE]) throw new Error('pass the notifier definition of the template (notifierDefinition)');
    Object.assign(this, { definition, table, tokens });
    this.machine = new StateMachine(definition);
    this.runs = [];
    this.pending = new Set();
    this.deliver = this.deliver.bind(this);
  }

  deliver(event) {
    const { calls, call } = callRecorder((bug, error) => { record.bug ??= error; });
    const record = { event, calls, outcome: null, status: null };
    this.runs.push(record);
    const handlers = {
      [LOOK_UP]: call(LOOK_UP, (request) => this.table.getItem(request)),
      [WAKE]: call(WAKE, (request) => this.tokens.sendTaskSuccess(request)),
    };
    const run = this.machine.run(event, { overrides: { taskResourceLocalHandlers: handlers } });
    const done = (async () => {
      const entered = [];
      const events = (async () => {
        for await (const e of run.eventLogs) if (e.type === 'StateEntered') entered.push(e.state.name);
      })();
      try {
        await run.result;
        record.status = 'SUCCEEDED';
      } catch (e) {
        record.status = 'FAILED';
        record.error = e;
      }
      await events;
      record.outcome = entered.at(-1);
      if (record.bug) throw record.bug;
    })();
    this.pending.add(done);
    done.finally(() => this.pending.delete(done)).catch(() => {});
    return done;
  }

  /** Resolves when every notifier execution started so far has ended; throws a kit bug found in one. */
  async settled() {
    while (this.pending.size) await Promise.all([...this.pending]);
  }


}
