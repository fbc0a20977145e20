import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOutputs } from './action-env.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

export interface BundleRun {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

/**
 * Runs an action's built bundle the way the runner does: `node actions/<name>/dist/index.js`
 * with INPUT_* variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files and RUNNER_TEMP.
 */
export async function runBundle(options: {
  action: string;
  inputs: Record<string, string>;
  env: Record<string, string>;
  timeoutMs?: number;
}): Promise<BundleRun> {
  const bundle = join(root, 'actions', options.action, 'dist', 'index.js');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run 'node scripts/build.mjs actions' first`);
  const dir = mkdtempSync(join(tmpdir(), `${options.action}-run-`));
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary.md');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('INPUT_')));
  const env = {
    ...inherited,
    ...options.env,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: dir,
    ...Object.fromEntries(Object.entries(options.inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  };
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(
      process.execPath,
      [bundle],
      { env, cwd: root, timeout: options.timeoutMs ?? 60_000 },
      (error, out, err) => {
        const exit = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code: exit, stdout: `${out}${err}` });
      },
    );
  });
  return {
    code,
    stdout,
    outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
  };
}
