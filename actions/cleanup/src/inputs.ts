import * as z from 'zod/mini';
import { inputField, readInputs } from '../../shared/src/index.js';

/**
 * Fails closed: nothing given lists only, and only the exact word `false` deletes. A value that is
 * neither (`yes`, `0`, `False`, a mangled expression) is an error, never read as either.
 */
const dryRunField = () =>
  z.pipe(
    z._default(
      z.enum(['true', 'false'], {
        error: (issue) =>
          `expected exactly true (only list) or false (delete), found '${String(issue.input)}'. Pass dry-run: false to delete, or leave it out to only list`,
      }),
      'true',
    ),
    z.transform((value) => value === 'true'),
  );

/** The inputs of action.yml, one key each; defaults equal action.yml's. */
export const inputSchema = z.object({
  environment: inputField.required(),
  confirm: inputField.optional(),
  'dry-run': dryRunField(),
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
