import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStepOutputs } from '../../../shared/test/support/step.js';

/**
 * The runner's side of an action run, in-process: INPUT_* variables by name, and GITHUB_OUTPUT /
 * GITHUB_STEP_SUMMARY pointed at temp files. One instance per test file (@actions/core caches the
 * summary path after the first write), cleared before each test.
 */
export class ActionEnv {
  readonly dir = mkdtempSync(join(tmpdir(), 'action-env-'));
  readonly outputFile = join(this.dir, 'output');
  readonly summaryFile = join(this.dir, 'summary.md');
  private readonly set = new Set<string>();

  /** Empties the files, removes earlier inputs, sets the file variables and the given env. */
  reset(env: Record<string, string> = {}): void {
    writeFileSync(this.outputFile, '');
    writeFileSync(this.summaryFile, '');
    for (const key of this.set) delete process.env[key];
    this.set.clear();
    this.env({ GITHUB_OUTPUT: this.outputFile, GITHUB_STEP_SUMMARY: this.summaryFile, ...env });
    process.exitCode = undefined;
  }

  env(values: Record<string, string>): void {
    for (const [key, value] of Object.entries(values)) {
      process.env[key] = value;
      this.set.add(key);
    }
  }

  /** Sets inputs the way the runner does: INPUT_<NAME> with the name upper-cased, dashes kept. */
  inputs(values: Record<string, string>): void {
    this.env(Object.fromEntries(Object.entries(values).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])));
  }

  outputs(): Record<string, string> {
    return readStepOutputs(this.outputFile);
  }

  summary(): string {
    return readFileSync(this.summaryFile, 'utf8');
  }
}
