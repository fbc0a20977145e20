import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLEANUP_SEQUENCE, DEPLOY_SEQUENCE, sequenceMismatches } from '../../scripts/rehearse/sequence.js';
import { jobsInDependencyOrder, projectActionSequence, readWorkflow, repoRoot } from './workflow-files.js';

// A workflow expression, spelled so it is not mistaken for a template literal.
const gh = (inner: string) => `$\u007B{ ${inner} }}`;
const plain = (sequence: ReadonlyArray<{ job: string; actions: readonly string[] }>) =>
  sequence.map((entry) => ({ job: entry.job, actions: [...entry.actions] }));

describe('deploy.yml and the rehearsal', () => {
  it('should run the same project actions in the same job and step order', () => {
    expect(projectActionSequence(readWorkflow('deploy.yml'))).toEqual(plain(DEPLOY_SEQUENCE));
  });

  it('should order the jobs changes → infra → service-stack → build → seed → deploy → scaling → verify → summary', () => {
    expect(jobsInDependencyOrder(readWorkflow('deploy.yml'))).toEqual([
      'changes',
      'infra',
      'service-stack',
      'build',
      'seed',
      'deploy',
      'scaling',
      'verify',
      'summary',
    ]);
  });

  it('should run the same cleanup action as cleanup.yml', () => {
    expect(projectActionSequence(readWorkflow('cleanup.yml'))).toEqual(plain(CLEANUP_SEQUENCE));
  });

  it('should report a rehearsal that strays from the declared sequence', () => {
    const problems = sequenceMismatches(DEPLOY_SEQUENCE, [
      { job: 'infra', leg: '', actions: ['cfn-deploy', 'cfn-deploy'] },
      { job: 'deploy', leg: 'like', actions: ['ecs-deploy'] },
    ]);
    expect(problems).toEqual([
      'jobs ran infra → deploy, declared infra → service-stack → seed → deploy → scaling',
      'deploy (like) ran ecs-deploy, declared render-task-definition, ecs-deploy',
    ]);
  });
});

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

  it('should grant nothing at workflow level in deploy and cleanup, and id-token only to jobs that assume the role', () => {
    // Cleanup works on the environment it is given (checked against deploy/config.yml first), in
    // that environment's concurrency group and GitHub environment.
    const groups = { 'deploy.yml': 'aws-production', 'cleanup.yml': `aws-${gh('inputs.environment')}` };
    const environments = { 'deploy.yml': 'production', 'cleanup.yml': gh('inputs.environment') };
    for (const file of ['deploy.yml', 'cleanup.yml'] as const) {
      const workflow = readWorkflow(file);
      expect(workflow.permissions, file).toEqual({});
      expect(workflow.concurrency, file).toEqual({ group: groups[file], 'cancel-in-progress': false });
      for (const [id, job] of Object.entries(workflow.jobs)) {
        const assumesRole = (job.steps ?? []).some((step) =>
          step.uses?.startsWith('aws-actions/configure-aws-credentials@'),
        );
        const permissions = typeof job.permissions === 'object' ? job.permissions : {};
        expect(permissions['id-token'] === 'write', `${file} job ${id}`).toBe(assumesRole);
        const environment = typeof job.environment === 'object' ? job.environment.name : job.environment;
        if (assumesRole) expect(environment, `${file} job ${id}`).toBe(environments[file]);
      }
    }
  });

  it('should never cancel a running deploy and cancel superseded CI runs', () => {
    expect(readWorkflow('ci.yml').concurrency?.['cancel-in-progress']).toBe(true);
    expect(readWorkflow('ci.yml').permissions).toEqual({ contents: 'read' });
  });
});
