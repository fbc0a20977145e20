// Where the cost model's inputs come from: one environment's real settings in deploy/config.yml
// (NAT gateways, every service's size, count, capacity, CPU architecture and access), the templates
// with the parameters the pipeline gives them, and stated assumptions for everything neither can say.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CfnTemplate, conditionIsTrue, readCfnTemplate, typedParameterValues } from '@mysfits/cfn-template';
import {
  capacityProviderStrategy,
  type DeployConfig,
  type EnvironmentConfig,
  environmentConfig,
  loadDeployConfig,
} from '../config.ts';
import { serviceStackParameters } from '../pipeline.ts';
import type { StackShape, TaskShape } from './cost-model.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));

export interface StackSources {
  /** The config; default deploy/config.yml. */
  config?: DeployConfig;
  /** Which of its environments; default its first. */
  environment?: string;
  networkTemplate?: string;
  platformTemplate?: string;
  serviceTemplate?: string;
}

// Container Insights is billed as CloudWatch metrics. Our count from the ECS Container Insights
// metrics list (check it): ~8 at cluster level, ~19 per service (service + task family dimensions).
const insightsMetrics = { cluster: 8, perService: 19 };
// Each ALB node (one per zone) checks each target every interval; one JSON log line (~250 bytes
// with CloudWatch's per-event overhead) per check.
const logBytesPerCheck = 250;

function resources(template: CfnTemplate, type: string, overrides: Record<string, string> = {}) {
  const parameters = typedParameterValues(template, overrides);
  return Object.entries(template.Resources).filter(
    ([, resource]) =>
      resource.Type === type &&
      (resource.Condition === undefined || conditionIsTrue(template, resource.Condition, parameters)),
  );
}

/**
 * One service's tasks per capacity provider, placed the way ECS places them: the `base` tasks on
 * the provider that has it, the rest split by weight (fractions: an average over scale-outs).
 */
function taskShapes(options: { service: string; env: EnvironmentConfig }): TaskShape[] {
  const { service, env } = options;
  const entry = env.services[service];
  if (!entry) throw new Error(`Expected ${service} in deploy/config.yml, found only ${Object.keys(env.services)}`);
  const count = entry.desiredCount;
  const strategy = capacityProviderStrategy(entry.capacity);
  const withBase = strategy.find((item) => item.base !== undefined);
  const baseCount = Math.min(withBase?.base ?? 0, count);
  const weights = strategy.reduce((sum, item) => sum + item.weight, 0);
  return strategy
    .map((item) => ({
      service,
      count: (item === withBase ? baseCount : 0) + (weights === 0 ? 0 : ((count - baseCount) * item.weight) / weights),
      vcpu: entry.cpu / 1024,
      memoryGb: entry.memory / 1024,
      capacityProvider: item.capacityProvider,
      cpuArchitecture: entry.cpuArchitecture,
      // Without NAT gateways the tasks sit in the public subnets with a public address each (network.yml).
      publicIp: env.natGatewayCount === 0,
      source: `deploy/config.yml, ${env.environment}`,
    }))
    .filter((shape) => shape.count > 0);
}

/**
 * One environment as deploy/config.yml deploys it: network.yml with its natGatewayCount,
 * platform.yml under its defaults, and service.yml once per service with that service's parameters.
 */
export function environmentStackShape(sources: StackSources = {}): StackShape {
  const config = environmentConfig(sources.config ?? loadDeployConfig(), sources.environment);
  const network = readCfnTemplate(sources.networkTemplate ?? join(repo, 'cloudformation/network.yml'));
  const platform = readCfnTemplate(sources.platformTemplate ?? join(repo, 'cloudformation/platform.yml'));
  const serviceTemplate = readCfnTemplate(sources.serviceTemplate ?? join(repo, 'cloudformation/service.yml'));
  const services = Object.keys(config.services);
  const platformParameters = typedParameterValues(platform);
  const natGateways = resources(network, 'AWS::EC2::NatGateway', {
    NatGatewayCount: String(config.natGatewayCount),
  }).length;
  const loadBalancers = resources(platform, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
  const zones = Math.max(
    1,
    ...loadBalancers.map(([, lb]) => (Array.isArray(lb.Properties?.Subnets) ? lb.Properties.Subnets.length : 2)),
  );
  const tasks = services.flatMap((service) => taskShapes({ service, env: config }));
  const perService = services.map((service) => ({
    service,
    parameters: serviceStackParameters(config, service),
  }));
  const serviceResources = (type: string) =>
    perService.flatMap(({ parameters }) => resources(serviceTemplate, type, parameters));
  // Health checks reach the tasks of the services behind the load balancer only.
  const checkedTasks = tasks
    .filter((task) => config.services[task.service]?.access === 'public')
    .reduce((sum, task) => sum + task.count, 0);
  const intervals = serviceResources('AWS::ElasticLoadBalancingV2::TargetGroup').map(([, group]) =>
    Number(group.Properties?.HealthCheckIntervalSeconds ?? 30),
  );
  const interval = Math.min(...intervals, 30);
  const checksPerMonth = (zones * 30 * 86_400) / interval;
  const logGb = Math.round(((checkedTasks * checksPerMonth * logBytesPerCheck) / 1e9) * 100) / 100;
  const insights = String(platformParameters.ContainerInsights ?? 'disabled');
  const insightsCount =
    insights === 'disabled'
      ? 0
      : (insightsMetrics.cluster + services.length * insightsMetrics.perService) * (insights === 'enhanced' ? 2 : 1);
  const repositories = serviceResources('AWS::ECR::Repository').length;
  const serviceParameters = typedParameterValues(serviceTemplate);
  const imagesKept = Number(serviceParameters.ImageRetentionCount ?? 10);
  return {
    name: config.environment,
    loadBalancers: loadBalancers.length,
    loadBalancerZones: zones,
    idleLcu: 0.1,
    natGateways,
    natGbPerMonth: 5,
    tasks,
    logGbPerMonth: logGb,
    logRetentionDays: Number(serviceParameters.LogRetentionDays ?? 30),
    containerInsightsMetrics: insightsCount,
    dynamoGb: resources(platform, 'AWS::DynamoDB::Table').length * 0.001,
    ecrGb: Math.round(repositories * (0.05 + imagesKept * 0.005) * 100) / 100,
    assumptions: [
      `${config.environment}: natGatewayCount ${config.natGatewayCount} → ${natGateways} NAT gateway(s); ${services.length} service(s) at their size, desiredCount, capacity and architecture there; ContainerInsights default → ${insights} (~${insightsCount} metrics, our count)`,
      `Logs: one ~${logBytesPerCheck}-byte line per ALB health check of a public service's task (${zones} zones, every ${interval} s); no other traffic`,
      'Idle ALB at 0.1 LCU; 5 GB/month through each NAT gateway; DynamoDB 1 MB; ECR 50 MB base + 5 MB per kept image',
    ],
  };
}

/**
 * The workshop's layout for comparison, as we read it: two NAT gateways (one per zone), the tasks in
 * private subnets, two tasks per service (the services of the config) at 0.5 vCPU / 1 GB on FARGATE,
 * no Container Insights.
 */
export function workshopStackShape(config: DeployConfig = loadDeployConfig()): StackShape {
  const task = (service: string): TaskShape => ({
    service,
    count: 2,
    vcpu: 0.5,
    memoryGb: 1,
    capacityProvider: 'FARGATE',
    cpuArchitecture: 'X86_64',
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
    tasks: Object.keys(config.services).map(task),
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
