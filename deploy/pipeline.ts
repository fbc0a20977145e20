// The deploy pipeline's decisions, shared by .github/workflows/deploy.yml and `npm run rehearse`:
// deciding what a push changed, and turning deploy/config.yml's entry of a service in one
// environment plus its services/<name>/deploy/ files into what the jobs need: the parameters of
// its service and scaling stacks, its task definition at that environment's size and CPU
// architecture, its CreateService input for that environment's strategy, task count and capacity.
// Every function takes one environment (environmentConfig); given the whole config, it acts on the
// default (first) environment.
//
// The workflow runs this file with plain `node deploy/pipeline.ts <command>` (Node 24 strips the
// types), so it imports nothing but `yaml`, `zod/mini` (through config.ts) and Node built-ins and
// uses only erasable TypeScript.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import {
  capacityProviderStrategy,
  type DeployConfig,
  type EnvironmentConfig,
  ec2CapacityProviderName,
  environmentConfig,
  environmentNames,
  loadDeployConfig,
  repoRoot,
  type ServiceConfig,
  type Strategy,
} from './config.ts';
// The command line lives in its own file; it calls back into this one only when run.
import { runPipelineCli } from './pipeline-cli.ts';

export type { DeployConfig, EnvironmentConfig, ServiceConfig, Strategy } from './config.ts';
export { configPath, environmentConfig, environmentNames, loadDeployConfig, repoRoot, STRATEGIES } from './config.ts';

/** The whole config (its default environment) or one environment. */
export type ConfigOrEnvironment = DeployConfig | EnvironmentConfig;
const inEnvironment = (config: ConfigOrEnvironment): EnvironmentConfig =>
  'environments' in config ? environmentConfig(config) : config;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What one run of the deploy workflow does. */
export interface ChangePlan {
  /** Services to build, push and deploy (in config order). */
  services: string[];
  /** Deploy network.yml, platform.yml and every service's stack (service.yml). */
  infra: boolean;
  /** Services whose scaling stack is deployed. */
  scaling: string[];
  /** Rebuilt services with a `seed` command: it runs as a one-off task before their deploy. */
  seed: string[];
  /** Why: one line per decision, for the log and the summary. */
  reasons: string[];
}

// Files every image is built from (the Dockerfile copies them), so a change rebuilds all services.
const SHARED_BUILD_INPUTS = [
  'package.json',
  'package-lock.json',
  'scripts/build.mjs',
  '.dockerignore',
  'services/Dockerfile',
];
const SHARED_BUILD_DIRS = ['services/kit/'];
// A change to the pipeline itself (or its config) runs everything once.
const EVERYTHING = ['deploy/config.yml', 'deploy/config.ts', 'deploy/pipeline.ts', '.github/workflows/deploy.yml'];
const INFRA = ['cloudformation/network.yml', 'cloudformation/platform.yml', 'cloudformation/service.yml'];

/**
 * Decides what a push changed. `changedFiles` undefined means there is no earlier successful
 * deploy to compare with (first run, manual dispatch, or history that no longer has that commit):
 * everything is deployed, in order.
 */
export function planChanges(options: { config: ConfigOrEnvironment; changedFiles: string[] | undefined }): ChangePlan {
  const { config } = options;
  const all = Object.keys(config.services);
  const seeded = (services: string[]) => services.filter((service) => config.services[service]?.seed !== undefined);
  const files = options.changedFiles;
  const full = (reason: string): ChangePlan => ({
    services: all,
    infra: true,
    scaling: all,
    seed: seeded(all),
    reasons: [reason],
  });
  if (files === undefined) return full('no earlier successful deploy to compare with: deploying everything');
  const everything = files.find((file) => EVERYTHING.includes(file));
  if (everything) return full(`${everything} changed: deploying everything`);
  const reasons: string[] = [];
  const services = all.filter((service) => {
    const hit = files.find(
      (file) =>
        SHARED_BUILD_INPUTS.includes(file) ||
        SHARED_BUILD_DIRS.some((dir) => file.startsWith(dir)) ||
        (file.startsWith(`services/${service}/`) && !file.startsWith(`services/${service}/test/`)),
    );
    if (hit) reasons.push(`${service}: rebuilt and redeployed (${hit} changed)`);
    return hit !== undefined;
  });
  const infraFile = files.find((file) => INFRA.includes(file));
  if (infraFile) reasons.push(`infra: ${infraFile} changed`);
  const scalingChanged = files.includes('cloudformation/scaling.yml');
  const scaling = scalingChanged ? all : services;
  if (scalingChanged) reasons.push('scaling: cloudformation/scaling.yml changed, every service');
  if (reasons.length === 0) reasons.push('nothing that is deployed changed');
  return { services, infra: infraFile !== undefined, scaling, seed: seeded(services), reasons };
}

/** One service of one environment. @throws Error naming the configured services when it is not one. */
export function serviceEntry(config: EnvironmentConfig, service: string): ServiceConfig {
  const entry = config.services[service];
  if (!entry) {
    throw new Error(
      `expected service '${service}' in deploy/config.yml, found only ${Object.keys(config.services).join(', ')}`,
    );
  }
  return entry;
}

/**
 * cloudformation/service.yml's parameters for one service, as cfn-deploy's `Key=Value` lines take them.
 * `CodeDeployServiceExists` (a CODE_DEPLOY service's deployment group needs the ECS service, which
 * ecs-deploy creates after this stack) is only sent when `serviceExists` is given: otherwise
 * cfn-deploy keeps the stack's previous value (false on the first create).
 */
export function serviceStackParameters(
  options: ConfigOrEnvironment,
  service: string,
  existing: { serviceExists?: boolean } = {},
): Record<string, string> {
  const config = inEnvironment(options);
  const entry = serviceEntry(config, service);
  const hookArns = [...new Set(Object.values(entry.codeDeployHooks ?? {}))];
  return {
    EnvironmentName: config.environment,
    ServiceName: service,
    Access: entry.access,
    PathPatterns: (entry.paths ?? []).join(','),
    ListenerRulePriority: String(entry.priority ?? 1),
    ContainerPort: String(entry.port),
    HealthCheckPath: entry.healthCheckPath,
    TaskPolicyExport: entry.taskPolicy ?? '',
    DeploymentAlarms: String(entry.alarms.enabled),
    AlarmErrors5xxPerMinute: String(entry.alarms.errors5xxPerMinute),
    AlarmP99Milliseconds: String(entry.alarms.p99Milliseconds),
    AlarmEvaluationMinutes: String(entry.alarms.evaluationMinutes),
    DeploymentController: entry.strategy === 'CODE_DEPLOY' ? 'CODE_DEPLOY' : 'ECS',
    CodeDeployConfig: config.strategies.codeDeploy.deploymentConfig,
    CodeDeployTerminationWaitMinutes: String(config.strategies.codeDeploy.terminationWaitMinutes),
    CodeDeployHookFunctionArns: hookArns.join(','),
    ...(existing.serviceExists === undefined ? {} : { CodeDeployServiceExists: String(existing.serviceExists) }),
  };
}

/** cloudformation/scaling.yml's parameters for one service (the target group is looked up live). */
export function scalingStackParameters(options: ConfigOrEnvironment, service: string): Record<string, string> {
  const config = inEnvironment(options);
  const entry = serviceEntry(config, service);
  return {
    EnvironmentName: config.environment,
    ServiceName: service,
    MinCapacity: String(entry.minCount),
    MaxCapacity: String(entry.maxCount),
  };
}

/** cloudformation/network.yml's parameters in one environment. */
export function networkStackParameters(options: ConfigOrEnvironment): Record<string, string> {
  const config = inEnvironment(options);
  return { EnvironmentName: config.environment, NatGatewayCount: String(config.natGatewayCount) };
}

/**
 * cloudformation/platform.yml's parameters in one environment (the rest keep their defaults): with
 * EC2 capacity, the cluster lists its capacity provider (deploy ec2-capacity.yml first).
 */
export function platformStackParameters(options: ConfigOrEnvironment): Record<string, string> {
  const config = inEnvironment(options);
  return {
    EnvironmentName: config.environment,
    Ec2CapacityProviderName: config.ec2 === undefined ? '' : ec2CapacityProviderName(config.environment),
  };
}

/**
 * cloudformation/ec2-capacity.yml's parameters in one environment (stack `<env>-ec2-capacity`,
 * deployed after the network and before the platform), or undefined when it has no EC2 capacity.
 */
export function ec2CapacityStackParameters(options: ConfigOrEnvironment): Record<string, string> | undefined {
  const config = inEnvironment(options);
  if (config.ec2 === undefined) return undefined;
  return {
    EnvironmentName: config.environment,
    InstanceType: config.ec2.instanceType,
    CpuArchitecture: config.ec2.cpuArchitecture,
    MinSize: String(config.ec2.minSize),
    MaxSize: String(config.ec2.maxSize),
    // EC2 capacity needs NAT gateways (deploy/config.ts), so the instances sit in private subnets.
    AssignPublicIp: String(config.natGatewayCount === 0),
  };
}

export const DOCKER_PLATFORMS = { X86_64: 'linux/amd64', ARM64: 'linux/arm64' } as const;

/**
 * Per service, the image platforms every environment together runs (`docker buildx --platform`):
 * an image is built once and promoted by digest, so it carries each architecture any environment
 * asks for.
 */
export function imagePlatforms(config: DeployConfig): Record<string, string[]> {
  const environments = environmentNames(config).map((name) => environmentConfig(config, name));
  return Object.fromEntries(
    Object.keys(config.services).map((service) => {
      const wanted = new Set(environments.map((env) => serviceEntry(env, service).cpuArchitecture));
      const platforms = (['X86_64', 'ARM64'] as const)
        .filter((arch) => wanted.has(arch))
        .map((a) => DOCKER_PLATFORMS[a]);
      return [service, platforms];
    }),
  );
}

/** `Key=Value` lines, the shape of cfn-deploy's `parameters` input. */
export function parameterLines(parameters: Record<string, string>): string {
  return Object.entries(parameters)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
}

function readServiceFile(service: string, file: string): Json {
  const path = join(repoRoot, 'services', service, 'deploy', file);
  const document: unknown = parse(readFileSync(path, 'utf8'));
  if (!isObject(document)) throw new Error(`expected services/${service}/deploy/${file} to hold one mapping`);
  return document;
}

/**
 * services/<name>/deploy/task-definition.yml at the size deploy/config.yml gives it in one
 * environment: the task's cpu, memory and runtimePlatform.cpuArchitecture, and the service
 * container's hard memory limit when it sets one.
 * @throws Error when the service container's first port is not the configured port.
 */
export function composeTaskDefinition(options: { definition: Json; service: string; entry: ServiceConfig }): Json {
  const { service, entry } = options;
  const definition = structuredClone(options.definition);
  definition.cpu = String(entry.cpu);
  definition.memory = String(entry.memory);
  const platform = isObject(definition.runtimePlatform) ? definition.runtimePlatform : {};
  if (platform.cpuArchitecture !== undefined) {
    throw new Error(
      `expected no runtimePlatform.cpuArchitecture in services/${service}/deploy/task-definition.yml (deploy/config.yml's cpuArchitecture sets it per environment), found ${JSON.stringify(platform.cpuArchitecture)}: delete it there`,
    );
  }
  definition.runtimePlatform = {
    ...platform,
    cpuArchitecture: entry.cpuArchitecture,
    operatingSystemFamily: platform.operatingSystemFamily ?? 'LINUX',
  };
  const containers = Array.isArray(definition.containerDefinitions) ? definition.containerDefinitions : [];
  const container = containers.find(
    (candidate): candidate is Json => isObject(candidate) && candidate.name === service,
  );
  if (!container) {
    throw new Error(
      `expected a container named '${service}' in services/${service}/deploy/task-definition.yml (the load balancer and Service Connect name it), found ${containers.map((c) => (isObject(c) ? String(c.name) : '?')).join(', ') || 'none'}`,
    );
  }
  if (container.memory !== undefined) container.memory = entry.memory;
  const ports = Array.isArray(container.portMappings) ? container.portMappings : [];
  const port = isObject(ports[0]) ? ports[0].containerPort : undefined;
  if (port !== entry.port) {
    throw new Error(
      `expected container '${service}' to listen on port ${entry.port} (deploy/config.yml services.${service}.port), found portMappings[0].containerPort ${JSON.stringify(port)}: make them agree`,
    );
  }
  return definition;
}

/** Every service's task definition at its size and architecture in one environment. */
export function taskDefinitions(options: ConfigOrEnvironment): Record<string, Json> {
  const config = inEnvironment(options);
  return Object.fromEntries(
    Object.entries(config.services).map(([service, entry]) => [
      service,
      composeTaskDefinition({ definition: readServiceFile(service, 'task-definition.yml'), service, entry }),
    ]),
  );
}

/**
 * Turns services/<name>/deploy/service.yml (which carries the blue/green load balancer settings)
 * into the CreateService input for one strategy: ROLLING drops the advanced configuration and keeps
 * the circuit breaker; the native strategies get their bake time and step settings.
 */
export function composeServiceDefinition(options: {
  definition: Json;
  strategy: Strategy;
  strategies: DeployConfig['strategies'];
}): Json {
  const { strategy, strategies } = options;
  const definition = structuredClone(options.definition);
  const base = isObject(definition.deploymentConfiguration) ? definition.deploymentConfiguration : {};
  const { bakeTimeInMinutes: _b, linearConfiguration: _l, canaryConfiguration: _c, ...common } = base;
  if (strategy === 'CODE_DEPLOY') return codeDeployServiceDefinition(definition, common);
  const deploymentConfiguration: Json = { ...common, strategy };
  if (strategy === 'ROLLING') {
    if (Array.isArray(definition.loadBalancers)) {
      definition.loadBalancers = definition.loadBalancers.map((lb) => {
        if (!isObject(lb)) return lb;
        const { advancedConfiguration: _a, ...rest } = lb;
        return rest;
      });
    }
  } else {
    deploymentConfiguration.bakeTimeInMinutes = strategies.bakeTimeInMinutes;
    if (strategy === 'LINEAR') deploymentConfiguration.linearConfiguration = { ...strategies.linear };
    if (strategy === 'CANARY') deploymentConfiguration.canaryConfiguration = { ...strategies.canary };
  }
  definition.deploymentConfiguration = deploymentConfiguration;
  return definition;
}

/**
 * A CODE_DEPLOY service: the CODE_DEPLOY controller, one plain load balancer entry (CodeDeploy's
 * deployment group names the second target group and the listeners), and of the deployment
 * configuration only the task limits: the strategy, circuit breaker and deployment alarms are the
 * ECS controller's (the deployment group rolls back on the stack's alarms instead).
 */
function codeDeployServiceDefinition(definition: Json, common: Json): Json {
  const { strategy: _s, deploymentCircuitBreaker: _d, alarms: _a, ...limits } = common;
  definition.deploymentController = { type: 'CODE_DEPLOY' };
  if (Array.isArray(definition.loadBalancers)) {
    definition.loadBalancers = definition.loadBalancers.map((lb) => {
      if (!isObject(lb)) return lb;
      const { advancedConfiguration: _c, ...rest } = lb;
      return rest;
    });
  }
  definition.deploymentConfiguration = limits;
  return definition;
}

// The outputs of cloudformation/service.yml's deployment alarms (condition HasAlarms).
const STACK_ALARM_OUTPUTS = ['Errors5xxAlarmName', 'ResponseTimeAlarmName'];
const STACK_ALARM = new RegExp(`^\\$\\{stack:service:(${STACK_ALARM_OUTPUTS.join('|')})\\}$`);

/**
 * Fits deploymentConfiguration.alarms of a service file to its stack: a stack that makes no alarms
 * (an internal service, or `alarms.enabled: false`) has no alarm outputs, so their placeholders
 * leave alarmNames, and the whole block goes when no name is left. Names of alarms the file brings
 * itself stay.
 */
export function fitDeploymentAlarms(options: { definition: Json; entry: ServiceConfig }): Json {
  const definition = structuredClone(options.definition);
  const { entry } = options;
  const configuration = isObject(definition.deploymentConfiguration) ? definition.deploymentConfiguration : undefined;
  const alarms = isObject(configuration?.alarms) ? configuration.alarms : undefined;
  if (!configuration || !alarms || (entry.access === 'public' && entry.alarms.enabled)) return definition;
  const names = Array.isArray(alarms.alarmNames) ? alarms.alarmNames : [];
  const kept = names.filter((name) => !(typeof name === 'string' && STACK_ALARM.test(name)));
  if (kept.length > 0) configuration.alarms = { ...alarms, alarmNames: kept };
  else delete configuration.alarms;
  return definition;
}

/**
 * Every service's deploy/service.yml in one environment: its desiredCount, its capacity as a
 * capacityProviderStrategy, the container port, fitted to its strategy (or `strategyOverride`) and
 * to whether its stack makes deployment alarms.
 * Always a capacityProviderStrategy, never a launchType: UpdateService can move a service between
 * FARGATE and FARGATE_SPOT, but not from the Fargate launch type to a Fargate capacity provider
 * (UpdateService, capacityProviderStrategy: the valid transitions).
 * @throws Error when a public service has no load balancer in its file, or an internal one has.
 */
export function serviceDefinitions(options: ConfigOrEnvironment, strategyOverride?: Strategy): Record<string, Json> {
  const config = inEnvironment(options);
  return Object.fromEntries(
    Object.entries(config.services).map(([service, entry]) => {
      const definition = readServiceFile(service, 'service.yml');
      definition.desiredCount = entry.desiredCount;
      for (const key of ['launchType', 'capacityProviderStrategy']) {
        if (definition[key] !== undefined) {
          throw new Error(
            `expected no ${key} in services/${service}/deploy/service.yml (deploy/config.yml's capacity sets the capacityProviderStrategy per environment), found ${JSON.stringify(definition[key])}: delete it there`,
          );
        }
      }
      // EC2 is the environment's own capacity provider, by the name ECS knows it.
      definition.capacityProviderStrategy = capacityProviderStrategy(entry.capacity).map((item) =>
        item.capacityProvider === 'EC2'
          ? { ...item, capacityProvider: ec2CapacityProviderName(config.environment) }
          : item,
      );
      const loadBalancers = Array.isArray(definition.loadBalancers) ? definition.loadBalancers : [];
      if (loadBalancers.length > 0 !== (entry.access === 'public')) {
        throw new Error(
          `expected services/${service}/deploy/service.yml ${entry.access === 'public' ? 'to attach its load balancer target group (loadBalancers)' : 'to have no loadBalancers'}, as deploy/config.yml says access: ${entry.access}`,
        );
      }
      for (const lb of loadBalancers) if (isObject(lb)) lb.containerPort = entry.port;
      const strategy = strategyOverride ?? entry.strategy;
      const fitted = fitDeploymentAlarms({ definition, entry });
      return [service, composeServiceDefinition({ definition: fitted, strategy, strategies: config.strategies })];
    }),
  );
}

/** Files changed between `base` and HEAD; undefined when `base` is no commit of this clone. */
export function changedFilesSince(base: string): string[] | undefined {
  if (!/^[0-9a-f]{40}$/.test(base)) return undefined;
  try {
    const out = execFileSync('git', ['diff', '--name-only', base, 'HEAD'], { cwd: repoRoot, encoding: 'utf8' });
    return out.split('\n').filter(Boolean);
  } catch {
    return undefined; // the commit is not in this clone's history (force-push, shallow clone)
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    for (const line of runPipelineCli({ argv: process.argv.slice(2), config: loadDeployConfig() })) console.log(line);
  } catch (error) {
    console.error(`::error::${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
