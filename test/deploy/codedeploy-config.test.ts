// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are the deploy files' ${stack:…} placeholders, not JavaScript templates.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  codeDeployHookLines,
  loadDeployConfig,
  parseDeployConfig,
  repoRoot,
  serviceConnectProblems,
} from '../../deploy/config.js';
import { composeServiceDefinition, serviceDefinitions, serviceStackParameters } from '../../deploy/pipeline.js';
import { type ConfigDocument, configDocument, configProblems } from './config-document.js';

const hook = 'arn:aws:lambda:us-east-1:123456789012:function:CodeDeployHook_monolith-smoke';

/** deploy/config.yml with the monolith on CODE_DEPLOY (and the changes `edit` makes). */
function withCodeDeploy(edit: (doc: ConfigDocument) => void = () => {}): ConfigDocument {
  const doc = configDocument();
  doc.services.monolith = {
    ...doc.services.monolith,
    strategy: 'CODE_DEPLOY',
    codeDeployHooks: { AfterAllowTestTraffic: hook },
  };
  edit(doc);
  return doc;
}

describe('CODE_DEPLOY in deploy/config.yml', () => {
  it('should give the service stack the CodeDeploy parameters from the config', () => {
    const config = parseDeployConfig(
      withCodeDeploy((doc) => {
        doc.strategies.codeDeploy = {
          deploymentConfig: 'CodeDeployDefault.ECSCanary10Percent5Minutes',
          terminationWaitMinutes: 30,
        };
      }),
    );
    expect(serviceStackParameters(config, 'monolith')).toMatchObject({
      DeploymentController: 'CODE_DEPLOY',
      CodeDeployConfig: 'CodeDeployDefault.ECSCanary10Percent5Minutes',
      CodeDeployTerminationWaitMinutes: '30',
      CodeDeployHookFunctionArns: hook,
    });
    expect(serviceStackParameters(config, 'like')).toMatchObject({
      DeploymentController: 'ECS',
      CodeDeployHookFunctionArns: '',
    });
  });

  it('should leave CodeDeployServiceExists out unless told, so cfn-deploy keeps its previous value', () => {
    const config = parseDeployConfig(withCodeDeploy());
    expect(serviceStackParameters(config, 'monolith')).not.toHaveProperty('CodeDeployServiceExists');
    expect(serviceStackParameters(config, 'monolith', { serviceExists: true }).CodeDeployServiceExists).toBe('true');
  });

  it('should default to all at once with a five-minute termination wait when strategies.codeDeploy is absent', () => {
    const doc = withCodeDeploy((d) => {
      delete d.strategies.codeDeploy;
    });
    expect(parseDeployConfig(doc).strategies.codeDeploy).toEqual({
      deploymentConfig: 'CodeDeployDefault.ECSAllAtOnce',
      terminationWaitMinutes: 5,
    });
  });

  it('should refuse a deployment config CodeDeploy does not predefine for ECS, naming the key', () => {
    const message = configProblems(
      withCodeDeploy((doc) => {
        doc.strategies.codeDeploy = { deploymentConfig: 'CodeDeployDefault.OneAtATime' };
      }),
    );
    expect(message).toContain('strategies.codeDeploy.deploymentConfig: expected one of CodeDeployDefault.ECSAllAtOnce');
    expect(message).toContain('found "CodeDeployDefault.OneAtATime"');
  });

  it('should refuse CODE_DEPLOY on an internal service, in its entry or through an environment', () => {
    const own = configProblems(
      withCodeDeploy((doc) => {
        doc.services.worker = { access: 'internal', strategy: 'CODE_DEPLOY' };
      }),
    );
    expect(own).toContain('services.worker.strategy: expected ROLLING for an internal service, found CODE_DEPLOY');
    const override = configProblems(
      withCodeDeploy((doc) => {
        doc.services.worker = { access: 'internal' };
        doc.environments.production = {
          ...doc.environments.production,
          services: { worker: { strategy: 'CODE_DEPLOY' } },
        };
      }),
    );
    expect(override).toContain(
      'environments.production.services.worker.strategy: expected ROLLING for an internal service',
    );
  });

  it('should refuse hooks on an unknown event, a function not named CodeDeployHook_, or a service never on CODE_DEPLOY', () => {
    const event = configProblems(
      withCodeDeploy((doc) => {
        doc.services.monolith = { ...doc.services.monolith, codeDeployHooks: { AfterDeploy: hook } };
      }),
    );
    expect(event).toContain('services.monolith.codeDeployHooks: expected only the lifecycle events BeforeInstall');
    expect(event).toContain('found AfterDeploy');
    const name = configProblems(
      withCodeDeploy((doc) => {
        doc.services.monolith = {
          ...doc.services.monolith,
          codeDeployHooks: { BeforeInstall: 'arn:aws:lambda:us-east-1:123456789012:function:admin' },
        };
      }),
    );
    expect(name).toContain(
      'services.monolith.codeDeployHooks.BeforeInstall: expected a Lambda function ARN whose name starts with CodeDeployHook_',
    );
    const unused = configProblems(
      withCodeDeploy((doc) => {
        doc.services.like = { ...doc.services.like, codeDeployHooks: { BeforeInstall: hook } };
      }),
    );
    expect(unused).toContain(
      'services.like.codeDeployHooks: expected codeDeployHooks only on a service that deploys with CODE_DEPLOY',
    );
  });

  it("should write the hooks as the Event=FunctionArn lines of ecs-deploy's codedeploy-hooks input", () => {
    const config = parseDeployConfig(
      withCodeDeploy((doc) => {
        doc.services.monolith = {
          ...doc.services.monolith,
          codeDeployHooks: { BeforeInstall: hook, AfterAllowTestTraffic: `${hook}:live` },
        };
      }),
    );
    expect(codeDeployHookLines(config.services.monolith ?? {})).toBe(
      `BeforeInstall=${hook}\nAfterAllowTestTraffic=${hook}:live`,
    );
    expect(codeDeployHookLines({})).toBe('');
  });
});

describe('CODE_DEPLOY and Service Connect', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mysfits-codedeploy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("should refuse CODE_DEPLOY for the sample's services, which use Service Connect, naming the key and the file", () => {
    const config = parseDeployConfig(withCodeDeploy());
    const [problem, ...rest] = serviceConnectProblems(config, join(repoRoot, 'services'));
    expect(rest).toEqual([]);
    expect(problem).toContain('services.monolith.strategy: expected a strategy that works with Service Connect');
    expect(problem).toContain('services/monolith/deploy/service.yml sets serviceConnectConfiguration.enabled: true');
    expect(problem).toContain('Service Connect considerations');
  });

  it('should name the environment override that chose CODE_DEPLOY, and fail loadDeployConfig', () => {
    const doc = configDocument();
    doc.environments.production = { ...doc.environments.production, services: { like: { strategy: 'CODE_DEPLOY' } } };
    mkdirSync(join(dir, 'deploy'), { recursive: true });
    mkdirSync(join(dir, 'services', 'like', 'deploy'), { recursive: true });
    writeFileSync(join(dir, 'deploy', 'config.yml'), stringify(doc));
    const likeFile = readFileSync(join(repoRoot, 'services', 'like', 'deploy', 'service.yml'), 'utf8');
    writeFileSync(join(dir, 'services', 'like', 'deploy', 'service.yml'), likeFile);
    expect(() => loadDeployConfig(join(dir, 'deploy', 'config.yml'))).toThrow(
      /environments\.production\.services\.like\.strategy: expected a strategy that works with Service Connect for like \(in production\)/,
    );
  });

  it('should accept CODE_DEPLOY for a service whose file has no Service Connect', () => {
    const file = parse(readFileSync(join(repoRoot, 'services', 'like', 'deploy', 'service.yml'), 'utf8')) as Record<
      string,
      unknown
    >;
    delete file.serviceConnectConfiguration;
    writeFileSync(join(dir, 'services', 'like', 'deploy', 'service.yml'), stringify(file));
    expect(loadDeployConfig(join(dir, 'deploy', 'config.yml')).environments.production?.services.like?.strategy).toBe(
      'CODE_DEPLOY',
    );
  });
});

describe('the service definition of a CODE_DEPLOY service', () => {
  const config = parseDeployConfig(withCodeDeploy());
  const monolith = serviceDefinitions(config).monolith as Record<string, unknown>;

  it('should use the CODE_DEPLOY controller with one plain load balancer entry', () => {
    expect(monolith.deploymentController).toEqual({ type: 'CODE_DEPLOY' });
    const [entry, ...others] = monolith.loadBalancers as Array<Record<string, unknown>>;
    expect(others).toEqual([]);
    expect(entry).toEqual({
      targetGroupArn: '${stack:service:BlueTargetGroupArn}',
      containerName: 'monolith',
      containerPort: 8080,
    });
  });

  it("should keep only the task limits of the deployment configuration: strategy, circuit breaker and alarms are the ECS controller's", () => {
    expect(monolith.deploymentConfiguration).toEqual({ minimumHealthyPercent: 100, maximumPercent: 200 });
  });

  it('should leave the other strategies as they were', () => {
    const rolling = composeServiceDefinition({
      definition: { deploymentConfiguration: { strategy: 'ROLLING', maximumPercent: 200 } },
      strategy: 'ROLLING',
      strategies: config.strategies,
    });
    expect(rolling.deploymentController).toBeUndefined();
    expect(rolling.deploymentConfiguration).toEqual({ strategy: 'ROLLING', maximumPercent: 200 });
  });
});
