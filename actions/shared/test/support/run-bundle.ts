import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { readStepOutputs } from './step.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * The file the runner runs for `actions/<name>`: its action.yml's `runs.main`, resolved against the
 * action's folder (`../dist/<name>.js`, an entry of the shared bundle).
 * @throws Error naming the action.yml when it has no `runs.main`.
 */
export function actionMain(action: string): string {
  const file = join(root, 'actions', action, 'action.yml');
  const main: unknown = parse(readFileSync(file, 'utf8'))?.runs?.main;
  if (typeof main !== 'string' || main === '') {
    throw new Error(`expected runs.main (the file the runner runs) in ${file}, found ${JSON.stringify(main)}`);
  }
  return join(dirname(file), main);
}

/** What one run of a built action bundle produced. */
export interface BundleRun {
  code: number;
  log: string;
  outputs: Record<string, string>;
  summary: string;
}

/**
 * Runs an action's bundle as the runner does: `node <runs.main>` (see {@link actionMain}) from the
 * repository root with `INPUT_*` variables by name, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY pointing at fresh temp
 * files and RUNNER_TEMP at a fresh directory. Only PATH and `env` are passed on, so nothing of the
 * test process (its AWS profile, an INPUT_* left behind) leaks into the step.
 */
export async function runBundle(options: {
  action: string;
  inputs: Record<string, string>;
  env: Record<string, string>;
  timeoutMs?: number;
}): Promise<BundleRun> {
  const bundle = actionMain(options.action);
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run 'node scripts/build.mjs actions' first`);
  const dir = mkdtempSync(join(tmpdir(), `${options.action}-run-`));
  const output = join(dir, 'output');
  const summary = join(dir, 'summary.md');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    RUNNER_TEMP: dir,
    ...options.env,
  };
  for (const [name, value] of Object.entries(options.inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const { code, log } = await new Promise<{ code: number; log: string }>((resolve) => {
    execFile(
      process.execPath,
      [bundle],
      { env, cwd: root, timeout: options.timeoutMs ?? 60_000 },
      (error, stdout, stderr) => {
        const exit = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        resolve({ code: exit, log: `${stdout}${stderr}` });
      },
    );
  });
  return { code, log, outputs: readStepOutputs(output), summary: readFileSync(summary, 'utf8') };
}
