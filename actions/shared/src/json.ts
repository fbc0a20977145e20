/** A parsed JSON/YAML object whose shape is checked later, field by field. */
export type JsonObject = Record<string, unknown>;

/** True for a plain object (not null, not an array): a JSON/YAML mapping. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
