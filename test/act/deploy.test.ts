// [act] deploy.yml (with environment.yml) and cleanup.yml run by act against moto, in three
// chains that run at the same time, each on its own moto and local stack: the life of an
// environment (first push, the same commit again, a one-service push, a third service added and
// removed), cleanup.yml (dry run, until it passes, once more) and what happens when something is
// missing or fails (before bootstrap, a failing seed, one failing deploy). Each scenario asserts
// on what ended up in moto, not only on act's exit code.
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { environmentNames, loadDeployConfig } from '../../deploy/config.js';
import { type ActRun, type GhRun, ran, resultTable } from './act.js';
import { type ActFixture, startActFixture } from './fixture.js';
import { type MotoSnapshot, snapshot } from './moto-state.js';
import { dispatchCleanup, dispatchDeploy, pushDeploy, reportTimings, runRecord, runScript } from './scenario.js';
import { createScratchRepo, type ScratchRepo } from './scratch-repo.js';

const config = loadDeployConfig();
const environments = environmentNames(config);
const [staging = '', ...later] = environments;
const services = Object.keys(config.services);
const seeded = services.find((service) => config.services[service]?.seed !== undefined) ?? '';

const stacksIn = (state: MotoSnapshot, env: string) =>
  Object.keys(state.stacks)
    .filter((name) => name.startsWith(`${env}-`))
    .sort();
/** The stacks a full deploy of an environment leaves, sorted. */
const everyStack = (env: string) =>
  [
    `${env}-network`,
    `${env}-platform`,
    ...services.flatMap((service) => [`${env}-service-${service}`, `${env}-scaling-${service}`]),
  ].sort();
const digestOf = (state: MotoSnapshot, env: string, service: string) =>
  state.images[`${env}/${service}`]?.[0]?.split('@')[1];
const failure = (run: ActRun) => `${resultTable(run)}\n${run.log.slice(-80).join('\n')}`;
const stepsOf = (run: ActRun, name: RegExp) => ran(run, name).flatMap((job) => job.steps);
const stepResult = (run: ActRun, job: RegExp, step: RegExp) =>
  stepsOf(run, job)
    .filter((entry) => step.test(entry.name))
    .map((entry) => entry.result);

interface Chain {
  fixture: ActFixture;
  repo: ScratchRepo;
  scratch(): ScratchRepo;
  /** A scenario of this chain: it runs after the chain's previous one, as soon as the file starts. */
  it(name: string, body: () => Promise<void> | void): void;
}

const chains: Array<() => Promise<void>> = [];
const running: Promise<void>[] = [];

/**
 * A chain of scenarios on its own moto and local stack. The file's chains run at the same time
 * (vitest runs one test file's tests one after another, and act mostly waits); each scenario's
 * test awaits its own result, so a failure is reported on the scenario that failed.
 */
function useChain(name: string, options: { resetBetween?: boolean } = {}): Chain {
  const repos: ScratchRepo[] = [];
  // ACT_CHAIN=<part of a chain's name> runs that chain alone (debugging); the others are skipped.
  const only = process.env.ACT_CHAIN;
  if (only && !name.includes(only)) {
    return {
      it: (title: string) => it.skip(title, () => {}),
      scratch: () => createScratchRepo(),
    } as unknown as Chain;
  }
  const steps: Array<{ body: () => Promise<void> | void; settle: (error?: unknown) => void }> = [];
  const chain = {
    scratch() {
      const repo = createScratchRepo();
      repos.push(repo);
      return repo;
    },
    it(name: string, body: () => Promise<void> | void) {
      const result = new Promise<void>((resolve, reject) => {
        steps.push({ body, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      });
      result.catch(() => {});
      it(name, () => result);
    },
  } as Chain;
  chains.push(async () => {
    try {
      chain.fixture = await startActFixture();
      chain.repo = chain.scratch();
    } catch (error) {
      for (const step of steps) step.settle(error);
      return;
    }
    for (const step of steps) {
      try {
        if (options.resetBetween) await chain.fixture.reset();
        await step.body();
        step.settle();
      } catch (error) {
        step.settle(error ?? new Error('failed'));
      }
    }
    await chain.fixture.stop();
    for (const repo of repos) repo.remove();
  });
  return chain;
}

beforeAll(() => {
  for (const chain of chains) running.push(chain());
});

afterAll(async () => {
  await Promise.allSettled(running);
  reportTimings();
}, 60_000);

describe('[act] deploy.yml and cleanup.yml', () => {
  describe('over the life of an environment', { timeout: 200_000 }, () => {
    const chain = useChain('life');
    let first: MotoSnapshot;
    let firstRun: ActRun | undefined;
    let firstCommit: string;

    chain.it(
      'should create everything on the first push: staging, then production with the same image digests',
      async () => {
        firstCommit = chain.repo.head();
        const run = await pushDeploy(chain.fixture, chain.repo, { scenario: 'first push' });
        firstRun = run;
        expect(run.code, failure(run)).toBe(0);
        first = await snapshot(chain.fixture.moto.endpoint);
        for (const env of environments) {
          expect(stacksIn(first, env)).toEqual(everyStack(env));
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
          for (const job of ran(run, new RegExp(`^${env}/`)))
            expect(job.startedMs).toBeGreaterThanOrEqual(verified - 50);
        }
      },
    );

    chain.it("should run the project's actions on Node 24", () => {
      const run = firstRun;
      const actions = run?.nodeProcesses.filter((entry) => entry.script.includes('/actions/dist/')) ?? [];
      expect(actions.length).toBeGreaterThan(0);
      expect([...new Set(actions.map((entry) => entry.version.split('.')[0]))]).toEqual(['v24']);
    });

    chain.it('should register and deploy nothing new when the same commit is deployed again', async () => {
      // No diff base (as a manual run has none): every service goes through its leg again.
      const run = await pushDeploy(chain.fixture, chain.repo, { scenario: 're-run, nothing changed' });
      expect(run.code, failure(run)).toBe(0);
      const again = await snapshot(chain.fixture.moto.endpoint);
      expect(again.taskDefinitions).toEqual(first.taskDefinitions);
      expect(again.services).toEqual(first.services);
      expect(again.images).toEqual(first.images);
    });

    chain.it(
      'should build and deploy only the changed service on a one-service push, skipping infra and seed',
      async () => {
        const before = await snapshot(chain.fixture.moto.endpoint);
        const changed = services[services.length - 1] ?? '';
        chain.repo.commit(`${changed}: a change`, (dir) =>
          appendFileSync(join(dir, 'services', changed, 'src', 'app.ts'), '\n// a one-service change\n'),
        );
        const run = await pushDeploy(chain.fixture, chain.repo, {
          scenario: 'one-service push',
          runs: firstRun ? [runRecord(firstRun, { id: 1, commit: firstCommit })] : [],
        });
        expect(run.code, failure(run)).toBe(0);
        const legs = run.jobs.filter((job) => job.matrix.service !== undefined && job.result !== 'skipped');
        expect([...new Set(legs.map((job) => job.matrix.service))]).toEqual([changed]);
        expect(legs.map((job) => job.name.split('/')[0]).sort()).toEqual([...environments].sort());
        const after = await snapshot(chain.fixture.moto.endpoint);
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
      },
    );
  });

  describe('cleanup.yml', { timeout: 200_000 }, () => {
    const chain = useChain('cleanup');

    // The workflow's runs so far, newest first, as the `gh` stub lists them.
    const history: GhRun[] = [];

    chain.it('should start from a deployed first push', async () => {
      const commit = chain.repo.head();
      const run = await pushDeploy(chain.fixture, chain.repo, { scenario: 'first push (cleanup chain)' });
      expect(run.code, failure(run)).toBe(0);
      history.unshift(runRecord(run, { id: history.length + 1, commit }));
    });

    // An internal service (Service Connect only: no listener rule, no target group, so its scaling
    // stack gets an empty TargetGroupArn and scales on CPU alone).
    chain.it('should deploy a third, internal service added with npm run new-service', async () => {
      runScript(chain.repo, 'scripts/new-service.ts', ['worker', '--internal', '--skip-install']);
      // What npm install does to the lockfile for the new workspace (no registry needed).
      chain.repo.commit('a third, internal service: worker', (dir) => runNpmLockfileOnly(dir));
      const run = await pushDeploy(chain.fixture, chain.repo, { scenario: 'third service added', runs: history });
      expect(run.code, failure(run)).toBe(0);
      history.unshift(runRecord(run, { id: history.length + 1, commit: chain.repo.head() }));
      const state = await snapshot(chain.fixture.moto.endpoint);
      for (const env of environments) {
        expect(stacksIn(state, env)).toEqual(
          expect.arrayContaining([`${env}-service-worker`, `${env}-scaling-worker`]),
        );
        expect(state.services[`${env}-cluster/worker`]?.image).toBe(
          `123456789012.dkr.ecr.us-east-1.amazonaws.com/${env}/worker@${digestOf(state, staging, 'worker')}`,
        );
      }
    });

    chain.it('should remove the third service once its folder and entry are gone', async () => {
      chain.repo.commit('worker removed', (dir) => {
        rmSync(join(dir, 'services', 'worker'), { recursive: true });
        const path = join(dir, 'deploy', 'config.yml');
        const document = parseDocument(readFileSync(path, 'utf8'));
        document.deleteIn(['services', 'worker']);
        writeFileSync(path, document.toString());
        runNpmLockfileOnly(dir);
      });
      const run = await pushDeploy(chain.fixture, chain.repo, { scenario: 'third service removed', runs: history });
      expect(run.code, failure(run)).toBe(0);
      const state = await snapshot(chain.fixture.moto.endpoint);
      for (const env of environments) {
        expect(stacksIn(state, env).filter((name) => name.endsWith('-worker'))).toEqual([]);
        expect(state.services[`${env}-cluster/worker`]).toBeUndefined();
        for (const service of services) expect(state.services[`${env}-cluster/${service}`]).toBeDefined();
      }
    });

    chain.it('should change nothing in a cleanup dry run', async () => {
      const before = await snapshot(chain.fixture.moto.endpoint);
      const run = await dispatchCleanup(chain.fixture, chain.repo, {
        scenario: 'cleanup dry run',
        environment: staging,
        dryRun: true,
      });
      expect(run.code, failure(run)).toBe(0);
      expect(await snapshot(chain.fixture.moto.endpoint)).toEqual(before);
    });

    chain.it(
      'should delete the whole environment, and nothing of another, when the cleanup is run until it passes',
      async () => {
        const before = await snapshot(chain.fixture.moto.endpoint);
        const runs: ActRun[] = [];
        // moto's DeleteStack of network.yml can refuse the VPC before its route tables are gone and
        // drop the stack anyway; the cleanup's message says to run it again, as a person would.
        for (let attempt = 1; attempt <= 3; attempt += 1) {
          const run = await dispatchCleanup(chain.fixture, chain.repo, {
            scenario: `cleanup #${attempt}`,
            environment: staging,
            dryRun: false,
          });
          runs.push(run);
          if (run.code === 0) break;
        }
        expect(runs.at(-1)?.code, runs.map(failure).join('\n--\n')).toBe(0);
        const state = await snapshot(chain.fixture.moto.endpoint);
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
      },
    );

    chain.it('should find nothing to delete in a second cleanup', async () => {
      const before = await snapshot(chain.fixture.moto.endpoint);
      const run = await dispatchCleanup(chain.fixture, chain.repo, {
        scenario: 'second cleanup',
        environment: staging,
        dryRun: false,
      });
      expect(run.code, failure(run)).toBe(0);
      expect(run.summaries.map((entry) => entry.text).join('\n')).toContain('Nothing to delete');
      expect(await snapshot(chain.fixture.moto.endpoint)).toEqual(before);
    });
  });

  describe('when something is missing or fails', { timeout: 200_000 }, () => {
    const chain = useChain('failures', { resetBetween: true });

    chain.it(
      'should end green, touch nothing and say what to do on a push before bootstrap (no AWS_ROLE_ARN), then deploy everything on the first push after it',
      async () => {
        const repo = chain.scratch();
        const commit = repo.head();
        const before = await snapshot(chain.fixture.moto.endpoint);
        const run = await pushDeploy(chain.fixture, repo, { scenario: 'push before bootstrap', vars: {} });
        expect(run.code, failure(run)).toBe(0);
        expect(await snapshot(chain.fixture.moto.endpoint)).toEqual(before);
        expect(run.jobs.filter((job) => job.result === 'failure')).toEqual([]);
        const summary = run.summaries.map((entry) => entry.text).join('\n');
        expect(summary).toContain(`npm run bootstrap -- ${staging}`);
        expect(summary).toContain('AWS_ROLE_ARN');
        // No job assumed a role: configure-aws-credentials never ran.
        expect(run.log.join('\n')).not.toContain('Role arn:aws:iam');

        // Bootstrapped now, the next push changes one service only. The green run before bootstrap
        // deployed nothing, so it is no diff base: everything is deployed, in every environment.
        const changed = services[services.length - 1] ?? '';
        repo.commit(`${changed}: a change after bootstrap`, (dir) =>
          appendFileSync(join(dir, 'services', changed, 'src', 'app.ts'), '\n// after bootstrap\n'),
        );
        const next = await pushDeploy(chain.fixture, repo, {
          scenario: 'first push after bootstrap',
          runs: [runRecord(run, { id: 1, commit })],
        });
        expect(next.code, failure(next)).toBe(0);
        // It read the earlier run and its jobs (deploy/base.ts), and found no deploy in them.
        expect(next.ghCalls.map((call) => call.join(' '))).toEqual(
          expect.arrayContaining([
            expect.stringMatching(/^api repos\/[^ ]+\/actions\/workflows\/deploy\.yml\/runs\?/),
            expect.stringMatching(/^api --paginate repos\/[^ ]+\/actions\/runs\/1\/jobs\?/),
          ]),
        );
        const state = await snapshot(chain.fixture.moto.endpoint);
        for (const env of environments) {
          expect(stacksIn(state, env)).toEqual(everyStack(env));
          for (const service of services) expect(state.services[`${env}-cluster/${service}`]).toBeDefined();
        }
      },
    );

    chain.it('should skip everything after a failing seed, and deploy nothing of that service', async () => {
      const repo = chain.scratch();
      repo.commit('a seed that fails', (dir) => {
        const path = join(dir, 'deploy', 'config.yml');
        // moto_server.py stops a task whose command ends in act-exit=<code> with that exit code.
        const text = readFileSync(path, 'utf8').replace(/^(\s+seed: .+)$/m, '$1 act-exit=3');
        writeFileSync(path, text);
      });
      const run = await pushDeploy(chain.fixture, repo, { scenario: 'failing seed' });
      expect(run.code, failure(run)).not.toBe(0);
      const leg = new RegExp(`^${staging}/[^/]+/${seeded}(-\\d+)?$`);
      expect(ran(run, leg).map((job) => job.result)).toEqual(['failure']);
      expect(stepResult(run, leg, /seed/i)).toEqual(['failure']);
      expect(run.log.join('\n')).toMatch(/exit(ed with)? code 3/);
      // The steps after the seed never ran with its missing output.
      for (const step of [/^Deploy the service/, /^Scaling stack/]) expect(stepResult(run, leg, step)).toEqual([]);
      expect(ran(run, new RegExp(`^${staging}/.*/verify$`))).toEqual([]);
      for (const env of later) expect(ran(run, new RegExp(`^${env}/`))).toEqual([]);
      const state = await snapshot(chain.fixture.moto.endpoint);
      expect(state.services[`${staging}-cluster/${seeded}`]).toBeUndefined();
      expect(state.stacks[`${staging}-scaling-${seeded}`]).toBeUndefined();
      for (const env of later)
        expect(Object.keys(state.stacks).filter((name) => name.startsWith(`${env}-`))).toEqual([]);
    });

    chain.it(
      "should deploy the other services when one service's deploy fails, skip its scaling and fail the run",
      async () => {
        const failing = services.find((service) => service !== seeded) ?? '';
        const repo = chain.scratch();
        repo.commit(`${failing}: tasks that crash`, (dir) => {
          const path = join(dir, 'services', failing, 'deploy', 'task-definition.yml');
          // moto_server.py fails the rollout of a task definition whose first container has it.
          const text = readFileSync(path, 'utf8').replace(
            /^(\s+)environment:\n/m,
            '$1environment:\n$1  - name: ACT_ROLLOUT\n$1    value: FAILED\n',
          );
          writeFileSync(path, text);
        });
        const run = await pushDeploy(chain.fixture, repo, { scenario: 'one deploy fails' });
        expect(run.code, failure(run)).not.toBe(0);
        const leg = (service: string) => new RegExp(`^${staging}/[^/]+/${service}(-\\d+)?$`);
        expect(ran(run, leg(failing)).map((job) => job.result)).toEqual(['failure']);
        expect(stepResult(run, leg(failing), /^Deploy the service/)).toEqual(['failure']);
        expect(stepResult(run, leg(failing), /^Scaling stack/)).toEqual([]);
        const state = await snapshot(chain.fixture.moto.endpoint);
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
      },
    );

    chain.it('should refuse to promote a commit the first environment never verified, touching nothing', async () => {
      const repo = chain.scratch();
      const before = await snapshot(chain.fixture.moto.endpoint);
      const [target = ''] = later;
      const run = await dispatchDeploy(chain.fixture, repo, {
        scenario: 'promotion refused',
        environment: target,
        commit: repo.head(),
        checkRuns: { [repo.head()]: [{ name: `${staging} / verify`, status: 'completed', conclusion: 'failure' }] },
      });
      expect(run.code, failure(run)).not.toBe(0);
      // The check itself failed, on the commit's check runs (its message is verified.test.ts's: act
      // in host mode can lose the last stderr line of a step that exits at once).
      expect(stepResult(run, /^deploy\/changes$/, /^Check the first environment verified/)).toEqual(['failure']);
      expect(run.ghCalls.map((call) => call.join(' '))).toEqual(
        expect.arrayContaining([expect.stringContaining(`/commits/${repo.head()}/check-runs`)]),
      );
      expect(
        run.jobs.filter((job) => job.result !== 'skipped' && job.id !== 'changes' && job.id !== 'summary'),
      ).toEqual([]);
      expect(await snapshot(chain.fixture.moto.endpoint)).toEqual(before);
    });
  });

  // Manual runs (workflow_dispatch): one environment alone, then the promotion of that commit to
  // the next one once its first-environment verify check run passed (the `gh` stub lists it).
  describe('by hand: one environment, then a promotion', { timeout: 200_000 }, () => {
    const chain = useChain('by hand');
    let ec2Repo: ScratchRepo;

    // Issue 13: EC2 capacity in the first environment (behind a NAT gateway, as the config
    // requires) and one service on it: the capacity stack between network and platform, the
    // service created with the environment's EC2 capacity provider.
    chain.it('should deploy a service on EC2 capacity in an environment that has some', async () => {
      const onEc2 = services.find((service) => service !== seeded) ?? '';
      ec2Repo = chain.scratch();
      const repo = ec2Repo;
      repo.commit(`${onEc2} on EC2 capacity in ${staging}`, (dir) => {
        const path = join(dir, 'deploy', 'config.yml');
        const document = parseDocument(readFileSync(path, 'utf8'));
        document.setIn(['environments', staging, 'natGatewayCount'], 1);
        document.setIn(['environments', staging, 'ec2'], { instanceType: 't3.small', minSize: 1, maxSize: 2 });
        document.setIn(['environments', staging, 'services', onEc2, 'capacity'], 'EC2');
        writeFileSync(path, document.toString());
        const definition = join(dir, 'services', onEc2, 'deploy', 'task-definition.yml');
        writeFileSync(
          definition,
          readFileSync(definition, 'utf8').replace(
            /^requiresCompatibilities: \[FARGATE\]$/m,
            'requiresCompatibilities: [FARGATE, EC2]',
          ),
        );
      });
      // A manual run of the first environment alone (deploy.yml's workflow_dispatch input).
      const run = await dispatchDeploy(chain.fixture, repo, {
        scenario: 'a service on EC2 capacity',
        environment: staging,
      });
      expect(run.code, failure(run)).toBe(0);
      for (const env of later) expect(ran(run, new RegExp(`^${env}/`))).toEqual([]);
      const state = await snapshot(chain.fixture.moto.endpoint);
      expect(state.stacks[`${staging}-ec2-capacity`]).toMatch(/_COMPLETE$/);
      expect(state.services[`${staging}-cluster/${onEc2}`]?.image).toContain(`/${staging}/${onEc2}@sha256:`);
      const ecs = new ECSClient({
        endpoint: chain.fixture.moto.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      });
      const { services: described } = await ecs.send(
        new DescribeServicesCommand({ cluster: `${staging}-cluster`, services: [onEc2] }),
      );
      expect(described?.[0]?.capacityProviderStrategy?.map((entry) => entry.capacityProvider)).toEqual([
        `${staging}-ec2`,
      ]);
      for (const env of later) expect(state.stacks[`${env}-ec2-capacity`]).toBeUndefined();
    });

    chain.it('should promote that commit to the next environment with the same digests once it verified', async () => {
      const staged = await snapshot(chain.fixture.moto.endpoint);
      const commit = ec2Repo.head();
      const [target = ''] = later;
      const run = await dispatchDeploy(chain.fixture, ec2Repo, {
        scenario: 'promotion by hand',
        environment: target,
        commit,
        checkRuns: { [commit]: [{ name: `${staging} / verify`, status: 'completed', conclusion: 'success' }] },
      });
      expect(run.code, failure(run)).toBe(0);
      expect(ran(run, new RegExp(`^${staging}/`))).toEqual([]);
      const state = await snapshot(chain.fixture.moto.endpoint);
      for (const service of services) {
        expect(digestOf(state, target, service)).toBe(digestOf(staged, staging, service));
        expect(state.services[`${target}-cluster/${service}`]?.image).toContain(
          `/${target}/${service}@${digestOf(staged, staging, service)}`,
        );
      }
      expect(ran(run, new RegExp(`^${target}/.*/verify$`)).map((job) => job.result)).toEqual(['success']);
      // The first environment is as the manual run left it.
      expect(stacksIn(state, staging)).toEqual(stacksIn(staged, staging));
      expect(Object.entries(state.services).filter(([name]) => name.startsWith(`${staging}-`))).toEqual(
        Object.entries(staged.services).filter(([name]) => name.startsWith(`${staging}-`)),
      );
      expect(state.stacks[`${target}-ec2-capacity`]).toBeUndefined();
    });
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
