// act copies the repository into the job's workspace and skips actions/checkout, unless the step
// names a `ref` (or `repository`) other than the run's own; then the workspace is empty and this
// clones the repository act runs in (ACT_REPOSITORY_DIR, every commit) and checks that ref out,
// as the real action fetches it from GitHub. Another repository cannot be fetched here and fails.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const { input, standIn } = await import(`${process.env.ACT_STAND_INS}/lib/action.mjs`);
await standIn('actions/checkout', () => {
  const repository = input('repository');
  if (repository && repository !== process.env.GITHUB_REPOSITORY) {
    throw new Error(`cannot check out another repository (${repository}) in the act run: there is no network`);
  }
  const source = process.env.ACT_REPOSITORY_DIR;
  if (!source) throw new Error('ACT_REPOSITORY_DIR is not set: the act run names the repository it runs in there');
  const workspace = process.env.GITHUB_WORKSPACE;
  const git = (...args) =>
    execFileSync('git', args, { cwd: workspace, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  if (readdirSync(workspace).length === 0) git('clone', '--quiet', '--no-checkout', source, '.');
  const ref = input('ref') || process.env.GITHUB_SHA;
  const sha = git('rev-parse', '--verify', `${ref}^{commit}`);
  git('-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--force', '--detach', sha);
  console.log(`Checked out ${ref} (${sha}) `);
});
