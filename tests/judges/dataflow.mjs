// The state machines of a synthesized template and their JSONPath data flow, for the judges that read
// definitions (asl.mjs) and follow data through them (payload.mjs, limits.mjs): every state, nested ones
// included; $.a.b and $$.a.b paths, payload templates and ResultPath (https://states-language.net/#filters).
// Intrinsic calls go to call(name, args).
import { resolver } from '../../testkit/templates.mjs';

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const fail = (message) => { throw new Error(message); };

/** Every state, nested ones (Parallel branches, Map processors) included, as [display name, state]. */
export function* eachState(states, within = '') {
  for (const [name, state] of Object.entries(states ?? {})) {
    yield [`${within}${name}`, state];
    for (const branch of [...(state.Branches ?? []), state.ItemProcessor ?? state.Iterator].filter(Boolean)) yield* eachState(branch.States, `${within}${name} / `);
  }
}

/** The template's state machines { id, type (STANDARD|EXPRESS), text, definition }, rendered with the test values of testkit. */
export function stateMachines(template) {
  const refs = resolver(template);
  return Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine').map(([id, r]) => {
    const text = r.Properties.DefinitionString !== undefined ? refs.render(r.Properties.DefinitionString) : JSON.stringify(refs.resolveDeep(r.Properties.Definition));
    return { id, type: r.Properties.StateMachineType ?? 'STANDARD', text, definition: JSON.parse(text) };
  });
}

/**
 * A path's value: $.a.b, with [n] (one item) and [*] (every item or member) segments. A path with [*] gives the
 * list of what it finds (Jayway JsonPath, which Step Functions uses), a path without one the value or undefined.
 */
export function readPath(data, path, context) {
  const m = path.match(/^(\$\$?)((?:\.[^.[\]\s]+|\[(?:\d+|\*)\])*)$/) ?? fail(`path ${path}: only $.a.b paths, with [n] and [*], are modelled`);
  const segments = [...m[2].matchAll(/\.([^.[\]\s]+)|\[(\d+|\*)\]/g)].map(([, key, index]) => ({ key, index }));
  const every = segments.some((s) => s.index === '*');
  const found = segments.reduce((values, { key, index }) => values.flatMap((v) => {
    if (key !== undefined) return isObject(v) && key in v ? [v[key]] : [];
    if (index === '*') return Array.isArray(v) ? v : isObject(v) ? Object.values(v) : [];
    return Array.isArray(v) && Number(index) < v.length ? [v[Number(index)]] : [];
  }), [m[1] === '$$' ? context : data]);
  return every ? found : found[0];
}

/** An intrinsic's arguments: split at the commas outside quotes and parentheses (calls nest). */
function splitArguments(text) {
  const [args, state] = [[], { depth: 0, quoted: false, current: '' }];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (state.quoted) {
      if (c === '\\') state.current += c + text[++i];
      else { if (c === "'") state.quoted = false; state.current += c; }
    } else if (c === ',' && state.depth === 0) { args.push(state.current.trim()); state.current = ''; }
    else {
      if (c === "'") state.quoted = true;
      else if (c === '(') state.depth++;
      else if (c === ')') state.depth--;
      state.current += c;
    }
  }
  if (state.quoted || state.depth !== 0) fail(`intrinsic arguments ${text}: unbalanced`);
  return state.current.trim() ? [...args, state.current.trim()] : args;
}

function evaluate(expression, data, context, call) {
  const m = expression.match(/^(States\.\w+)\(([\s\S]*)\)$/);
  if (!m) return readPath(data, expression, context);
  // Arguments: quoted strings, numbers, paths and calls.
  const args = splitArguments(m[2])
    .map((a) => (a.startsWith("'") ? a.slice(1, -1).replace(/\\(.)/g, '$1') : /^-?\d/.test(a) ? Number(a) : evaluate(a, data, context, call)));
  return call(m[1], args);
}

/** A payload template (Parameters, ResultSelector) applied to `data`; a field whose path finds nothing is left out. */
export function fillTemplate(node, data, context, call) {
  if (!isObject(node)) return Array.isArray(node) ? node.map((n) => fillTemplate(n, data, context, call)) : node;
  return Object.fromEntries(Object.entries(node)
    .map(([k, v]) => (k.endsWith('.$') ? [k.slice(0, -2), evaluate(v, data, context, call)] : [k, fillTemplate(v, data, context, call)]))
    .filter(([, v]) => v !== undefined));
}

/** The state's input with `result` put at ResultPath (null: the input unchanged; absent: the result alone). */
export function placeResult(input, path, result) {
  if (path === null || path === undefined || path === '$') return path === null ? input : result;
  const keys = (path.match(/^\$((?:\.[^.[\]\s]+)+)$/) ?? fail(`ResultPath ${path}: only $.a.b is modelled`))[1].split('.').slice(1);
  const out = isObject(input) ? { ...input } : {};
  keys.reduce((node, k, i) => (node[k] = i === keys.length - 1 ? result : isObject(node[k]) ? { ...node[k] } : {}), out);
  return out;
}
