import { describe, expect, it } from 'vitest';
import { environmentConfig, loadDeployConfig, parseDeployConfig } from '../../deploy/config.js';
import {
  costMarkdown,
  costText,
  environmentStackShape,
  estimateCosts,
  monthlyCost,
  type PriceTable,
  readPrices,
} from '../../deploy/cost/cost.js';
import type { CostEstimate, StackShape } from '../../deploy/cost/cost-model.js';

const config = loadDeployConfig();

const prices: PriceTable = {
  region: 'test-1',
  currency: 'USD',
  asOf: 'fixture',
  source: 'round numbers for arithmetic',
  hoursPerMonth: 100,
  albHour: 0.1,
  albLcuHour: 0.01,
  natGatewayHour: 0.05,
  natGatewayGb: 0.1,
  publicIpv4Hour: 0.01,
  fargate: { FARGATE: { vcpuHour: 0.04, gbHour: 0.004 }, FARGATE_SPOT: { vcpuHour: 0.01, gbHour: 0.001 } },
  fargateArm64: { FARGATE: { vcpuHour: 0.03, gbHour: 0.003 } },
  check: ['fixture prices'],
  logsIngestionGb: 0.5,
  logsStorageGbMonth: 0.03,
  customMetricMonth: 0.3,
  dynamoStorageGbMonth: 0.25,
  ecrStorageGbMonth: 0.1,
  ec2InstanceHour: { 't3.small': 0.02 },
  ebsGp3GbMonth: 0.1,
};

const shape: StackShape = {
  name: 'fixture',
  loadBalancers: 1,
  loadBalancerZones: 2,
  idleLcu: 1,
  natGateways: 1,
  natGbPerMonth: 10,
  tasks: [
    {
      service: 'a',
      count: 2,
      vcpu: 0.5,
      memoryGb: 1,
      capacityProvider: 'FARGATE',
      cpuArchitecture: 'X86_64',
      publicIp: true,
      source: 'fixture',
    },
    {
      service: 'b',
      count: 1,
      vcpu: 1,
      memoryGb: 2,
      capacityProvider: 'FARGATE_SPOT',
      cpuArchitecture: 'X86_64',
      publicIp: false,
      source: 'fixture',
    },
  ],
  logGbPerMonth: 2,
  logRetentionDays: 30,
  containerInsightsMetrics: 10,
  dynamoGb: 4,
  ecrGb: 10,
  assumptions: [],
};

describe('cost model', () => {
  it('should price every line of a fixture stack with the table', () => {
    const estimate = monthlyCost(shape, prices);
    const line = (item: string) => estimate.lines.find((entry) => entry.item === item)?.monthly;
    expect(line('Application Load Balancer')).toBe(11); // 100 h × (0.1 + 1 LCU × 0.01)
    expect(line('NAT gateways')).toBe(6); // 100 h × 0.05 + 10 GB × 0.1
    expect(line('Fargate a')).toBe(4.8); // 2 × 100 h × (0.5 × 0.04 + 1 × 0.004)
    expect(line('Fargate b')).toBe(1.2); // 1 × 100 h × (1 × 0.01 + 2 × 0.001)
    expect(line('Public IPv4 addresses')).toBe(5); // (2 ALB + 1 NAT + 2 tasks) × 100 h × 0.01
    expect(line('CloudWatch Logs')).toBe(1.06); // 2 GB × 0.5 + 2 GB kept × 0.03
    expect(line('Container Insights metrics')).toBe(3);
    expect(line('DynamoDB (on-demand, at rest)')).toBe(1);
    expect(line('ECR storage')).toBe(1);
    expect(estimate.total).toBe(34.06);
  });

  it('should leave out lines that cost nothing', () => {
    const estimate = monthlyCost({ ...shape, natGateways: 0, containerInsightsMetrics: 0 }, prices);
    expect(estimate.lines.map((entry) => entry.item)).not.toContain('NAT gateways');
    expect(estimate.lines.map((entry) => entry.item)).not.toContain('Container Insights metrics');
  });
});

describe("each environment's estimate (deploy/config.yml)", () => {
  const document = { ...config };
  const withEnvironments = (environments: Record<string, unknown>) => parseDeployConfig({ ...document, environments });
  const base = { region: 'us-east-1', natGatewayCount: 0 };
  const fargate = (estimate: CostEstimate, service: string) =>
    estimate.lines.find((line) => line.item === `Fargate ${service}`);

  it("should take the NAT gateway count and every service's size, count and capacity from the environment", () => {
    for (const environment of ['staging', 'production']) {
      const env = environmentConfig(config, environment);
      const stack = environmentStackShape({ environment });
      expect(stack.name).toBe(environment);
      expect(stack.natGateways).toBe(env.natGatewayCount);
      expect(stack.loadBalancers).toBe(1);
      expect([...new Set(stack.tasks.map((task) => task.service))]).toEqual(Object.keys(config.services));
      const like = stack.tasks.filter((task) => task.service === 'like');
      expect(like.reduce((sum, task) => sum + task.count, 0)).toBe(env.services.like?.desiredCount);
      expect(like[0]?.vcpu).toBe((env.services.like?.cpu ?? 0) / 1024);
    }
    expect(environmentStackShape({ environment: 'staging' }).tasks.map((task) => task.capacityProvider)).toEqual([
      'FARGATE_SPOT',
      'FARGATE_SPOT',
    ]);
  });

  it('should price Spot and ARM64 tasks at their own rates, and a weighted mix by ECS placement', () => {
    const mix = [
      { capacityProvider: 'FARGATE', base: 1, weight: 1 },
      { capacityProvider: 'FARGATE_SPOT', weight: 3 },
    ];
    const kinds = withEnvironments({
      spot: { ...base, services: { like: { capacity: 'FARGATE_SPOT' } } },
      arm: { ...base, services: { like: { cpuArchitecture: 'ARM64' } } },
      mixed: { ...base, services: { like: { capacity: mix, desiredCount: 5, maxCount: 5 } } },
    });
    const like = (environment: string) =>
      fargate(monthlyCost(environmentStackShape({ config: kinds, environment }), prices), 'like');
    // 1 task × 100 h × (0.25 vCPU × rate + 0.5 GB × rate)
    expect(like('spot')?.monthly).toBe(0.3); // 0.25 × 0.01 + 0.5 × 0.001
    expect(like('arm')?.monthly).toBe(0.9); // 0.25 × 0.03 + 0.5 × 0.003
    // base 1 on FARGATE, the other 4 split 1:3 → 2 FARGATE + 3 FARGATE_SPOT
    expect(like('mixed')?.detail).toMatch(
      /^2 × 0.25 vCPU \/ 0.5 GB FARGATE X86_64 \+ 3 × 0.25 vCPU \/ 0.5 GB FARGATE_SPOT/,
    );
    expect(like('mixed')?.monthly).toBe(3.3); // 2 × 1.2 + 3 × 0.3
  });

  it('should price EC2 capacity as its instances and volumes, and the tasks on it as nothing more', () => {
    const ec2 = withEnvironments({
      fargate: { ...base, natGatewayCount: 1 },
      ec2: {
        ...base,
        natGatewayCount: 1,
        ec2: { instanceType: 't3.small', minSize: 2, maxSize: 3 },
        services: { like: { capacity: 'EC2' } },
      },
    });
    const [onFargate, onEc2] = estimateCosts({ prices, sources: { config: ec2 } }).environments;
    const instances = onEc2?.lines.find((line) => line.item === 'EC2 container instances');
    // 2 × (100 h × 0.02 + 30 GB × 0.1)
    expect(instances?.monthly).toBe(10);
    expect(instances?.detail).toBe('2 × t3.small × 100 h + 30 GB gp3 each (tasks: 1 × like)');
    expect(onEc2?.lines.find((line) => line.item === 'Fargate like')).toBeUndefined();
    expect(onFargate?.lines.find((line) => line.item === 'EC2 container instances')).toBeUndefined();
    expect(onEc2?.assumptions.join('\n')).toContain('EC2 capacity: 2 × t3.small idle');
  });

  it('should refuse to price an instance type the table has no price for, naming it', () => {
    const ec2 = withEnvironments({
      ec2: { ...base, natGatewayCount: 1, ec2: { instanceType: 'm6i.large' } },
    });
    expect(() => estimateCosts({ prices, sources: { config: ec2 } })).toThrow(
      /expected an on-demand price for m6i\.large in the price table's ec2InstanceHour \(t3\.small\)/,
    );
  });

  it('should price natGatewayCount 2 as two NAT gateways with the tasks behind them (no public IPs)', () => {
    const nat = withEnvironments({ none: base, two: { ...base, natGatewayCount: 2 } });
    const [before, after] = estimateCosts({ prices, sources: { config: nat } }).environments;
    expect(after?.lines.find((line) => line.item === 'NAT gateways')?.detail).toMatch(/^2 ×/);
    expect(after?.lines.find((line) => line.item === 'Public IPv4 addresses')?.detail).toContain('tasks 0');
    // 2 × (100 h × 0.05 + 5 GB × 0.1) = 11, minus the tasks' public IPs.
    expect(after?.total ?? 0).toBeGreaterThan((before?.total ?? 0) + 9);
  });

  it('should grow with a third service at its configured size, and leave an internal one out of health checks', () => {
    const third = parseDeployConfig({
      ...config,
      services: { ...config.services, worker: { access: 'internal', cpu: 1024, memory: 2048, desiredCount: 2 } },
    });
    const stack = environmentStackShape({ config: third, environment: 'production' });
    const worker = stack.tasks.filter((task) => task.service === 'worker');
    // production's defaults (desiredCount 2, FARGATE) over the entry's own
    expect(worker.map((task) => [task.count, task.vcpu, task.memoryGb, task.capacityProvider])).toEqual([
      [2, 1, 2, 'FARGATE'],
    ]);
    const production = environmentStackShape({ environment: 'production' });
    expect(stack.logGbPerMonth).toBe(production.logGbPerMonth);
    expect(stack.ecrGb).toBeGreaterThan(production.ecrGb);
  });

  it('should price every environment with the repository price table, staging under production', () => {
    const report = estimateCosts();
    expect(report.prices.region).toBe(readPrices().region);
    expect(report.environments.map((estimate) => estimate.stack)).toEqual(['staging', 'production']);
    const [staging, production] = report.environments;
    expect(staging?.total).toBe(monthlyCost(environmentStackShape({ environment: 'staging' }), readPrices()).total);
    expect(staging?.total ?? 0).toBeLessThan(production?.total ?? 0);
    expect(report.workshop.total).toBeGreaterThan(production?.total ?? 0);
    expect(report.goalEnvironment).toBe('staging');
    expect(report.meetsGoal).toBe((staging?.total ?? 0) <= report.goalUsd);
    expect(costText(report)).toMatch(/^Item +staging +production +Workshop$/m);
  });

  it('should print one environment beside the workshop for the job summary, with the figures to check', () => {
    const markdown = costMarkdown(estimateCosts({ environments: ['production'] }));
    expect(markdown).toContain('| Item | production | Workshop layout |');
    expect(markdown).not.toContain('staging');
    expect(markdown).toContain('| **Total** |');
    expect(markdown).toContain('- Check: fargate.FARGATE_SPOT (2025, check)');
    expect(() => estimateCosts({ environments: ['prod'] })).toThrow("found 'prod'");
  });
});
