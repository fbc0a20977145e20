import { DOC_LIMITS } from './ecs-doc-limits.js';
import { type EcsShape, ecsShape } from './ecs-model.js';
import { isObject, type JsonObject } from './json.js';

/** What {@link checkAgainstModel} found. */
export interface ModelCheckResult {
  /** The input with nulls dropped and scalars converted to the API's types. */
  value: JsonObject;
  /** One line per violation, each starting with the path: `containerDefinitions[0].enviroment: …`. */
  problems: string[];
  /** One line per conversion that was made (`cpu: 256 → "256" (the API wants a string)`). */
  notes: string[];
}

/** Options for {@link checkAgainstModel}. */
export interface ModelCheckOptions {
  /** The request shape, e.g. `RegisterTaskDefinitionRequest`. */
  shape: string;
  /** Required top-level members the caller fills in itself (a service's name comes from an input). */
  provided?: readonly string[];
}

interface Walk {
  problems: string[];
  notes: string[];
}

/** `a`, `a.b`, `a[0]`, `a["odd key"]`. */
function memberPath(path: string, name: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) return `${path}[${JSON.stringify(name)}]`;
  return path ? `${path}.${name}` : name;
}

/** What was found, for messages: `"512"`, `1024`, `a list`, `an object`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isObject(value)) return 'an object';
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? Number.POSITIVE_INFINITY;
}

/** The member a misspelt name most likely meant: same letters in another case, 1-2 edits away, or a prefix. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const sameCase = candidates.find((c) => c.toLowerCase() === lower);
  if (sameCase) return sameCase;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= Math.min(2, Math.floor(candidate.length / 3)) && (!best || distance < best.distance)) {
      best = { name: candidate, distance };
    }
  }
  if (best) return best.name;
  // `memorySize` for memory, `env` for environment: one name is the start of the other.
  return candidates
    .filter((c) => Math.min(c.length, lower.length) >= 3)
    .filter((c) => lower.startsWith(c.toLowerCase()) || c.toLowerCase().startsWith(lower))
    .sort((a, b) => b.length - a.length)[0];
}

function checkRange(value: number, limits: { min?: number; max?: number }, path: string, walk: Walk, why: string) {
  const { min, max } = limits;
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    const range =
      min !== undefined && max !== undefined
        ? `${min} to ${max}`
        : min !== undefined
          ? `at least ${min}`
          : `at most ${max}`;
    walk.problems.push(`${path}: expected ${range}${why}, found ${value}`);
  }
}

function checkString(value: unknown, shape: EcsShape, path: string, walk: Walk): unknown {
  let text = value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') {
    // YAML reads `cpu: 256` and `awslogs-create-group: true` as a number and a boolean; the API
    // wants the string, and the conversion loses nothing.
    text = String(value);
    walk.notes.push(`${path}: ${String(value)} → ${JSON.stringify(text)} (the API wants a string)`);
  }
  if (typeof text !== 'string') {
    walk.problems.push(`${path}: expected a string, found ${describeValue(value)}`);
    return value;
  }
  if (shape.enum && !shape.enum.includes(text)) {
    const hint = closestName(text, shape.enum);
    walk.problems.push(
      `${path}: expected one of ${shape.enum.join(', ')}, found ${JSON.stringify(text)}${hint ? `; did you mean ${hint}?` : ''}`,
    );
  }
  if (shape.min !== undefined && text.length < shape.min) {
    walk.problems.push(`${path}: expected at least ${shape.min} character(s), found ${JSON.stringify(text)}`);
  }
  if (shape.max !== undefined && text.length > shape.max) {
    walk.problems.push(`${path}: expected at most ${shape.max} characters, found ${text.length}`);
  }
  if (shape.pattern && !new RegExp(`^(?:${shape.pattern})$`, 'u').test(text)) {
    walk.problems.push(`${path}: expected text matching ${shape.pattern}, found ${JSON.stringify(text)}`);
  }
  return text;
}

function checkNumber(value: unknown, shape: EcsShape, path: string, walk: Walk): unknown {
  const integer = shape.type === 'integer' || shape.type === 'long';
  let number = value;
  if (typeof value === 'string' && (integer ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/).test(value.trim())) {
    // A placeholder always resolves to a string; `"512"` for an integer member means 512.
    number = Number(value.trim());
    walk.notes.push(`${path}: ${JSON.stringify(value)} → ${String(number)} (the API wants a number)`);
  }
  if (typeof number !== 'number' || !Number.isFinite(number) || (integer && !Number.isSafeInteger(number))) {
    walk.problems.push(`${path}: expected ${integer ? 'an integer' : 'a number'}, found ${describeValue(value)}`);
    return value;
  }
  checkRange(number, shape, path, walk, '');
  return number;
}

function checkBoolean(value: unknown, path: string, walk: Walk): unknown {
  if (value === 'true' || value === 'false') {
    walk.notes.push(`${path}: "${value}" → ${value} (the API wants a boolean)`);
    return value === 'true';
  }
  if (typeof value !== 'boolean') walk.problems.push(`${path}: expected true or false, found ${describeValue(value)}`);
  return value;
}

/** A list of `{key, value}` (or `{name, value}`) entries, the shape a map is often written in by mistake. */
function entryShapeHint(listShape: EcsShape, value: unknown): string {
  const item = listShape.member ? ecsShape(listShape.member) : undefined;
  const names = Object.keys(item?.members ?? {});
  if (!isObject(value) || item?.type !== 'structure' || names.length !== 2 || !names.includes('value')) return '';
  const keyName = names.find((n) => n !== 'value') ?? 'key';
  const [first] = Object.entries(value);
  const example = first ? `[{ "${keyName}": ${JSON.stringify(first[0])}, "value": ${JSON.stringify(first[1])} }]` : '';
  return ` of {${keyName}, value} entries, not a map${example ? `: write ${example}` : ''}`;
}

function checkList(value: unknown, shape: EcsShape, path: string, walk: Walk, owner: string): unknown {
  if (!Array.isArray(value)) {
    walk.problems.push(`${path}: expected a list${entryShapeHint(shape, value)}, found ${describeValue(value)}`);
    return value;
  }
  const limit = DOC_LIMITS[owner];
  if (shape.min !== undefined && value.length < shape.min) {
    walk.problems.push(`${path}: expected at least ${shape.min} item(s), found ${value.length}`);
  }
  const max = limit?.maxItems ?? shape.max;
  if (max !== undefined && value.length > max) {
    walk.problems.push(
      `${path}: expected at most ${max} items${limit ? ` (${limit.doc})` : ''}, found ${value.length}`,
    );
  }
  return value.map((item, index) => checkValue(item, shape.member ?? '', `${path}[${index}]`, walk, ''));
}

function checkMap(value: unknown, shape: EcsShape, path: string, walk: Walk): unknown {
  if (!isObject(value)) {
    walk.problems.push(`${path}: expected a map of names to values, found ${describeValue(value)}`);
    return value;
  }
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === null) continue;
    if (shape.key) checkValue(key, shape.key, `${memberPath(path, key)} (the key)`, walk, '');
    result[key] = checkValue(item, shape.value ?? '', memberPath(path, key), walk, '');
  }
  return result;
}

function checkStructure(value: unknown, name: string, path: string, walk: Walk, provided: readonly string[]): unknown {
  const shape = ecsShape(name);
  if (!isObject(value)) {
    walk.problems.push(`${path || 'the document'}: expected an object (${name}), found ${describeValue(value)}`);
    return value;
  }
  const members = shape.members ?? {};
  const names = Object.keys(members);
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    // A console export writes unset members as null; the SDK drops them, and so does this.
    if (item === null) continue;
    const child = members[key];
    const where = memberPath(path, key);
    if (!child) {
      const hint = closestName(key, names);
      walk.problems.push(
        `${where}: unknown member${hint ? `; did you mean ${hint}?` : ` of ${name} (expected one of ${names.join(', ')})`}`,
      );
      continue;
    }
    result[key] = checkValue(item, child, where, walk, `${name}.${key}`);
  }
  for (const required of shape.required ?? []) {
    if (result[required] === undefined && value[required] === undefined && !provided.includes(required)) {
      walk.problems.push(`${memberPath(path, required)}: required by ${name}, missing`);
    }
  }
  if (shape.union) {
    const set = Object.keys(result);
    if (set.length !== 1) {
      walk.problems.push(
        `${path}: expected exactly one of ${names.join(', ')}, found ${set.length === 0 ? 'none' : set.join(', ')}`,
      );
    }
  }
  return result;
}

/** Checks one value against a shape; `owner` is `Structure.member` for the documentation's limits. */
function checkValue(value: unknown, name: string, path: string, walk: Walk, owner: string): unknown {
  if (value === null || value === undefined) {
    walk.problems.push(`${path}: expected a value (${name}), found null`);
    return value;
  }
  const shape = ecsShape(name);
  let result: unknown;
  switch (shape.type) {
    case 'structure':
      return checkStructure(value, name, path, walk, []);
    case 'list':
      return checkList(value, shape, path, walk, owner);
    case 'map':
      return checkMap(value, shape, path, walk);
    case 'string':
      return checkString(value, shape, path, walk);
    case 'integer':
    case 'long':
    case 'double':
    case 'float':
      result = checkNumber(value, shape, path, walk);
      break;
    case 'boolean':
      return checkBoolean(value, path, walk);
    default:
      // document (free-form JSON) and timestamp: nothing the model says to check.
      return value;
  }
  const limit = DOC_LIMITS[owner];
  if (limit && typeof result === 'number') checkRange(result, limit, path, walk, ` (${limit.doc})`);
  return result;
}

/**
 * Checks a request document against the ECS API model at every depth: member names (with a
 * did-you-mean for a misspelling), types, required members, enumerations, the model's and the
 * documentation's ranges. Nulls are dropped (the SDK drops them too) and scalars are converted
 * where the conversion is exact: `"512"` → 512 for an integer, 256 → `"256"` and true → `"true"`
 * for a string, `"true"` → true for a boolean. Anything else of the wrong type is a problem.
 */
export function checkAgainstModel(document: JsonObject, options: ModelCheckOptions): ModelCheckResult {
  const walk: Walk = { problems: [], notes: [] };
  const value = checkStructure(document, options.shape, '', walk, options.provided ?? []);
  return { value: isObject(value) ? value : {}, problems: walk.problems, notes: walk.notes };
}
