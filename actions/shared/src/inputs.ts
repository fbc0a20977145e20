import * as core from '@actions/core';
import { z } from 'zod';
import { parseBoolean, parseDuration, parseKeyValueLines, parseList } from './parse.js';

/** A raw input: the string the runner passed, or undefined when empty. */
type Raw = string | undefined;

/** Wraps a parser as a zod transform whose error message is the parser's ("expected …, found …"). */
function parsed<T>(parse: (text: string) => T, fallback: () => T) {
  return z
    .string()
    .optional()
    .transform((raw: Raw, ctx): T => {
      if (raw === undefined) return fallback();
      try {
        return parse(raw);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err), input: raw });
        return z.NEVER;
      }
    });
}

/**
 * Field schemas for action inputs, to compose into one `z.object({...})` per action whose keys are
 * the input names exactly as in action.yml. Defaults here must equal action.yml's.
 */
export const inputField = {
  /** A required, non-empty string. */
  required: () => z.string({ error: 'is required but was empty or not given' }),
  /** An optional string; undefined when empty. */
  optional: () => z.string().optional(),
  /** A string with a default. */
  text: (defaultValue: string) => z.string().default(defaultValue),
  /** true/false (also yes/no, on/off, 1/0). */
  boolean: (defaultValue: boolean) => parsed(parseBoolean, () => defaultValue),
  /** A duration (`30m`, `900s`, `1h30m`, bare number = seconds) as milliseconds. */
  duration: (defaultValue: string) => parsed(parseDuration, () => parseDuration(defaultValue)),
  /** `Key=Value` lines (values may contain `=` and commas) as a record; `{}` when empty. */
  keyValues: () => parsed(parseKeyValueLines, () => ({}) as Record<string, string>),
  /** Items one per line or comma separated; `[]` when empty. */
  list: () => parsed(parseList, () => [] as string[]),
  /** One of a fixed set of words. */
  choice: <const T extends readonly [string, ...string[]]>(values: T, defaultValue: T[number]) =>
    z
      .enum(values, { error: (issue) => `expected one of ${values.join(', ')}, found '${String(issue.input)}'` })
      .default(defaultValue as never),
};

/**
 * Reads every input named by the schema's keys once (`core.getInput`, so `INPUT_<NAME>` from the
 * runner), treats empty strings as absent, and validates them all together.
 * @returns one typed object of all inputs.
 * @throws Error listing every invalid input as `Input 'name': expected …, found …`.
 */
export function readInputs<S extends z.ZodObject>(schema: S): z.output<S> {
  const raw: Record<string, Raw> = {};
  for (const name of Object.keys(schema.shape)) {
    const value = core.getInput(name);
    raw[name] = value === '' ? undefined : value;
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `Input '${String(issue.path[0] ?? '?')}': ${issue.message}`);
  throw new Error(`${problems.join('\n')}\nFix the 'with:' block of this step (see the action's action.yml).`);
}
