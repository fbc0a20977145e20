import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionMain, checkDeclaredInputs, inputVariable, repoRoot } from './action-yml.js';
import { readStepOutputs } from './step-output.js';

export { actionMain } from './action-yml.js';

/** What one run of an action produced (the built bundle, or main in-process). */
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
 * test process (its AWS profile, an INPUT_* left behind) leaks into the step. The log is returned,
 * never printed, so an expected `::error::` stays out of the test runner's output.
 * @throws Error when an input is not declared in the action's action.yml, or the bundle is not built.
 */
export async function runBundle(options: {
  action: string;
  inputs: Record<string, string>;
  env: Record<string, string>;
  timeoutMs?: number;
}): Promise<BundleRun> {
  checkDeclaredInputs({ action: options.action }, Object.keys(options.inputs));
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
  for (const [name, value] of Object.entries(options.inputs)) env[inputVariable(name)] = value;
  const { code, log } = await new Promise<{ code: number; log: string }>((resolve) => {
    execFile(
      process.execPath,
      [bundle],
      { env, cwd: repoRoot, timeout: options.timeoutMs ?? 60_000 },
      (error, stdout, stderr) => {
        const exit = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        resolve({ code: exit, log: `${stdout}${stderr}` });
      },
    );
  });
  return { code, log, outputs: readStepOutputs(output), summary: readFileSync(summary, 'utf8') };
}
