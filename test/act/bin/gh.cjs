// The act run's `gh`: answers the deploy workflow's two questions from ACT_GH_STATE, a JSON file
// the test writes: the diff base (the last successful run's head commit, { "lastSuccess": "<sha>" |
// "" }) and a commit's check runs ({ "checkRuns": { "<sha>": [{ name, status, conclusion }] } }, as
// `gh api .../commits/<sha>/check-runs --jq '.check_runs[] | {name, status, conclusion}'` prints
// them: one JSON object per line). Records every call in the file's calls list; fails on anything
// else.
const fs = require('node:fs');
const args = process.argv.slice(2);
const statePath = process.env.ACT_GH_STATE;
if (!statePath) {
  process.stderr.write('gh (act stand-in): ACT_GH_STATE is not set\n');
  process.exit(2);
}
const state = JSON.parse(fs.readFileSync(statePath, 'utf8'));
state.calls = [...(state.calls ?? []), args];
fs.writeFileSync(statePath, JSON.stringify(state));
if (!process.env.GH_TOKEN && !process.env.GITHUB_TOKEN) {
  process.stderr.write('gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment variable.\n');
  process.exit(4);
}
if (args[0] === 'run' && args[1] === 'list' && args.includes('--json') && args.includes('headSha')) {
  // `--jq '.[0].headSha // ""'`: the sha, or an empty line without a successful run.
  process.stdout.write(`${state.lastSuccess ?? ''}\n`);
  process.exit(0);
}
const checkRuns = /^repos\/[^/]+\/[^/]+\/commits\/([0-9a-f]{40})\/check-runs(\?|$)/.exec(args[2] ?? '');
if (args[0] === 'api' && args[1] === '--paginate' && checkRuns && args.includes('--jq')) {
  for (const run of state.checkRuns?.[checkRuns[1]] ?? []) process.stdout.write(`${JSON.stringify(run)}\n`);
  process.exit(0);
}
process.stderr.write(`gh (act stand-in): unexpected call gh ${args.join(' ')}\n`);
process.exit(2);
