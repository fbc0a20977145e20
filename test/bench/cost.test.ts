import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCfnTemplate } from '@mysfits/cfn-template';
import { describe, expect, it } from 'vitest';
import {
  costMarkdown,
  defaultStackShape,
  estimateCosts,
  monthlyCost,
  type PriceTable,
  readPrices,
} from '../../bench/cost.js';
import type { StackShape } from '../../bench/cost-model.js';

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

const repo = new URL('../../', import.meta.url).pathname;

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

describe('default stack estimate', () => {
  it('should take the NAT gateway count and load balancer from the real templates', () => {
    const network = readCfnTemplate(join(repo, 'cloudformation/network.yml'));
    const stack = defaultStackShape();
    expect(stack.natGateways).toBe(Number(network.Parameters?.NatGatewayCount?.Default));
    expect(stack.loadBalancers).toBe(1);
    expect(stack.tasks.map((task) => task.service).sort()).toEqual(['like', 'monolith']);
  });

  it('should follow a changed NatGatewayCount default in the network template', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cost-'));
    const text = readFileSync(join(repo, 'cloudformation/network.yml'), 'utf8');
    const twoNats = text.replace(/(NatGatewayCount:\n[\s\S]*?Default: )["']?0["']?/, "$1'2'");
    expect(twoNats).not.toBe(text);
    writeFileSync(join(dir, 'network.yml'), twoNats);
    const before = estimateCosts({ prices }).defaultStack;
    const after = estimateCosts({ prices, sources: { networkTemplate: join(dir, 'network.yml') } }).defaultStack;
    expect(after.lines.find((line) => line.item === 'NAT gateways')?.detail).toMatch(/^2 ×/);
    expect(after.total).toBeGreaterThan(before.total);
  });

  it('should price the default stack with the repository price table and show the workshop beside it', () => {
    const report = estimateCosts();
    expect(report.prices.region).toBe(readPrices().region);
    expect(report.defaultStack.total).toBe(monthlyCost(defaultStackShape(), readPrices()).total);
    expect(report.workshop.total).toBeGreaterThan(report.defaultStack.total);
    expect(costMarkdown(report)).toContain('| **Total** |');
  });
});
