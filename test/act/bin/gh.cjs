// The act run's `gh`: answers the deploy workflow's questions from ACT_GH_STATE, a JSON file the
// test writes: the workflow's earlier runs, newest first, with their jobs ({ "runs": [{ id,
// head_sha, event, status, conclusion, jobs: [{ name, conclusion }] }] }), and a commit's check runs
// ({ "checkRuns": { "<sha>": [{ name, status, conclusion }] } }). A `gh api ... --jq '.<list>[] |
// {fields}'` call gets what that jq prints: one JSON object per line. Records every call in the
// file's calls list; fails on anything else.
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
const runs = state.runs ?? [];
const pick = (object, fields) => Object.fromEntries(fields.map((field) => [field, object[field] ?? null]));
if (args[0] === 'run' && args[1] === 'list' && args.includes('--status') && args.includes('headSha')) {
  // `--status success --limit 1 --json headSha --jq '.[0].headSha // ""'`.
  const found = runs.find((run) => run.status === 'completed' && run.conclusion === 'success');
  process.stdout.write(`${found?.head_sha ?? ''}\n`);
  process.exit(0);
}
const path = args.filter((arg) => arg.startsWith('repos/'))[0] ?? '';
if (args[0] === 'api' && /^repos\/[^/]+\/[^/]+\/actions\/workflows\/[^/]+\/runs(\?|$)/.test(path)) {
  for (const run of runs)
    process.stdout.write(`${JSON.stringify(pick(run, ['id', 'head_sha', 'event', 'status', 'conclusion']))}\n`);
  process.exit(0);
}
const jobsOf = /^repos\/[^/]+\/[^/]+\/actions\/runs\/(\d+)\/jobs(\?|$)/.exec(path);
if (args[0] === 'api' && jobsOf) {
  const run = runs.find((entry) => String(entry.id) === jobsOf[1]);
  if (!run) {
    process.stderr.write(`gh: HTTP 404: Not Found (${path})\n`);
    process.exit(1);
  }
  for (const job of run.jobs) process.stdout.write(`${JSON.stringify(pick(job, ['name', 'conclusion']))}\n`);
  process.exit(0);
}
const checkRuns = /^repos\/[^/]+\/[^/]+\/commits\/([0-9a-f]{40})\/check-runs(\?|$)/.exec(path);
if (args[0] === 'api' && args[1] === '--paginate' && checkRuns && args.includes('--jq')) {
  for (const run of state.checkRuns?.[checkRuns[1]] ?? []) process.stdout.write(`${JSON.stringify(run)}\n`);
  process.exit(0);
}
process.stderr.write(`gh (act stand-in): unexpected call gh ${args.join(' ')}\n`);
process.exit(2);
