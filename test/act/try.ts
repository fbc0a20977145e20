import { criticalPath, resultTable, runAct } from './act.js';
import { startActFixture } from './fixture.js';
import { createScratchRepo } from './scratch-repo.js';

const fx = await startActFixture();
const repo = createScratchRepo();
const vars = { AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/staging-deploy' };
try {
  const d = await runAct({
    repo: repo.dir,
    workflow: '.github/workflows/deploy.yml',
    event: 'push',
    motoEndpoint: fx.moto.endpoint,
    vars,
    timeoutMs: 300_000,
  });
  console.log(d.log.filter((l) => !l.includes('LocalRepositoryCache')).join('\n'));
  console.log('code', d.code, 'ms', d.durationMs);
  console.log(resultTable(d));
  console.log(
    'critical',
    criticalPath(d)
      .map((j) => j.name)
      .join(' → '),
  );
  console.log('refused', d.refused);
} finally {
  await fx.stop();
  repo.remove();
}
