import * as core from '@actions/core';

/**
 * The message of anything thrown: `err.message` for Errors, `String(err)` otherwise.
 */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs an action's main function and turns any thrown error into a failed step, so every
 * action ends the same way: `core.setFailed(err instanceof Error ? err.message : String(err))`.
 * Never rethrows; the process exits with code 1 through `setFailed`.
 */
export async function runAction(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    core.setFailed(errorMessage(err));
  }
}
