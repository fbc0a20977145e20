import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { afterEach, beforeEach, vi } from 'vitest';
import { checkDeclaredInputs, type InputSource, inputVariable } from './action-yml.js';
import type { BundleRun } from './run-bundle.js';
import { readStepOutputs } from './step-output.js';

export { actionMain, declaredInputs } from './action-yml.js';
export { type BundleRun, runBundle } from './run-bundle.js';
export { readStepOutputs } from './step-output.js';

/** How a test file's steps are set up; see {@link useActionStep}. */
export interface ActionStepOptions {
  /** `actions/<action>`: its action.yml declares the inputs a test may set. */
  action?: string;
  /** For a library test without an action: the zod object whose keys are the inputs. */
  schema?: { shape: Record<string, unknown> };
  /** Inputs every test starts from (a test's own inputs overlay them). */
  defaults?: Record<string, string>;
  /** Other variables every test starts with (AWS_REGION is eu-west-1 unless given). */
  env?: Record<string, string>;
  /** Fake timers (the default: {@link ActionStep.run} jumps over the action's sleeps) or real ones. */
  timers?: 'fake' | 'real';
}

/** One test file's step: the runner's side of an in-process action run. */
export interface ActionStep {
  /** The file's temp directory (for fixture files); GITHUB_OUTPUT and GITHUB_STEP_SUMMARY live in it. */
  readonly dir: string;
  /** Starts a new step inside a test: files emptied, exit code cleared, inputs = defaults + `inputs`. */
  start(inputs?: Record<string, string>): void;
  /** Sets inputs as the runner does (`INPUT_<NAME>`), over the ones already set. */
  inputs(values: Record<string, string>): void;
  /** Sets other variables; every variable is restored after the test. */
  env(values: Record<string, string>): void;
  /** Runs `main` to the end (under fake timers with {@link settle}) and returns what it produced. */
  run(main: () => Promise<void>): Promise<BundleRun>;
  /** GITHUB_OUTPUT parsed into a record. */
  outputs(): Record<string, string>;
  /** The job summary written so far. */
  summary(): string;
  /** Everything the test wrote to stdout (the step log, `::error::` lines included). */
  log(): string;
}

/**
 * Registers the hooks of an in-process action test file and returns its step: before each test
 * the environment is recorded, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY point at emptied temp files (one
 * pair per file: @actions/core caches the summary path after its first write), every `INPUT_*` is
 * unset and `defaults` are set, stdout is captured (expected `::error::` lines must not reach the
 * runner's log, where GitHub would annotate a green run), and timers are faked. After each test the
 * environment, timers, stdout and `process.exitCode` are restored; a failed test prints its log,
 * indented so no line is read as a workflow command.
 * @throws Error (failing the test) when it sets an input the action.yml or schema does not declare.
 */
export function useActionStep(options: ActionStepOptions): ActionStep {
  const source = inputSource(options);
  checkDeclaredInputs(source, Object.keys(options.defaults ?? {}));
  const dir = mkdtempSync(join(tmpdir(), `${options.action ?? 'step'}-`));
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary.md');
  const fake = (options.timers ?? 'fake') === 'fake';
  let saved: NodeJS.ProcessEnv = {};
  let log: CapturedLog | undefined;

  const setInputs = (values: Record<string, string>): void => {
    checkDeclaredInputs(source, Object.keys(values));
    for (const [name, value] of Object.entries(values)) process.env[inputVariable(name)] = value;
  };
  const start = (inputs: Record<string, string> = {}): void => {
    writeFileSync(outputFile, '');
    writeFileSync(summaryFile, '');
    core.summary.emptyBuffer();
    for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key];
    process.env.GITHUB_OUTPUT = outputFile;
    process.env.GITHUB_STEP_SUMMARY = summaryFile;
    process.exitCode = undefined;
    setInputs({ ...options.defaults, ...inputs });
  };
  const outputs = () => readStepOutputs(outputFile);
  const summary = () => readFileSync(summaryFile, 'utf8');
  const text = () => log?.text() ?? '';

  beforeEach((context) => {
    saved = { ...process.env };
    Object.assign(process.env, { AWS_REGION: 'eu-west-1', ...options.env });
    start();
    if (fake) vi.useFakeTimers();
    log = captureLog();
    context.onTestFailed(() => {
      process.stderr.write(`step log of the failed test:\n${text().replace(/^/gm, '  | ')}\n`);
    });
  });
  afterEach(() => {
    log?.restore();
    vi.useRealTimers();
    process.exitCode = undefined;
    restoreEnv(saved);
  });

  return {
    dir,
    start,
    inputs: setInputs,
    env: (values) => Object.assign(process.env, values),
    async run(main) {
      const from = text().length;
      await (fake ? settle(main()) : main());
      const code = process.exitCode;
      return {
        code: typeof code === 'number' ? code : Number(code ?? 0),
        log: text().slice(from),
        outputs: outputs(),
        summary: summary(),
      };
    },
    outputs,
    summary,
    log: text,
  };
}

function inputSource(options: ActionStepOptions): InputSource {
  if (options.action) return { action: options.action };
  if (options.schema) return { inputNames: Object.keys(options.schema.shape), from: 'the input schema under test' };
  throw new Error('useActionStep: expected an action (its action.yml declares the inputs) or a schema');
}

function restoreEnv(saved: NodeJS.ProcessEnv): void {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
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

interface CapturedLog {
  text: () => string;
  restore: () => void;
}

function captureLog(): CapturedLog {
  let text = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  return { text: () => text, restore: () => spy.mockRestore() };
}
