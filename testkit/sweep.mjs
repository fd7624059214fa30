// The finished-job sweep: the synthesized Express definition, executed by aws-local-stepfunctions,
// against the shared table (its status index), the Transcribe simulator (ListTranscriptionJobs) and
// the task tokens of the waiting executions. The schedule is modelled by `every(seconds)`: one run a
// minute, as the rule starts it, while the executions it serves are running.
import { StateMachine } from 'aws-local-stepfunctions';
import { callRecorder } from './calls.mjs';

const FIND = 'Find the jobs still waited for';
const LIST_NEWEST = "List this stack's newest jobs";
const LIST_OLDER = 'List older jobs';
const LOOK_UP = 'Look up the waiting execution';
const WAKE = 'Wake the waiting execution';

export class FinishedJobSweep {
  /** definition: the template's sweepDefinition; table, transcribe, tokens: the executions' own. */
  constructor({ definition, table, transcribe, tokens }) {
    const names = stateNames(definition);
    for (const state of [FIND, LIST_NEWEST, LIST_OLDER]) if (!names.has(state)) throw new Error(`pass the sweep definition of the template (sweepDefinition): no state '${state}'`);
    Object.assign(this, { definition, table, transcribe, tokens });
    this.machine = new StateMachine(definition);
    this.runs = [];
    this.woken = [];
    this.pending = new Set();
  }

  /** One execution, as the schedule starts it; resolves with its record { status, error, calls }. */
  run() {
    const { calls, call } = callRecorder((bug, error) => { record.bug ??= error; });
    const record = { calls, status: null };
    this.runs.push(record);
    const handlers = {
      [FIND]: call(FIND, (request) => this.table.query(request)),
      [LIST_NEWEST]: call(LIST_NEWEST, (request) => this.transcribe.list(request)),
      [LIST_OLDER]: call(LIST_OLDER, (request) => this.transcribe.list(request)),
      [LOOK_UP]: call(LOOK_UP, (request) => this.table.getItem(request)),
      [WAKE]: call(WAKE, (request) => {
        const answer = this.tokens.sendTaskSuccess(request);
        this.woken.push(JSON.parse(request.Output).TranscriptionJobName);
        return answer;
      }),
    };
    const scheduled = { version: '0', 'detail-type': 'Scheduled Event', source: 'aws.events', time: new Date().toISOString(), detail: {} };
    const done = (async () => {
      try {
        await this.machine.run(scheduled, { overrides: { taskResourceLocalHandlers: handlers } }).result;
        record.status = 'SUCCEEDED';
      } catch (e) {
        record.status = 'FAILED';
        record.error = e;
      }
      if (record.bug) throw record.bug;
      return record;
    })();
    this.pending.add(done);
    done.finally(() => this.pending.delete(done)).catch(() => {});
    return done;
  }

  /**
   * Starts a run now and one every `seconds` (virtual time) until stop() is called; stop() resolves
   * when the runs started so far have ended.
   */
  every(seconds) {
    let timer;
    const tick = () => {
      this.run();
      timer = setTimeout(tick, seconds * 1000); // a timeout chain: the virtual clock fakes setTimeout only
    };
    tick();
    return async () => {
      clearTimeout(timer);
      while (this.pending.size) await Promise.all([...this.pending]);
    };
  }


}

/** The names of a definition's states, those of its Maps' item processors included. */
function stateNames(definition, names = new Set()) {
  for (const [name, state] of Object.entries(definition?.States ?? {})) {
    names.add(name);
    if (state.ItemProcessor) stateNames(state.ItemProcessor, names);
  }
  return names;
}
