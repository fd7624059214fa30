// DynamoDB in memory: the job metadata table (PutItem, UpdateItem, DeleteItem, GetItem, the status index's
// Query, TransactWriteItems) and the condition- and update-expression evaluators its writes use.
import { serviceError } from './errors.mjs';
import { ApiCalls } from './token-bucket.mjs';

/**
 * One DynamoDB table in memory, keyed by jobName. Every write evaluates ConditionExpression (comparisons,
 * attribute_exists / attribute_not_exists, AND / OR / NOT, parentheses) and rejects unused or undefined
 * expression names and values, as DynamoDB does. Errors are named as the integration that calls reports
 * them: `service` 'DynamoDB' (the optimized integrations; PutItem's default) or 'DynamoDb' (the AWS SDK
 * integrations; the others' default). `items` holds plain values; `writes` every item written, in order;
 * `apiCalls` every request by Date.now().
 */
export class FakeTable {
  /** `hotKeys`: items whose writes (conditions failed or not: each costs a write) `keyCalls` records by time. */
  constructor({ tableName = null, hotKeys = [] } = {}) {
    this.tableName = tableName;
    this.keyCalls = new Map(hotKeys.map((key) => [key, new ApiCalls()]));
    this.records = new Map(); // jobName -> item as attribute values
    this.writes = [];
    this.deletes = 0;
    this.transactions = [];
    this.apiCalls = new ApiCalls(); // every request, by Date.now(), for the benchmarks
  }

  /** jobName -> item with plain values. */
  get items() {
    return new Map([...this.records].map(([k, v]) => [k, fromAttributes(v)]));
  }

  putItem(request, { service = 'DynamoDB' } = {}) {
    this.#table('PutItem', request.TableName);
    const { key, item } = this.#put(request, service);
    this.#write(key, item);
    return {};
  }

  /**
   * UpdateItem as the AWS SDK integration calls it (errors named "DynamoDb.*" unless `service` says otherwise):
   * ConditionExpression as for PutItem; UpdateExpression with SET (`#a = :v`, `#a = if_not_exists(#a, :v)`,
   * `#a = <operand> + :n`, `- :n`), ADD of a number and REMOVE clauses, every operand read from the item
   * before the update, as DynamoDB does.
   */
  updateItem(request, { service = 'DynamoDb' } = {}) {
    this.#table('UpdateItem', request.TableName);
    const { key, item } = this.#updated(request, service);
    this.#write(key, item);
    return {};
  }

  /** DeleteItem: ConditionExpression as for PutItem; deleting an item that is not there succeeds. */
  deleteItem(request, { service = 'DynamoDb' } = {}) {
    this.#table('DeleteItem', request.TableName);
    const key = this.#deleted(request, service);
    this.#delete(key);
    return {};
  }

  /**
   * TransactWriteItems as the AWS SDK integration calls it: 1 to 100 of Put, Update, Delete and ConditionCheck,
   * at most one of them on an item, all applied or none. A failed condition cancels the transaction:
   * DynamoDb.TransactionCanceledException, its message listing a reason per item in order ("[None,
   * ConditionalCheckFailed]"), and `cancellationReasons` ([{ Code, Message? }]) as the API answers them.
   */
  transactWriteItems({ TransactItems, ClientRequestToken }, { service = 'DynamoDb' } = {}) {
    this.apiCalls.record(Date.now());
    if (!Array.isArray(TransactItems) || TransactItems.length < 1 || TransactItems.length > 100) {
      throw serviceError(service, 'ValidationException', `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length between 1 and 100`);
    }
    const actions = TransactItems.map((entry) => {
      const kinds = Object.keys(entry ?? {});
      if (kinds.length !== 1 || !['Put', 'Update', 'Delete', 'ConditionCheck'].includes(kinds[0])) {
        throw serviceError(service, 'ValidationException', `TransactItems can only contain one of Check, Put, Update or Delete: ${JSON.stringify(entry)}`);
      }
      const request = entry[kinds[0]];
      this.#table(`TransactWriteItems ${kinds[0]}`, request.TableName, false);
      return { kind: kinds[0], request, key: kinds[0] === 'Put' ? request.Item?.jobName?.S : this.#key(request.Key, service) };
    });
    const keys = actions.map((a) => a.key);
    if (new Set(keys).size !== keys.length) throw serviceError(service, 'ValidationException', 'Transaction request cannot include multiple operations on one item');
    // Every action is checked against the items as they were before the transaction; then all are applied.
    const reasons = [];
    const outcomes = actions.map(({ kind, request }) => {
      try {
        const outcome = kind === 'Put' ? { put: this.#put(request, service) }
          : kind === 'Update' ? { put: this.#updated(request, service) }
            : kind === 'Delete' ? { deleted: this.#deleted(request, service) }
              : (this.#checked(request, service), {});
        reasons.push({ Code: 'None' });
        return outcome;
      } catch (e) {
        if (e.name !== `${service}.ConditionalCheckFailedException`) throw e;
        reasons.push({ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' });
        return null;
      }
    });
    if (outcomes.includes(null)) {
      const error = serviceError(service, 'TransactionCanceledException', `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`);
      error.cancellationReasons = reasons;
      throw error;
    }
    for (const outcome of outcomes) {
      if (outcome.put) this.#write(outcome.put.key, outcome.put.item, false);
      else if (outcome.deleted !== undefined) this.#delete(outcome.deleted, false);
    }
    this.transactions.push({ ClientRequestToken, keys });
    return {};
  }

  /**
   * Query of the status index as the AWS SDK integration calls it: `#status = :value` on the index's
   * partition key, items sorted by updatedAt (ScanIndexForward), at most Limit of them, projected.
   * Returns { Count, ScannedCount, Items } (and LastEvaluatedKey when Limit cut the result).
   */
  query({ TableName, IndexName, KeyConditionExpression, ProjectionExpression, ExpressionAttributeNames = {}, ExpressionAttributeValues = {}, ScanIndexForward = true, Limit }) {
    this.#table('Query', TableName);
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
    this.#table('GetItem', TableName);
    const key = Key?.jobName?.S ?? (() => { throw serviceError('DynamoDb', 'ValidationException', 'The provided key element does not match the schema'); })();
    const item = this.records.get(key);
    if (!item) return {};
    if (!ProjectionExpression) return { Item: structuredClone(item) };
    const attributes = ProjectionExpression.split(',').map((p) => p.trim()).map((p) => (p.startsWith('#') ? ExpressionAttributeNames[p] ?? fail(`projection name ${p} undefined`) : p));
    return { Item: Object.fromEntries(attributes.filter((a) => item[a] !== undefined).map((a) => [a, structuredClone(item[a])])) };
  }

  #table(operation, tableName, record = true) {
    if (record) this.apiCalls.record(Date.now());
    if (this.tableName && tableName !== this.tableName) fail(`${operation} on '${tableName}', expected the metadata table '${this.tableName}'`);
  }

  #key(Key, service) {
    const key = Key?.jobName?.S;
    if (!key || Object.keys(Key).length !== 1) throw serviceError(service, 'ValidationException', 'The provided key element does not match the schema');
    return key;
  }

  /** Whether ConditionExpression holds for `current`; names and values must all be used (across `used`). */
  #condition({ ConditionExpression, ExpressionAttributeNames = {}, ExpressionAttributeValues = {} }, current, service, used = { names: new Set(), values: new Set() }, updating = false) {
    const ok = ConditionExpression ? evaluateCondition(ConditionExpression, current, ExpressionAttributeNames, ExpressionAttributeValues, used, service) : true;
    if (!ConditionExpression && !updating && (Object.keys(ExpressionAttributeNames).length || Object.keys(ExpressionAttributeValues).length)) {
      throw serviceError(service, 'ValidationException', 'ExpressionAttributeNames/Values can only be specified when using expressions');
    }
    const unused = [...Object.keys(ExpressionAttributeNames).filter((n) => !used.names.has(n)), ...Object.keys(ExpressionAttributeValues).filter((v) => !used.values.has(v))];
    if (unused.length) throw serviceError(service, 'ValidationException', `Value provided in ExpressionAttributeNames/Values unused in expressions: keys: {${unused}}`);
    if (!ok) throw serviceError(service, 'ConditionalCheckFailedException', 'The conditional request failed');
  }

  #put(request, service) {
    const { Item } = request;
    const key = Item?.jobName?.S;
    if (!key) throw serviceError(service, 'ValidationException', 'One or more parameter values were invalid: Missing the key jobName in the item');
    this.keyCalls.get(key)?.record(Date.now());
    this.#condition(request, this.records.get(key), service);
    for (const value of Object.values(Item)) checkAttributeValue(value, service);
    return { key, item: structuredClone(Item) };
  }

  #updated(request, service) {
    const { Key, UpdateExpression, ExpressionAttributeNames = {}, ExpressionAttributeValues = {} } = request;
    const key = this.#key(Key, service);
    this.keyCalls.get(key)?.record(Date.now());
    const current = this.records.get(key);
    const used = { names: new Set(), values: new Set() };
    const item = applyUpdate(UpdateExpression, current ?? { jobName: { S: key } }, current, ExpressionAttributeNames, ExpressionAttributeValues, used, service);
    this.#condition(request, current, service, used, true);
    for (const value of Object.values(item)) checkAttributeValue(value, service);
    return { key, item };
  }

  #deleted(request, service) {
    const key = this.#key(request.Key, service);
    this.keyCalls.get(key)?.record(Date.now());
    this.#condition(request, this.records.get(key), service);
    return key;
  }

  #checked(request, service) {
    const key = this.#key(request.Key, service);
    if (!request.ConditionExpression) throw serviceError(service, 'ValidationException', 'The ConditionCheck of a transaction needs a ConditionExpression');
    this.#condition(request, this.records.get(key), service);
  }

  #write(key, item) {
    this.records.set(key, item);
    this.writes.push(structuredClone(item));
  }

  #delete(key) {
    if (this.records.delete(key)) this.deletes++;
  }
}

/** The tokens of an expression, read one at a time: `what` names the expression in every error. */
function tokenize(expression, pattern, what) {
  const tokens = expression?.match(pattern)?.map((t) => t.trim());
  if (!tokens || tokens.join('').length !== expression.replace(/\s+/g, '').length) fail(`${what} not modelled: ${expression}`);
  let i = 0;
  return {
    peek: () => tokens[i],
    take: (expected) => {
      const token = tokens[i++];
      if (expected && token !== expected) fail(`${what}: expected '${expected}', got '${token}' in ${expression}`);
      return token;
    },
    done: () => i >= tokens.length,
  };
}

/**
 * The item after UpdateExpression (SET, ADD of numbers, REMOVE), every operand read from `before` (the item
 * before the update, or undefined). Marks the names and values it uses in `used`.
 */
export function applyUpdate(expression, start, before, names, values, used, service = 'DynamoDb') {
  const { peek, take, done } = tokenize(expression, /\s*(#[A-Za-z0-9_]+|:[A-Za-z0-9_]+|[A-Za-z_][A-Za-z0-9_]*|=|\+|-|\(|\)|,)\s*/gy, 'update expression');
  const invalid = (message) => { throw serviceError(service, 'ValidationException', `Invalid UpdateExpression: ${message}`); };
  const path = () => {
    const token = take();
    if (token?.startsWith('#')) {
      used.names.add(token);
      return names[token] ?? invalid(`An expression attribute name used in the document path is not defined; attribute name: ${token}`);
    }
    if (/^[A-Za-z_]/.test(token ?? '')) return token;
    return fail(`update expression: expected an attribute, got '${token}' in ${expression}`);
  };
  const value = (token) => {
    used.values.add(token);
    return values[token] ?? invalid(`An expression attribute value used in expression is not defined; attribute value: ${token}`);
  };
  const operand = () => {
    if (peek()?.startsWith(':')) return value(take());
    if (peek() === 'if_not_exists') {
      take();
      take('(');
      const attribute = path();
      take(',');
      const fallback = sum();
      take(')');
      return before?.[attribute] ?? fallback;
    }
    const attribute = path();
    return before?.[attribute] ?? invalid(`The provided expression refers to an attribute that does not exist in the item: ${attribute}`);
  };
  const sum = () => {
    let left = operand();
    while (peek() === '+' || peek() === '-') {
      const sign = take() === '+' ? 1 : -1;
      const right = operand();
      if (!('N' in left) || !('N' in right)) invalid('Incorrect operand type for operator or function; operator or function: ' + (sign > 0 ? '+' : '-'));
      left = { N: String(Number(left.N) + sign * Number(right.N)) };
    }
    return left;
  };
  const item = structuredClone(start);
  const assign = (attribute, v) => {
    if (attribute === 'jobName') invalid('Cannot update attribute jobName. This attribute is part of the key');
    if (v === undefined) delete item[attribute];
    else item[attribute] = structuredClone(v);
  };
  const clauses = new Set();
  while (!done()) {
    const clause = take().toUpperCase();
    if (clauses.has(clause)) invalid(`The "${clause}" section can only be used once in an update expression`);
    clauses.add(clause);
    do {
      if (clause === 'SET') {
        const attribute = path();
        take('=');
        assign(attribute, sum());
      } else if (clause === 'ADD') {
        const attribute = path();
        const amount = value(take());
        if (!('N' in amount)) fail(`ADD of a ${Object.keys(amount)[0]} is not modelled: ${expression}`);
        const current = before?.[attribute];
        if (current && !('N' in current)) invalid('Incorrect operand type for operator or function; operator: ADD');
        assign(attribute, { N: String(Number(current?.N ?? 0) + Number(amount.N)) });
      } else if (clause === 'REMOVE') {
        assign(path(), undefined);
      } else {
        fail(`update clause '${clause}' is not modelled: ${expression}`);
      }
    } while (peek() === ',' && take(','));
  }
  return item;
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

function checkAttributeValue(value, service = 'DynamoDB') {
  const types = Object.keys(value ?? {});
  if (types.length !== 1 || !['S', 'N', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS'].includes(types[0])) {
    throw serviceError(service, 'ValidationException', `Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes: ${JSON.stringify(value)}`);
  }
  if (types[0] === 'S' && typeof value.S !== 'string') throw serviceError(service, 'ValidationException', `S must be a string: ${JSON.stringify(value)}`);
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
  const { peek, take, done } = tokenize(
    expression,
    /\s*(attribute_not_exists|attribute_exists|AND|OR|NOT|<>|<=|>=|=|<|>|\(|\)|,|#[A-Za-z0-9_]+|:[A-Za-z0-9_]+|[A-Za-z_][A-Za-z0-9_]*)\s*/gy,
    'condition expression',
  );
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
    if (operator === '=') return equal;
    if (operator === '<>') return !equal;
    // An ordering compares numbers by value and strings by their bytes; values of different types compare false.
    const type = Object.keys(left)[0];
    if (type !== Object.keys(right)[0] || !['N', 'S'].includes(type)) return false;
    const order = type === 'N' ? Math.sign(Number(left.N) - Number(right.N)) : Buffer.compare(Buffer.from(left.S), Buffer.from(right.S));
    switch (operator) {
      case '<': return order < 0;
      case '<=': return order <= 0;
      case '>': return order > 0;
      case '>=': return order >= 0;
      default: return fail(`operator ${operator} is not modelled`);
    }
  };
  // AND and OR in three-valued logic: `decisive` (false for AND, true for OR) decides whatever the other side is.
  const operands = (operator, operand, decisive) => () => {
    let value = operand();
    while (peek() === operator) {
      take();
      const right = operand();
      value = value === decisive || right === decisive ? decisive : value === UNKNOWN || right === UNKNOWN ? UNKNOWN : !decisive;
    }
    return value;
  };
  const and = operands('AND', primary, false);
  const or = operands('OR', and, true);
  const known = (value, where) => (value === UNKNOWN ? fail(`${expression}: the result depends on a comparison with a missing attribute (${where}), which is not modelled`) : value);
  const result = known(or(), 'result');
  if (!done()) fail(`condition expression: unexpected '${peek()}' in ${expression}`);
  return result;
}

const UNKNOWN = Symbol('unknown');

function fail(message) {
  throw new Error(message);
}
