import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readWorkflow, repoRoot } from './workflow-files.js';

// A workflow expression, spelled so it is not mistaken for a template literal.
const gh = (inner: string) => `$\u007B{ ${inner} }}`;

describe('workflow hygiene', () => {
  const files = readdirSync(`${repoRoot}.github/workflows`);

  it('should pin every third-party action by full commit SHA with a version comment', () => {
    const unpinned: string[] = [];
    for (const file of files) {
      for (const [i, line] of readFileSync(`${repoRoot}.github/workflows/${file}`, 'utf8').split('\n').entries()) {
        const uses = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
        if (!uses || uses[1]?.startsWith('./')) continue;
        if (!/@[0-9a-f]{40}$/.test(uses[1] ?? '') || !/#\s*v\d+\.\d+\.\d+\s*$/.test(uses[2] ?? '')) {
          unpinned.push(`${file}:${i + 1}: ${line.trim()}`);
        }
      }
    }
    expect(unpinned).toEqual([]);
  });

  it('should grant nothing at workflow level, and id-token only to jobs that assume the role, each in its environment', () => {
    // The role trusts only jobs in its GitHub environment (bootstrap.yml): a job that assumes it
    // must name that environment, whose protection rules then stand before it.
    const environments = {
      'environment.yml': gh('inputs.environment'),
      'cleanup.yml': gh('inputs.environment'),
    };
    for (const file of ['deploy.yml', 'environment.yml', 'cleanup.yml'] as const) {
      const workflow = readWorkflow(file);
      expect(workflow.permissions, file).toEqual({});
      for (const [id, job] of Object.entries(workflow.jobs)) {
        const assumesRole = (job.steps ?? []).some((step) =>
          step.uses?.startsWith('aws-actions/configure-aws-credentials@'),
        );
        const permissions = typeof job.permissions === 'object' ? job.permissions : {};
        const callsEnvironment = (job as { uses?: string }).uses === './.github/workflows/environment.yml';
        expect(permissions['id-token'] === 'write', `${file} job ${id}`).toBe(assumesRole || callsEnvironment);
        const environment = typeof job.environment === 'object' ? job.environment.name : job.environment;
        if (assumesRole) expect(environment, `${file} job ${id}`).toBe(environments[file as 'cleanup.yml']);
        else expect(environment, `${file} job ${id} assumes no role`).toBeUndefined();
      }
    }
    expect(readWorkflow('cleanup.yml').concurrency).toEqual({
      group: `aws-${gh('inputs.environment')}`,
      'cancel-in-progress': false,
    });
  });

  it('should give each environment of a deploy its own concurrency group, never cancelled', () => {
    const deploy = readWorkflow('deploy.yml');
    expect(
      deploy.concurrency,
      'no workflow-wide group: staging takes the next push while production waits',
    ).toBeUndefined();
    const group = (id: string) => (deploy.jobs[id] as { concurrency?: unknown }).concurrency;
    expect(group('stage')).toEqual({ group: `aws-${gh('needs.changes.outputs.first')}`, 'cancel-in-progress': false });
    expect(group('promote')).toEqual({ group: `aws-${gh('matrix.environment')}`, 'cancel-in-progress': false });
  });

  it('should never cancel a running deploy and cancel superseded CI runs', () => {
    expect(readWorkflow('ci.yml').concurrency?.['cancel-in-progress']).toBe(true);
    expect(readWorkflow('ci.yml').permissions).toEqual({ contents: 'read' });
  });
});
