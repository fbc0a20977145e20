// Where the cost model's inputs come from: the templates under their default parameters, the
// services' deploy files when they exist, and stated assumptions for everything a template cannot say.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CfnTemplate, conditionIsTrue, parameterValues, readCfnTemplate } from '@mysfits/cfn-template';
import { parse } from 'yaml';
import type { CapacityProvider, StackShape, TaskShape } from './cost-model.js';

const repo = fileURLToPath(new URL('../', import.meta.url));

export interface StackSources {
  networkTemplate?: string;
  platformTemplate?: string;
  /** Holds `<service>/deploy/task-definition.*` and `<service>/deploy/service.*`. */
  servicesDir?: string;
  services?: string[];
}

/** The size assumed for a service whose deploy files do not exist yet. */
export const assumedTask = { vcpu: 0.25, memoryGb: 0.5, count: 1, capacityProvider: 'FARGATE' as CapacityProvider };

// Container Insights is billed as CloudWatch metrics. Our count from the ECS Container Insights
// metrics list (check it): ~8 at cluster level, ~19 per service (service + task family dimensions).
const insightsMetrics = { cluster: 8, perService: 19 };
// Each ALB node (one per zone) checks each target every interval; one JSON log line (~250 bytes
// with CloudWatch's per-event overhead) per check.
const logBytesPerCheck = 250;

function resources(template: CfnTemplate, type: string) {
  const parameters = parameterValues(template);
  return Object.entries(template.Resources).filter(
    ([, resource]) =>
      resource.Type === type &&
      (resource.Condition === undefined || conditionIsTrue(template, resource.Condition, parameters)),
  );
}

function readDeployFile(dir: string, base: string): Record<string, unknown> | undefined {
  for (const ext of ['json', 'yml', 'yaml']) {
    const path = join(dir, `${base}.${ext}`);
    if (existsSync(path)) return parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  }
  return undefined;
}

/** ECS task sizes: CPU units ("256", 256, "0.25 vCPU") → vCPU; memory MiB ("512", "0.5 GB") → GB. */
function vcpuOf(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  return /vcpu/i.test(text) ? Number.parseFloat(text) : Number(text) / 1024;
}
function memoryGbOf(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  return /gb/i.test(text) ? Number.parseFloat(text) : Number(text) / 1024;
}

function taskShapes(servicesDir: string, service: string, natGateways: number): TaskShape[] {
  const dir = join(servicesDir, service, 'deploy');
  const definition = readDeployFile(dir, 'task-definition');
  const ecsService = readDeployFile(dir, 'service');
  const vcpu = vcpuOf(definition?.cpu) ?? assumedTask.vcpu;
  const memoryGb = memoryGbOf(definition?.memory) ?? assumedTask.memoryGb;
  const count = Number(ecsService?.desiredCount ?? assumedTask.count);
  const network = ecsService?.networkConfiguration as { awsvpcConfiguration?: { assignPublicIp?: string } } | undefined;
  const assign = network?.awsvpcConfiguration?.assignPublicIp;
  // Without NAT gateways the tasks sit in the public subnets and need a public address to pull images;
  // a placeholder (`${stack:network:AssignPublicIp}`) is the network stack's answer to the same question.
  const fromNetwork = assign === undefined || assign.includes('${');
  const publicIp = fromNetwork ? natGateways === 0 : assign === 'ENABLED';
  const source = [definition ? 'task-definition' : 'assumed size', ecsService ? 'service file' : 'assumed count'].join(
    ', ',
  );
  const strategy = (ecsService?.capacityProviderStrategy ?? []) as Array<{
    capacityProvider: string;
    weight?: number;
    base?: number;
  }>;
  const spot = strategy.find((entry) => entry.capacityProvider === 'FARGATE_SPOT');
  const onDemand = strategy.find((entry) => entry.capacityProvider === 'FARGATE');
  if (!spot) return [{ service, count, vcpu, memoryGb, capacityProvider: 'FARGATE', publicIp, source }];
  // Base tasks first, the rest split by weight: the way ECS places them.
  const base = onDemand?.base ?? 0;
  const weights = (spot.weight ?? 0) + (onDemand?.weight ?? 0);
  const spotCount = weights === 0 ? 0 : ((count - Math.min(base, count)) * (spot.weight ?? 0)) / weights;
  const shapes: TaskShape[] = [
    { service, count: count - spotCount, vcpu, memoryGb, capacityProvider: 'FARGATE', publicIp, source },
    { service, count: spotCount, vcpu, memoryGb, capacityProvider: 'FARGATE_SPOT', publicIp, source },
  ];
  return shapes.filter((shape) => shape.count > 0);
}

/** The default stack: network.yml and platform.yml under their parameter defaults, plus the deploy files. */
export function defaultStackShape(sources: StackSources = {}): StackShape {
  const network = readCfnTemplate(sources.networkTemplate ?? join(repo, 'cloudformation/network.yml'));
  const platform = readCfnTemplate(sources.platformTemplate ?? join(repo, 'cloudformation/platform.yml'));
  const servicesDir = sources.servicesDir ?? join(repo, 'services');
  const services = sources.services ?? ['monolith', 'like'];
  const platformParameters = parameterValues(platform);
  const natGateways = resources(network, 'AWS::EC2::NatGateway').length;
  const loadBalancers = resources(platform, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
  const zones = Math.max(
    1,
    ...loadBalancers.map(([, lb]) => (Array.isArray(lb.Properties?.Subnets) ? lb.Properties.Subnets.length : 2)),
  );
  const tasks = services.flatMap((service) => taskShapes(servicesDir, service, natGateways));
  const intervals = resources(platform, 'AWS::ElasticLoadBalancingV2::TargetGroup').map(([, group]) =>
    Number(group.Properties?.HealthCheckIntervalSeconds ?? 30),
  );
  const interval = Math.min(...intervals, 30);
  const taskCount = tasks.reduce((sum, task) => sum + task.count, 0);
  const checksPerMonth = (zones * 30 * 86_400) / interval;
  const logGb = Math.round(((taskCount * checksPerMonth * logBytesPerCheck) / 1e9) * 100) / 100;
  const insights = String(platformParameters.ContainerInsights ?? 'disabled');
  const insightsCount =
    insights === 'disabled'
      ? 0
      : (insightsMetrics.cluster + services.length * insightsMetrics.perService) * (insights === 'enhanced' ? 2 : 1);
  const repositories = resources(platform, 'AWS::ECR::Repository').length;
  const imagesKept = Number(platformParameters.ImageRetentionCount ?? 10);
  return {
    name: 'default stack',
    loadBalancers: loadBalancers.length,
    loadBalancerZones: zones,
    idleLcu: 0.1,
    natGateways,
    natGbPerMonth: 5,
    tasks,
    logGbPerMonth: logGb,
    logRetentionDays: Number(platformParameters.LogRetentionDays ?? 30),
    containerInsightsMetrics: insightsCount,
    dynamoGb: resources(platform, 'AWS::DynamoDB::Table').length * 0.001,
    ecrGb: Math.round(repositories * (0.05 + imagesKept * 0.005) * 100) / 100,
    assumptions: [
      `NatGatewayCount default → ${natGateways} NAT gateway(s); ContainerInsights default → ${insights} (~${insightsCount} metrics, our count)`,
      `Task sizes from services/<name>/deploy/ when present, else ${assumedTask.vcpu} vCPU / ${assumedTask.memoryGb} GB, ${assumedTask.count} task, FARGATE`,
      `Logs: one ~${logBytesPerCheck}-byte line per ALB health check (${zones} zones, every ${interval} s); no other traffic`,
      'Idle ALB at 0.1 LCU; 5 GB/month through each NAT gateway; DynamoDB 1 MB; ECR 50 MB base + 5 MB per kept image',
    ],
  };
}

/**
 * The workshop's layout for comparison, as we read it: two NAT gateways (one per zone), the tasks in
 * private subnets, two tasks per service at 0.5 vCPU / 1 GB on FARGATE, no Container Insights.
 */
export function workshopStackShape(): StackShape {
  const task = (service: string): TaskShape => ({
    service,
    count: 2,
    vcpu: 0.5,
    memoryGb: 1,
    capacityProvider: 'FARGATE',
    publicIp: false,
    source: 'workshop, assumed',
  });
  return {
    name: 'workshop layout',
    loadBalancers: 1,
    loadBalancerZones: 2,
    idleLcu: 0.1,
    natGateways: 2,
    natGbPerMonth: 5,
    tasks: [task('monolith'), task('like')],
    logGbPerMonth: 0.5,
    logRetentionDays: 30,
    containerInsightsMetrics: 0,
    dynamoGb: 0.001,
    ecrGb: 1,
    assumptions: [
      'Workshop: 2 NAT gateways, 2 tasks per service at 0.5 vCPU / 1 GB on FARGATE in private subnets (our assumption)',
      'Logs 0.5 GB/month, ECR 1 GB (no lifecycle policy), no Container Insights',
    ],
  };
}
