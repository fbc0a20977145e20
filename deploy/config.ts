// deploy/config.yml, read and validated: the environments and the one list of services. The build,
// CI's image builds, the deploy workflow's matrices, the local stack's edge router, the cost
// estimate and the rehearsal all read it through loadDeployConfig; what one environment deploys
// comes from environmentConfig.
//
// Runs under plain `node` (Node 24 strips the types) in the workflow, so it imports only `yaml`,
// `zod/mini` (the schema library the actions use) and Node built-ins, and uses erasable TypeScript.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import * as z from 'zod/mini';
import {
  architectureSchema,
  CODE_DEPLOY_CONFIGS,
  CODE_DEPLOY_HOOK_EVENTS,
  capacitySchema,
  countSchema,
  cpuSchema,
  found,
  int,
  memorySchema,
  SIZING_KEYS,
  type Sizing,
  type SizingOverride,
  sizingOverrideSchema,
  sizingProblems,
  strategySchema,
  usesEc2,
} from './config-fields.ts';

export type {
  Capacity,
  CapacityItem,
  CapacityProvider,
  CodeDeployHookEvent,
  CpuArchitecture,
  Strategy,
} from './config-fields.ts';
export {
  CAPACITY_PROVIDERS,
  CODE_DEPLOY_CONFIGS,
  CODE_DEPLOY_HOOK_EVENTS,
  CPU_ARCHITECTURES,
  capacityProviderStrategy,
  ec2CapacityProviderName,
  STRATEGIES,
  usesEc2,
} from './config-fields.ts';

/** The CODE_DEPLOY settings when deploy/config.yml's `strategies.codeDeploy` gives none. */
export const CODE_DEPLOY_DEFAULTS = {
  deploymentConfig: 'CodeDeployDefault.ECSAllAtOnce',
  terminationWaitMinutes: 5,
} as const;

// A Lambda function by ARN, optionally with a version or alias: what a lifecycle hook names, and
// exactly what the CodeDeploy role may invoke. Named CodeDeployHook_…: the workload boundary
// (bootstrap.yml) lets roles invoke only those, the prefix AWSCodeDeployRoleForECS allows too.
const LAMBDA_ARN =
  /^arn:aws[a-z-]*:lambda:[a-z]{2}(-[a-z]+)+-\d:\d{12}:function:CodeDeployHook_[A-Za-z0-9_-]{1,49}(:[A-Za-z0-9_$-]{1,128})?$/;
const lambdaArnSchema = z.string().check(
  z.regex(LAMBDA_ARN, {
    error: (issue) =>
      `expected a Lambda function ARN whose name starts with CodeDeployHook_ (arn:aws:lambda:<region>:<account>:function:CodeDeployHook_<name>[:<alias>]; the workload boundary allows invoking only those), ${found(issue)}`,
  }),
);
const codeDeployHooksSchema = z.strictObject(
  Object.fromEntries(CODE_DEPLOY_HOOK_EVENTS.map((event) => [event, z.optional(lambdaArnSchema)])) as Record<
    (typeof CODE_DEPLOY_HOOK_EVENTS)[number],
    z.ZodMiniOptional<typeof lambdaArnSchema>
  >,
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `expected only the lifecycle events ${CODE_DEPLOY_HOOK_EVENTS.join(', ')}, found ${issue.keys.join(', ')}`
        : `expected a mapping of lifecycle events to Lambda function ARNs, ${found(issue)}`,
  },
);

/** Deployment alarms of a public service when deploy/config.yml gives none (README: "Rollback on alarms"). */
export const ALARM_DEFAULTS = {
  enabled: true,
  errors5xxPerMinute: 5,
  p99Milliseconds: 1000,
  evaluationMinutes: 2,
} as const;

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const configPath = join(repoRoot, 'deploy', 'config.yml');

/**
 * A service name is its folder under services/, its ECS service, its ECR repository
 * `<env>/<name>`, its stacks `<env>-service-<name>`/`<env>-scaling-<name>` and its task-definition
 * family `<env>-<name>`. No hyphen: the cleanup action tells an environment's families from a
 * longer environment's (`dev-x` vs `dev-2-x`) by the lack of a further hyphen.
 */
export const SERVICE_NAME = /^[a-z][a-z0-9]{1,23}$/;
/** An environment name prefixes its stacks, cluster and roles, and names its GitHub environment (bootstrap.yml's pattern). */
export const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{1,23}$/;

const CODE_DEPLOY_INTERNAL =
  'expected ROLLING for an internal service, found CODE_DEPLOY: CodeDeploy shifts traffic between two target groups behind the load balancer, which only a public service has';

const serviceSchema = z
  .object({
    // public: behind the load balancer on `paths`; internal: reachable through Service Connect only.
    access: z._default(
      z.enum(['public', 'internal'], { error: (issue) => `expected public or internal, ${found(issue)}` }),
      'public',
    ),
    paths: z.optional(
      z
        .array(
          z.string().check(
            z.regex(/^\/[A-Za-z0-9_\-.$/~"'@:+*?&=!%]*$/, {
              error: (issue) => `expected an ALB path pattern starting with /, ${found(issue)}`,
            }),
            z.maxLength(128, { error: 'expected an ALB path pattern of at most 128 characters' }),
          ),
          { error: (issue) => `expected a list of path patterns, ${found(issue)}` },
        )
        .check(
          z.minLength(1, { error: 'expected at least one path pattern' }),
          z.maxLength(5, { error: 'expected at most 5 path patterns (the ALB limit per rule)' }),
        ),
    ),
    priority: z.optional(int('a listener rule priority', 1, 50_000)),
    port: z._default(int('a container port', 1024, 65_535), 8080),
    healthCheckPath: z._default(
      z.string().check(z.regex(/^\/\S*$/, { error: (issue) => `expected a path starting with /, ${found(issue)}` })),
      '/health',
    ),
    // The sizing keys: every environment's starting point, which its `defaults` and
    // `services.<name>` override.
    cpu: z._default(cpuSchema, 256),
    memory: z._default(memorySchema, 512),
    desiredCount: z._default(countSchema, 1),
    minCount: z._default(countSchema, 1),
    maxCount: z._default(int('a task count', 1, 1000), 4),
    capacity: z._default(capacitySchema, 'FARGATE'),
    cpuArchitecture: z._default(architectureSchema, 'X86_64'),
    strategy: z._default(strategySchema, 'ROLLING'),
    // A managed policy the platform stack exports (its output name), attached to the task role.
    taskPolicy: z.optional(
      z
        .string()
        .check(
          z.regex(/^[A-Za-z][A-Za-z0-9]*$/, { error: (issue) => `expected a platform output name, ${found(issue)}` }),
        ),
    ),
    // CODE_DEPLOY only: Lambda functions CodeDeploy runs at lifecycle events of a deployment (the
    // AppSpec's hooks); the service stack's CodeDeploy role may invoke exactly these.
    codeDeployHooks: z.optional(codeDeployHooksSchema),
    // A one-off command run as a task of this service's new revision before it is deployed.
    seed: z.optional(z.string().check(z.minLength(1, { error: 'expected a command' }))),
    // The alarms ECS watches during a deployment of a public service (cloudformation/service.yml
    // makes them on its target groups): one in ALARM fails the deployment and ECS rolls it back.
    alarms: z._default(
      z.strictObject(
        {
          enabled: z._default(
            z.boolean({ error: (issue) => `expected true or false, ${found(issue)}` }),
            ALARM_DEFAULTS.enabled,
          ),
          errors5xxPerMinute: z._default(
            int('a count of 5xx responses per minute', 0, 1_000_000),
            ALARM_DEFAULTS.errors5xxPerMinute,
          ),
          p99Milliseconds: z._default(int('milliseconds', 1, 60_000), ALARM_DEFAULTS.p99Milliseconds),
          evaluationMinutes: z._default(int('minutes', 1, 15), ALARM_DEFAULTS.evaluationMinutes),
        },
        {
          error: (issue) =>
            issue.code === 'unrecognized_keys'
              ? `expected only ${Object.keys(ALARM_DEFAULTS).join(', ')}, found ${issue.keys.join(', ')}`
              : `expected a mapping of alarm settings, ${found(issue)}`,
        },
      ),
      { ...ALARM_DEFAULTS },
    ),
  })
  .check((ctx) => {
    const service = ctx.value;
    const problem = (path: string, message: string) =>
      ctx.issues.push({ code: 'custom', message, input: service, path: [path] });
    if (service.access === 'public') {
      if (!service.paths) problem('paths', 'expected the path patterns a public service answers on, found none');
      if (service.priority === undefined) problem('priority', 'expected the listener rule priority, found none');
    } else {
      if (service.paths) problem('paths', 'expected no path patterns on an internal service (it has no listener rule)');
      if (service.priority !== undefined) problem('priority', 'expected no priority on an internal service');
    }
    for (const { key, message } of sizingProblems(service)) problem(key, message);
    if (service.strategy === 'CODE_DEPLOY' && service.access !== 'public') problem('strategy', CODE_DEPLOY_INTERNAL);
  });

// Graviton instance types carry a `g` after the generation (t4g, m7g, c7gn, x2gd).
const GRAVITON_TYPE = /^[a-z]+\d+[a-z]*g[a-z]*\./;

/** An environment's own EC2 capacity (cloudformation/ec2-capacity.yml); absent means Fargate only. */
const ec2Schema = z
  .strictObject(
    {
      instanceType: z._default(
        z.string().check(
          z.regex(/^[a-z][a-z0-9-]*\d[a-z0-9-]*\.[a-z0-9]+$/, {
            error: (issue) => `expected an EC2 instance type such as t3.small or m7g.large, ${found(issue)}`,
          }),
        ),
        't3.small',
      ),
      minSize: z._default(int('an instance count', 0, 100), 0),
      maxSize: z._default(int('an instance count', 1, 100), 2),
      cpuArchitecture: z._default(architectureSchema, 'X86_64'),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `expected only instanceType, minSize, maxSize, cpuArchitecture, found ${issue.keys.join(', ')}`
          : `expected a mapping of EC2 capacity settings, ${found(issue)}`,
    },
  )
  .check((ctx) => {
    const ec2 = ctx.value;
    const problem = (path: string, message: string) =>
      ctx.issues.push({ code: 'custom', message, input: ec2, path: [path] });
    if (ec2.minSize > ec2.maxSize) {
      problem('minSize', `expected minSize ≤ maxSize, found ${ec2.minSize} > ${ec2.maxSize}`);
    }
    if (GRAVITON_TYPE.test(ec2.instanceType) !== (ec2.cpuArchitecture === 'ARM64')) {
      problem(
        'cpuArchitecture',
        `expected the instance type's architecture, found ${ec2.cpuArchitecture} for ${ec2.instanceType} (Graviton types such as t4g or m7g are ARM64, the others X86_64)`,
      );
    }
  });

const environmentSchema = z.object({
  region: z.string().check(
    z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, {
      error: (issue) => `expected an AWS region name (letters, hyphens, a digit), ${found(issue)}`,
    }),
  ),
  natGatewayCount: z.union([z.literal(0), z.literal(1), z.literal(2)], {
    error: (issue) => `expected 0, 1 or 2, ${found(issue)}`,
  }),
  // EC2 capacity for services whose capacity names EC2 (cloudformation/ec2-capacity.yml).
  ec2: z.optional(ec2Schema),
  // Sizing keys for every service of this environment, over each service's own.
  defaults: z._default(sizingOverrideSchema, {}),
  // Sizing keys for one service in this environment, over everything else.
  services: z._default(
    z.record(z.string(), sizingOverrideSchema, {
      error: (issue) => `expected a mapping of service names to their settings here, ${found(issue)}`,
    }),
    {},
  ),
});

const configSchema = z
  .object({
    environments: z
      .record(z.string().check(z.regex(ENVIRONMENT_NAME)), environmentSchema, {
        error: (issue) =>
          issue.code === 'invalid_key'
            ? "expected an environment name of 2-24 lower-case letters, digits and hyphens, starting with a letter (bootstrap.yml's EnvironmentName; it prefixes the stacks and names the GitHub environment)"
            : `expected a mapping of environment names to their settings, ${found(issue)}`,
      })
      .check(
        z.refine((environments) => Object.keys(environments).length > 0, {
          error: 'expected at least one environment, found none',
        }),
      ),
    services: z
      .record(z.string().check(z.regex(SERVICE_NAME)), serviceSchema, {
        // The key's own error is wrapped in an invalid_key issue, whose message this one decides.
        error: (issue) =>
          issue.code === 'invalid_key'
            ? 'expected a service name of 2-24 lower-case letters and digits, starting with a letter (it names the folder, stacks and task-definition family)'
            : `expected a mapping of service names to their settings, ${found(issue)}`,
      })
      .check(
        z.refine((services) => Object.keys(services).length > 0, {
          error: 'expected at least one service, found none',
        }),
      ),
    strategies: z.object({
      bakeTimeInMinutes: int('minutes', 0, 1440),
      linear: z.object({ stepPercent: int('a percentage', 3, 100), stepBakeTimeInMinutes: int('minutes', 0, 1440) }),
      canary: z.object({
        canaryPercent: int('a percentage', 0, 100),
        canaryBakeTimeInMinutes: int('minutes', 0, 1440),
      }),
      // CODE_DEPLOY services: the deployment group's traffic shifting, and the minutes the old task
      // set keeps running after traffic has moved (the window in which a stop rolls back at once).
      codeDeploy: z._default(
        z.strictObject({
          deploymentConfig: z._default(
            z.enum(CODE_DEPLOY_CONFIGS, {
              error: (issue) => `expected one of ${CODE_DEPLOY_CONFIGS.join(', ')}, ${found(issue)}`,
            }),
            CODE_DEPLOY_DEFAULTS.deploymentConfig,
          ),
          terminationWaitMinutes: z._default(int('minutes', 0, 2880), CODE_DEPLOY_DEFAULTS.terminationWaitMinutes),
        }),
        { ...CODE_DEPLOY_DEFAULTS },
      ),
    }),
  })
  .check((ctx) => {
    const issue = (path: PropertyKey[], input: unknown, message: string) =>
      ctx.issues.push({ code: 'custom', input, path, message });
    const byPriority = new Map<number, string>();
    for (const [name, service] of Object.entries(ctx.value.services)) {
      if (service.priority === undefined) continue;
      const other = byPriority.get(service.priority);
      if (other) {
        issue(
          ['services', name, 'priority'],
          service.priority,
          `expected a priority no other service has, found ${service.priority}, which ${other} has too (the ALB needs one rule per priority)`,
        );
      }
      byPriority.set(service.priority, name);
    }
    for (const [name, service] of Object.entries(ctx.value.services)) {
      if (service.codeDeployHooks === undefined) continue;
      const anywhere = Object.values(ctx.value.environments).some(
        (settings) => resolveSizing(service, settings.defaults, settings.services[name]).strategy === 'CODE_DEPLOY',
      );
      if (!anywhere) {
        issue(
          ['services', name, 'codeDeployHooks'],
          service.codeDeployHooks,
          'expected codeDeployHooks only on a service that deploys with CODE_DEPLOY in some environment, found them on one that never does: set its strategy to CODE_DEPLOY or delete them',
        );
      }
    }
    const names = Object.keys(ctx.value.environments);
    for (const name of names) {
      // Cleanup finds an environment's stacks by the prefix `<name>-`: no name may extend another.
      const longer = names.find((other) => other.startsWith(`${name}-`));
      if (longer) {
        issue(
          ['environments', longer],
          longer,
          `expected environment names that do not start with another one and a hyphen, found ${longer} beside ${name} (their stacks would share the prefix ${name}-): rename one`,
        );
      }
    }
    for (const [environment, settings] of Object.entries(ctx.value.environments)) {
      for (const service of Object.keys(settings.services)) {
        if (!ctx.value.services[service]) {
          issue(
            ['environments', environment, 'services', service],
            service,
            `expected one of the configured services (${Object.keys(ctx.value.services).join(', ')}), found ${service}: add it under services first`,
          );
        }
      }
      if (settings.ec2 !== undefined && settings.natGatewayCount === 0) {
        issue(
          ['environments', environment, 'ec2'],
          settings.ec2,
          `expected natGatewayCount 1 or 2 with EC2 capacity, found 0: awsvpc tasks on EC2 instances get no public IP (assignPublicIp is Fargate only), so in public subnets without NAT they cannot pull their image`,
        );
      }
      for (const [service, entry] of Object.entries(ctx.value.services)) {
        const resolved = resolveSizing(entry, settings.defaults, settings.services[service]);
        const capacityKey =
          settings.services[service]?.capacity !== undefined
            ? ['environments', environment, 'services', service, 'capacity']
            : settings.defaults.capacity !== undefined
              ? ['environments', environment, 'defaults', 'capacity']
              : ['services', service, 'capacity'];
        if (usesEc2(resolved.capacity) && settings.ec2 === undefined) {
          issue(
            capacityKey,
            resolved.capacity,
            `expected FARGATE or FARGATE_SPOT for ${service} in ${environment}, which has no EC2 capacity, found EC2: add environments.${environment}.ec2 (instanceType, minSize, maxSize)`,
          );
        }
        if (usesEc2(resolved.capacity) && settings.ec2 && resolved.cpuArchitecture !== settings.ec2.cpuArchitecture) {
          issue(
            capacityKey,
            resolved.capacity,
            `expected ${service} on EC2 in ${environment} to run on the instances' architecture ${settings.ec2.cpuArchitecture}, found cpuArchitecture ${resolved.cpuArchitecture}`,
          );
        }
        if (resolved.strategy === 'CODE_DEPLOY' && entry.access !== 'public' && entry.strategy !== 'CODE_DEPLOY') {
          issue(
            ['environments', environment, 'services', service, 'strategy'],
            resolved.strategy,
            CODE_DEPLOY_INTERNAL,
          );
        }
        for (const { key, message } of sizingProblems(resolved)) {
          if (sizingProblems(entry).some((own) => own.key === key)) continue; // reported under services already
          issue(
            ['environments', environment, 'services', service, key],
            resolved[key],
            `${message} (in ${environment})`,
          );
        }
      }
    }
  });

function resolveSizing<T extends Sizing>(entry: T, defaults: SizingOverride, own: SizingOverride = {}): T {
  const resolved = { ...entry };
  for (const layer of [defaults, own]) {
    for (const key of SIZING_KEYS) if (layer[key] !== undefined) Object.assign(resolved, { [key]: layer[key] });
  }
  return resolved;
}

type ConfigDocument = z.output<typeof configSchema>;

/**
 * deploy/config.yml, validated, defaults applied. `environment`, `region` and `natGatewayCount`
 * are the default environment's (the first listed): what a tool uses that acts on one environment
 * and is not told which (`npm run rehearse`, prune without `--environment`).
 */
export type DeployConfig = ConfigDocument & { environment: string; region: string; natGatewayCount: 0 | 1 | 2 };
/** One service's entry of deploy/config.yml (in an EnvironmentConfig: with that environment's overrides). */
export type ServiceConfig = ConfigDocument['services'][string];
/** One environment's settings as written under `environments`. */
export type EnvironmentSettings = ConfigDocument['environments'][string];

/** What one environment deploys: its region and NAT count, every service at that environment's size. */
export interface EnvironmentConfig {
  /** Prefixes its stacks, cluster, repositories and task-definition families; names its GitHub environment. */
  environment: string;
  region: string;
  natGatewayCount: 0 | 1 | 2;
  services: Record<string, ServiceConfig>;
  strategies: DeployConfig['strategies'];
  /** Its EC2 capacity (cloudformation/ec2-capacity.yml), when it has one. */
  ec2?: EnvironmentSettings['ec2'];
}

/**
 * Validates a parsed config document.
 * @throws Error listing every problem as `<file>: <key.path>: expected …, found …`.
 */
export function parseDeployConfig(document: unknown, where = 'deploy/config.yml'): DeployConfig {
  const result = z.safeParse(configSchema, document);
  if (result.success) {
    const [environment, settings] = Object.entries(result.data.environments)[0] as [string, EnvironmentSettings];
    return { ...result.data, environment, region: settings.region, natGatewayCount: settings.natGatewayCount };
  }
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.map(String).join('.') || '(top level)';
    const missing = issue.code === 'invalid_type' && valueAt(document, issue.path) === undefined;
    return `${where}: ${key}: ${missing ? 'is required but missing' : issue.message}`;
  });
  throw new Error(`${problems.join('\n')}\nFix the file (its comments say what each key means).`);
}

function valueAt(document: unknown, path: readonly PropertyKey[]): unknown {
  let value = document;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * Reads and validates deploy/config.yml.
 * @throws Error naming each key that is missing or wrong and what it should be.
 */
export function loadDeployConfig(path: string = configPath): DeployConfig {
  const where = path === configPath ? 'deploy/config.yml' : path;
  const config = parseDeployConfig(parse(readFileSync(path, 'utf8')), where);
  const servicesDir = join(dirname(path), '..', 'services');
  const problems = [...serviceConnectProblems(config, servicesDir), ...ec2TaskDefinitionProblems(config, servicesDir)];
  if (problems.length > 0) {
    throw new Error(
      `${problems.map((problem) => `${where}: ${problem}`).join('\n')}\nFix the file (its comments say what each key means).`,
    );
  }
  return config;
}

/**
 * CODE_DEPLOY services whose service file turns Service Connect on: "Service Connect doesn't
 * support ... services that use the blue/green powered by CodeDeploy and external deployment
 * types" (Amazon ECS Developer Guide, "Service Connect considerations"), so CreateService would
 * refuse it. Each problem names the key that chose CODE_DEPLOY. A service without a folder (a
 * config under test) is not checked.
 */
export function serviceConnectProblems(config: DeployConfig, servicesDir: string): string[] {
  const problems: string[] = [];
  for (const [service, entry] of Object.entries(config.services)) {
    const environments = environmentNames(config).filter(
      (name) => environmentConfig(config, name).services[service]?.strategy === 'CODE_DEPLOY',
    );
    const file = join(servicesDir, service, 'deploy', 'service.yml');
    if (environments.length === 0 || !existsSync(file)) continue;
    const definition = parse(readFileSync(file, 'utf8')) as { serviceConnectConfiguration?: { enabled?: unknown } };
    if (definition?.serviceConnectConfiguration?.enabled !== true) continue;
    const first = environments[0] ?? '';
    const key =
      entry.strategy === 'CODE_DEPLOY'
        ? `services.${service}.strategy`
        : config.environments[first]?.services[service]?.strategy === 'CODE_DEPLOY'
          ? `environments.${first}.services.${service}.strategy`
          : `environments.${first}.defaults.strategy`;
    problems.push(
      `${key}: expected a strategy that works with Service Connect for ${service} (in ${environments.join(', ')}), found CODE_DEPLOY: ` +
        `services/${service}/deploy/service.yml sets serviceConnectConfiguration.enabled: true, and ECS Service Connect doesn't support services that use the blue/green deployment type powered by CodeDeploy ` +
        '(Amazon ECS Developer Guide, "Service Connect considerations"). Use BLUE_GREEN, LINEAR or CANARY (ECS\'s own blue/green, which keeps Service Connect), ' +
        'or delete serviceConnectConfiguration from that file (no service can then reach this one by its name).',
    );
  }
  return problems;
}

/**
 * Services placed on EC2 in some environment whose task definition file cannot run there: ECS
 * places a task on EC2 only if requiresCompatibilities lists EC2, and the environment's subnets and
 * security groups reach a task only in the awsvpc network mode. A service without a folder is not
 * checked.
 */
export function ec2TaskDefinitionProblems(config: DeployConfig, servicesDir: string): string[] {
  const problems: string[] = [];
  for (const service of Object.keys(config.services)) {
    const environments = environmentNames(config).filter((name) => {
      const entry = environmentConfig(config, name).services[service];
      return entry !== undefined && usesEc2(entry.capacity);
    });
    const file = join(servicesDir, service, 'deploy', 'task-definition.yml');
    if (environments.length === 0 || !existsSync(file)) continue;
    const definition = (parse(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
    const compatibilities = Array.isArray(definition.requiresCompatibilities) ? definition.requiresCompatibilities : [];
    const where = `services/${service}/deploy/task-definition.yml`;
    if (!compatibilities.includes('EC2')) {
      problems.push(
        `${where}: requiresCompatibilities: expected EC2 in it, as ${service} runs on EC2 capacity in ${environments.join(', ')}, found ${JSON.stringify(compatibilities)}: list both, [FARGATE, EC2]`,
      );
    }
    if (definition.networkMode !== 'awsvpc') {
      problems.push(
        `${where}: networkMode: expected awsvpc (the environment's subnets and security groups, on Fargate and EC2 alike), found ${JSON.stringify(definition.networkMode)}`,
      );
    }
  }
  return problems;
}

/** A CODE_DEPLOY service's lifecycle hooks as ecs-deploy's `codedeploy-hooks` input takes them (`Event=FunctionArn` lines). */
export function codeDeployHookLines(entry: Pick<ServiceConfig, 'codeDeployHooks'>): string {
  return Object.entries(entry.codeDeployHooks ?? {})
    .filter(([, arn]) => arn !== undefined)
    .map(([event, arn]) => `${event}=${arn}`)
    .join('\n');
}

/** The environment names in config order; the first is the default. */
export function environmentNames(config: DeployConfig): string[] {
  return Object.keys(config.environments);
}

/**
 * What one environment deploys: each service's entry with the environment's `defaults`, then its
 * `services.<name>`, laid over it. Without a name, the default (first) environment.
 * @throws Error naming the environments there are, when `name` is not one of them.
 */
export function environmentConfig(config: DeployConfig, name: string = config.environment): EnvironmentConfig {
  const settings = config.environments[name];
  if (!settings) {
    throw new Error(
      `expected one of the environments of deploy/config.yml (${environmentNames(config).join(', ')}), found '${name}': pick one of those or add it under environments`,
    );
  }
  const services = Object.fromEntries(
    Object.entries(config.services).map(([service, entry]) => [
      service,
      resolveSizing(entry, settings.defaults, settings.services[service]),
    ]),
  );
  return {
    environment: name,
    region: settings.region,
    natGatewayCount: settings.natGatewayCount,
    services,
    strategies: config.strategies,
    ...(settings.ec2 === undefined ? {} : { ec2: settings.ec2 }),
  };
}

/** The service names in config order. */
export function serviceNames(config: Pick<DeployConfig, 'services'>): string[] {
  return Object.keys(config.services);
}

/** Stack names of one service: its own stack and its scaling stack. */
export function serviceStackNames(environment: string, service: string): { service: string; scaling: string } {
  return { service: `${environment}-service-${service}`, scaling: `${environment}-scaling-${service}` };
}
