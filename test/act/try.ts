import { criticalPath, resultTable, runAct } from './act.js';
import { startActFixture } from './fixture.js';
import { createScratchRepo } from './scratch-repo.js';

const fx = await startActFixture();
const repo = createScratchRepo();
const vars = { AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/staging-deploy' };
const show = (label: string, run: Awaited<ReturnType<typeof runAct>>) => {
  console.log(`==== ${label}`);
  console.log(run.log.filter((l) => !l.includes('LocalRepositoryCache')).join('\n'));
  console.log('code', run.code, 'ms', run.durationMs);
  console.log(resultTable(run));
  console.log(
    'critical',
    criticalPath(run)
      .map((j) => j.name)
      .join(' → '),
  );
  console.log('refused', run.refused);
};
try {
  const d = await runAct({
    repo: repo.dir,
    workflow: '.github/workflows/deploy.yml',
    event: 'push',
    motoEndpoint: fx.moto.endpoint,
    vars,
    timeoutMs: 300_000,
  });
  show('deploy', d);
  for (const [label, dry] of [
    ['dry', true],
    ['real', false],
    ['again', false],
  ] as const) {
    const c = await runAct({
      repo: repo.dir,
      workflow: '.github/workflows/cleanup.yml',
      event: 'workflow_dispatch',
      motoEndpoint: fx.moto.endpoint,
      vars,
      timeoutMs: 300_000,
      inputs: { environment: 'staging', confirm: 'staging', 'dry-run': dry, 'keep-data': false },
    });
    show(label, c);
  }
} finally {
  await fx.stop();
  repo.remove();
}
