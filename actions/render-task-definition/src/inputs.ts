import * as z from 'zod/mini';
import { inputField as field, readInputs } from '../../shared/src/inputs.js';
import { toNamedValues } from './containers.js';

const namedValues = () => z.pipe(field.keyValues(), z.transform(toNamedValues));

/** The inputs of action.yml, by name; defaults equal action.yml's. */
export const inputSchema = z.object({
  'task-definition': field.required(),
  stacks: field.keyValues(),
  images: field.keyValues(),
  environment: namedValues(),
  secrets: namedValues(),
  region: field.optional(),
  'compare-with-live': field.choice(['auto', 'true', 'false'], 'auto'),
});

/** Every input of the action, read once and validated. */
export type RenderInputs = z.output<typeof inputSchema>;

/**
 * Reads the inputs from INPUT_* (the runner's way) into one validated object.
 * @throws Error listing every invalid input with what was expected.
 */
export function readRenderInputs(): RenderInputs {
  return readInputs(inputSchema);
}
