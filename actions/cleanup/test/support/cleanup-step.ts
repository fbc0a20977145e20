import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, vi } from 'vitest';
import { parse } from 'yaml';
import {
  captureLog,
  createStepFiles,
  prepareStep,
  readStepOutputs,
  type StepFiles,
} from '../../../shared/test/support/step.js';

/** The inputs action.yml declares: every one not given is unset, so its default applies. */
const inputNames = Object.keys(
  (parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as { inputs: Record<string, unknown> })
    .inputs,
);

/** A cleanup step's files, log and inputs for one test file, reset around every test. */
export interface CleanupStep {
  readonly files: StepFiles;
  readonly log: ReturnType<typeof captureLog>;
  /** Sets `INPUT_*` from `defaults` overlaid with `inputs`. */
  step(inputs?: Record<string, string>): void;
  /** The `resources` output: one row per resource the run found. */
  rows(): Array<{ kind: string; name: string; action: string }>;
}

/**
 * Registers the hooks every scripted cleanup test file needs (temp step files, fake timers, the
 * captured log) and returns its step. `defaults` are the inputs each test starts from.
 */
export function useCleanupStep(prefix: string, defaults: Record<string, string>): CleanupStep {
  let files: StepFiles | undefined;
  let log: ReturnType<typeof captureLog> | undefined;
  beforeAll(() => {
    files = createStepFiles(prefix);
  });
  beforeEach(() => {
    vi.useFakeTimers();
    log = captureLog();
  });
  afterEach(() => {
    log?.restore();
    vi.useRealTimers();
    process.exitCode = undefined;
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useCleanupStep: ${what} is only there inside a test.`);
    return value;
  };
  return {
    get files() {
      return ready(files, 'files');
    },
    get log() {
      return ready(log, 'log');
    },
    step(inputs = {}) {
      prepareStep({ files: ready(files, 'files'), inputNames, inputs: { ...defaults, ...inputs } });
    },
    rows() {
      return JSON.parse(readStepOutputs(ready(files, 'files').output).resources ?? '[]');
    },
  };
}
