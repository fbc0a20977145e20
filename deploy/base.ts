// The diff base of each environment: the commit its last deploy brought it to, so a push deploys
// what changed since then, environment by environment. A run deployed an environment when that
// environment's verify job passed (GitHub names it "<environment> / verify", see verified.ts):
// a green run before bootstrap (no role: nothing deployed, verify skipped), a failed deploy, or a
// production that was not approved is no base, and what it did not deploy is deployed next time.
// Only a push run's head commit is what it deployed; a newer manual run (which may deploy another
// commit) leaves the environment's base empty: everything is deployed once more. A manual run
// itself has no base (event other than push): it deploys everything.
//   node deploy/base.ts --event <github.event_name> --environments <json list>
// (GH_TOKEN, GITHUB_REPOSITORY) prints `bases={"<environment>":"<sha or empty>",...}`. Plain
// Node 24, no dependencies.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { verifyCheckName } from './verified.ts';

/** How many of the workflow's newest runs are looked at before deploying everything. */
export const RUNS_LOOKED_AT = 30;

/** One run of deploy.yml as the REST API lists it (GET /repos/{owner}/{repo}/actions/workflows/{id}/runs). */
export interface WorkflowRun {
  id: number;
  head_sha: string;
  event: string;
  status: string;
  conclusion: string | null;
}

/** One job of a run (GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs). */
export interface RunJob {
  name: string;
  conclusion: string | null;
}

/**
 * Each environment's base, from the runs newest first: the head commit of the newest push run whose
 * verify job of that environment passed; empty when a newer manual run verified it, or no run did.
 */
export function environmentBases(options: {
  environments: string[];
  runs: WorkflowRun[];
  jobsOf: (run: WorkflowRun) => RunJob[];
}): Record<string, string> {
  const bases: Record<string, string> = {};
  const open = new Set(options.environments);
  for (const run of options.runs) {
    if (open.size === 0) break;
    if (run.status !== 'completed') continue;
    const passed = new Set(
      options
        .jobsOf(run)
        .filter((job) => job.conclusion === 'success')
        .map((job) => job.name),
    );
    for (const environment of [...open]) {
      if (!passed.has(verifyCheckName(environment))) continue;
      bases[environment] = run.event === 'push' && /^[0-9a-f]{40}$/.test(run.head_sha) ? run.head_sha : '';
      open.delete(environment);
    }
  }
  for (const environment of open) bases[environment] = '';
  return bases;
}

/** `gh api` lines of JSON objects (one per line, as `--jq '.list[] | {fields}'` prints them). */
function ghLines<T>(args: string[]): T[] {
  // A call that hangs fails the step after a minute instead of holding the job.
  const out = execFileSync('gh', ['api', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 60_000,
  });
  return out
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** deploy.yml's newest runs on main, and each one's jobs when asked, through the GitHub CLI. */
export function githubRuns(repository: string): { runs: WorkflowRun[]; jobsOf: (run: WorkflowRun) => RunJob[] } {
  const runs = ghLines<WorkflowRun>([
    `repos/${repository}/actions/workflows/deploy.yml/runs?branch=main&per_page=${RUNS_LOOKED_AT}`,
    '--jq',
    '.workflow_runs[] | {id, head_sha, event, status, conclusion}',
  ]);
  const jobsOf = (run: WorkflowRun) =>
    ghLines<RunJob>([
      '--paginate',
      `repos/${repository}/actions/runs/${run.id}/jobs?per_page=100`,
      '--jq',
      '.jobs[] | {name, conclusion}',
    ]);
  return { runs, jobsOf };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const { values } = parseArgs({ options: { environments: { type: 'string' }, event: { type: 'string' } } });
    const environments = JSON.parse(values.environments ?? 'null') as unknown;
    const repository = process.env.GITHUB_REPOSITORY ?? '';
    if (!Array.isArray(environments) || !environments.every((name) => typeof name === 'string') || !repository) {
      throw new Error(
        `expected --environments <JSON list of names> and GITHUB_REPOSITORY, found '${values.environments ?? ''}', '${repository}'`,
      );
    }
    const bases =
      values.event === 'push'
        ? environmentBases({ environments, ...githubRuns(repository) })
        : Object.fromEntries(environments.map((name) => [name, '']));
    for (const [environment, base] of Object.entries(bases)) console.error(`base of ${environment}: ${base || 'none'}`);
    console.log(`bases=${JSON.stringify(bases)}`);
  } catch (error) {
    console.error(`::error::${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
