import { isObject } from './json.js';

/**
 * A stable form for comparing a definition file with what ECS returns: keys sorted, empty
 * lists/objects and nulls dropped (ECS fills in `[]` for what was left out), `environment` and
 * `secrets` sorted by name. Two documents mean the same when their canonical forms are deep-equal.
 */
export function canonical(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => canonical(item)).filter((item) => item !== undefined);
    if (items.length === 0) return undefined;
    if (key === 'environment' || key === 'secrets') {
      return items.sort((a, b) => String(isObject(a) ? a.name : '').localeCompare(String(isObject(b) ? b.name : '')));
    }
    return items;
  }
  if (isObject(value)) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => [k, canonical(value[k], k)] as const)
      .filter(([, v]) => v !== undefined);
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  return value === null ? undefined : value;
}
