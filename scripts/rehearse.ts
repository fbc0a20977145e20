// `npm run rehearse`: the real workflow files (deploy.yml with environment.yml, cleanup.yml,
// ci.yml) run by nektos/act in host mode against moto, every scenario of test/act, with each
// job's duration and each scenario's critical path (README: "Rehearse the pipeline locally").
// The same tests run in `npm test`; this runs them alone and keeps their timing reports.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const result = spawnSync(process.execPath, [vitest, 'run', 'test/act', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ACT_TIMING_REPORT: '1' },
  timeout: 600_000,
});
if (result.error) {
  console.error(`npm run rehearse: ${result.error.message}`);
  process.exitCode = 1;
} else {
  process.exitCode = result.status ?? 1;
}
