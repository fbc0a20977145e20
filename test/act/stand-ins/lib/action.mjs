// What every stand-in needs of the runner protocol, without @actions/core.
import { appendFileSync } from 'node:fs';

/** An input by its action.yml name ('' when not given), as @actions/core's getInput reads it. */
export const input = (name) => (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();

/** A step output. */
export function setOutput(name, value) {
  appendFileSync(process.env.GITHUB_OUTPUT, `${name}=${value}\n`);
}

/** An environment variable for the job's later steps. */
export function exportVariable(name, value) {
  appendFileSync(process.env.GITHUB_ENV, `${name}=${value}\n`);
}

/** Runs the stand-in; a thrown error fails the step with its message, as setFailed does. */
export async function standIn(name, body) {
  try {
    await body();
  } catch (error) {
    process.stdout.write(
      `::error::${name} (act stand-in): ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}
