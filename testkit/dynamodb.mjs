// DynamoDB in memory: the job metadata table and the condition-expression evaluator its
// conditional PutItem uses.
import { serviceError } from './errors.mjs';

/**
 * One DynamoDB table in memory, keyed by jobName. PutItem evaluates ConditionExpression (comparisons,
 * attribute_exists / attribute_not_exists, AND / OR / NOT, parentheses) and rejects unused or
 * undefined expression names and values, as DynamoDB does. `items` holds plain values.
 */
export class FakeTable {
  constructor({ tableName = null } = {}) {
    this.tableName = tableName;
    this.records = new Map(); // jobName -> item as attribute values
    this.writes = [];
  }

  /** jobName -> item with plain values. */
  get items() {
    return new Map([...this.records].map(([k, v]) => [k, fromAttributes(v)]));
  }

  putItem({ TableName, Item, ConditionExpression, ExpressionAttributeNames = {}, ExpressionAttributeValues = {} }) {
    if (this.tableName && TableName !== this.tableName) fail(`PutItem on '${TableName}', expected the metadata table '${this.tableName}'`);
    const key = Item?.jobName?.S;
    if (!key) throw serviceError('DynamoDB', 'ValidationException', 'One or more parameter values were invalid: Missing the key jobName in the item');
    if (ConditionExpression) {
      const used = { names: new Set(), values: new Set() };
      const ok = evaluateCondition(ConditionExpression, this.records.get(key), ExpressionAttributeNames, ExpressionAttributeValues, used);
      const unused = [...Object.keys(ExpressionAttributeNames).filter((n) => !used.names.has(n)), ...Object.keys(ExpressionAttributeValues).filter((v) => !used.values.has(v))];
      if (unused.length) throw serviceError('DynamoDB', 'ValidationException', `Value provided in ExpressionAttributeNames/Values unused in expressions: keys: {${unused}}`);
      if (!ok) throw serviceError('DynamoDB', 'ConditionalCheckFailedException', 'The conditional request failed');
    } else if (Object.keys(ExpressionAttributeNames).length || Object.keys(ExpressionAttributeValues).length) {
      throw serviceError('DynamoDB', 'ValidationException', 'ExpressionAttributeNames/Values can only be specified when using expressions');
    }
    for (const value of Object.values(Item)) checkAttributeValue(value);
    this.records.set(key, structuredClone(Item));
    this.writes.push(structuredClone(Item));
    return {};
  }

  /**
   * UpdateItem as the AWS SDK integration calls it (errors named "DynamoDb.*"): ConditionExpression
   * as for PutItem, UpdateExpression of SET assignments (`SET #a = :a, #b = if_not_exists(#b, :b)`) only.
   */
  updateItem({ TableName, Key, UpdateExpression, ConditionExpression, ExpressionAttributeNames = {}, ExpressionAttributeValues = {} }) {
    if (this.tableName && TableName !== this.tableName) fail(`UpdateItem on '${TableName}', expected the metadata table '${this.tableName}'`);
    const key = Key?.jobName?.S;
    if (!key || Object.keys(Key).length !== 1) throw serviceError('DynamoDb', 'ValidationException', 'The provided key element does not match the schema');
    const used = { names: new Set(), values: new Set() };
    const current = this.records.get(key);
    const ok = ConditionExpression ? evaluateCondition(ConditionExpression, current, ExpressionAttributeNames, ExpressionAttributeValues, used, 'DynamoDb') : true;
    const match = /^SET\s+(.+)$/s.exec(UpdateExpression ?? '') ?? fail(`update expression not modelled: ${UpdateExpression}`);
    const updates = match[1].split(/,(?![^(]*\))/).map((assignment) => {
      const [, name, kept, value] = /^\s*(#[A-Za-z0-9_]+)\s*=\s*(?:if_not_exists\(\s*(#[A-Za-z0-9_]+)\s*,\s*)?(:[A-Za-z0-9_]+)\s*\)?\s*$/.exec(assignment) ?? fail(`update assignment not modelled: ${assignment}`);
      if (kept && kept !== name) fail(`if_not_exists of another attribute is not modelled: ${assignment}`);
      used.names.add(name);
      used.values.add(value);
      // if_not_exists(#a, :v): the item's own value of #a when it has one.
      if (kept && current?.[ExpressionAttributeNames[name]] !== undefined) return [ExpressionAttributeNames[name], current[ExpressionAttributeNames[name]]];
      const attribute = ExpressionAttributeNames[name] ?? (() => { throw serviceError('DynamoDb', 'ValidationException', `An expression attribute name used in the document path is not defined; attribute name: ${name}`); })();
      if (attribute === 'jobName') throw serviceError('DynamoDb', 'ValidationException', 'Cannot update attribute jobName. This attribute is part of the key');
      return [attribute, ExpressionAttributeValues[value] ?? (() => { throw serviceError('DynamoDb', 'ValidationException', `An expression attribute value used in expression is not defined; attribute value: ${value}`); })()];
    });
    const unused = [...Object.keys(ExpressionAttributeNames).filter((n) => !used.names.has(n)), ...Object.keys(ExpressionAttributeValues).filter((v) => !used.values.has(v))];
    if (unused.length) throw serviceError('DynamoDb', 'ValidationException', `Value provided in ExpressionAttributeNames/Values unused in expressions: keys: {${unused}}`);
    if (!ok) throw serviceError('DynamoDb', 'ConditionalCheckFailedException', 'The conditional request failed');
    for (const [, value] of updates) checkAttributeValue(value);
    const item = { ...(current ?? { jobName: { S: key } }), ...Object.fromEntries(structuredClone(updates)) };
    this.records.set(key, item);
    this.writes.push(structuredClone(item));
    return {};
  }

  /**
   * Query of the status index as the AWS SDK integration calls it: `#status = :value` on the index's
   * partition key, items sorted by updatedAt (ScanIndexForward), at most Limit of them, projected.
   * Returns { Count, ScannedCount, Items } (and LastEvaluatedKey when Limit cut the result).
   */
  query({ TableName, IndexName, KeyConditionExpression, ProjectionExpression, ExpressionAttributeNames = {}, ExpressionAttributeValues = {}, ScanIndexForward = true, Limit }) {
    if (this.tableName && TableName !== this.tableName) fail(`Query on '${TableName}', expected the metadata table '${this.tableName}'`);
    if (IndexName !== 'byStatus') fail(`Query of index '${IndexName}' is not modelled (only byStatus)`);
    const [, name, value] = /^\s*(#[A-Za-z0-9_]+)\s*=\s*(:[A-Za-z0-9_]+)\s*$/.exec(KeyConditionExpression ?? '') ?? fail(`key condition not modelled: ${KeyConditionExpression}`);
    if (ExpressionAttributeNames[name] !== 'status') throw serviceError('DynamoDb', 'ValidationException', 'Query condition missed key schema element: status');
    const wanted = ExpressionAttributeValues[value] ?? (() => { throw serviceError('DynamoDb', 'ValidationException', `An expression attribute value used in expression is not defined; attribute value: ${value}`); })();
    // The index holds only items with both of its key attributes.
    const matching = [...this.records.values()].filter((item) => item.updatedAt?.S && JSON.stringify(item.status) === JSON.stringify(wanted));
    matching.sort((a, b) => (a.updatedAt.S < b.updatedAt.S ? -1 : a.updatedAt.S > b.updatedAt.S ? 1 : 0) * (ScanIndexForward ? 1 : -1));
    const page = Limit ? matching.slice(0, Limit) : matching;
    const attributes = ProjectionExpression?.split(',').map((p) => p.trim()).map((p) => (p.startsWith('#') ? ExpressionAttributeNames[p] ?? fail(`projection name ${p} undefined`) : p));
    const Items = page.map((item) => (attributes ? Object.fromEntries(attributes.filter((a) => item[a] !== undefined).map((a) => [a, structuredClone(item[a])])) : structuredClone(item)));
    return { Count: Items.length, ScannedCount: Items.length, Items, ...(page.length < matching.length ? { LastEvaluatedKey: { jobName: page.at(-1).jobName } } : {}) };
  }

  /** GetItem as the AWS SDK integration calls it: { Item } with the projected attributes, or {} when there is none. */
  getItem({ TableName, Key, ProjectionExpression, ExpressionAttributeNames = {} }) {
    if (this.tableName && TableName !== this.tableName) fail(`GetItem on '${TableName}', expected the metadata table '${this.tableName}'`);
    const key = Key?.jobName?.S ?? (() => { throw serviceError('DynamoDb', 'ValidationException', 'The provided key element does not match the schema'); })();
    const item = this.records.get(key);
    if (!item) return {};
    if (!ProjectionExpression) return { Item: structuredClone(item) };
    const attributes = ProjectionExpression.split(',').map((p) => p.trim()).map((p) => (p.startsWith('#') ? ExpressionAttributeNames[p] ?? fail(`projection name ${p} undefined`) : p));
    return { Item: Object.fromEntries(attributes.filter((a) => item[a] !== undefined).map((a) => [a, structuredClone(item[a])])) };
  }
}

/**
 * An item's size as DynamoDB counts it for capacity units: each attribute's name (UTF-8 bytes) plus
 * its value (a string's UTF-8 bytes; a number's significant digits / 2 + 1; BOOL and NULL 1 byte;
 * a map or list 3 bytes plus its elements). One write unit is 1 KB of the larger of the item
 * before and after the write; one strongly consistent read unit is 4 KB.
 */
export function itemSizeBytes(item) {
  const bytes = (text) => Buffer.byteLength(text, 'utf8');
  const valueSize = (v) => {
    if ('S' in v) return bytes(v.S);
    if ('N' in v) return Math.ceil(significantDigits(v.N) / 2) + 1;
    if ('BOOL' in v || 'NULL' in v) return 1;
    if ('M' in v) return 3 + itemSizeBytes(v.M);
    if ('L' in v) return 3 + v.L.reduce((sum, e) => sum + 1 + valueSize(e), 0);
    return fail(`attribute value not modelled: ${JSON.stringify(v)}`);
  };
  return Object.entries(item).reduce((sum, [name, value]) => sum + bytes(name) + valueSize(value), 0);
}

function significantDigits(number) {
  const [mantissa] = number.replace(/^[-+]/, '').split(/e/i);
  return mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
}

function checkAttributeValue(value) {
  const types = Object.keys(value ?? {});
  if (types.length !== 1 || !['S', 'N', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS'].includes(types[0])) {
    throw serviceError('DynamoDB', 'ValidationException', `Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes: ${JSON.stringify(value)}`);
  }
  if (types[0] === 'S' && typeof value.S !== 'string') throw serviceError('DynamoDB', 'ValidationException', `S must be a string: ${JSON.stringify(value)}`);
}

function fromAttributes(item) {
  const plain = (v) => {
    if ('S' in v) return v.S;
    if ('N' in v) return Number(v.N);
    if ('BOOL' in v) return v.BOOL;
    if ('NULL' in v) return null;
    if ('M' in v) return fromAttributes(v.M);
    if ('L' in v) return v.L.map(plain);
    return fail(`attribute value not modelled: ${JSON.stringify(v)}`);
  };
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, plain(v)]));
}

/** A small evaluator for DynamoDB condition expressions (the subset a PutItem condition uses). */
export function evaluateCondition(expression, item, names, values, used = { names: new Set(), values: new Set() }, service = 'DynamoDB') {
  const tokens = expression.match(/\s*(attribute_not_exists|attribute_exists|AND|OR|NOT|<>|<=|>=|=|<|>|\(|\)|,|#[A-Za-z0-9_]+|:[A-Za-z0-9_]+|[A-Za-z_][A-Za-z0-9_]*)\s*/gy)?.map((t) => t.trim());
  if (!tokens || tokens.join('').length !== expression.replace(/\s+/g, '').length) fail(`condition expression not modelled: ${expression}`);
  let i = 0;
  const peek = () => tokens[i];
  const take = (expected) => {
    const token = tokens[i++];
    if (expected && token !== expected) fail(`condition expression: expected '${expected}', got '${token}' in ${expression}`);
    return token;
  };
  const path = () => {
    const token = take();
    if (token.startsWith('#')) {
      used.names.add(token);
      return names[token] ?? (() => { throw serviceError(service, 'ValidationException', `An expression attribute name used in the document path is not defined; attribute name: ${token}`); })();
    }
    if (/^[A-Za-z_]/.test(token)) return token;
    return fail(`condition expression: expected an attribute, got '${token}'`);
  };
  const operand = () => {
    if (peek().startsWith(':')) {
      const token = take();
      used.values.add(token);
      return values[token] ?? (() => { throw serviceError(service, 'ValidationException', `An expression attribute value used in expression is not defined; attribute value: ${token}`); })();
    }
    const attribute = path();
    return item?.[attribute] ?? { missing: attribute };
  };
  const primary = () => {
    const token = peek();
    if (token === '(') {
      take('(');
      const value = or();
      take(')');
      return value;
    }
    if (token === 'NOT') {
      take();
      return known(primary(), 'NOT') ? false : true;
    }
    if (token === 'attribute_exists' || token === 'attribute_not_exists') {
      take();
      take('(');
      const attribute = path();
      take(')');
      const exists = item !== undefined && item[attribute] !== undefined;
      return token === 'attribute_exists' ? exists : !exists;
    }
    const left = operand();
    const operator = take();
    const right = operand();
    // DynamoDB's answer for a comparison with a missing attribute is left open: an expression whose
    // result depends on it fails loudly instead of guessing (see known()).
    if (left.missing || right.missing) return UNKNOWN;
    const equal = JSON.stringify(left) === JSON.stringify(right);
    switch (operator) {
      case '=': return equal;
      case '<>': return !equal;
      default: return fail(`operator ${operator} is not modelled`);
    }
  };
  const and = () => {
    let value = primary();
    while (peek() === 'AND') {
      take();
      const right = primary();
      value = value === false || right === false ? false : value === UNKNOWN || right === UNKNOWN ? UNKNOWN : true;
    }
    return value;
  };
  const or = () => {
    let value = and();
    while (peek() === 'OR') {
      take();
      const right = and();
      value = value === true || right === true ? true : value === UNKNOWN || right === UNKNOWN ? UNKNOWN : false;
    }
    return value;
  };
  const known = (value, where) => (value === UNKNOWN ? fail(`${expression}: the result depends on a comparison with a missing attribute (${where}), which is not modelled`) : value);
  const result = known(or(), 'result');
  if (i !== tokens.length) fail(`condition expression: unexpected '${tokens[i]}' in ${expression}`);
  return result;
}

const UNKNOWN = Symbol('unknown');

function fail(message) {
  throw new Error(message);
}
