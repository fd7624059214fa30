// The real C# job planner for the tests and benchmarks: tests/TranscribeStack.LocalInvoke, built once
// per test run (serialized across the processes of one run by a lock) and hosted in a child process
// that answers one JSON line per request. Also a planner that replays plans computed beforehand, for
// runs under virtual time, which cannot host a child process.
import { readFileSync, writeFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './templates.mjs';
import { functionError } from './errors.mjs';

let localInvokeDll;

/**
 * Builds tests/TranscribeStack.LocalInvoke: once per process, serialized across the processes of
 * one test run, and not again by the other files of the same `node --test` run. scripts/test.sh builds the
 * solution first and names the assembly in LOCAL_INVOKE_DLL: then nothing is built here.
 */
export function buildLocalInvoke() {
  if (localInvokeDll) return localInvokeDll;
  if (process.env.LOCAL_INVOKE_DLL) {
    if (!existsSync(process.env.LOCAL_INVOKE_DLL)) fail(`LOCAL_INVOKE_DLL names ${process.env.LOCAL_INVOKE_DLL}, which does not exist: build the solution first`);
    return (localInvokeDll = process.env.LOCAL_INVOKE_DLL);
  }
  const project = join(ROOT, 'tests', 'TranscribeStack.LocalInvoke');
  if (!existsSync(join(project, 'TranscribeStack.LocalInvoke.csproj'))) fail(`${project} not found: it hosts the real C# job planner for these tests`);
  const state = join(tmpdir(), 'transcribestack-localinvoke');
  mkdirSync(state, { recursive: true });
  withLock(join(state, 'lock'), () => {
    // Files run by one `node --test` are its child processes (NODE_TEST_CONTEXT is set): one build serves all.
    const stampFile = join(state, 'last-build.json');
    const runner = process.env.NODE_TEST_CONTEXT ? process.ppid : null;
    const stamp = existsSync(stampFile) ? JSON.parse(readFileSync(stampFile, 'utf8')) : null;
    if (runner !== null && stamp?.runner === runner && Date.now() - stamp.at < 10 * 60_000 && existsSync(stamp.dll)) {
      localInvokeDll = stamp.dll;
      return;
    }
    const build = spawnSync('dotnet', ['build', project, '-c', 'Release', '--nologo', '-v', 'minimal', '-clp:NoSummary'], { encoding: 'utf8', env: process.env });
    const output = `${build.stdout ?? ''}${build.stderr ?? ''}`;
    if (build.error || build.status !== 0) fail(`dotnet build ${project} failed (${build.error?.message ?? `exit ${build.status}`}):\n${output.slice(-4000)}`);
    localInvokeDll = output.match(/TranscribeStack\.LocalInvoke -> (.+\.dll)\s*$/m)?.[1] ?? fail(`no output assembly in the build log:\n${output.slice(-2000)}`);
    mkdirSync(state, { recursive: true }); // a clean of TMPDIR by another process may have removed it meanwhile
    writeFileSync(stampFile, JSON.stringify({ runner, at: Date.now(), dll: localInvokeDll }));
  });
  return localInvokeDll;
}

function withLock(path, action) {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(path);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      if (Date.now() - statSync(path, { throwIfNoEntry: false })?.mtimeMs > 10 * 60_000) rmSync(path, { recursive: true, force: true });
      if (Date.now() > deadline) fail(`timed out waiting for ${path}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return action();
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}

/**
 * The real C# job planner, hosted by tests/TranscribeStack.LocalInvoke: one JSON line per request
 * and per answer, answered in order. A function error is thrown as the Lambda service reports it.
 */
export class Planner {
  constructor(environment) {
    const dll = buildLocalInvoke();
    this.calls = [];
    this.pending = [];
    this.stderr = '';
    this.process = spawn('dotnet', [dll], { env: { ...process.env, ...environment }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.stderr.on('data', (chunk) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    this.process.on('error', (e) => this.broken(`could not start the planner host: ${e.message}`));
    this.process.on('exit', (code, signal) => this.broken(`the planner host exited (${signal ?? code})`));
    createInterface({ input: this.process.stdout }).on('line', (line) => {
      let answer;
      try {
        answer = JSON.parse(line);
      } catch {
        return this.broken(`the planner host wrote a line that is not JSON: ${line.slice(0, 200)}`);
      }
      const waiting = this.pending.shift();
      if (!waiting) return this.broken(`the planner host answered a request nobody made: ${line.slice(0, 200)}`);
      return waiting.answer(answer);
    });
  }

  /** Plans like the Lambda function: resolves with its result or throws the function error. */
  plan(payload) {
    const call = { payload };
    this.calls.push(call);
    return this.request(call);
  }

  /** The name the admitter gives the execution of `event` ({ executionName }), asked without counting it in `calls`. */
  nameOf(event) {
    return this.request({ payload: { executionNameOf: event } });
  }

  request(call) {
    const { payload } = call;
    return new Promise((resolve, reject) => {
      this.pending.push({
        answer: (answer) => {
          call.answer = answer;
          if (answer.ok === true) resolve(answer.result);
          else if (answer.ok === false && answer.errorType) reject(functionError(answer.errorType, answer.errorMessage));
          else reject(new Error(`the planner host broke the protocol: ${JSON.stringify(answer).slice(0, 300)}`));
        },
        reject,
      });
      this.process.stdin.write(`${JSON.stringify({ handler: 'JobPlanner', payload })}\n`);
    });
  }

  /**
   * Names the upload's execution as the admitter does, then plans its job as that execution's workflow does:
   * resolves with { executionName, plan } (the job is named after the execution).
   */
  async nameAndPlan(event) {
    const { executionName } = await this.nameOf(event);
    return { executionName, plan: await this.plan({ executionName, upload: event }) };
  }

  broken(reason) {
    if (this.closing) return;
    const error = new Error(`${reason}\n${this.stderr}`);
    for (const { reject } of this.pending.splice(0)) reject(error);
    this.failure = error;
  }

  async close() {
    this.closing = true;
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.stdin.end();
    await exited;
  }
}

/**
 * A planner that answers from plans the real planner computed beforehand (object key -> plan), at
 * once: a child process cannot run inside virtual time. A plan names its job after the execution it
 * was planned for (nameAndPlan: the admitter's name), whatever the run names its execution.
 */
export class RecordedPlanner {
  constructor(plans) {
    this.plans = plans;
  }

  /** Answers the workflow's request, { executionName, upload }. */
  plan({ upload }) {
    const key = upload?.detail?.object?.key;
    return this.plans.get(key) ?? fail(`no plan for ${key}`);
  }
}

function fail(message) {
  throw new Error(message);
}
