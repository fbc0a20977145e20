import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { vi } from 'vitest';

/** Temp files standing in for the runner's GITHUB_OUTPUT and GITHUB_STEP_SUMMARY. */
export interface StepFiles {
  dir: string;
  output: string;
  summary: string;
}

/** One temp dir per test file: @actions/core caches the summary path after its first write. */
export function createStepFiles(prefix: string): StepFiles {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { dir, output: join(dir, 'output'), summary: join(dir, 'summary.md') };
}

/**
 * Resets the step's files and environment, then sets `INPUT_*` by name the way the runner does
 * (every name of `inputNames` not in `inputs` is unset, so defaults apply).
 */
export function prepareStep(options: {
  files: StepFiles;
  inputNames: readonly string[];
  inputs: Record<string, string>;
}): void {
  const { files } = options;
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  core.summary.emptyBuffer();
  process.env.GITHUB_OUTPUT = files.output;
  process.env.GITHUB_STEP_SUMMARY = files.summary;
  process.env.AWS_REGION = 'eu-west-1';
  for (const name of options.inputNames) delete process.env[`INPUT_${name.toUpperCase()}`];
  for (const [name, value] of Object.entries(options.inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value;
  process.exitCode = undefined;
}

/** Parses a GITHUB_OUTPUT file (`name<<delimiter` blocks) into a record. */
export function readStepOutputs(path: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const pattern = /^(.+?)<<(ghadelimiter_[^\n]+)\n([\s\S]*?)\n\2$/gm;
  for (const match of readFileSync(path, 'utf8').matchAll(pattern)) outputs[match[1] ?? ''] = match[3] ?? '';
  return outputs;
}

// Captured before any test fakes timers: real I/O (summary file) needs real ticks.
const realSetImmediate = globalThis.setImmediate;

/**
 * Runs `promise` to the end under fake timers: jumps to the next timer only when one is pending
 * (the action is sleeping between polls), otherwise lets real I/O progress. Bounded in steps.
 */
export async function settle<T>(promise: Promise<T>, maxSteps = 100_000): Promise<T> {
  let done = false;
  const tracked = promise.finally(() => {
    done = true;
  });
  for (let i = 0; i < maxSteps && !done; i += 1) {
    if (vi.getTimerCount() > 0) await vi.advanceTimersToNextTimerAsync();
    else await new Promise((resolve) => realSetImmediate(resolve));
  }
  return tracked;
}

/** Everything written to stdout from now until `restore()` (the step log). */
export function captureLog(): { text: () => string; restore: () => void } {
  let text = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  return { text: () => text, restore: () => spy.mockRestore() };
}
