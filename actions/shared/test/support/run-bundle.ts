import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What one run of a built action bundle produced. */
export interface BundleRun {
  code: number;
  log: string;
  outputs: Record<string, string>;
  summary: string;
}

/**
 * Runs `actions/<name>/dist/index.js` as the runner does: `node dist/index.js` with `INPUT_*`
 * variables by name, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY pointing at fresh temp files.
 */
export async function runBundle(options: {
  action: string;
  inputs: Record<string, string>;
  env: Record<string, string>;
  timeoutMs?: number;
}): Promise<BundleRun> {
  const bundle = fileURLToPath(new URL(`../../../${options.action}/dist/index.js`, import.meta.url));
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
    ...options.env,
  };
  for (const [name, value] of Object.entries(options.inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const { code, log } = await new Promise<{ code: number; log: string }>((resolve) => {
    execFile(process.execPath, [bundle], { env, timeout: options.timeoutMs ?? 60_000 }, (error, stdout, stderr) => {
      const exit = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
      resolve({ code: exit, log: `${stdout}${stderr}` });
    });
  });
  return { code, log, outputs: parseOutputs(readFileSync(output, 'utf8')), summary: readFileSync(summary, 'utf8') };
}

function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const match of text.matchAll(/^(.+?)<<(ghadelimiter_[^\n]+)\n([\s\S]*?)\n\2$/gm)) {
    outputs[match[1] ?? ''] = match[3] ?? '';
  }
  return outputs;
}
