// A manual run that promotes a commit straight to a later environment (deploy.yml with
// `environment: production`) must promote what the first environment verified: its verify job
// passed for that very commit. GitHub records every job as a check run on the commit, named as
// the run shows it ("<caller job> / <job>": "staging / verify").
//   node deploy/verified.ts --commit <sha> --environment <first environment>
// Reads the check runs with the GitHub CLI (GH_TOKEN, GITHUB_REPOSITORY); exits 1 with what to do
// when there is no successful one. Plain Node 24, no dependencies.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** One check run as the REST API lists it (GET /repos/{owner}/{repo}/commits/{ref}/check-runs). */
export interface CheckRun {
  name: string;
  status: string;
  conclusion: string | null;
}

/** The check-run name of an environment's verify job in deploy.yml. */
export const verifyCheckName = (environment: string) => `${environment} / verify`;

/**
 * Whether the environment's verify job succeeded for the commit.
 * @throws Error saying what to do when it did not (or never ran).
 */
export function requireVerified(options: { runs: CheckRun[]; environment: string; commit: string }): string {
  const name = verifyCheckName(options.environment);
  const mine = options.runs.filter((run) => run.name === name);
  if (mine.some((run) => run.status === 'completed' && run.conclusion === 'success')) {
    return `${options.commit}: ${name} passed, promoting it`;
  }
  const found = mine.length === 0 ? 'no such job' : mine.map((run) => run.conclusion ?? run.status).join(', ');
  throw new Error(
    `expected commit ${options.commit} to have passed '${name}', found ${found}: deploy it to ${options.environment} first (run deploy with environment ${options.environment} and this commit), then promote it`,
  );
}

/** The commit's check runs, every page, through `gh api`. */
export function checkRuns(options: { repository: string; commit: string }): CheckRun[] {
  const out = execFileSync(
    'gh',
    [
      'api',
      '--paginate',
      `repos/${options.repository}/commits/${options.commit}/check-runs?per_page=100`,
      '--jq',
      '.check_runs[] | {name, status, conclusion}',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 60_000 },
  );
  return out
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CheckRun);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const { values } = parseArgs({ options: { commit: { type: 'string' }, environment: { type: 'string' } } });
    const commit = values.commit ?? '';
    const environment = values.environment ?? '';
    const repository = process.env.GITHUB_REPOSITORY ?? '';
    if (!/^[0-9a-f]{40}$/.test(commit) || !environment || !repository) {
      throw new Error(
        `expected --commit <full sha>, --environment <name> and GITHUB_REPOSITORY, found '${commit}', '${environment}', '${repository}'`,
      );
    }
    console.log(requireVerified({ runs: checkRuns({ repository, commit }), environment, commit }));
  } catch (error) {
    console.error(`::error::${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
