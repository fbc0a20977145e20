import { describe, expect, it } from 'vitest';
import { loadDeployConfig, parseDeployConfig } from '../../deploy/config.js';
import {
  costMarkdown,
  defaultStackShape,
  estimateCosts,
  monthlyCost,
  type PriceTable,
  readPrices,
} from '../../deploy/cost/cost.js';
import type { StackShape } from '../../deploy/cost/cost-model.js';

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
  logsIngestionGb: 0.5,
  logsStorageGbMonth: 0.03,
  customMetricMonth: 0.3,
  dynamoStorageGbMonth: 0.25,
  ecrStorageGbMonth: 0.1,
};

const shape: StackShape = {
  name: 'fixture',
  loadBalancers: 1,
  loadBalancerZones: 2,
  idleLcu: 1,
  natGateways: 1,
  natGbPerMonth: 10,
  tasks: [
    { service: 'a', count: 2, vcpu: 0.5, memoryGb: 1, capacityProvider: 'FARGATE', publicIp: true, source: 'fixture' },
    {
      service: 'b',
      count: 1,
      vcpu: 1,
      memoryGb: 2,
      capacityProvider: 'FARGATE_SPOT',
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

describe("the environment's estimate (deploy/config.yml)", () => {
  it("should take the NAT gateway count and every service's size and count from the config", () => {
    const stack = defaultStackShape();
    expect(stack.natGateways).toBe(config.natGatewayCount);
    expect(stack.loadBalancers).toBe(1);
    expect([...new Set(stack.tasks.map((task) => task.service))]).toEqual(Object.keys(config.services));
    const like = stack.tasks.filter((task) => task.service === 'like');
    expect(like.reduce((sum, task) => sum + task.count, 0)).toBe(config.services.like?.desiredCount);
    expect(like[0]?.vcpu).toBe((config.services.like?.cpu ?? 0) / 1024);
  });

  it('should price natGatewayCount 2 as two NAT gateways with the tasks behind them (no public IPs)', () => {
    const before = estimateCosts({ prices }).defaultStack;
    const after = estimateCosts({ prices, sources: { config: { ...config, natGatewayCount: 2 } } }).defaultStack;
    expect(after.lines.find((line) => line.item === 'NAT gateways')?.detail).toMatch(/^2 ×/);
    expect(after.lines.find((line) => line.item === 'Public IPv4 addresses')?.detail).toContain('tasks 0');
    // 2 × (100 h × 0.05 + 5 GB × 0.1) = 11, minus the tasks' public IPs.
    expect(after.total).toBeGreaterThan(before.total + 9);
  });

  it('should grow with a third service at its configured size, and leave an internal one out of health checks', () => {
    const third = parseDeployConfig({
      ...config,
      services: { ...config.services, worker: { access: 'internal', cpu: 1024, memory: 2048, desiredCount: 2 } },
    });
    const stack = defaultStackShape({ config: third });
    const worker = stack.tasks.filter((task) => task.service === 'worker');
    expect(worker.map((task) => [task.count, task.vcpu, task.memoryGb])).toEqual([[2, 1, 2]]);
    expect(stack.logGbPerMonth).toBe(defaultStackShape().logGbPerMonth);
    expect(stack.ecrGb).toBeGreaterThan(defaultStackShape().ecrGb);
  });

  it('should price the environment with the repository price table and show the workshop beside it', () => {
    const report = estimateCosts();
    expect(report.prices.region).toBe(readPrices().region);
    expect(report.defaultStack.total).toBe(monthlyCost(defaultStackShape(), readPrices()).total);
    expect(report.workshop.total).toBeGreaterThan(report.defaultStack.total);
    expect(costMarkdown(report)).toContain('| **Total** |');
  });
});
