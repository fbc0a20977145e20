// The scenarios' shared moves: push to the scratch repository and run deploy.yml, dispatch
// cleanup.yml, and print what each run took.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ActRun, criticalPath, type GhRun, runAct } from './act.js';
import type { ActFixture } from './fixture.js';
import { repoRoot, type ScratchRepo } from './scratch-repo.js';

/** The deploy role's ARN as bootstrap sets it (moto's account). */
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/staging-mysfits-deploy';

export interface Timed {
  scenario: string;
  run: ActRun;
}

/** Every run of a test file, for the timing report (npm run rehearse prints the same). */
export const timings: Timed[] = [];

/** With ACT_LOG_DIR set, every run's parsed log goes to <dir>/<scenario>.log (for debugging). */
function record(entry: Timed): void {
  timings.push(entry);
  const dir = process.env.ACT_LOG_DIR;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${entry.scenario.replace(/[^\w-]+/g, '-')}.log`), `${entry.run.log.join('\n')}\n`);
  }
}

/**
 * An act run as GitHub's API would list it afterwards: its jobs under GitHub's names (act's
 * `staging/environment/verify` is GitHub's `staging / verify`, `deploy/changes` is `changes`).
 */
export function runRecord(run: ActRun, options: { id: number; commit: string; event?: GhRun['event'] }): GhRun {
  return {
    id: options.id,
    head_sha: options.commit,
    event: options.event ?? 'push',
    status: 'completed',
    conclusion: run.code === 0 ? 'success' : 'failure',
    jobs: run.jobs.map((job) => {
      const parts = job.name.split('/');
      return {
        name: parts.length >= 3 ? `${parts[0]} / ${parts.slice(2).join('/')}` : (parts[1] ?? job.name),
        conclusion: job.result,
      };
    }),
  };
}

/** deploy.yml on push; the `gh` stub lists `runs` (newest first) as the workflow's earlier runs. */
export async function pushDeploy(
  fixture: ActFixture,
  repo: ScratchRepo,
  options: { scenario: string; runs?: GhRun[]; vars?: Record<string, string>; timeoutMs?: number },
): Promise<ActRun> {
  const run = await runAct({
    repo: repo.dir,
    workflow: '.github/workflows/deploy.yml',
    event: 'push',
    motoEndpoint: fixture.moto.endpoint,
    vars: options.vars ?? { AWS_ROLE_ARN: ROLE_ARN },
    runs: options.runs ?? [],
    timeoutMs: options.timeoutMs ?? 180_000,
  });
  record({ scenario: options.scenario, run });
  return run;
}

/**
 * deploy.yml dispatched by hand for one environment (and, to promote, a commit); the `gh` stub
 * lists `checkRuns` as the commit's check runs.
 */
export async function dispatchDeploy(
  fixture: ActFixture,
  repo: ScratchRepo,
  options: {
    scenario: string;
    environment: string;
    commit?: string;
    checkRuns?: Record<string, Array<{ name: string; status: string; conclusion: string | null }>>;
  },
): Promise<ActRun> {
  const run = await runAct({
    repo: repo.dir,
    workflow: '.github/workflows/deploy.yml',
    event: 'workflow_dispatch',
    inputs: { environment: options.environment, commit: options.commit ?? '' },
    motoEndpoint: fixture.moto.endpoint,
    vars: { AWS_ROLE_ARN: ROLE_ARN },
    checkRuns: options.checkRuns,
    timeoutMs: 180_000,
  });
  record({ scenario: options.scenario, run });
  return run;
}

/** cleanup.yml dispatched by hand for `environment`. */
export async function dispatchCleanup(
  fixture: ActFixture,
  repo: ScratchRepo,
  options: { scenario: string; environment: string; dryRun: boolean; keepData?: boolean },
): Promise<ActRun> {
  const run = await runAct({
    repo: repo.dir,
    workflow: '.github/workflows/cleanup.yml',
    event: 'workflow_dispatch',
    inputs: {
      environment: options.environment,
      confirm: options.environment,
      'dry-run': options.dryRun,
      'keep-data': options.keepData ?? false,
    },
    motoEndpoint: fixture.moto.endpoint,
    vars: { AWS_ROLE_ARN: ROLE_ARN },
    timeoutMs: 150_000,
  });
  record({ scenario: options.scenario, run });
  return run;
}

/**
 * Runs one of the repository's scripts in the scratch copy (e.g. `scripts/new-service.ts`) with
 * this checkout's node_modules, linked in for the call only (act's copies would skip it anyway).
 */
export function runScript(repo: ScratchRepo, script: string, args: string[]): string {
  const link = join(repo.dir, 'node_modules');
  symlinkSync(join(repoRoot, 'node_modules'), link);
  try {
    return execFileSync(process.execPath, [join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), script, ...args], {
      cwd: repo.dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
  } finally {
    rmSync(link);
  }
}

/** Prints every run's timing report when npm run rehearse asked for it (ACT_TIMING_REPORT=1). */
export function reportTimings(): void {
  if (process.env.ACT_TIMING_REPORT !== '1') return;
  for (const entry of timings) console.log(timingReport(entry));
}

/** `job 12.3 s` lines and the critical path of one run. */
export function timingReport(entry: Timed): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const ran = entry.run.jobs.filter((job) => job.result !== 'skipped');
  const path = criticalPath(entry.run);
  return [
    `${entry.scenario}: ${seconds(entry.run.durationMs)} (${ran.length} jobs ran, ${entry.run.jobs.length - ran.length} skipped)`,
    ...entry.run.jobs.map((job) => `  ${job.result.padEnd(8)} ${seconds(job.durationMs).padStart(7)}  ${job.name}`),
    `  critical path: ${path.map((job) => `${job.name} ${seconds(job.durationMs)}`).join(' → ')}`,
  ].join('\n');
}
