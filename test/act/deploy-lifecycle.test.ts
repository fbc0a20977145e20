// [act] The life of an environment, run by act with the real workflow files against one moto:
// first push, a re-run with nothing changed, a one-service push, a third service added, then
// cleanup.yml (dry run, until empty, once more). Each scenario asserts on what ended up in moto.
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { environmentNames, loadDeployConfig } from '../../deploy/config.js';
import { type ActRun, ran, resultTable } from './act.js';
import { type ActFixture, startActFixture } from './fixture.js';
import { type MotoSnapshot, snapshot } from './moto-state.js';
import { dispatchCleanup, pushDeploy, reportTimings, runScript, timings } from './scenario.js';
import { createScratchRepo, type ScratchRepo } from './scratch-repo.js';

const config = loadDeployConfig();
const environments = environmentNames(config);
const [staging = '', ...later] = environments;
const services = Object.keys(config.services);
let fixture: ActFixture;
let repo: ScratchRepo;

beforeAll(async () => {
  fixture = await startActFixture();
  repo = createScratchRepo();
}, 60_000);

afterAll(async () => {
  reportTimings();
  await fixture?.stop();
  repo?.remove();
});

const stacksIn = (state: MotoSnapshot, env: string) =>
  Object.keys(state.stacks)
    .filter((name) => name.startsWith(`${env}-`))
    .sort();
const digestOf = (state: MotoSnapshot, env: string, service: string) =>
  state.images[`${env}/${service}`]?.[0]?.split('@')[1];
const failure = (run: ActRun) => `${resultTable(run)}\n${run.log.slice(-80).join('\n')}`;

describe('[act] deploy.yml and cleanup.yml over the life of an environment', { timeout: 200_000 }, () => {
  let first: MotoSnapshot;
  let firstCommit: string;

  it('should create everything on the first push: staging, then production with the same image digests', async () => {
    firstCommit = repo.head();
    const run = await pushDeploy(fixture, repo, { scenario: 'first push' });
    expect(run.code, failure(run)).toBe(0);
    first = await snapshot(fixture.moto.endpoint);
    for (const env of environments) {
      expect(stacksIn(first, env)).toEqual(
        [
          `${env}-network`,
          `${env}-platform`,
          ...services.flatMap((service) => [`${env}-service-${service}`, `${env}-scaling-${service}`]),
        ].sort(),
      );
      for (const service of services) {
        const digest = digestOf(first, env, service);
        expect(digest, `${env}/${service}`).toMatch(/^sha256:[0-9a-f]{64}$/);
        // Each service runs its image by digest, and a later environment runs the first one's.
        expect(first.services[`${env}-cluster/${service}`]?.image).toBe(
          `123456789012.dkr.ecr.us-east-1.amazonaws.com/${env}/${service}@${digest}`,
        );
        expect(digest).toBe(digestOf(first, staging, service));
      }
      expect(ran(run, new RegExp(`^${env}/.*/verify$`)).map((job) => job.result)).toEqual(['success']);
    }
    const digests = services.map((service) => digestOf(first, staging, service));
    expect(new Set(digests).size, 'each service has its own image').toBe(services.length);
    expect(run.refused).toEqual([]);
    // The later environments started only once the first one had verified.
    const verified = ran(run, new RegExp(`^${staging}/.*/verify$`))[0]?.endedMs ?? Number.POSITIVE_INFINITY;
    for (const env of later) {
      for (const job of ran(run, new RegExp(`^${env}/`))) expect(job.startedMs).toBeGreaterThanOrEqual(verified - 50);
    }
  });

  it("should run the project's actions on Node 24", () => {
    const run = timings[0]?.run;
    const actions = run?.nodeProcesses.filter((entry) => entry.script.includes('/actions/dist/')) ?? [];
    expect(actions.length).toBeGreaterThan(0);
    expect([...new Set(actions.map((entry) => entry.version.split('.')[0]))]).toEqual(['v24']);
  });

  it('should register and deploy nothing new when the same commit is deployed again', async () => {
    // No diff base (as a manual run has none): every service goes through its leg again.
    const run = await pushDeploy(fixture, repo, { scenario: 're-run, nothing changed' });
    expect(run.code, failure(run)).toBe(0);
    const again = await snapshot(fixture.moto.endpoint);
    expect(again.taskDefinitions).toEqual(first.taskDefinitions);
    expect(again.services).toEqual(first.services);
    expect(again.images).toEqual(first.images);
  });

  it('should build and deploy only the changed service on a one-service push, skipping infra and seed', async () => {
    const before = await snapshot(fixture.moto.endpoint);
    const changed = services[services.length - 1] ?? '';
    repo.commit(`${changed}: a change`, (dir) =>
      appendFileSync(join(dir, 'services', changed, 'src', 'app.ts'), '\n// a one-service change\n'),
    );
    const run = await pushDeploy(fixture, repo, { scenario: 'one-service push', lastSuccess: firstCommit });
    expect(run.code, failure(run)).toBe(0);
    const legs = run.jobs.filter((job) => job.matrix.service !== undefined && job.result !== 'skipped');
    expect([...new Set(legs.map((job) => job.matrix.service))]).toEqual([changed]);
    expect(legs.map((job) => job.name.split('/')[0]).sort()).toEqual([...environments].sort());
    const after = await snapshot(fixture.moto.endpoint);
    for (const env of environments) {
      // Infra skipped: the network and platform stacks were not touched.
      expect(after.stacks[`${env}-network`]).toBe(before.stacks[`${env}-network`]);
      expect(after.stacks[`${env}-platform`]).toBe(before.stacks[`${env}-platform`]);
      expect(digestOf(after, env, changed)).not.toBe(undefined);
      expect(after.services[`${env}-cluster/${changed}`]?.taskDefinition).not.toBe(
        before.services[`${env}-cluster/${changed}`]?.taskDefinition,
      );
      expect(after.services[`${env}-cluster/${changed}`]?.image).toContain(
        after.services[`${staging}-cluster/${changed}`]?.image.split('@')[1] ?? 'none',
      );
      for (const other of services.filter((service) => service !== changed)) {
        expect(after.services[`${env}-cluster/${other}`]).toEqual(before.services[`${env}-cluster/${other}`]);
        expect(after.images[`${env}/${other}`]).toEqual(before.images[`${env}/${other}`]);
      }
    }
    // The seed's service did not change: no new revision of its family.
    expect(after.taskDefinitions.filter((name) => !name.includes(`-${changed}:`))).toEqual(
      before.taskDefinitions.filter((name) => !name.includes(`-${changed}:`)),
    );
  });

  it('should deploy a third service added with npm run new-service', async () => {
    const base = repo.head();
    runScript(repo, 'scripts/new-service.ts', ['reviews', '--skip-install']);
    // What npm install does to the lockfile for the new workspace (no registry needed).
    repo.commit('a third service: reviews', (dir) => runNpmLockfileOnly(dir));
    const run = await pushDeploy(fixture, repo, { scenario: 'third service added', lastSuccess: base });
    expect(run.code, failure(run)).toBe(0);
    const state = await snapshot(fixture.moto.endpoint);
    for (const env of environments) {
      expect(stacksIn(state, env)).toEqual(
        expect.arrayContaining([`${env}-service-reviews`, `${env}-scaling-reviews`]),
      );
      expect(state.services[`${env}-cluster/reviews`]?.image).toBe(
        `123456789012.dkr.ecr.us-east-1.amazonaws.com/${env}/reviews@${digestOf(state, staging, 'reviews')}`,
      );
    }
  });

  it('should remove the third service once its folder and entry are gone', async () => {
    const base = repo.head();
    repo.commit('reviews removed', (dir) => {
      rmSync(join(dir, 'services', 'reviews'), { recursive: true });
      const path = join(dir, 'deploy', 'config.yml');
      const document = parseDocument(readFileSync(path, 'utf8'));
      document.deleteIn(['services', 'reviews']);
      writeFileSync(path, document.toString());
      runNpmLockfileOnly(dir);
    });
    const run = await pushDeploy(fixture, repo, { scenario: 'third service removed', lastSuccess: base });
    expect(run.code, failure(run)).toBe(0);
    const state = await snapshot(fixture.moto.endpoint);
    for (const env of environments) {
      expect(stacksIn(state, env).filter((name) => name.endsWith('-reviews'))).toEqual([]);
      expect(state.services[`${env}-cluster/reviews`]).toBeUndefined();
      for (const service of services) expect(state.services[`${env}-cluster/${service}`]).toBeDefined();
    }
  });

  it('should change nothing in a cleanup dry run', async () => {
    const before = await snapshot(fixture.moto.endpoint);
    const run = await dispatchCleanup(fixture, repo, {
      scenario: 'cleanup dry run',
      environment: staging,
      dryRun: true,
    });
    expect(run.code, failure(run)).toBe(0);
    expect(await snapshot(fixture.moto.endpoint)).toEqual(before);
  });

  it('should delete the whole environment, and nothing of another, when the cleanup is run until it passes', async () => {
    const before = await snapshot(fixture.moto.endpoint);
    const runs: ActRun[] = [];
    // moto's DeleteStack of network.yml can refuse the VPC before its route tables are gone and
    // drop the stack anyway; the cleanup's message says to run it again, as a person would.
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const run = await dispatchCleanup(fixture, repo, {
        scenario: `cleanup #${attempt}`,
        environment: staging,
        dryRun: false,
      });
      runs.push(run);
      if (run.code === 0) break;
    }
    expect(runs.at(-1)?.code, runs.map(failure).join('\n--\n')).toBe(0);
    const state = await snapshot(fixture.moto.endpoint);
    expect(stacksIn(state, staging)).toEqual([]);
    expect(Object.keys(state.services).filter((name) => name.startsWith(`${staging}-`))).toEqual([]);
    expect(state.taskDefinitions.filter((name) => name.startsWith(`${staging}-`))).toEqual([]);
    expect(Object.keys(state.images).filter((name) => name.startsWith(`${staging}/`))).toEqual([]);
    expect(state.tables.filter((name) => name === `${staging}-mysfits`)).toEqual([]);
    for (const env of later) {
      expect(stacksIn(state, env)).toEqual(stacksIn(before, env));
      expect(Object.keys(state.services).filter((name) => name.startsWith(`${env}-`))).toEqual(
        Object.keys(before.services).filter((name) => name.startsWith(`${env}-`)),
      );
    }
  });

  it('should find nothing to delete in a second cleanup', async () => {
    const before = await snapshot(fixture.moto.endpoint);
    const run = await dispatchCleanup(fixture, repo, {
      scenario: 'second cleanup',
      environment: staging,
      dryRun: false,
    });
    expect(run.code, failure(run)).toBe(0);
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
