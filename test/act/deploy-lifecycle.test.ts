// [act] The life of an environment, run by act with the real workflow files against one moto:
// first push, a re-run with nothing changed, a one-service push, a third service added, then
// cleanup.yml (dry run, until empty, once more). Each scenario asserts on what ended up in moto.
import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDeployConfig } from '../../deploy/config.js';
import { type ActRun, resultTable } from './act.js';
import { type ActFixture, startActFixture } from './fixture.js';
import { type MotoSnapshot, snapshot } from './moto-state.js';
import { dispatchCleanup, pushDeploy, runScript, timingReport, timings } from './scenario.js';
import { createScratchRepo, type ScratchRepo } from './scratch-repo.js';

const environment = loadDeployConfig().environment;
const services = Object.keys(loadDeployConfig().services);
let fixture: ActFixture;
let repo: ScratchRepo;

beforeAll(async () => {
  fixture = await startActFixture();
  repo = createScratchRepo();
}, 60_000);

afterAll(async () => {
  for (const entry of timings) console.log(timingReport(entry));
  await fixture?.stop();
  repo?.remove();
});

/** The jobs whose name matches, that ran (not skipped). */
const ran = (run: ActRun, name: RegExp) => run.jobs.filter((job) => name.test(job.name) && job.result !== 'skipped');
const stacksOf = (state: MotoSnapshot) =>
  Object.keys(state.stacks).filter((name) => name.startsWith(`${environment}-`));

describe('[act] deploy.yml and cleanup.yml over the life of an environment', { timeout: 200_000 }, () => {
  let first: MotoSnapshot;
  let firstCommit: string;

  it('should create everything on the first push and verify it through the local stack', async () => {
    firstCommit = repo.head();
    const run = await pushDeploy(fixture, repo, { scenario: 'first push' });
    expect(run.code, `${resultTable(run)}\n${run.log.slice(-60).join('\n')}`).toBe(0);
    first = await snapshot(fixture.moto.endpoint);
    expect(stacksOf(first).sort()).toEqual(
      [
        `${environment}-network`,
        `${environment}-platform`,
        ...services.flatMap((service) => [`${environment}-service-${service}`, `${environment}-scaling-${service}`]),
      ].sort(),
    );
    for (const service of services) {
      const image = first.images[`${environment}/${service}`] ?? [];
      expect(image.map((entry) => entry.split('@')[0])).toEqual([firstCommit]);
      // The service runs the image of this commit, by digest.
      expect(first.services[`${environment}-cluster/${service}`]?.image).toMatch(
        new RegExp(`/${environment}/${service}@${image[0]?.split('@')[1]}$`),
      );
    }
    const digests = services.map((service) => first.images[`${environment}/${service}`]?.[0]?.split('@')[1]);
    expect(new Set(digests).size, 'each service has its own image').toBe(services.length);
    expect(ran(run, /verify/).map((job) => job.result)).toEqual(['success']);
    expect(run.refused).toEqual([]);
  });

  it("should run the project's actions on Node 24", () => {
    const run = timings[0]?.run;
    const actions = run?.nodeProcesses.filter((entry) => entry.script.includes('/actions/dist/')) ?? [];
    expect(actions.length).toBeGreaterThan(0);
    expect([...new Set(actions.map((entry) => entry.version.split('.')[0]))]).toEqual(['v24']);
  });

  it('should register and deploy nothing new when the same commit is deployed again', async () => {
    // No diff base (as a manual run has none): every service goes through build and deploy again.
    const run = await pushDeploy(fixture, repo, { scenario: 're-run, nothing changed' });
    expect(run.code, resultTable(run)).toBe(0);
    const again = await snapshot(fixture.moto.endpoint);
    expect(again.taskDefinitions).toEqual(first.taskDefinitions);
    expect(again.services).toEqual(first.services);
    expect(again.images).toEqual(first.images);
    expect(again.stacks).toEqual(first.stacks);
  });

  let onePush: MotoSnapshot;
  it('should build and deploy only the changed service on a one-service push, skipping infra and seed', async () => {
    const changed = services[services.length - 1] ?? '';
    const commit = repo.commit(`${changed}: a change`, (dir) =>
      appendFileSync(join(dir, 'services', changed, 'src', 'app.ts'), '\n// a one-service change\n'),
    );
    const run = await pushDeploy(fixture, repo, { scenario: 'one-service push', lastSuccess: firstCommit });
    expect(run.code, resultTable(run)).toBe(0);
    expect(ran(run, /\binfra\b/)).toEqual([]);
    expect(ran(run, /\bseed\b/)).toEqual([]);
    expect(ran(run, /\bbuild\b/).map((job) => job.matrix.service)).toEqual([changed]);
    expect(ran(run, /\bdeploy \(/).map((job) => job.matrix.service)).toEqual([changed]);
    onePush = await snapshot(fixture.moto.endpoint);
    expect(onePush.images[`${environment}/${changed}`]?.map((entry) => entry.split('@')[0]).sort()).toEqual(
      [firstCommit, commit].sort(),
    );
    expect(onePush.services[`${environment}-cluster/${changed}`]?.taskDefinition).not.toBe(
      first.services[`${environment}-cluster/${changed}`]?.taskDefinition,
    );
    for (const other of services.filter((service) => service !== changed)) {
      expect(onePush.services[`${environment}-cluster/${other}`]).toEqual(
        first.services[`${environment}-cluster/${other}`],
      );
      expect(onePush.images[`${environment}/${other}`]).toEqual(first.images[`${environment}/${other}`]);
    }
  });

  it('should deploy a third service added with npm run new-service', async () => {
    const base = repo.head();
    runScript(repo, 'scripts/new-service.ts', ['reviews', '--skip-install']);
    repo.commit('a third service: reviews', (dir) => {
      // What npm install does to the lockfile for the new workspace (no registry needed).
      runNpmLockfileOnly(dir);
    });
    const run = await pushDeploy(fixture, repo, { scenario: 'third service added', lastSuccess: base });
    expect(run.code, `${resultTable(run)}\n${run.log.slice(-60).join('\n')}`).toBe(0);
    const state = await snapshot(fixture.moto.endpoint);
    expect(stacksOf(state)).toEqual(
      expect.arrayContaining([`${environment}-service-reviews`, `${environment}-scaling-reviews`]),
    );
    expect(state.services[`${environment}-cluster/reviews`]?.image).toContain(`/${environment}/reviews@sha256:`);
    expect(state.images[`${environment}/reviews`]?.map((entry) => entry.split('@')[0])).toEqual([repo.head()]);
  });

  it('should change nothing in a cleanup dry run', async () => {
    const before = await snapshot(fixture.moto.endpoint);
    const run = await dispatchCleanup(fixture, repo, { scenario: 'cleanup dry run', environment, dryRun: true });
    expect(run.code, resultTable(run)).toBe(0);
    expect(await snapshot(fixture.moto.endpoint)).toEqual(before);
  });

  it('should delete the whole environment when the cleanup is run until it passes', async () => {
    const runs: ActRun[] = [];
    // moto's DeleteStack of network.yml can refuse the VPC before its route tables are gone and
    // drop the stack anyway; the cleanup's message says to run it again, as a person would.
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const run = await dispatchCleanup(fixture, repo, { scenario: `cleanup #${attempt}`, environment, dryRun: false });
      runs.push(run);
      if (run.code === 0) break;
    }
    expect(runs.at(-1)?.code, runs.map(resultTable).join('\n--\n')).toBe(0);
    const state = await snapshot(fixture.moto.endpoint);
    expect(stacksOf(state)).toEqual([]);
    expect(state.services).toEqual({});
    expect(state.taskDefinitions.filter((name) => name.startsWith(`${environment}-`))).toEqual([]);
    expect(Object.keys(state.images).filter((name) => name.startsWith(`${environment}/`))).toEqual([]);
    expect(state.tables.filter((name) => name.startsWith(`${environment}-`))).toEqual([]);
  });

  it('should find nothing to delete in a second cleanup', async () => {
    const before = await snapshot(fixture.moto.endpoint);
    const run = await dispatchCleanup(fixture, repo, { scenario: 'second cleanup', environment, dryRun: false });
    expect(run.code, resultTable(run)).toBe(0);
    expect(run.summaries.map((entry) => entry.text).join('\n')).toContain('Nothing to delete');
    expect(await snapshot(fixture.moto.endpoint)).toEqual(before);
  });
});

/** `npm install --package-lock-only`: the lockfile learns the new workspace, node_modules untouched. */
function runNpmLockfileOnly(dir: string): void {
  execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--offline', '--no-audit', '--no-fund'], {
    cwd: dir,
    stdio: 'pipe',
    timeout: 60_000,
  });
}
