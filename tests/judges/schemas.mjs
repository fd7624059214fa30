// Outside judge: every synthesized template against the CloudFormation resource schemas in
// @aws-cdk/aws-service-spec, the database the CDK generates its L1 classes from. Our own C#
// assertions say what we meant; this says whether the template is shaped as CloudFormation expects.
//
//   node tests/judges/schemas.mjs [cdk.out]     (exit 1 on any finding, 2 when a template is missing)
//
// Checked per resource: the type exists; every property name exists (case-sensitive); values have the
// schema's type, recursing into structs ("type definitions"), lists, maps and unions, with enums where
// the database has them; required properties are present; every Ref names a resource, parameter or
// pseudo parameter; every Fn::GetAtt (also ${X.Attr} in Fn::Sub) names a real attribute of its target's
// type; DependsOn and Condition names exist. Outputs, Conditions and Rules get the reference checks.
//
// Scalars are strict JSON types, although CloudFormation often coerces "true" or "10": the CDK's L1
// classes always emit the JSON type, so a mismatch means an override wrote the wrong kind of value.
// Intrinsics are accepted where a scalar, list or free-form json value is expected (their result is
// only known at deploy time); Fn::If is checked branch by branch; a struct or map must be a literal.
// What the database does not hold is written here, each marked where it is defined: the template
// anatomy (resource attributes, intrinsics, pseudo parameters), the legacy builtin `tag` type, and
// AWS::CDK::Metadata and custom resources, which have no schema of their own.
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENVIRONMENTS, ROOT, loadTemplate } from '../../testkit/templates.mjs';

/** The resource database, loaded once per process (about 0.4 s). */
export const loadDatabase = () => loadAwsServiceSpec();

// Template anatomy from the CloudFormation User Guide, not part of the resource schemas.
const RESOURCE_KEYS = new Set(['Type', 'Properties', 'DependsOn', 'Metadata', 'Condition', 'DeletionPolicy', 'UpdateReplacePolicy', 'UpdatePolicy', 'CreationPolicy']);
const POLICIES = ['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot'];
const PSEUDO_PARAMETERS = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);
// What each intrinsic can evaluate to, so a list is not put where a string belongs and vice versa.
const INTRINSICS = {
  Ref: 'any', 'Fn::GetAtt': 'any', 'Fn::Select': 'any', 'Fn::If': 'any', 'Fn::ImportValue': 'any', 'Fn::FindInMap': 'any',
  'Fn::Join': 'scalar', 'Fn::Sub': 'scalar', 'Fn::Base64': 'scalar',
  'Fn::Split': 'list', 'Fn::GetAZs': 'list', 'Fn::Cidr': 'list',
};
// Condition functions, valid only inside Conditions, Rules and Fn::If's condition.
const CONDITION_FUNCTIONS = new Set(['Fn::And', 'Fn::Equals', 'Fn::Not', 'Fn::Or', 'Fn::Contains', 'Fn::EachMemberEquals', 'Fn::EachMemberIn', 'Fn::RefAll', 'Fn::ValueOf', 'Fn::ValueOfAll', 'Condition']);
// The legacy builtin `tag` type has no type definition in the database (the CDK renders it as its
// own CfnTag); this is CloudFormation's standard Tag: Key and Value, both required strings.
const TAG = { name: 'Tag', properties: { Key: { type: { type: 'string' }, required: true }, Value: { type: { type: 'string' }, required: true } } };
// Only the CDK emits AWS::CDK::Metadata (version reporting); CloudFormation accepts it without a
// registry schema, so there is nothing in the database to check its Analytics string against.
const CDK_METADATA = 'AWS::CDK::Metadata';
// Custom::* types (and this one itself) are checked against AWS::CloudFormation::CustomResource's
// schema (ServiceToken required); their other properties and attributes are the handler's own.
const CUSTOM_RESOURCE = 'AWS::CloudFormation::CustomResource';
const isCustom = (type) => type.startsWith('Custom::') || type === CUSTOM_RESOURCE;

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const intrinsicName = (v) => (isObject(v) && Object.keys(v).length === 1 && /^(Ref|Condition)$|^Fn::/.test(Object.keys(v)[0]) ? Object.keys(v)[0] : undefined);
const show = (v) => (JSON.stringify(v) ?? String(v)).slice(0, 80);
const quiet = () => {};
const KIND = { string: 'string', 'date-time': 'string', integer: 'number', number: 'number', boolean: 'boolean', null: 'null', array: 'list', map: 'object', ref: 'object', tag: 'object' };
const jsonKind = (v) => (v === null ? 'null' : Array.isArray(v) ? 'list' : isObject(v) ? 'object' : typeof v);

/**
 * Checks one template. Returns findings { environment, logicalId, path, problem, allowed }.
 * `counts` (optional) is incremented with the resources and property values checked.
 */
export function checkTemplate(template, db, { environment = '', counts = { resources: 0, properties: 0 } } = {}) {
  const findings = [];
  const resources = isObject(template.Resources) ? template.Resources : {};
  const parameters = template.Parameters ?? {};
  const conditions = template.Conditions ?? {};
  const conditionNames = Object.keys(conditions).join(', ') || 'no Conditions defined';
  const schemaOf = (type) => db.lookup('resource', 'cloudFormationType', 'equals', type)[0];
  const { check } = typeChecker(db, counts);

  for (const [logicalId, resource] of Object.entries(resources)) {
    counts.resources++;
    const report = (path, problem, allowed) => findings.push({ environment, logicalId, path, problem, allowed });
    if (!isObject(resource)) {
      report('', `expected a resource object, got ${jsonKind(resource)}`, 'an object with Type and Properties');
      continue;
    }
    for (const key of Object.keys(resource)) {
      if (!RESOURCE_KEYS.has(key)) report(key, 'unknown resource attribute', [...RESOURCE_KEYS].join(', '));
    }
    for (const key of ['DeletionPolicy', 'UpdateReplacePolicy']) {
      const policy = resource[key];
      if (key in resource && !POLICIES.includes(policy) && !intrinsicName(policy)) report(key, `${show(policy)} is not a policy`, POLICIES.join(', '));
    }

    const { Type: type, Properties: properties = {} } = resource;
    const props = (schema, typeName, open) => check(properties, { type: 'props', schema, typeName, open }, 'Properties', report);
    if (!isObject(properties)) report('Properties', `expected an object, got ${jsonKind(properties)}`, 'an object of property values');
    else if (typeof type !== 'string') report('Type', 'missing resource type', 'a CloudFormation resource type name');
    else if (isCustom(type)) props(schemaOf(CUSTOM_RESOURCE).properties, type, true);
    else if (type !== CDK_METADATA) {
      const schema = schemaOf(type);
      if (schema) props(schema.properties, type, false);
      else {
        const near = db.all('resource').find((r) => r.cloudFormationType.toLowerCase() === type.toLowerCase());
        report('Type', `unknown resource type ${type}${near ? ` (did you mean ${near.cloudFormationType}?)` : ''}`, 'a type in @aws-cdk/aws-service-spec');
      }
    }

    [resource.DependsOn ?? []].flat().forEach((target, i) => {
      if (typeof target !== 'string' || !resources[target] || target === logicalId) {
        report(`DependsOn[${i}]`, `${show(target)} is not another resource of this template`, 'logical ids of other resources');
      }
    });
    if ('Condition' in resource && !conditions[resource.Condition]) report('Condition', `condition ${show(resource.Condition)} is not defined`, conditionNames);
    checkReferences(properties, 'Properties', report);
    for (const key of ['CreationPolicy', 'UpdatePolicy']) if (resource[key]) checkReferences(resource[key], key, report);
  }

  // Outputs, Conditions and Rules: the names their intrinsics use must exist (a Condition or a Rule
  // may only Ref parameters and pseudo parameters, never a resource).
  for (const [section, onlyParameters] of [['Outputs', false], ['Conditions', true], ['Rules', true]]) {
    for (const [id, entry] of Object.entries(template[section] ?? {})) {
      const report = (path, problem, allowed) => findings.push({ environment, logicalId: id, path, problem, allowed });
      checkReferences(entry, section, report, onlyParameters);
      if (section === 'Outputs' && entry?.Condition !== undefined && !conditions[entry.Condition]) {
        report('Outputs.Condition', `condition ${show(entry.Condition)} is not defined`, conditionNames);
      }
    }
  }
  return findings;

  // Walks any value for Ref, Fn::GetAtt, Fn::Sub and Fn::If and checks the names they use. CloudFormation
  // resolves intrinsics inside json values too (policy documents, event patterns), so they are walked.
  function checkReferences(node, path, report, onlyParameters = false) {
    const refOk = (name) => PSEUDO_PARAMETERS.has(name) || name in parameters || (!onlyParameters && name in resources);
    const refAllowed = onlyParameters ? 'parameters and pseudo parameters' : 'resources, parameters and pseudo parameters';
    const getAtt = (target, attribute, at) => {
      if (onlyParameters || !resources[target]) {
        return report(at, `Fn::GetAtt target ${show(target)} is not a resource of this template`, 'logical ids of resources');
      }
      const type = resources[target].Type;
      // A computed attribute name is only known at deploy time; a custom resource's attributes are its handler's.
      if (typeof attribute !== 'string' || typeof type !== 'string' || isCustom(type)) return;
      const schema = type === CDK_METADATA ? { attributes: {} } : schemaOf(type); // an unknown type is reported at the target
      if (schema && !(attribute in schema.attributes)) {
        report(at, `${type} has no attribute ${show(attribute)}`, Object.keys(schema.attributes).join(', ') || 'no attributes');
      }
    };
    const walk = (value, at) => {
      if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${at}[${i}]`));
      if (!isObject(value)) return;
      const name = intrinsicName(value);
      const arg = name && value[name];
      if (name === 'Ref') {
        if (typeof arg !== 'string' || !refOk(arg)) report(at, `Ref to ${show(arg)}, which is not defined`, refAllowed);
        return;
      }
      if (name === 'Fn::GetAtt') {
        const [target, attribute] = typeof arg === 'string' ? arg.split(/\.(.*)/s) : Array.isArray(arg) ? arg : [];
        if (target === undefined || attribute === undefined) report(at, `malformed Fn::GetAtt ${show(arg)}`, '[logicalId, attribute] or "logicalId.attribute"');
        else getAtt(target, attribute, at);
        if (Array.isArray(arg)) walk(arg[1], `${at}.Fn::GetAtt[1]`);
        return;
      }
      if (name === 'Fn::Sub') {
        const [text, variables = {}] = Array.isArray(arg) ? arg : [arg];
        for (const [, variable] of String(text).matchAll(/\$\{(?!!)([^}]*)\}/g)) { // ${!Literal} is text
          const [target, attribute] = variable.trim().split(/\.(.*)/s);
          if (variable.trim() in variables) continue;
          if (attribute !== undefined) getAtt(target, attribute, at);
          else if (!refOk(target)) report(at, `Fn::Sub names \${${variable}}, which is not defined`, `${refAllowed} or a variable of the Fn::Sub`);
        }
        if (isObject(variables)) walk(variables, `${at}.Fn::Sub[1]`);
        return;
      }
      if (name === 'Fn::If' && Array.isArray(arg) && !conditions[arg[0]]) report(at, `Fn::If condition ${show(arg[0])} is not defined`, conditionNames);
      if (name === 'Condition' && path === 'Conditions' && !conditions[arg]) report(at, `condition ${show(arg)} is not defined`, conditionNames);
      if (name && name !== 'Condition' && !INTRINSICS[name] && !(onlyParameters && CONDITION_FUNCTIONS.has(name))) {
        report(at, `unknown intrinsic function ${name}`, Object.keys(INTRINSICS).join(', '));
      }
      for (const [key, v] of Object.entries(value)) walk(v, `${at}.${key}`);
    };
    walk(node, path);
  }
}

// Type-checks values against database types. `check` returns whether the value matched and reports
// through `say`; a union tries its members with `quiet` first. A { type: 'props' } pseudo type stands
// for a resource's or struct's property set (`open`: unknown names allowed, as on a custom resource).
function typeChecker(db, counts) {
  const definition = (type) => (type.type === 'tag' ? TAG : db.get('typeDefinition', type.reference));
  const describe = (type) => {
    switch (type.type) {
      case 'string': case 'integer': return type.allowedValues ? `${type.type} (one of ${type.allowedValues.join(', ')})` : type.type;
      case 'array': return `list of ${describe(type.element)}`;
      case 'map': return `map of ${describe(type.element)}`;
      case 'union': return type.types.map(describe).join(' | ');
      case 'ref': case 'tag': {
        const { name, properties } = definition(type);
        return `${name} { ${Object.entries(properties).map(([k, p]) => k + (p.required ? '!' : '')).join(', ')} }`;
      }
      default: return type.type;
    }
  };
  const isStruct = (type) => ['ref', 'tag', 'map', 'props'].includes(type.type);

  const check = (value, type, path, say) => {
    const name = intrinsicName(value);
    if (name && name !== 'Condition') return checkIntrinsic(name, value, type, path, say);
    const bad = (problem) => (say(path, problem, describe(type)), false);
    const got = `${jsonKind(value)} ${show(value)}`;
    switch (type.type) {
      case 'string': case 'date-time':
        if (typeof value !== 'string') return bad(`expected a string, got ${got}`);
        return !type.allowedValues || type.allowedValues.includes(value) || bad(`${show(value)} is not an allowed value`);
      case 'integer':
        if (!Number.isInteger(value)) return bad(`expected an integer, got ${got}`);
        return !type.allowedValues || type.allowedValues.includes(value) || bad(`${value} is not an allowed value`);
      case 'number': return typeof value === 'number' || bad(`expected a number, got ${got}`);
      case 'boolean': return typeof value === 'boolean' || bad(`expected a boolean, got ${got}`);
      case 'null': return value === null || bad(`expected null, got ${got}`);
      case 'json': return true; // free-form (policy documents, event patterns): nothing to check against
      case 'array':
        if (!Array.isArray(value)) return bad(`expected a list, got ${got}`);
        return value.map((v, i) => check(v, type.element, `${path}[${i}]`, say)).every(Boolean);
      case 'map':
        if (!isObject(value)) return bad(`expected a map, got ${got}`);
        return Object.entries(value).map(([k, v]) => check(v, type.element, `${path}.${k}`, say)).every(Boolean);
      case 'ref': case 'tag': {
        const { name: typeName, properties } = definition(type);
        if (!isObject(value)) return bad(`expected a ${typeName} object, got ${got}`);
        return check(value, { type: 'props', schema: properties, typeName }, path, say);
      }
      case 'props': return checkProperties(value, type, path, say);
      case 'union': {
        // The database widens some registry alternatives to `json` (DynamoDB KeySchema is "list of
        // KeySchema | json", where the registry's other branch is an object), so a value is judged
        // by the members of its own JSON kind, and `json` only takes what no other member describes.
        const same = type.types.filter((t) => KIND[t.type] === jsonKind(value));
        if (same.length === 0) return type.types.some((t) => t.type === 'json') || bad(`${got} matches none of the allowed types`);
        if (same.some((t) => check(value, t, path, quiet))) return true;
        return same.length === 1 ? check(value, same[0], path, say) : bad(`${got} matches none of the allowed types`);
      }
      default: return bad(`the judge does not know the schema type '${type.type}'`);
    }
  };

  const checkProperties = (props, { schema, typeName, open }, path, say) => {
    let ok = true;
    for (const [key, value] of Object.entries(props)) {
      const at = `${path}.${key}`;
      if (!schema[key]) {
        if (open) continue;
        const near = Object.keys(schema).find((k) => k.toLowerCase() === key.toLowerCase());
        say(at, `unknown property of ${typeName}${near ? ` (did you mean ${near}?)` : ''}`, Object.keys(schema).join(', '));
        ok = false;
        continue;
      }
      if (say !== quiet) counts.properties++; // a union's trial runs are not counted
      ok = check(value, schema[key].type, at, say) && ok;
    }
    for (const [key, property] of Object.entries(schema)) {
      if (property.required && !(key in props)) {
        ok = false;
        say(`${path}.${key}`, `required property of ${typeName} is missing`, describe(property.type));
      }
    }
    return ok;
  };

  // An intrinsic in a typed position: only the kind of its result can be judged; Fn::If's branches
  // are values and are checked as such.
  const checkIntrinsic = (name, value, type, path, say) => {
    const produces = INTRINSICS[name];
    if (!produces) return (say(path, `${name} is not an intrinsic function CloudFormation evaluates here`, describe(type)), false);
    if (name === 'Ref' && value.Ref === 'AWS::NoValue') return true;
    const arg = value[name];
    if (name === 'Fn::If' && Array.isArray(arg) && arg.length === 3) {
      return arg.slice(1).map((branch, i) => check(branch, type, `${path}.Fn::If[${i + 1}]`, say)).every(Boolean);
    }
    const accepts = (t) => (t.type === 'union' ? t.types.some(accepts)
      : t.type === 'json' || (t.type === 'array' ? produces !== 'scalar' : !isStruct(t) && produces !== 'list'));
    if (accepts(type)) return true;
    const wanted = isStruct(type) ? 'an object' : type.type === 'array' ? 'a list' : 'a single value';
    return (say(path, `${name} cannot produce ${wanted}`, describe(type)), false);
  };

  return { check };
}

async function main() {
  const cdkOut = process.argv[2] ? resolve(process.argv[2]) : join(ROOT, 'cdk.out');
  const started = performance.now();
  const db = await loadDatabase();
  let total = 0;
  for (const environment of ENVIRONMENTS) {
    let template;
    try {
      template = loadTemplate(environment, { cdkOut });
    } catch (error) {
      console.error(`${environment}: ${error.message}`);
      process.exitCode = 2;
      continue;
    }
    const counts = { resources: 0, properties: 0 };
    const findings = checkTemplate(template, db, { environment, counts });
    for (const f of findings) console.log(`${f.environment} ${f.logicalId} ${f.path}: ${f.problem} [schema allows: ${f.allowed}]`);
    console.log(`${environment}: ${findings.length} finding(s); ${counts.resources} resources, ${counts.properties} property values checked`);
    total += findings.length;
  }
  console.log(`schemas judge: ${total} finding(s) in ${Math.round(performance.now() - started)} ms (@aws-cdk/aws-service-spec)`);
  if (total > 0 && !process.exitCode) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
