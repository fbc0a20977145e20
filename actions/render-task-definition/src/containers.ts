import { isObject, type JsonObject } from '../../shared/src/json.js';

/** The container definitions of a task definition, checked to be objects with a name. */
export function containerDefinitions(definition: JsonObject): JsonObject[] {
  const list = definition.containerDefinitions;
  if (!Array.isArray(list) || list.length === 0) {
    throw new Error(
      'expected containerDefinitions to be a non-empty list of containers, found none. Add at least one container.',
    );
  }
  return list.map((item, index) => {
    if (!isObject(item) || typeof item.name !== 'string' || item.name === '') {
      throw new Error(
        `expected containerDefinitions[${index}] to be an object with a name, found ${JSON.stringify(item)}`,
      );
    }
    return item;
  });
}

function requireKnown(names: Iterable<string>, containers: JsonObject[], input: string): void {
  const known = containers.map((c) => String(c.name));
  const unknown = [...names].filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `the '${input}' input names container(s) ${unknown.join(', ')} that the task definition does not have (containers: ${known.join(', ')}). Use one of those names.`,
    );
  }
}

/**
 * Sets each container's image from a `container → image` map.
 * @throws Error when the map names a container the task definition does not have, or gives one an
 *   empty image.
 */
export function applyImages(definition: JsonObject, images: Readonly<Record<string, string>>): JsonObject {
  const containers = containerDefinitions(definition);
  requireKnown(Object.keys(images), containers, 'images');
  // An empty image is a build that produced nothing: keeping the file's placeholder would deploy a
  // tag that does not exist.
  const empty = Object.entries(images).filter(([, image]) => image.trim() === '');
  if (empty.length > 0) {
    const names = empty.map(([name]) => name).join(', ');
    throw new Error(
      `the 'images' input gives container${empty.length > 1 ? 's' : ''} ${names} an empty image (expected <repository>@sha256:<digest> or <repository>:<tag>). Check the step that built or looked up the image of ${names}.`,
    );
  }
  return {
    ...definition,
    containerDefinitions: containers.map((c) => {
      const image = images[String(c.name)];
      return image === undefined ? c : { ...c, image };
    }),
  };
}

/** One `environment`/`secrets` entry; `container` undefined means every container. */
export interface NamedValue {
  container?: string;
  name: string;
  value: string;
}

/**
 * Parses `[container:]NAME` keys of Key=Value lines. Variable names never hold ':', so the first
 * ':' in a key separates the container; values may contain anything.
 */
export function toNamedValues(entries: Readonly<Record<string, string>>): NamedValue[] {
  return Object.entries(entries).map(([key, value]) => {
    const at = key.indexOf(':');
    return at > 0 ? { container: key.slice(0, at), name: key.slice(at + 1), value } : { name: key, value };
  });
}

/** Options for {@link mergeNamedValues}. */
export interface MergeOptions {
  definition: JsonObject;
  /** `environment` ({ name, value }) or `secrets` ({ name, valueFrom }). */
  field: 'environment' | 'secrets';
  entries: NamedValue[];
}

/**
 * Merges environment variables or secrets into containers by name: an entry replaces the one of
 * the same name, every other existing entry is kept, new names are appended.
 * @throws Error when an entry names an unknown container.
 */
export function mergeNamedValues(options: MergeOptions): JsonObject {
  const { field, entries } = options;
  const containers = containerDefinitions(options.definition);
  requireKnown(
    entries.flatMap((e) => (e.container ? [e.container] : [])),
    containers,
    field,
  );
  const valueKey = field === 'environment' ? 'value' : 'valueFrom';
  return {
    ...options.definition,
    containerDefinitions: containers.map((c) => {
      const mine = entries.filter((e) => e.container === undefined || e.container === c.name);
      if (mine.length === 0) return c;
      const current = Array.isArray(c[field]) ? (c[field] as unknown[]).filter(isObject) : [];
      const merged = new Map<string, JsonObject>(current.map((item) => [String(item.name), item]));
      for (const entry of mine) merged.set(entry.name, { name: entry.name, [valueKey]: entry.value });
      return { ...c, [field]: [...merged.values()] };
    }),
  };
}
