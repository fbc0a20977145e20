import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './workflow-files.js';

// `npm run rehearse` as a user runs it: a fresh moto server, the real action bundles, deploy twice,
// cleanup twice. One run (about 15 s) feeds every assertion below.
let output: Promise<{ code: number; out: string }> | undefined;
function rehearsal(): Promise<{ code: number; out: string }> {
  output ??= new Promise((resolve) => {
    execFile(
      process.execPath,
      [`${repoRoot}node_modules/tsx/dist/cli.mjs`, 'scripts/rehearse.ts'],
      { cwd: repoRoot, timeout: 90_000, maxBuffer: 10_000_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, out: `${stdout}${stderr}` });
      },
    );
  });
  return output;
}

describe('npm run rehearse', { timeout: 100_000 }, () => {
  it('should pass, ending with a cleanup that finds nothing to delete', async () => {
    const { code, out } = await rehearsal();
    expect(code, out).toBe(0);
    // Per pass: 2 infra, 2 service stacks, 2 seed, 4 deploy, 2 scaling; then 2 or 3 cleanups.
    expect(out).toMatch(/Rehearsal passed: 2[45] action runs in \d+ s; the last cleanup found nothing to delete\./);
  });

  it('should create the stacks and services first, then find and update them', async () => {
    const { out } = await rehearsal();
    expect(out).toMatch(/\[create\] prepare › stack staging-network[\s\S]*\| create \| CREATE_COMPLETE/);
    expect(out).toMatch(/\[create\] services › service monolith[\s\S]*?Action \| created/);
    expect(out).toMatch(/\[update\] services › service like[\s\S]*?Action \| (updated|unchanged)/);
    expect(out).toMatch(/\[create\] services › run-task node server\.js seed[\s\S]*?Status \| STOPPED/);
    expect(out).toContain('[update] services › stack staging-scaling-like (cfn-deploy, exit 0)');
    expect(out).toMatch(/\[create\] services › stack staging-service-like[\s\S]*\| create \| CREATE_COMPLETE/);
  });

  it('should say where it had to differ from the workflow because of moto', async () => {
    const { out } = await rehearsal();
    expect(out).toContain('The update pass re-runs the same commit');
    expect(out).toContain('moto skips AWS::CloudWatch::Alarm');
    expect(out).toContain('cleanup › removed monolith: stacks staging-scaling-monolith, staging-service-monolith');
    const lastCleanup = out.slice(out.lastIndexOf('cleanup again (must be a no-op) (cleanup, exit 0)'));
    expect(lastCleanup).toContain('Nothing to delete: the environment is already clean.');
  });
});
