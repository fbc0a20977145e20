import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type DeployConfig, environmentConfig, loadDeployConfig, parseDeployConfig } from '../../deploy/config.js';
import {
  composeTaskDefinition,
  imagePlatforms,
  networkStackParameters,
  repoRoot,
  scalingStackParameters,
  serviceDefinitions,
  serviceStackParameters,
  taskDefinitions,
} from '../../deploy/pipeline.js';

const config = loadDeployConfig();
const document = parse(readFileSync(join(repoRoot, 'deploy/config.yml'), 'utf8')) as Record<string, unknown>;

/** The repository's config with `environments` replaced. */
function withEnvironments(environments: Record<string, unknown>): DeployConfig {
  return parseDeployConfig({ ...document, environments });
}

function problems(environments: Record<string, unknown>): string {
  try {
    withEnvironments(environments);
    return '';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const base = { region: 'us-east-1', natGatewayCount: 0 };

describe('the environments of deploy/config.yml', () => {
  it('should list staging then production, staging the default', () => {
    expect(Object.keys(config.environments)).toEqual(['staging', 'production']);
    expect(config.environment).toBe('staging');
    expect(environmentConfig(config).environment).toBe('staging');
  });

  it('should run staging small, one task per service on Fargate Spot', () => {
    for (const entry of Object.values(environmentConfig(config, 'staging').services)) {
      expect(entry).toMatchObject({ cpu: 256, memory: 512, desiredCount: 1, capacity: 'FARGATE_SPOT' });
    }
  });

  it('should run production on-demand with two tasks per service at least', () => {
    for (const entry of Object.values(environmentConfig(config, 'production').services)) {
      expect(entry).toMatchObject({ desiredCount: 2, minCount: 2, capacity: 'FARGATE' });
    }
  });

  it("should lay an environment's defaults over each service's entry and its own service entry over both", () => {
    const layered = withEnvironments({
      dev: {
        ...base,
        defaults: { cpu: 512, memory: 1024, strategy: 'CANARY' },
        services: { like: { memory: 2048, cpuArchitecture: 'ARM64' } },
      },
    });
    const dev = environmentConfig(layered, 'dev');
    expect(dev.services.like).toMatchObject({ cpu: 512, memory: 2048, cpuArchitecture: 'ARM64', strategy: 'CANARY' });
    expect(dev.services.monolith).toMatchObject({ cpu: 512, memory: 1024, cpuArchitecture: 'X86_64' });
    expect(layered.services.like?.memory).toBe(512);
  });

  it('should refuse Fargate Spot for an ARM64 task, naming the environment and service', () => {
    expect(
      problems({ production: { ...base, services: { like: { cpuArchitecture: 'ARM64', capacity: 'FARGATE_SPOT' } } } }),
    ).toContain('environments.production.services.like.capacity: expected FARGATE for an ARM64 task');
    const mix = [
      { capacityProvider: 'FARGATE', base: 1, weight: 1 },
      { capacityProvider: 'FARGATE_SPOT', weight: 1 },
    ];
    expect(problems({ staging: { ...base, defaults: { cpuArchitecture: 'ARM64', capacity: mix } } })).toContain(
      'environments.staging.services.monolith.capacity: expected FARGATE for an ARM64 task',
    );
  });

  it('should refuse a wrong capacity, naming the key', () => {
    const capacity = (value: unknown) => problems({ production: { ...base, services: { like: { capacity: value } } } });
    expect(capacity('SPOT')).toContain(
      'environments.production.services.like.capacity: expected FARGATE, FARGATE_SPOT, EC2 or a list of { capacityProvider, weight, base }',
    );
    expect(capacity([{ capacityProvider: 'FARGATE', weight: 5000 }])).toContain(
      'environments.production.services.like.capacity.0.weight: expected a weight of at most 1000, found 5000',
    );
    expect(
      capacity([
        { capacityProvider: 'FARGATE', weight: 1, base: 1 },
        { capacityProvider: 'FARGATE', weight: 1, base: 1 },
      ]),
    ).toMatch(
      /capacity: expected each capacity provider once[\s\S]*capacity: expected a base on one capacity provider/,
    );
  });

  it('should refuse sizes, counts and keys an environment cannot have', () => {
    const message = problems({
      production: {
        ...base,
        services: { like: { cpu: 256, memory: 4096 }, monolith: { paths: ['/x'] }, billing: { cpu: 512 } },
        defaults: { minCount: 5 },
      },
    });
    expect(message).toContain(
      'environments.production.services.like.memory: expected 512-2048 MiB in steps of 512 for cpu 256 (Fargate), found 4096 (in production)',
    );
    expect(message).toContain(
      'environments.production.services.like.desiredCount: expected minCount ≤ desiredCount ≤ maxCount, found 5 ≤ 1 ≤ 4 (in production)',
    );
    expect(message).toContain('environments.production.services.monolith: expected only cpu, memory, desiredCount');
    expect(message).toContain(
      'environments.production.services.billing: expected one of the configured services (monolith, like), found billing',
    );
  });

  it('should refuse an environment name that extends another, or that cannot name stacks', () => {
    expect(problems({ dev: base, 'dev-eu': base })).toContain(
      'environments.dev-eu: expected environment names that do not start with another one and a hyphen, found dev-eu beside dev',
    );
    expect(problems({ Prod: base })).toContain('environments.Prod: expected an environment name of 2-24 lower-case');
    expect(problems({})).toContain('environments: expected at least one environment, found none');
  });

  it('should name the environments there are when asked for another', () => {
    expect(() => environmentConfig(config, 'prod')).toThrow(
      "expected one of the environments of deploy/config.yml (staging, production), found 'prod'",
    );
  });
});

describe("the pipeline's view of one environment", () => {
  const staging = environmentConfig(config, 'staging');
  const production = environmentConfig(config, 'production');

  it('should prefix every stack parameter with the environment and take its NAT count and counts', () => {
    expect(serviceStackParameters(production, 'like').EnvironmentName).toBe('production');
    expect(serviceStackParameters(config, 'like').EnvironmentName).toBe('staging');
    expect(scalingStackParameters(production, 'like')).toMatchObject({ MinCapacity: '2', MaxCapacity: '4' });
    expect(networkStackParameters(production)).toEqual({ EnvironmentName: 'production', NatGatewayCount: '0' });
  });

  it('should give each service its capacity as a capacityProviderStrategy and its task count', () => {
    expect(serviceDefinitions(staging).like).toMatchObject({
      desiredCount: 1,
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
    });
    const definition = serviceDefinitions(production).monolith ?? {};
    expect(definition).toMatchObject({
      desiredCount: 2,
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
    });
    expect(definition).not.toHaveProperty('launchType');
  });

  it('should pass a weighted mix through and take the strategy of the environment', () => {
    const mix = [
      { capacityProvider: 'FARGATE', base: 1, weight: 1 },
      { capacityProvider: 'FARGATE_SPOT', weight: 3 },
    ];
    const mixed = withEnvironments({ staging: { ...base, services: { like: { capacity: mix, strategy: 'LINEAR' } } } });
    const like = serviceDefinitions(environmentConfig(mixed, 'staging')).like ?? {};
    expect(like.capacityProviderStrategy).toEqual(mix);
    expect(like.deploymentConfiguration).toMatchObject({ strategy: 'LINEAR' });
  });

  it("should set the task definition's runtimePlatform to the environment's architecture", () => {
    const arm = withEnvironments({ production: { ...base, services: { like: { cpuArchitecture: 'ARM64' } } } });
    expect(taskDefinitions(environmentConfig(arm, 'production')).like?.runtimePlatform).toEqual({
      cpuArchitecture: 'ARM64',
      operatingSystemFamily: 'LINUX',
    });
    expect(taskDefinitions(staging).like?.runtimePlatform).toEqual({
      cpuArchitecture: 'X86_64',
      operatingSystemFamily: 'LINUX',
    });
  });

  it('should refuse a task definition file that fixes the architecture itself', () => {
    const definition = parse(readFileSync(join(repoRoot, 'services/like/deploy/task-definition.yml'), 'utf8'));
    definition.runtimePlatform = { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' };
    const entry = staging.services.like;
    if (!entry) throw new Error('expected the like service in staging');
    expect(() => composeTaskDefinition({ definition, service: 'like', entry })).toThrow(
      "expected no runtimePlatform.cpuArchitecture in services/like/deploy/task-definition.yml (deploy/config.yml's cpuArchitecture sets it per environment)",
    );
  });

  it('should build an image for every architecture any environment runs it on', () => {
    expect(imagePlatforms(config)).toEqual({ monolith: ['linux/amd64'], like: ['linux/amd64'] });
    const arm = withEnvironments({
      staging: base,
      production: { ...base, services: { like: { cpuArchitecture: 'ARM64' } } },
    });
    expect(imagePlatforms(arm)).toEqual({ monolith: ['linux/amd64'], like: ['linux/amd64', 'linux/arm64'] });
  });
});

describe('node deploy/pipeline.ts --environment (as the workflows run it)', () => {
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, ['deploy/pipeline.ts', ...args], { cwd: repoRoot }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      ),
    );
  const outputs = (stdout: string) =>
    Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );

  it("should print one environment's matrix with everything a leg needs", async () => {
    const { code, stdout } = await run(['matrix', '--environment', 'production']);
    expect(code).toBe(0);
    const out = outputs(stdout);
    expect(out.environment).toBe('production');
    const matrix = JSON.parse(out.matrix ?? '{}') as { include: Array<Record<string, unknown>> };
    expect(matrix.include.map((leg) => leg.service)).toEqual(['monolith', 'like']);
    expect(matrix.include[0]).toMatchObject({
      'desired-count': 2,
      'cpu-architecture': 'X86_64',
      platform: 'linux/amd64',
      seed: 'node server.js seed',
    });
    expect(matrix.include[1]?.['stack-parameters']).toContain('EnvironmentName=production\nServiceName=like');
  });

  it('should list the environments in promotion order with their regions', async () => {
    const out = outputs((await run(['environments'])).stdout);
    expect(JSON.parse(out.environments ?? '[]')).toEqual(['staging', 'production']);
    expect(out['default-environment']).toBe('staging');
    expect(JSON.parse(out['image-platforms'] ?? '{}')).toEqual({ monolith: 'linux/amd64', like: 'linux/amd64' });
  });

  it('should fail on an environment deploy/config.yml does not have, printing nothing to act on', async () => {
    const { code, stdout, stderr } = await run(['config', '--environment', 'stagin']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      "::error::expected one of the environments of deploy/config.yml (staging, production), found 'stagin'",
    );
  });
});
