import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  composeServiceDefinition,
  composeTaskDefinition,
  type DeployConfig,
  fitDeploymentAlarms,
  loadDeployConfig,
  parameterLines,
  planChanges,
  type ServiceConfig,
  scalingStackParameters,
  serviceDefinitions,
  serviceStackParameters,
  taskDefinitions,
} from '../../deploy/pipeline.js';
import { repoRoot } from './workflow-files.js';

const config = loadDeployConfig();
// A `${stack:platform:<output>}` placeholder, spelled so it is not mistaken for a template literal.
const platformOutput = (output: string) => `$\u007Bstack:platform:${output}}`;
const serviceOutput = (output: string) => `$\u007Bstack:service:${output}}`;

function writeConfig(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'deploy-config-')), 'config.yml');
  writeFileSync(path, text);
  return path;
}

const validConfig = (services: string) =>
  `environments:\n  demo:\n    region: us-east-1\n    natGatewayCount: 0\nservices:\n${services}\nstrategies:\n  bakeTimeInMinutes: 5\n  linear: { stepPercent: 25, stepBakeTimeInMinutes: 2 }\n  canary: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 }\n`;

describe('deploy/config.yml', () => {
  it('should name both services with their routing, size, counts and strategy', () => {
    expect(Object.keys(config.services)).toEqual(['monolith', 'like']);
    expect(config.services.like).toMatchObject({
      access: 'public',
      paths: ['/mysfits/*/like'],
      port: 8080,
      healthCheckPath: '/health',
      cpu: 256,
      memory: 512,
    });
    for (const service of Object.values(config.services)) {
      expect(['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY']).toContain(service.strategy);
      expect(service.minCount).toBeLessThanOrEqual(service.desiredCount);
      expect(service.desiredCount).toBeLessThanOrEqual(service.maxCount);
    }
  });

  it('should refuse an unknown strategy, naming the key and the choices', () => {
    const path = writeConfig(validConfig('  monolith: { strategy: RED_BLACK, paths: ["/*"], priority: 1000 }'));
    expect(() => loadDeployConfig(path)).toThrow(
      'services.monolith.strategy: expected one of ROLLING, BLUE_GREEN, LINEAR, CANARY, CODE_DEPLOY, found "RED_BLACK"',
    );
  });

  it('should refuse a NAT count other than 0, 1 or 2', () => {
    const path = writeConfig(
      validConfig('  like: { paths: ["/x"], priority: 5 }').replace('natGatewayCount: 0', 'natGatewayCount: 3'),
    );
    expect(() => loadDeployConfig(path)).toThrow('environments.demo.natGatewayCount: expected 0, 1 or 2, found 3');
  });

  it('should name every wrong or missing key of a service at once', () => {
    const path = writeConfig(validConfig('  like: { paths: ["/x"], priority: high, cpu: 300 }\n  b2: {}'));
    const message = (() => {
      try {
        loadDeployConfig(path);
        return '';
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    })();
    expect(message).toContain(
      'services.like.priority: expected a listener rule priority, a whole number, found "high"',
    );
    expect(message).toContain('services.like.cpu: expected Fargate CPU units, one of 256, 512');
    expect(message).toContain('services.b2.paths: expected the path patterns a public service answers on, found none');
  });

  it('should refuse a memory size Fargate has no task for, and counts out of order', () => {
    const path = writeConfig(
      validConfig('  like: { paths: ["/x"], priority: 5, cpu: 256, memory: 4096, minCount: 2, desiredCount: 1 }'),
    );
    expect(() => loadDeployConfig(path)).toThrow(
      'services.like.memory: expected 512-2048 MiB in steps of 512 for cpu 256 (Fargate), found 4096',
    );
    expect(() => loadDeployConfig(path)).toThrow(
      'services.like.desiredCount: expected minCount ≤ desiredCount ≤ maxCount',
    );
  });

  it('should refuse paths on an internal service and two services with one priority', () => {
    const internal = writeConfig(validConfig('  worker: { access: internal, paths: ["/w"] }'));
    expect(() => loadDeployConfig(internal)).toThrow('services.worker.paths: expected no path patterns on an internal');
    const clash = writeConfig(
      validConfig('  a1: { paths: ["/a"], priority: 5 }\n  b1: { paths: ["/b"], priority: 5 }'),
    );
    expect(() => loadDeployConfig(clash)).toThrow('services.b1.priority: expected a priority no other service has');
  });

  it('should refuse a service name that cannot be a task-definition family of this environment', () => {
    const path = writeConfig(validConfig('  my-api: { paths: ["/a"], priority: 5 }'));
    expect(() => loadDeployConfig(path)).toThrow('services.my-api: expected a service name of 2-24 lower-case letters');
  });

  it('should fill defaults for what a service leaves out', () => {
    const path = writeConfig(validConfig('  worker: { access: internal }'));
    expect(loadDeployConfig(path).services.worker).toEqual({
      access: 'internal',
      port: 8080,
      healthCheckPath: '/health',
      cpu: 256,
      memory: 512,
      desiredCount: 1,
      minCount: 1,
      maxCount: 4,
      capacity: 'FARGATE',
      cpuArchitecture: 'X86_64',
      strategy: 'ROLLING',
      alarms: { enabled: true, errors5xxPerMinute: 5, p99Milliseconds: 1000, evaluationMinutes: 2 },
    });
  });

  it('should keep the alarm defaults a service leaves out and refuse an unknown or out-of-range alarm key', () => {
    const partial = writeConfig(validConfig('  api: { paths: ["/a"], priority: 5, alarms: { p99Milliseconds: 300 } }'));
    expect(loadDeployConfig(partial).services.api?.alarms).toEqual({
      enabled: true,
      errors5xxPerMinute: 5,
      p99Milliseconds: 300,
      evaluationMinutes: 2,
    });
    const wrong = writeConfig(
      validConfig('  api: { paths: ["/a"], priority: 5, alarms: { p99Ms: 300, evaluationMinutes: 0 } }'),
    );
    expect(() => loadDeployConfig(wrong)).toThrow(
      'services.api.alarms: expected only enabled, errors5xxPerMinute, p99Milliseconds, evaluationMinutes, found p99Ms',
    );
    expect(() => loadDeployConfig(wrong)).toThrow(
      'services.api.alarms.evaluationMinutes: expected minutes of at least 1, found 0',
    );
  });
});

describe('stack parameters and task definitions from the config', () => {
  it('should give service.yml the routing, port and task policy of the entry', () => {
    expect(serviceStackParameters(config, 'like')).toEqual({
      EnvironmentName: config.environment,
      ServiceName: 'like',
      Access: 'public',
      PathPatterns: '/mysfits/*/like',
      ListenerRulePriority: String(config.services.like?.priority),
      ContainerPort: '8080',
      HealthCheckPath: '/health',
      TaskPolicyExport: '',
      DeploymentAlarms: 'true',
      AlarmErrors5xxPerMinute: String(config.services.like?.alarms.errors5xxPerMinute),
      AlarmP99Milliseconds: String(config.services.like?.alarms.p99Milliseconds),
      AlarmEvaluationMinutes: String(config.services.like?.alarms.evaluationMinutes),
      DeploymentController: 'ECS',
      CodeDeployConfig: config.strategies.codeDeploy.deploymentConfig,
      CodeDeployTerminationWaitMinutes: String(config.strategies.codeDeploy.terminationWaitMinutes),
      CodeDeployHookFunctionArns: '',
    });
    expect(serviceStackParameters(config, 'monolith').TaskPolicyExport).toBe('TablesPolicyArn');
    expect(parameterLines(scalingStackParameters(config, 'like'))).toBe(
      `EnvironmentName=${config.environment}\nServiceName=like\nMinCapacity=1\nMaxCapacity=4`,
    );
  });

  it('should size each task definition from the config, container limit included', () => {
    const sized = taskDefinitions(config);
    expect(sized.monolith).toMatchObject({ cpu: '256', memory: '512' });
    const definition = parse(readFileSync(join(repoRoot, 'services/like/deploy/task-definition.yml'), 'utf8'));
    const entry = { ...(config.services.like as NonNullable<typeof config.services.like>), cpu: 1024, memory: 4096 };
    const bigger = composeTaskDefinition({ definition, service: 'like', entry });
    expect(bigger).toMatchObject({
      cpu: '1024',
      memory: '4096',
      containerDefinitions: [{ name: 'like', memory: 4096 }],
    });
    expect(() => composeTaskDefinition({ definition, service: 'like', entry: { ...entry, port: 9000 } })).toThrow(
      "expected container 'like' to listen on port 9000 (deploy/config.yml services.like.port), found portMappings[0].containerPort 8080",
    );
  });
});

describe('planChanges', () => {
  const plan = (files: string[] | undefined) => planChanges({ config, changedFiles: files });

  it('should deploy everything, seed included, when there is no earlier successful deploy', () => {
    expect(plan(undefined)).toMatchObject({
      services: ['monolith', 'like'],
      infra: true,
      scaling: ['monolith', 'like'],
      seed: ['monolith'],
    });
  });

  it('should rebuild and redeploy only the like service when only its code changed', () => {
    expect(plan(['services/like/src/app.ts', 'README.md'])).toMatchObject({
      services: ['like'],
      infra: false,
      scaling: ['like'],
      seed: [],
    });
  });

  it('should rebuild both services when the shared kit or the lockfile changed, and seed with the monolith', () => {
    expect(plan(['services/kit/src/log.ts']).services).toEqual(['monolith', 'like']);
    expect(plan(['package-lock.json'])).toMatchObject({ services: ['monolith', 'like'], seed: ['monolith'] });
  });

  it('should deploy no service for template, test or documentation changes alone', () => {
    expect(plan(['cloudformation/platform.yml', 'services/monolith/test/api.test.ts', 'README.md'])).toMatchObject({
      services: [],
      infra: true,
      scaling: [],
      seed: [],
    });
    expect(plan(['cloudformation/scaling.yml'])).toMatchObject({
      services: [],
      infra: false,
      scaling: ['monolith', 'like'],
    });
    expect(plan(['README.md']).reasons).toEqual(['nothing that is deployed changed']);
  });

  it('should deploy everything when the config or the workflow changed', () => {
    expect(plan(['deploy/config.yml']).services).toEqual(['monolith', 'like']);
    expect(plan(['.github/workflows/deploy.yml']).infra).toBe(true);
  });
});

describe('composeServiceDefinition', () => {
  const definitions = serviceDefinitions(config, 'BLUE_GREEN');
  const base = definitions.monolith ?? {};
  const strategies: DeployConfig['strategies'] = config.strategies;
  type Lb = { advancedConfiguration?: Record<string, string> };

  it('should drop the blue/green load balancer settings for ROLLING and keep the circuit breaker with rollback', () => {
    const rolling = composeServiceDefinition({ definition: base, strategy: 'ROLLING', strategies });
    expect((rolling.loadBalancers as Lb[])[0]?.advancedConfiguration).toBeUndefined();
    expect(rolling.deploymentConfiguration).toEqual({
      strategy: 'ROLLING',
      minimumHealthyPercent: 100,
      maximumPercent: 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      alarms: {
        alarmNames: [serviceOutput('Errors5xxAlarmName'), serviceOutput('ResponseTimeAlarmName')],
        enable: true,
        rollback: true,
      },
    });
  });

  it('should keep alternate target group, listener rules and infrastructure role for BLUE_GREEN', () => {
    expect((base.loadBalancers as Lb[])[0]?.advancedConfiguration).toEqual({
      alternateTargetGroupArn: serviceOutput('GreenTargetGroupArn'),
      productionListenerRule: serviceOutput('ProductionListenerRuleArn'),
      testListenerRule: serviceOutput('TestListenerRuleArn'),
      roleArn: platformOutput('EcsInfrastructureRoleArn'),
    });
    expect(base.deploymentConfiguration).toMatchObject({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 });
  });

  it('should add the step settings of LINEAR and CANARY only to those strategies', () => {
    const linear = composeServiceDefinition({ definition: base, strategy: 'LINEAR', strategies });
    const canary = composeServiceDefinition({ definition: linear, strategy: 'CANARY', strategies });
    expect(linear.deploymentConfiguration).toMatchObject({
      linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 2 },
    });
    expect(canary.deploymentConfiguration).toMatchObject({
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 },
    });
    expect(canary.deploymentConfiguration).not.toHaveProperty('linearConfiguration');
  });

  it('should make the like service a Service Connect client and the monolith the published `monolith`', () => {
    expect(definitions.like?.serviceConnectConfiguration).toEqual({
      enabled: true,
      namespace: platformOutput('ServiceConnectNamespaceArn'),
    });
    expect(base.serviceConnectConfiguration).toMatchObject({
      services: [{ portName: 'http', discoveryName: serviceOutput('DiscoveryName') }],
    });
  });
});

describe('deployment alarms of the service files', () => {
  const stackAlarms = [serviceOutput('Errors5xxAlarmName'), serviceOutput('ResponseTimeAlarmName')];
  const withAlarms = (alarmNames: string[]) => ({
    deploymentConfiguration: { strategy: 'ROLLING', alarms: { alarmNames, enable: true, rollback: true } },
  });
  const entry = (overrides: Partial<ServiceConfig>): ServiceConfig => {
    const like = config.services.like;
    if (!like) throw new Error('expected the like service in deploy/config.yml');
    return { ...like, ...overrides };
  };

  it("should have every public service's file name its stack's two alarms, with rollback, for every strategy", () => {
    for (const strategy of ['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY'] as const) {
      for (const [name, definition] of Object.entries(serviceDefinitions(config, strategy))) {
        if (config.services[name]?.access !== 'public') continue;
        expect(definition.deploymentConfiguration, `${name} ${strategy}`).toMatchObject({
          alarms: { alarmNames: stackAlarms, enable: true, rollback: true },
        });
      }
    }
  });

  it('should drop the stack alarms when the config turns them off, keeping alarms the file brings itself', () => {
    const off = entry({ alarms: { ...entry({}).alarms, enabled: false } });
    expect(fitDeploymentAlarms({ definition: withAlarms(stackAlarms), entry: off }).deploymentConfiguration).toEqual({
      strategy: 'ROLLING',
    });
    const own = fitDeploymentAlarms({ definition: withAlarms([...stackAlarms, 'queue-depth']), entry: off });
    expect(own.deploymentConfiguration).toEqual(withAlarms(['queue-depth']).deploymentConfiguration);
  });

  it('should drop the stack alarms of an internal service (its stack makes none) and keep them when on', () => {
    const internal = entry({ access: 'internal', paths: undefined, priority: undefined });
    expect(fitDeploymentAlarms({ definition: withAlarms(stackAlarms), entry: internal })).toEqual({
      deploymentConfiguration: { strategy: 'ROLLING' },
    });
    expect(fitDeploymentAlarms({ definition: withAlarms(stackAlarms), entry: entry({}) })).toEqual(
      withAlarms(stackAlarms),
    );
  });
});

describe('node deploy/pipeline.ts (as the workflow runs it)', () => {
  it('should print the config as step outputs with plain Node 24', async () => {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['deploy/pipeline.ts', 'config'], { cwd: repoRoot }, (error, out, err) =>
        error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out),
      );
    });
    expect(stdout).toContain(`environment=${config.environment}\n`);
    expect(stdout).toMatch(/^strategies=\{"monolith":"[A-Z_]+","like":"[A-Z_]+"\}$/m);
  });
});
