import * as core from '@actions/core';
import * as z from 'zod/mini';
import { parseBoolean, parseDuration, parseKeyValueLines, parseList } from '../../shared/src/parse.js';

/*
 * Input reading on zod/mini: the same contract as shared's readInputs (keys are action.yml input
 * names, empty means absent, every problem listed), but classic zod adds ~450 KB to a bundle and
 * this action (and ecs-deploy, which imports this file) must stay under 1 MB.
 */

type Raw = string | undefined;

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

/** Field schemas; defaults must equal action.yml's. */
export const field = {
  required: () => z.string({ error: 'is required but was empty or not given' }),
  optional: () => z.optional(z.string()),
  boolean: (defaultValue: boolean) => parsed(parseBoolean, () => defaultValue),
  /** Milliseconds from `30m`, `900s`, `1h30m` (a bare number is seconds). */
  duration: (defaultValue: string) => parsed(parseDuration, () => parseDuration(defaultValue)),
  /** `Key=Value` lines; values may contain `=` and commas. */
  keyValues: () => parsed(parseKeyValueLines, () => ({}) as Record<string, string>),
  list: () => parsed(parseList, () => [] as string[]),
  choice: <const T extends readonly [string, ...string[]]>(values: T, defaultValue: T[number]) =>
    z._default(
      z.enum(values, { error: (issue) => `expected one of ${values.join(', ')}, found '${String(issue.input)}'` }),
      defaultValue as never,
    ),
};

/**
 * Reads every input named by the schema's keys once via `core.getInput` (INPUT_<NAME>), empty as
 * absent, and validates them together.
 * @throws Error listing every invalid input as `Input 'name': …`.
 */
export function readActionInputs<S extends z.ZodMiniObject>(schema: S): z.output<S> {
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
