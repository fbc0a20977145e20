import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { environmentConfig, loadDeployConfig, parseDeployConfig, repoRoot } from '../../deploy/config.js';
import { ec2CapacityStackParameters, platformStackParameters, serviceDefinitions } from '../../deploy/pipeline.js';
import { type ConfigDocument, configDocument, configProblems } from './config-document.js';

// EC2 capacity per environment (README "Capacity: Fargate, Spot, EC2"): environments.<env>.ec2 and
// a service's `capacity: EC2`.

/** deploy/config.yml with EC2 capacity in production (behind a NAT gateway) and the like service on it there. */
function withEc2(edit: (doc: ConfigDocument) => void = () => {}): ConfigDocument {
  const doc = configDocument();
  doc.environments.production = {
    ...doc.environments.production,
    natGatewayCount: 1,
    ec2: { instanceType: 't3.small', minSize: 1, maxSize: 3 },
    services: { like: { capacity: 'EC2' } },
  };
  edit(doc);
  return doc;
}

describe('EC2 capacity in deploy/config.yml', () => {
  it('should give the environment an ec2-capacity stack, the platform its capacity provider and the service its name', () => {
    const production = environmentConfig(parseDeployConfig(withEc2()), 'production');
    expect(ec2CapacityStackParameters(production)).toEqual({
      EnvironmentName: 'production',
      InstanceType: 't3.small',
      CpuArchitecture: 'X86_64',
      MinSize: '1',
      MaxSize: '3',
      AssignPublicIp: 'false',
    });
    expect(platformStackParameters(production).Ec2CapacityProviderName).toBe('production-ec2');
    expect(serviceDefinitions(production).like?.capacityProviderStrategy).toEqual([
      { capacityProvider: 'production-ec2', weight: 1 },
    ]);
    const staging = environmentConfig(parseDeployConfig(withEc2()), 'staging');
    expect(ec2CapacityStackParameters(staging)).toBeUndefined();
    expect(platformStackParameters(staging).Ec2CapacityProviderName).toBe('');
  });

  it('should take a weighted mix of Fargate and EC2', () => {
    const doc = withEc2((d) => {
      d.environments.production = {
        ...d.environments.production,
        services: {
          like: {
            capacity: [
              { capacityProvider: 'FARGATE', base: 1, weight: 1 },
              { capacityProvider: 'EC2', weight: 2 },
            ],
          },
        },
      };
    });
    const production = environmentConfig(parseDeployConfig(doc), 'production');
    expect(serviceDefinitions(production).like?.capacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE', base: 1, weight: 1 },
      { capacityProvider: 'production-ec2', weight: 2 },
    ]);
  });

  it('should refuse EC2 capacity in an environment without an ec2 entry, naming the key', () => {
    const message = configProblems(
      withEc2((d) => {
        d.environments.staging = { ...d.environments.staging, services: { monolith: { capacity: 'EC2' } } };
      }),
    );
    expect(message).toContain(
      'environments.staging.services.monolith.capacity: expected FARGATE or FARGATE_SPOT for monolith in staging, which has no EC2 capacity, found EC2: add environments.staging.ec2',
    );
  });

  it('should refuse EC2 capacity without NAT gateways: awsvpc tasks on EC2 get no public IP', () => {
    const message = configProblems(
      withEc2((d) => {
        d.environments.production = { ...d.environments.production, natGatewayCount: 0 };
      }),
    );
    expect(message).toContain(
      'environments.production.ec2: expected natGatewayCount 1 or 2 with EC2 capacity, found 0',
    );
  });

  it("should refuse an instance type of another architecture, and a service that does not match the instances'", () => {
    const arm = configProblems(
      withEc2((d) => {
        d.environments.production = { ...d.environments.production, ec2: { instanceType: 't4g.small' } };
      }),
    );
    expect(arm).toContain(
      "environments.production.ec2.cpuArchitecture: expected the instance type's architecture, found X86_64 for t4g.small",
    );
    const service = configProblems(
      withEc2((d) => {
        d.environments.production = {
          ...d.environments.production,
          ec2: { instanceType: 't4g.small', cpuArchitecture: 'ARM64' },
        };
      }),
    );
    expect(service).toContain(
      "expected like on EC2 in production to run on the instances' architecture ARM64, found cpuArchitecture X86_64",
    );
  });

  it('should refuse keys it does not know and minSize above maxSize', () => {
    const message = configProblems(
      withEc2((d) => {
        d.environments.production = {
          ...d.environments.production,
          ec2: { instanceType: 't3.small', minSize: 4, maxSize: 2, spot: true },
        };
      }),
    );
    expect(message).toContain(
      'environments.production.ec2: expected only instanceType, minSize, maxSize, cpuArchitecture, found spot',
    );
    const sizes = configProblems(
      withEc2((d) => {
        d.environments.production = { ...d.environments.production, ec2: { minSize: 4, maxSize: 2 } };
      }),
    );
    expect(sizes).toContain('environments.production.ec2.minSize: expected minSize ≤ maxSize, found 4 > 2');
  });
});

describe('task definitions of services on EC2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mysfits-ec2-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (definition: Record<string, unknown>) => {
    mkdirSync(join(dir, 'deploy'), { recursive: true });
    mkdirSync(join(dir, 'services', 'like', 'deploy'), { recursive: true });
    writeFileSync(join(dir, 'deploy', 'config.yml'), stringify(withEc2()));
    writeFileSync(join(dir, 'services', 'like', 'deploy', 'task-definition.yml'), stringify(definition));
  };
  const sample = parse(
    readFileSync(join(repoRoot, 'services', 'like', 'deploy', 'task-definition.yml'), 'utf8'),
  ) as Record<string, unknown>;

  it('should refuse a task definition that is not compatible with EC2, naming the file and what to write', () => {
    write(sample);
    expect(() => loadDeployConfig(join(dir, 'deploy', 'config.yml'))).toThrow(
      /services\/like\/deploy\/task-definition\.yml: requiresCompatibilities: expected EC2 in it, as like runs on EC2 capacity in production, found \["FARGATE"\]: list both, \[FARGATE, EC2\]/,
    );
  });

  it('should refuse a network mode other than awsvpc', () => {
    write({ ...sample, requiresCompatibilities: ['FARGATE', 'EC2'], networkMode: 'bridge' });
    expect(() => loadDeployConfig(join(dir, 'deploy', 'config.yml'))).toThrow(
      /task-definition\.yml: networkMode: expected awsvpc .*found "bridge"/,
    );
  });

  it('should accept one compatible with both', () => {
    write({ ...sample, requiresCompatibilities: ['FARGATE', 'EC2'] });
    expect(loadDeployConfig(join(dir, 'deploy', 'config.yml')).environments.production?.ec2?.instanceType).toBe(
      't3.small',
    );
  });
});
