import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  composeServiceDefinition,
  type DeployConfig,
  loadDeployConfig,
  planChanges,
  serviceDefinitions,
} from '../../deploy/pipeline.js';
import { repoRoot } from './workflow-files.js';

const config = loadDeployConfig();
// A `${stack:platform:<output>}` placeholder, spelled so it is not mistaken for a template literal.
const platformOutput = (output: string) => `$\u007Bstack:platform:${output}}`;

function writeConfig(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'deploy-config-')), 'config.yml');
  writeFileSync(path, text);
  return path;
}

const validConfig = (services: string) =>
  `environment: demo\nregion: us-east-1\nnatGatewayCount: 0\nservices:\n${services}\nstrategies:\n  bakeTimeInMinutes: 5\n  linear: { stepPercent: 25, stepBakeTimeInMinutes: 2 }\n  canary: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 }\n`;

describe('deploy/config.yml', () => {
  it('should name both services with a strategy each', () => {
    expect(Object.keys(config.services)).toEqual(['monolith', 'like']);
    for (const service of Object.values(config.services)) {
      expect(['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY']).toContain(service.strategy);
    }
  });

  it('should refuse an unknown strategy, naming the service and the choices', () => {
    const path = writeConfig(validConfig('  monolith: { strategy: RED_BLACK }'));
    expect(() => loadDeployConfig(path)).toThrow(
      'expected services.monolith.strategy to be one of ROLLING, BLUE_GREEN, LINEAR, CANARY, found "RED_BLACK"',
    );
  });

  it('should refuse a NAT count other than 0, 1 or 2', () => {
    const path = writeConfig(
      validConfig('  like: { strategy: ROLLING }').replace('natGatewayCount: 0', 'natGatewayCount: 3'),
    );
    expect(() => loadDeployConfig(path)).toThrow('expected natGatewayCount 0, 1 or 2, found 3');
  });
});

describe('planChanges', () => {
  const plan = (files: string[] | undefined) => planChanges({ config, changedFiles: files });

  it('should deploy everything, seed included, when there is no earlier successful deploy', () => {
    expect(plan(undefined)).toMatchObject({
      services: ['monolith', 'like'],
      infra: true,
      scaling: ['monolith', 'like'],
      seed: true,
    });
  });

  it('should rebuild and redeploy only the like service when only its code changed', () => {
    expect(plan(['services/like/src/app.ts', 'README.md'])).toMatchObject({
      services: ['like'],
      infra: false,
      scaling: ['like'],
      seed: false,
    });
  });

  it('should rebuild both services when the shared kit or the lockfile changed, and seed with the monolith', () => {
    expect(plan(['services/kit/src/log.ts']).services).toEqual(['monolith', 'like']);
    expect(plan(['package-lock.json'])).toMatchObject({ services: ['monolith', 'like'], seed: true });
  });

  it('should deploy no service for template, test or documentation changes alone', () => {
    expect(plan(['cloudformation/platform.yml', 'services/monolith/test/api.test.ts', 'README.md'])).toMatchObject({
      services: [],
      infra: true,
      scaling: [],
      seed: false,
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
    });
  });

  it('should keep alternate target group, listener rules and infrastructure role for BLUE_GREEN', () => {
    expect((base.loadBalancers as Lb[])[0]?.advancedConfiguration).toEqual({
      alternateTargetGroupArn: platformOutput('MonolithGreenTargetGroupArn'),
      productionListenerRule: platformOutput('MonolithProductionListenerRuleArn'),
      testListenerRule: platformOutput('MonolithTestListenerRuleArn'),
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
      services: [{ portName: 'http', discoveryName: platformOutput('MonolithDiscoveryName') }],
    });
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
