// Promotion (issue 12): every push deploys the first environment, builds each changed image once,
// and every later environment deploys the very same images after the first verified.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDeployConfig } from '../../deploy/config.js';
import { imageTag, isImageInput, planLegs } from '../../deploy/legs.js';
import { planChanges } from '../../deploy/pipeline.js';
import { runPipelineCli } from '../../deploy/pipeline-cli.js';
import { summaryMarkdown } from '../../deploy/summary.js';
import { readWorkflow, repoRoot } from './workflow-files.js';

const gh = (inner: string) => `$\u007B{ ${inner} }}`;
const config = loadDeployConfig();
type Step = { name?: string; uses?: string; if?: string; with?: Record<string, string>; run?: string };
type Job = {
  if?: string;
  needs?: string[];
  uses?: string;
  with?: Record<string, string>;
  outputs?: Record<string, string>;
  steps?: Step[];
};
const jobs = (file: string) => readWorkflow(file).jobs as unknown as Record<string, Job>;

describe('the legs of a run', () => {
  const legs = (files: string[] | undefined) =>
    planLegs({
      plan: planChanges({ config, changedFiles: files }),
      services: Object.keys(config.services),
      platforms: { monolith: ['linux/amd64'], like: ['linux/amd64', 'linux/arm64'] },
      tagOf: (service, platforms) => `tag-${service}-${platforms}`,
    });

  it('should give every service a full leg on a first run', () => {
    expect(legs(undefined)).toEqual([
      expect.objectContaining({ service: 'monolith', stack: true, deploy: true, seed: true, scaling: true }),
      expect.objectContaining({ service: 'like', stack: true, deploy: true, seed: false, scaling: true }),
    ]);
    expect(legs(undefined)[1]).toMatchObject({
      platforms: 'linux/amd64,linux/arm64',
      'image-tag': 'tag-like-linux/amd64,linux/arm64',
    });
  });

  it('should run one leg, without its stack or a seed, for a change to one service', () => {
    expect(legs(['services/like/src/app.ts'])).toEqual([
      expect.objectContaining({ service: 'like', stack: false, deploy: true, seed: false, scaling: true }),
    ]);
  });

  it('should run no leg for a change nothing deployed reads', () => {
    expect(legs(['README.md', 'services/like/test/app.test.ts'])).toEqual([]);
  });
});

describe('image tags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'image-tag-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  const commit = (file: string, text: string) => {
    writeFileSync(join(dir, file), text);
    git('add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', file);
  };

  it('should change only with what the image of the service is built from', () => {
    git('init', '-q');
    cpSync(join(repoRoot, 'services/Dockerfile'), join(dir, 'Dockerfile.copy'));
    for (const path of ['services/like/src', 'services/monolith/src', 'services/kit/src', 'services/like/test']) {
      execFileSync('mkdir', ['-p', join(dir, path)]);
    }
    commit('services/like/src/app.ts', 'one');
    commit('services/monolith/src/app.ts', 'one');
    const tag = (service: string, platforms = 'linux/amd64') => imageTag({ service, platforms, cwd: dir });
    const like = tag('like');
    expect(like).toMatch(/^src-[0-9a-f]{24}$/);
    commit('services/monolith/src/app.ts', 'two');
    commit('services/like/test/app.test.ts', 'a test');
    commit('README.md', 'docs');
    expect(tag('like'), 'a change to another service, a test or the docs keeps it').toBe(like);
    expect(tag('like', 'linux/amd64,linux/arm64'), 'another platform list is another image').not.toBe(like);
    commit('services/kit/src/cors.ts', 'kit');
    expect(tag('like'), 'the kit is in every image').not.toBe(like);
  });

  it('should count every input services/Dockerfile reads', () => {
    for (const path of [
      'package-lock.json',
      'services/like/package.json',
      'scripts/build.mjs',
      'services/Dockerfile',
    ]) {
      expect(isImageInput(path, 'like'), path).toBe(true);
    }
    expect(isImageInput('services/like/deploy/service.yml', 'like')).toBe(false);
  });
});

describe('pipeline leg command', () => {
  it('should write the definitions of one service in one environment and print its stack parameters as multi-line outputs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leg-'));
    try {
      const lines = runPipelineCli({
        argv: ['leg', '--environment', 'production', '--service', 'like', '--out-dir', dir],
        config,
      });
      const text = lines.join('\n');
      expect(text).toContain(`task-definition=${dir}/task-definition.json`);
      expect(text).toMatch(/^stack-parameters<<(\w+)\nEnvironmentName=production\n[\s\S]*\n\1$/m);
      const task = JSON.parse(readFileSync(join(dir, 'task-definition.json'), 'utf8'));
      expect(task.family).toContain('like');
      const service = JSON.parse(readFileSync(join(dir, 'service-definition.json'), 'utf8'));
      expect(service.desiredCount).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy.yml and environment.yml', () => {
  const deploy = jobs('deploy.yml');
  const environment = jobs('environment.yml');
  const step = (name: string) => environment.services?.steps?.find((s) => s.name === name);

  it('should deploy the first environment, then the later ones only after it succeeded with a role', () => {
    expect(deploy.stage?.uses).toBe('./.github/workflows/environment.yml');
    expect(deploy.promote?.uses).toBe('./.github/workflows/environment.yml');
    expect(deploy.promote?.needs).toEqual(['changes', 'stage']);
    expect(deploy.promote?.if).toContain("needs.stage.result == 'success' && needs.stage.outputs.ready == 'true'");
    // Only the later environments with legs are promoted (pipeline.ts changes' `promote`).
    expect(deploy.promote?.if).toContain("needs.changes.outputs.promoted != '[]'");
    expect(deploy.changes?.outputs).toMatchObject({ promoted: gh('steps.plan.outputs.promote') });
    for (const caller of ['stage', 'promote'] as const)
      expect(deploy[caller]?.with?.legs).toMatch(
        /^\$\{\{ fromJSON\(needs\.changes\.outputs\.plans\)\[.+\]\.legs \}\}$/,
      );
    expect(deploy.promote?.with?.['promote-from']).toBe(gh('needs.changes.outputs.source'));
    expect(deploy.stage?.with?.['promote-from']).toBeUndefined();
  });

  it('should promote a commit by hand only after the first environment verified it', () => {
    const check = deploy.changes?.steps?.find((s) => s.run?.startsWith('node deploy/verified.ts'));
    expect(check?.if).toBe("steps.stages.outputs.first == ''");
    expect(check?.run).toContain('--environment "$FIRST"');
  });

  it('should build only in the first environment and copy the image, checking its digest, in the later ones', () => {
    expect(step('Build and push')?.if).toContain("inputs.promote-from == ''");
    expect(step('Promote the image (same digest)')?.if).toContain("inputs.promote-from != ''");
    expect(step('Promote the image (same digest)')?.run).toContain('docker buildx imagetools create');
    expect(step('The image to deploy')?.run).toContain('--expect-digest');
    expect(step('Build and push')?.with?.platforms).toBe(gh('matrix.platforms'));
  });

  it('should verify only after every leg succeeded (or there was none), and never after a failed prepare', () => {
    expect(environment.verify?.needs).toEqual(['prepare', 'services']);
    expect(environment.verify?.if).toContain("needs.prepare.result == 'success'");
    expect(environment.verify?.if).toContain(
      "(needs.services.result == 'success' || needs.services.result == 'skipped')",
    );
    expect(environment.services?.if).toContain("needs.prepare.result == 'success'");
  });

  it('should deploy the revision the seed ran on, or the live one when nothing changed', () => {
    expect(step(`Deploy the service (${gh('steps.leg.outputs.strategy')})`)?.with?.['task-definition']).toBe(
      gh('steps.seed.outputs.task-definition-arn || steps.render.outputs.deploy-task-definition'),
    );
  });

  it('should deploy the EC2 capacity stack between network and platform, only for an environment with ec2', () => {
    const names = (environment.prepare?.steps ?? []).map((s) => s.name);
    const ec2 = names.indexOf('EC2 capacity stack (environments.<env>.ec2 in deploy/config.yml)');
    expect(ec2).toBeGreaterThan(names.indexOf('Network stack'));
    expect(ec2).toBeLessThan(names.indexOf('Platform stack'));
    expect(environment.prepare?.steps?.[ec2]?.if).toContain("steps.config.outputs.has-ec2 == 'true'");
    const lines = runPipelineCli({ argv: ['config', '--environment', 'staging'], config });
    expect(lines).toContain('has-ec2=false');
  });

  it("should add a CODE_DEPLOY service's deployment group once the deploy created the service, and pass its hooks", () => {
    const names = (environment.services?.steps ?? []).map((s) => s.name);
    const group = step('Service stack with the CodeDeploy deployment group');
    expect(names.indexOf(group?.name ?? '')).toBeGreaterThan(
      names.indexOf(`Deploy the service (${gh('steps.leg.outputs.strategy')})`),
    );
    expect(group?.if).toBe("matrix.deploy && steps.leg.outputs.strategy == 'CODE_DEPLOY'");
    expect(group?.with?.parameters).toBe(gh('steps.leg.outputs.stack-parameters-service-exists'));
    const lines = runPipelineCli({
      argv: ['leg', '--environment', 'staging', '--service', 'like', '--out-dir', mkdtempSync(join(tmpdir(), 'leg-'))],
      config,
    }).join('\n');
    expect(lines).toMatch(/^stack-parameters-service-exists<<\w+\n[\s\S]*CodeDeployServiceExists=true/m);
    const first = /^stack-parameters<<(\w+)\n([\s\S]*?)\n\1$/m.exec(lines)?.[2] ?? '';
    expect(first, 'the first stack step keeps the live value').toContain('ServiceName=like');
    expect(first).not.toContain('CodeDeployServiceExists');
  });

  it('should run bash steps with pipefail, so a failing command before `| tee` fails the step', () => {
    const workflow = readWorkflow('environment.yml') as unknown as { defaults?: { run?: { shell?: string } } };
    expect(workflow.defaults?.run?.shell).toBe('bash');
  });
});

describe('services/Dockerfile for several platforms', () => {
  const text = readFileSync(join(repoRoot, 'services/Dockerfile'), 'utf8');
  const stages = text.split(/^FROM /m).slice(1);

  it('should build on the builder platform and run nothing in the runtime stage, so no emulation is needed', () => {
    for (const stage of stages.slice(0, -1)) expect(stage.startsWith('--platform=$BUILDPLATFORM ')).toBe(true);
    expect(stages.at(-1)).not.toMatch(/^RUN /m);
  });
});

describe('deploy/summary.ts', () => {
  it('should say what to do when the first environment has no role yet, and that nothing was deployed', () => {
    const markdown = summaryMarkdown({
      config,
      commit: '0123456789abcdef0123456789abcdef01234567',
      needs: {
        changes: { result: 'success', outputs: { services: '["monolith","like"]' } },
        stage: { result: 'success', outputs: { ready: 'false', 'public-url': '' } },
        promote: { result: 'skipped' },
      },
    });
    expect(markdown).toContain('`npm run bootstrap -- staging`');
    expect(markdown).toContain('no `AWS_ROLE_ARN` variable');
    expect(markdown).toContain('| promote | skipped |');
  });

  it('should link the app and the console of each environment deployed', () => {
    const markdown = summaryMarkdown({
      config,
      commit: '0123456789abcdef0123456789abcdef01234567',
      needs: {
        changes: { result: 'success', outputs: { services: '["like"]' } },
        stage: { result: 'success', outputs: { ready: 'true', 'public-url': 'http://staging.example' } },
        promote: { result: 'success', outputs: { ready: 'true', 'public-url': 'http://production.example' } },
      },
    });
    expect(markdown).toContain('- The app: <http://staging.example>');
    expect(markdown).toContain('- The app: <http://production.example>');
    expect(markdown).toContain('/ecs/v2/clusters/production-cluster/services/like/health?region=us-east-1');
  });

  it('should say a later environment had nothing to deploy, and list per environment what was', () => {
    const markdown = summaryMarkdown({
      config,
      commit: '0123456789abcdef0123456789abcdef01234567',
      needs: {
        changes: {
          result: 'success',
          outputs: {
            services: '["like"]',
            plans: JSON.stringify({
              staging: { legs: '{"include":[{"service":"like"}]}', infra: 'false', services: ['like'] },
              production: { legs: '{"include":[]}', infra: 'false', services: [] },
            }),
          },
        },
        stage: { result: 'success', outputs: { ready: 'true', 'public-url': 'http://staging.example' } },
        promote: { result: 'skipped' },
      },
    });
    expect(markdown).toContain('### production (us-east-1): skipped\n\nNothing to deploy: no service changed');
    expect(markdown).toContain('/ecs/v2/clusters/staging-cluster/services/like/health');
    expect(markdown).not.toContain('/ecs/v2/clusters/staging-cluster/services/monolith/health');
  });
});

describe('pipeline changes command', () => {
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  const changes = (bases: Record<string, string>, only = '') => {
    const lines = runPipelineCli({ argv: ['changes', '--bases', JSON.stringify(bases), '--only', only], config });
    const value = (name: string) => lines.find((line) => line.startsWith(`${name}=`))?.slice(name.length + 1) ?? '';
    const plans = JSON.parse(value('plans')) as Record<string, { legs: string; infra: string; services: string[] }>;
    const legsOf = (env: string) =>
      (JSON.parse(plans[env]?.legs ?? '{"include":[]}') as { include: Array<{ service: string }> }).include.map(
        (leg) => leg.service,
      );
    return { plans, legsOf, promote: JSON.parse(value('promote')) as string[], services: value('services') };
  };

  it('should plan each environment from its own last deploy, and promote only those with legs', () => {
    // Staging deployed this very commit; production never deployed anything.
    const run = changes({ staging: head, production: '' });
    expect(run.legsOf('staging')).toEqual([]);
    expect(run.plans.staging?.infra).toBe('false');
    expect(run.legsOf('production')).toEqual(Object.keys(config.services));
    expect(run.plans.production?.infra).toBe('true');
    expect(run.promote).toEqual(['production']);
    expect(JSON.parse(run.services)).toEqual(Object.keys(config.services));
  });

  it('should promote nothing when no later environment has anything to deploy', () => {
    const run = changes({ staging: '', production: head });
    expect(run.legsOf('staging')).toEqual(Object.keys(config.services));
    expect(run.promote).toEqual([]);
  });

  it('should plan only the environment a manual run names', () => {
    expect(Object.keys(changes({ staging: '', production: '' }, 'production').plans)).toEqual(['production']);
    expect(Object.keys(changes({ staging: '', production: '' }, 'staging').plans)).toEqual(['staging']);
  });

  it('should refuse bases that are not every environment to a full commit SHA or empty', () => {
    for (const bad of ['{}', '{"staging":"abc","production":""}', '{"staging":"","production":"","dev":""}', 'x'])
      expect(() => runPipelineCli({ argv: ['changes', '--bases', bad], config })).toThrow(
        /^expected --bases to be a JSON object of every environment \(staging, production\)/,
      );
  });
});

describe('pipeline stages command', () => {
  const stages = (only?: string) =>
    runPipelineCli({ argv: ['stages', ...(only === undefined ? [] : ['--only', only])], config });

  it('should deploy the first environment, then every later one, unless a manual run names one', () => {
    expect(stages()).toEqual(['first=staging', 'promoted=["production"]']);
    expect(stages('')).toEqual(['first=staging', 'promoted=["production"]']);
    expect(stages('staging')).toEqual(['first=staging', 'promoted=[]']);
    expect(stages('production')).toEqual(['first=', 'promoted=["production"]']);
  });

  it('should refuse an environment deploy/config.yml does not have, naming those it has', () => {
    expect(() => stages('prod')).toThrow(
      "expected the environment input to be empty or one of staging, production (deploy/config.yml), found 'prod'",
    );
  });
});
