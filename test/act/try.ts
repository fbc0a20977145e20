import { criticalPath, resultTable, runAct } from './act.js';
import { startActFixture } from './fixture.js';
import { createScratchRepo } from './scratch-repo.js';

const fx = await startActFixture();
const repo = createScratchRepo();
const wf = process.argv[2] ?? '.github/workflows/deploy.yml';
try {
  const run = await runAct({
    repo: repo.dir,
    workflow: wf,
    event: (process.argv[3] as 'push') ?? 'push',
    motoEndpoint: fx.moto.endpoint,
    vars: { AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/staging-deploy' },
    timeoutMs: 300_000,
    inputs: JSON.parse(process.argv[4] ?? '{}'),
  });
  console.log(run.log.join('\n'));
  console.log('code', run.code, 'ms', run.durationMs);
  console.log(resultTable(run));
  console.log(
    'critical',
    criticalPath(run)
      .map((j) => j.name)
      .join(' → '),
  );
  console.log('refused', run.refused);
  console.log(
    'summaries',
    run.summaries.map((s) => s.job),
  );
} finally {
  await fx.stop();
  repo.remove();
}
