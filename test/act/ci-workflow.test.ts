// [act] ci.yml run by act: every job but the one that runs `npm test` (these tests are part of it).
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDeployConfig } from '../../deploy/config.js';
import { type ActRun, jobsOf, resultTable, runAct } from './act.js';
import { createScratchRepo, type ScratchRepo } from './scratch-repo.js';
import { removeJobsRunning } from './workflow-edit.js';

const workflow = '.github/workflows/ci.yml';
const repos: ScratchRepo[] = [];
let green: ActRun;
let untracked: ActRun;
let removed: string[] = [];

function ciRepo(): ScratchRepo {
  const repo = createScratchRepo();
  repos.push(repo);
  repo.commit('ci.yml without the npm test job', (dir) => {
    removed = removeJobsRunning(dir, workflow, /\bnpm test\b/);
  });
  return repo;
}

beforeAll(async () => {
  const clean = ciRepo();
  const broken = ciRepo();
  // Issue 11, bug 5: a dist file the sources produce but git does not track (`git diff` missed it).
  broken.commit('actions/dist/cleanup.js untracked', (dir) => {
    broken.git('rm', '-q', '--cached', 'actions/dist/cleanup.js');
    rmSync(join(dir, 'actions/dist/cleanup.js'));
  });
  // ci.yml talks to no AWS service: no moto.
  [green, untracked] = await Promise.all([
    runAct({ repo: clean.dir, workflow, event: 'push', timeoutMs: 150_000 }),
    runAct({ repo: broken.dir, workflow, event: 'push', job: 'check-dist', timeoutMs: 150_000 }),
  ]);
}, 170_000);

afterAll(async () => {
  for (const repo of repos) repo.remove();
});

describe('[act] ci.yml', () => {
  it('should leave out only the job that runs npm test', () => {
    expect(removed).toEqual(['test']);
    expect(green.jobs.map((job) => job.id)).not.toContain('test');
  });

  it('should pass check-dist, the service list and an image build per service', () => {
    expect(green.code, resultTable(green)).toBe(0);
    expect(jobsOf(green, 'check-dist').map((job) => job.result)).toEqual(['success']);
    const images = jobsOf(green, 'images');
    expect(images.map((job) => job.matrix.service).sort()).toEqual(Object.keys(loadDeployConfig().services).sort());
    expect(
      images.every((job) => job.result === 'success'),
      resultTable(green),
    ).toBe(true);
    expect(green.refused).toEqual([]);
  });

  it('should fail check-dist on an untracked dist file, name it and upload the expected dist', () => {
    const [checkDist] = jobsOf(untracked, 'check-dist');
    expect(checkDist?.result, resultTable(untracked)).toBe('failure');
    expect(checkDist?.output.join('\n')).toContain('?? actions/dist/cleanup.js');
    const summary = untracked.summaries.filter((entry) => entry.job === 'check-dist').map((entry) => entry.text);
    expect(summary.join('\n')).toContain('actions/dist does not match the sources');
    expect(existsSync(join(untracked.artifactsDir, 'dist', 'cleanup.js'))).toBe(true);
  });
});
