import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from './workflow-files.js';

// A workflow expression, spelled so it is not mistaken for a template literal.
const gh = (inner: string) => `$\u007B{ ${inner} }}`;
interface Step {
  id?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  environment?: string;
  outputs?: Record<string, string>;
  permissions?: Record<string, string>;
  steps: Step[];
}

const workflow = parse(readFileSync(join(repoRoot, '.github/workflows/cleanup.yml'), 'utf8')) as {
  jobs: Record<string, Job>;
};
const deletes = (job: Job) =>
  job.steps.some((step) => step.uses === './actions/cleanup' || step.run?.includes('deploy/prune.ts'));
const [checkId, check] = Object.entries(workflow.jobs).find(([, job]) =>
  job.steps.some((step) => step.run?.includes('deploy/pipeline.ts config --environment')),
) ?? ['', { steps: [] }];
const configStep = check.steps.find((step) => step.run?.includes('deploy/pipeline.ts config'));

/** Runs the check step's script as the runner would (bash), with the given input. */
function runCheck(environment: string): Promise<{ code: number; outputs: string; stderr: string }> {
  const outputFile = join(mkdtempSync(join(tmpdir(), 'cleanup-check-')), 'output');
  writeFileSync(outputFile, '');
  return new Promise((resolve) =>
    execFile(
      'bash',
      ['-e', '-c', configStep?.run ?? 'exit 99'],
      { cwd: repoRoot, env: { ...process.env, ENVIRONMENT: environment, GITHUB_OUTPUT: outputFile } },
      (error, _stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, outputs: readFileSync(outputFile, 'utf8'), stderr }),
    ),
  );
}

describe("cleanup.yml's environment input", () => {
  it('should check the input against deploy/config.yml in a job that can delete nothing, before any job that can', () => {
    expect(checkId).not.toBe('');
    expect(deletes(check)).toBe(false);
    expect(check.environment).toBeUndefined();
    expect(check.permissions).toEqual({ contents: 'read' });
    expect(configStep?.env).toEqual({ ENVIRONMENT: gh('inputs.environment') });
    for (const [id, job] of Object.entries(workflow.jobs).filter(([, job]) => deletes(job))) {
      expect([job.needs ?? []].flat(), id).toContain(checkId);
      expect(job.environment, id).toBe(gh('inputs.environment'));
      const credentials = job.steps.find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
      expect(credentials?.with?.['aws-region'], id).toBe(gh(`needs.${checkId}.outputs.region`));
      const action = job.steps.find((step) => step.uses === './actions/cleanup');
      expect(action?.with?.environment, id).toBe(gh('inputs.environment'));
    }
  });

  it("should give the cleanup job a configured environment's region", async () => {
    const { code, outputs } = await runCheck('production');
    expect(code).toBe(0);
    expect(outputs).toContain('environment=production\nregion=us-east-1\n');
    expect(check.outputs?.region).toBe(gh('steps.config.outputs.region'));
  });

  it('should fail on a name deploy/config.yml does not have, leaving the cleanup job nothing to run with', async () => {
    const { code, outputs, stderr } = await runCheck('stagin');
    expect(code).not.toBe(0);
    expect(outputs).toBe('');
    expect(stderr).toContain("found 'stagin'");
  });
});
