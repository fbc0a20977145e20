import * as core from '@actions/core';
import { z } from 'zod';
import { parseKeyValueLines } from '../../shared/src/parse.js';
import { type NamedValue, toNamedValues } from './containers.js';

const keyValues = (input: string) =>
  z.string().transform((text, ctx) => {
    try {
      return parseKeyValueLines(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `${input}: ${err instanceof Error ? err.message : String(err)}` });
      return z.NEVER;
    }
  });

const schema = z.object({
  taskDefinition: z.string().trim().min(1, "task-definition: expected the path of a JSON or YAML file, found ''"),
  stacks: keyValues('stacks'),
  images: keyValues('images'),
  environment: keyValues('environment').transform(toNamedValues),
  secrets: keyValues('secrets').transform(toNamedValues),
  region: z.string().trim(),
});

/** Every input of the action, read once and validated. */
export interface RenderInputs {
  taskDefinition: string;
  stacks: Record<string, string>;
  images: Record<string, string>;
  environment: NamedValue[];
  secrets: NamedValue[];
  region: string;
}

/**
 * Reads the inputs from INPUT_* (the runner's way) into one validated object.
 * @throws Error listing every invalid input with what was expected.
 */
export function readInputs(): RenderInputs {
  const raw = {
    taskDefinition: core.getInput('task-definition'),
    stacks: core.getInput('stacks'),
    images: core.getInput('images'),
    environment: core.getInput('environment'),
    secrets: core.getInput('secrets'),
    region: core.getInput('region'),
  };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`invalid input(s):\n${parsed.error.issues.map((issue) => `  - ${issue.message}`).join('\n')}`);
  }
  return parsed.data;
}
