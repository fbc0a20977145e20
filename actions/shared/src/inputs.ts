import * as core from '@actions/core';
// zod/mini, not classic zod: the same validation core without the method-chaining API, which alone
// added ~450 KB to every action bundle that read its inputs.
import * as z from 'zod/mini';
import { parseBoolean, parseDuration, parseKeyValueLines, parseList } from './parse.js';

/** A raw input: the string the runner passed, or undefined when empty. */
type Raw = string | undefined;

/** Wraps a parser as a zod transform whose error message is the parser's ("expected …, found …"). */
function parsed<T>(parse: (text: string) => T, fallback: () => T) {
  return z.pipe(
    z.optional(z.string()),
    z.transform((raw: Raw, ctx): T => {
      if (raw === undefined) return fallback();
      try {
        return parse(raw);
      } catch (err) {
        ctx.issues.push({ code: 'custom', message: err instanceof Error ? err.message : String(err), input: raw });
        return z.NEVER;
      }
    }),
  );
}

/** `expected one of a, b, found 'c'` for an enum input. */
function oneOf(values: readonly string[]) {
  return {
    error: (issue: { input?: unknown }) => `expected one of ${values.join(', ')}, found '${String(issue.input)}'`,
  };
}

/**
 * Field schemas (zod/mini) for action inputs, to compose into one `z.object({...})` per action
 * (`import * as z from 'zod/mini'`) whose keys are the input names exactly as in action.yml.
 * Defaults here must equal action.yml's.
 */
export const inputField = {
  /** A required, non-empty string. */
  required: () => z.string({ error: 'is required but was empty or not given' }),
  /** An optional string; undefined when empty. */
  optional: () => z.optional(z.string()),
  /** A string with a default. */
  text: (defaultValue: string) => z._default(z.string(), defaultValue),
  /** true/false (also yes/no, on/off, 1/0). */
  boolean: (defaultValue: boolean) => parsed(parseBoolean, () => defaultValue),
  /** A duration (`30m`, `900s`, `1h30m`, bare number = seconds) as milliseconds. */
  duration: (defaultValue: string) => parsed(parseDuration, () => parseDuration(defaultValue)),
  /** `Key=Value` lines (values may contain `=` and commas) as a record; `{}` when empty. */
  keyValues: () => parsed(parseKeyValueLines, () => ({}) as Record<string, string>),
  /** Items one per line or comma separated; `[]` when empty. */
  list: () => parsed(parseList, () => [] as string[]),
  /** Items one per line or comma separated, each one of a fixed set of words; `[]` when empty. */
  listOf: <const T extends readonly [string, ...string[]]>(values: T) =>
    z.pipe(
      parsed(parseList, () => [] as string[]),
      z.array(z.enum(values, oneOf(values))),
    ),
  /** One of a fixed set of words. */
  choice: <const T extends readonly [string, ...string[]]>(values: T, defaultValue: T[number]) =>
    z._default(z.enum(values, oneOf(values)), defaultValue as never),
};

/**
 * Reads every input named by the schema's keys once (`core.getInput`, so `INPUT_<NAME>` from the
 * runner), treats empty strings as absent, and validates them all together.
 * @param schema a zod/mini `z.object({...})` of {@link inputField} fields.
 * @returns one typed object of all inputs.
 * @throws Error listing every invalid input as `Input 'name': expected …, found …`.
 */
export function readInputs<S extends z.ZodMiniObject>(schema: S): z.output<S> {
  const raw: Record<string, Raw> = {};
  for (const name of Object.keys(schema.shape)) {
    const value = core.getInput(name);
    raw[name] = value === '' ? undefined : value;
  }
  const result = z.safeParse(schema, raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `Input '${String(issue.path[0] ?? '?')}': ${issue.message}`);
  throw new Error(`${problems.join('\n')}\nFix the 'with:' block of this step (see the action's action.yml).`);
}
