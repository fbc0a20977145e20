import * as z from 'zod/mini';
import { inputField, readInputs } from '../../shared/src/index.js';

/** The inputs of action.yml, one key each; defaults equal action.yml's. */
export const inputSchema = z.object({
  environment: inputField.required(),
  confirm: inputField.optional(),
  'dry-run': inputField.boolean(false),
  'keep-data': inputField.boolean(true),
  'bootstrap-stack': inputField.optional(),
  timeout: inputField.duration('45m'),
  region: inputField.optional(),
});

/** All inputs of one cleanup step, validated. */
export type CleanupInput = z.output<typeof inputSchema>;

/**
 * Reads the inputs and checks the confirmation before anything else happens.
 * @throws when `confirm` is not exactly the environment name.
 */
export function readCleanupInput(): CleanupInput {
  const input = readInputs(inputSchema);
  if (input.confirm !== input.environment) {
    throw new Error(
      `Input 'confirm': expected exactly the environment name '${input.environment}' to confirm deleting it, found '${input.confirm ?? ''}'. Nothing was touched.`,
    );
  }
  return input;
}
