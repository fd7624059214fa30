// What every scenario file of tests/workflow sets up: the real C# planner for the file's tests,
// closed after them. (node:test hooks: for test files only; the benchmarks use Planner directly.)
import { after } from 'node:test';
import { Planner } from './planner.mjs';

/** The real job planner with the workflow's settings, for the tests of the calling file. */
export function plannerForTests(workflow) {
  const planner = new Planner(workflow.plannerEnvironment);
  after(() => planner.close());
  return planner;
}
