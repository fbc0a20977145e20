// The GitHub side of `npm run bootstrap`, through the GitHub CLI the user is signed in to: the
// repository's name, the environment, and its AWS_ROLE_ARN variable. Every write is preceded by a
// read, so a second run changes nothing.
import { execFile } from 'node:child_process';

export interface GhResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `gh` (whichever is first on PATH) and resolves with its exit code and output. */
export function gh(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<GhResult> {
  return new Promise((resolve, reject) =>
    execFile('gh', args, { env, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(
          new Error(
            'Expected the GitHub CLI (gh) on PATH, found none: install it (cli.github.com) and run `gh auth login`.',
          ),
        );
        return;
      }
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    }),
  );
}

export interface GitHubTarget {
  /** owner/name */
  repository: string;
  environment: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The repository of the working directory, once `gh` is signed in.
 * @throws Error saying to run `gh auth login`, or what `gh repo view` said.
 */
export async function currentRepository(env?: NodeJS.ProcessEnv): Promise<string> {
  const status = await gh(['auth', 'status'], env);
  if (status.code !== 0) {
    throw new Error(
      `Expected the GitHub CLI to be signed in, found it is not (gh auth status: ${(status.stderr || status.stdout).trim()}): run \`gh auth login\`, then this again.`,
    );
  }
  const view = await gh(['repo', 'view', '--json', 'nameWithOwner', '--jq', '.nameWithOwner'], env);
  const repository = view.stdout.trim();
  if (view.code !== 0 || !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) {
    throw new Error(
      `Expected \`gh repo view\` to name this copy's GitHub repository as owner/name, found ${JSON.stringify(repository || view.stderr.trim())}: run this in your copy's directory (with its GitHub remote).`,
    );
  }
  return repository;
}

/** Whether the GitHub environment exists (GET answers 404 when it does not). */
export async function environmentExists(target: GitHubTarget): Promise<boolean> {
  const result = await gh(['api', `repos/${target.repository}/environments/${target.environment}`], target.env);
  if (result.code === 0) return true;
  if (/HTTP 404|Not Found/i.test(result.stderr)) return false;
  throw new Error(`Expected GitHub to answer for environment ${target.environment}, found: ${result.stderr.trim()}`);
}

/** Creates the GitHub environment (PUT with no body: no protection rules yet). */
export async function createEnvironment(target: GitHubTarget): Promise<void> {
  const result = await gh(
    ['api', '-X', 'PUT', `repos/${target.repository}/environments/${target.environment}`],
    target.env,
  );
  if (result.code !== 0) {
    throw new Error(
      `Expected to create GitHub environment ${target.environment} in ${target.repository}, found: ${result.stderr.trim()} (you need admin rights on the repository)`,
    );
  }
}

/** The environment's variable, or undefined when it has none by that name. */
export async function variableValue(target: GitHubTarget, name: string): Promise<string | undefined> {
  const result = await gh(
    ['variable', 'get', name, '--env', target.environment, '--repo', target.repository],
    target.env,
  );
  if (result.code === 0) return result.stdout.trim();
  if (/not found|HTTP 404/i.test(result.stderr)) return undefined;
  throw new Error(
    `Expected to read variable ${name} of environment ${target.environment}, found: ${result.stderr.trim()}`,
  );
}

/** Sets the environment's variable. */
export async function setVariable(target: GitHubTarget, name: string, value: string): Promise<void> {
  const result = await gh(
    ['variable', 'set', name, '--env', target.environment, '--repo', target.repository, '--body', value],
    target.env,
  );
  if (result.code !== 0) {
    throw new Error(
      `Expected to set variable ${name} of environment ${target.environment}, found: ${result.stderr.trim()}`,
    );
  }
}
