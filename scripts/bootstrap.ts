// `npm run bootstrap -- <environment> [--dry-run]`: the bootstrap stack of one environment of
// deploy/config.yml, its GitHub environment and that environment's AWS_ROLE_ARN variable, in one
// idempotent command (scripts/bootstrap/run.ts). Once per environment: staging, then production.
import { parseArgs } from 'node:util';
import { environmentNames, loadDeployConfig } from '../deploy/config.js';
import { bootstrap } from './bootstrap/run.js';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: {
      'dry-run': { type: 'boolean', default: false },
      'timeout-minutes': { type: 'string', default: '15' },
    },
    allowPositionals: true,
  });
  const config = loadDeployConfig();
  const [environment, ...rest] = positionals;
  if (!environment || rest.length > 0) {
    throw new Error(
      `Expected one environment of deploy/config.yml (${environmentNames(config).join(', ')}), found ${positionals.length === 0 ? 'none' : positionals.join(' ')}: npm run bootstrap -- <environment> [--dry-run]`,
    );
  }
  const minutes = Number(values['timeout-minutes']);
  if (!Number.isFinite(minutes) || minutes <= 0) {
    throw new Error(`Expected --timeout-minutes to be a positive number, found ${values['timeout-minutes']}`);
  }
  await bootstrap({ environment, dryRun: values['dry-run'], config, timeoutSeconds: minutes * 60 });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
