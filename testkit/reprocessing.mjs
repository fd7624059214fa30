// The re-processing workflow: the synthesized Standard definition, executed by aws-local-stepfunctions, that one
// operator command starts for a prefix. Its Distributed Map's children put each object's re-run into the intake
// (a FakeQueue, SendMessage through the optimized integration); then it starts the intake admitter (a
// FakeExecutions of it), which admits the re-runs within the window (testkit/admitter.mjs).
//
// aws-local-stepfunctions 3.0.0 runs a Map over an array in its input and cannot read an ItemReader: for the
// interpreter only, a copy of the definition lists the objects here instead. The kit checks the ItemReader
// (ListObjectsV2 of the raw bucket, Prefix read from the request), lists the prefix of the objects it is given
// in S3's order and in ListObjectsV2's item shape, puts the list into the input (LISTED_FIELD) and points the
// Map's ItemsPath at it. MaxConcurrency, ItemSelector and the item processor are the synthesized ones.
import { StateMachine } from 'aws-local-stepfunctions';
import { callRecorder, settled } from './calls.mjs';
import { integrationHandler } from './integrations.mjs';
import stateNames from '../contracts/state-names.json' with { type: 'json' };

/** The re-processing workflow's states. */
export const REPROCESSING_STATES = {
  check: stateNames.reprocessing.doesRequestNamePrefixOfMediaAndReRunMarker,
  map: stateNames.reprocessing.reProcessEveryObjectUnderPrefix,
  enqueue: stateNames.reprocessing.putObjectsReRunIntoIntake,
  admit: stateNames.reprocessing.startAdmitter,
};

const LISTED_FIELD = 'listedForTheLocalInterpreter';
const machines = new WeakMap(); // definition -> its StateMachine (per request shape, the copy is made per run)

/**
 * Runs the re-processing once for `request` ({ prefix, rerun }) over `objects` (a Map of key -> { size, etag },
 * the raw bucket's objects) and resolves with { status, error, entered, calls, listed }. Options: intake (required:
 * the FakeQueue of intakeOf()), admitter (required: a FakeExecutions of the admitter). A handler error no scenario
 * scripted (a bug of the kit) is thrown after the run.
 */
export async function reprocess(workflow, request, { intake, admitter, objects }) {
  const definition = workflow.reprocessingDefinition ?? fail('pass what loadWorkflow() returns (it carries reprocessingDefinition)');
  if (!intake || !admitter || !objects) fail('reprocess() needs { intake, admitter, objects }');
  const bugs = [];
  const { calls, call } = callRecorder((bug) => bugs.push(bug));
  const { copy, listed } = forInterpreter(definition, workflow, request, objects);
  const processor = copy.States[REPROCESSING_STATES.map].ItemProcessor;
  const bindings = { queues: [intake], executions: [admitter] };
  const tasksOf = (d) => Object.entries(d.States).filter(([, s]) => s.Type === 'Task').map(([name]) => name);
  const handlers = Object.fromEntries([
    ...tasksOf(processor).map((name) => [name, call(name, integrationHandler(processor, name, bindings))]),
    ...tasksOf(copy).map((name) => [name, call(name, integrationHandler(copy, name, bindings))]),
  ]);

  let machine = machines.get(definition);
  if (!machine) machines.set(definition, (machine = new StateMachine(copy)));
  const run = machine.run({ ...request, [LISTED_FIELD]: listed }, {
    overrides: {
      taskResourceLocalHandlers: handlers,
      retryIntervalOverrides: Object.fromEntries(Object.entries(processor.States).filter(([, s]) => s.Retry).map(([name]) => [name, 0])),
    },
  });
  const { status, error: failure, entered } = await settled(run);
  const error = failure && (failure.cause ?? failure);
  if (bugs.length) fail(`the harness failed inside a re-processing task (not a scripted error):\n${bugs.join('\n')}`);
  return { status, error, entered, calls, listed };
}

/** The copy the interpreter can run: the ItemReader's listing done here, the Map iterating over it. */
function forInterpreter(definition, workflow, request, objects) {
  const copy = structuredClone(definition);
  const map = copy.States[REPROCESSING_STATES.map] ?? fail(`no state '${REPROCESSING_STATES.map}'`);
  const reader = map.ItemReader ?? fail('the Map has no ItemReader');
  if (!/^arn:aws:states:::s3:listObjectsV2$/.test(reader.Resource)) fail(`the ItemReader calls ${reader.Resource}, not ListObjectsV2`);
  if (reader.Parameters.Bucket !== workflow.rawBucket) fail(`the ItemReader lists ${reader.Parameters.Bucket}, not the raw bucket ${workflow.rawBucket}`);
  const prefixPath = reader.Parameters['Prefix.$'] ?? fail('the ItemReader takes no Prefix from the request');
  const prefix = prefixPath.slice(2).split('.').reduce((v, k) => v?.[k], request);
  // ListObjectsV2: keys in UTF-8 binary order, its item shape as the Distributed Map passes it on.
  const listed = typeof prefix !== 'string' ? [] : [...objects.entries()].filter(([key]) => key.startsWith(prefix))
    .sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .map(([Key, { size, etag }]) => ({ Etag: `"${etag}"`, Key, LastModified: 1795860000, Size: size, StorageClass: 'STANDARD' }));
  delete map.ItemReader;
  map.ItemsPath = `$.${LISTED_FIELD}`;
  return { copy, listed };
}

function fail(message) {
  throw new Error(message);
}
