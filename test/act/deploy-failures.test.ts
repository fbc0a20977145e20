// [act] deploy.yml when something is missing or fails, run by act against one moto (reset between
// scenarios): a push before bootstrap, a failing seed, one service's failing deploy. Each asserts
// on what ended up in moto and on which jobs and steps ran.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { environmentNames, loadDeployConfig } from '../../deploy/config.js';
import { type ActRun, ran, resultTable } from './act.js';
import { type ActFixture, startActFixture } from './fixture.js';
import { snapshot } from './moto-state.js';
import { pushDeploy, reportTimings } from './scenario.js';
import { createScratchRepo, type ScratchRepo } from './scratch-repo.js';

const config = loadDeployConfig();
const [staging = '', ...later] = environmentNames(config);
const services = Object.keys(config.services);
const seeded = services.find((service) => config.services[service]?.seed !== undefined) ?? '';
let fixture: ActFixture;
const repos: ScratchRepo[] = [];

beforeAll(async () => {
  fixture = await startActFixture();
}, 60_000);

beforeEach(async () => {
  await fixture.reset();
});

afterAll(async () => {
  reportTimings();
  await fixture?.stop();
  for (const repo of repos) repo.remove();
});

function scratch(): ScratchRepo {
  const repo = createScratchRepo();
  repos.push(repo);
  return repo;
}

const failure = (run: ActRun) => `${resultTable(run)}\n${run.log.slice(-80).join('\n')}`;
const stepsOf = (run: ActRun, name: RegExp) => ran(run, name).flatMap((job) => job.steps);
const stepResult = (run: ActRun, job: RegExp, step: RegExp) =>
  stepsOf(run, job)
    .filter((entry) => step.test(entry.name))
    .map((entry) => entry.result);

describe('[act] deploy.yml when something is missing or fails', { timeout: 150_000 }, () => {
  it('should end green, touch nothing and say what to do on a push before bootstrap (no AWS_ROLE_ARN)', async () => {
    const before = await snapshot(fixture.moto.endpoint);
    const run = await pushDeploy(fixture, scratch(), { scenario: 'push before bootstrap', vars: {} });
    expect(run.code, failure(run)).toBe(0);
    expect(await snapshot(fixture.moto.endpoint)).toEqual(before);
    expect(run.jobs.filter((job) => job.result === 'failure')).toEqual([]);
    const summary = run.summaries.map((entry) => entry.text).join('\n');
    expect(summary).toContain(`npm run bootstrap -- ${staging}`);
    expect(summary).toContain('AWS_ROLE_ARN');
    // No job assumed a role: configure-aws-credentials never ran.
    expect(run.log.join('\n')).not.toContain('Role arn:aws:iam');
  });

  it('should skip everything after a failing seed, and deploy nothing of that service', async () => {
    const repo = scratch();
    repo.commit('a seed that fails', (dir) => {
      const path = join(dir, 'deploy', 'config.yml');
      // moto_server.py stops a task whose command ends in act-exit=<code> with that exit code.
      const text = readFileSync(path, 'utf8').replace(/^(\s+seed: .+)$/m, '$1 act-exit=3');
      writeFileSync(path, text);
    });
    const run = await pushDeploy(fixture, repo, { scenario: 'failing seed' });
    expect(run.code, failure(run)).not.toBe(0);
    const leg = new RegExp(`^${staging}/[^/]+/${seeded}(-\\d+)?$`);
    expect(ran(run, leg).map((job) => job.result)).toEqual(['failure']);
    expect(stepResult(run, leg, /seed/i)).toEqual(['failure']);
    expect(run.log.join('\n')).toMatch(/exit(ed with)? code 3/);
    // The steps after the seed never ran with its missing output.
    for (const step of [/^Deploy the service/, /^Scaling stack/]) expect(stepResult(run, leg, step)).toEqual([]);
    expect(ran(run, new RegExp(`^${staging}/.*/verify$`))).toEqual([]);
    for (const env of later) expect(ran(run, new RegExp(`^${env}/`))).toEqual([]);
    const state = await snapshot(fixture.moto.endpoint);
    expect(state.services[`${staging}-cluster/${seeded}`]).toBeUndefined();
    expect(state.stacks[`${staging}-scaling-${seeded}`]).toBeUndefined();
    for (const env of later) expect(Object.keys(state.stacks).filter((name) => name.startsWith(`${env}-`))).toEqual([]);
  });

  it("should deploy the other services when one service's deploy fails, skip its scaling and fail the run", async () => {
    const failing = services.find((service) => service !== seeded) ?? '';
    const repo = scratch();
    repo.commit(`${failing}: tasks that crash`, (dir) => {
      const path = join(dir, 'services', failing, 'deploy', 'task-definition.yml');
      // moto_server.py fails the rollout of a task definition whose first container has it.
      const text = readFileSync(path, 'utf8').replace(
        /^(\s+)environment:\n/m,
        '$1environment:\n$1  - name: ACT_ROLLOUT\n$1    value: FAILED\n',
      );
      writeFileSync(path, text);
    });
    const run = await pushDeploy(fixture, repo, { scenario: 'one deploy fails' });
    expect(run.code, failure(run)).not.toBe(0);
    const leg = (service: string) => new RegExp(`^${staging}/[^/]+/${service}(-\\d+)?$`);
    expect(ran(run, leg(failing)).map((job) => job.result)).toEqual(['failure']);
    expect(stepResult(run, leg(failing), /^Deploy the service/)).toEqual(['failure']);
    expect(stepResult(run, leg(failing), /^Scaling stack/)).toEqual([]);
    const state = await snapshot(fixture.moto.endpoint);
    for (const other of services.filter((service) => service !== failing)) {
      expect(
        ran(run, leg(other)).map((job) => job.result),
        failure(run),
      ).toEqual(['success']);
      expect(state.services[`${staging}-cluster/${other}`]?.image).toContain(`/${staging}/${other}@sha256:`);
      expect(state.stacks[`${staging}-scaling-${other}`]).toMatch(/_COMPLETE$/);
    }
    expect(state.stacks[`${staging}-scaling-${failing}`]).toBeUndefined();
    expect(ran(run, new RegExp(`^${staging}/.*/verify$`))).toEqual([]);
    for (const env of later) expect(ran(run, new RegExp(`^${env}/`))).toEqual([]);
  });
});
