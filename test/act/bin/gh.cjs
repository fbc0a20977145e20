// The act run's `gh`: answers the deploy workflow's diff-base question (the last successful run's
// head commit) from ACT_GH_STATE, a JSON file the test writes ({ "lastSuccess": "<sha>" | "" }),
// records every call in ACT_GH_STATE's calls list, and fails on anything else.
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
process.stderr.write(`gh (act stand-in): unexpected call gh ${args.join(' ')}\n`);
process.exit(2);
