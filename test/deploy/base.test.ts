// deploy/base.ts: each environment's diff base is the commit its last deploy brought it to, read
// from the workflow's runs and their jobs as GitHub's REST API lists them (GET
// /repos/{owner}/{repo}/actions/workflows/{id}/runs, GET .../actions/runs/{run_id}/jobs).
import { describe, expect, it } from 'vitest';
import { environmentBases, type RunJob, type WorkflowRun } from '../../deploy/base.js';

const sha = (digit: string) => digit.repeat(40);
const environments = ['staging', 'production'];

/** A completed run and its jobs, by the conclusion of each environment's verify job. */
function history(
  entries: Array<{ sha: string; event?: string; status?: string; verify: Record<string, string | null> }>,
): { runs: WorkflowRun[]; jobsOf: (run: WorkflowRun) => RunJob[]; asked: number[] } {
  const asked: number[] = [];
  const runs = entries.map((entry, index) => ({
    id: 100 - index,
    head_sha: entry.sha,
    event: entry.event ?? 'push',
    status: entry.status ?? 'completed',
    conclusion: Object.values(entry.verify).every((result) => result === 'success') ? 'success' : 'failure',
  }));
  const jobs = new Map(
    runs.map((run, index) => [
      run.id,
      [
        { name: 'changes', conclusion: 'success' },
        ...Object.entries(entries[index]?.verify ?? {}).map(([env, conclusion]) => ({
          name: `${env} / verify`,
          conclusion,
        })),
      ],
    ]),
  );
  return {
    runs,
    asked,
    jobsOf: (run) => {
      asked.push(run.id);
      return jobs.get(run.id) ?? [];
    },
  };
}

describe('deploy/base.ts environmentBases', () => {
  it('should give each environment the head commit of the newest push run that verified it', () => {
    const source = history([
      // The newest run: staging verified, production failed (or was rejected).
      { sha: sha('c'), verify: { staging: 'success', production: 'failure' } },
      { sha: sha('b'), verify: { staging: 'success', production: 'success' } },
      { sha: sha('a'), verify: { staging: 'success', production: 'success' } },
    ]);
    expect(environmentBases({ environments, ...source })).toEqual({ staging: sha('c'), production: sha('b') });
    expect(source.asked, 'no older run read once every environment has its base').toEqual([100, 99]);
  });

  it('should not count a green run before bootstrap, which verified nothing, as a deploy', () => {
    const source = history([{ sha: sha('a'), verify: { staging: 'skipped', production: 'skipped' } }]);
    expect(environmentBases({ environments, ...source })).toEqual({ staging: '', production: '' });
  });

  it('should leave the base empty when a manual run deployed the environment last, and skip unfinished runs', () => {
    const source = history([
      { sha: sha('d'), status: 'in_progress', verify: { staging: 'success' } },
      { sha: sha('c'), event: 'workflow_dispatch', verify: { production: 'success' } },
      { sha: sha('b'), verify: { staging: 'success', production: 'success' } },
    ]);
    expect(environmentBases({ environments, ...source })).toEqual({ staging: sha('b'), production: '' });
  });

  it('should deploy everything where no run ever verified the environment', () => {
    expect(environmentBases({ environments, runs: [], jobsOf: () => [] })).toEqual({ staging: '', production: '' });
  });
});
