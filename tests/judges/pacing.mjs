// The job planner's polling pacing, asked of the real C# code (TranscribeStack.Contracts PollPacing, hosted
// by tests/TranscribeStack.LocalInvoke) instead of a copy: the most polls a plan of the template's settings
// can hold, and the most the planner answers with. One tool run answers a batch of requests; the tool is
// built once per test run (testkit/planner.mjs).
import { spawnSync } from 'node:child_process';
import { buildLocalInvoke } from '../../testkit/planner.mjs';

const fail = (message) => { throw new Error(message); };

/**
 * The answers of the LocalInvoke tool to `requests` ({ handler, payload }), in order: { ok, result | errorType,
 * errorMessage }. `environment`: the variables a JobPlanner request's handler reads (the template's).
 */
export function askLocalInvoke(requests, environment = {}) {
  const dll = buildLocalInvoke();
  const input = requests.map((r) => `${JSON.stringify(r)}\n`).join('');
  const run = spawnSync('dotnet', [dll], { input, encoding: 'utf8', env: { ...process.env, ...environment } });
  if (run.error || run.status !== 0) fail(`dotnet ${dll} failed (${run.error?.message ?? `exit ${run.status}`}): ${run.stderr?.slice(-2000)}`);
  const answers = run.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line));
  return answers.length === requests.length ? answers : fail(`${requests.length} requests, ${answers.length} answers: ${run.stdout.slice(0, 500)}`);
}

/** The pacing settings the planner reads, from the environment the template gives it (as JobPlannerHandler reads them). */
export function pacingSettings(environment) {
  const read = (name) => {
    const value = Number(environment[name] ?? fail(`the planner has no ${name}`));
    return Number.isFinite(value) ? value : fail(`the planner's ${name} is not a number: ${environment[name]}`);
  };
  return {
    minIntervalSeconds: read('POLL_MIN_INTERVAL_SECONDS'),
    maxIntervalSeconds: read('POLL_MAX_INTERVAL_SECONDS'),
    givesUpAfterSeconds: read('POLL_GIVE_UP_AFTER_SECONDS'),
    jobSecondsPerAudioSecond: read('JOB_SECONDS_PER_AUDIO_SECOND'),
  };
}

const bounds = new Map();
/**
 * The polls a plan of these settings can hold: { ...settings, mostPolls, maxPolls, polls }, where polls is the
 * bound of an answered plan (the planner refuses a plan of more than maxPolls). Invalid settings throw, as the
 * planner's constructor does.
 */
export function pollingBounds(settings) {
  const key = JSON.stringify(settings);
  if (!bounds.has(key)) {
    const [answer] = askLocalInvoke([{ handler: 'PollPacing', payload: settings }]);
    if (!answer.ok) fail(`the planner's pacing rejects ${key}: ${answer.errorType}: ${answer.errorMessage}`);
    const { mostPolls, maxPolls } = answer.result;
    if (![mostPolls, maxPolls].every((n) => Number.isInteger(n) && n > 0)) fail(`the pacing answered ${JSON.stringify(answer.result)}`);
    bounds.set(key, { ...settings, mostPolls, maxPolls, polls: Math.min(mostPolls, maxPolls) });
  }
  return bounds.get(key);
}
