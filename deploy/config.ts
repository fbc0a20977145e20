// deploy/config.yml, read and validated: the one list of environments and services. The build,
// CI's image builds, the deploy workflow's matrices, the local stack's edge router, the cost
// estimate and the rehearsal all read it through loadDeployConfig.
//
// Runs under plain `node` (Node 24 strips the types) in the workflow, so it imports only `yaml`,
// `zod/mini` (the schema library the actions use) and Node built-ins, and uses erasable TypeScript.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import * as z from 'zod/mini';

export const STRATEGIES = ['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** Deployment alarms of a public service when deploy/config.yml gives none (README: "Rollback on alarms"). */
export const ALARM_DEFAULTS = {
  enabled: true,
  errors5xxPerMinute: 5,
  p99Milliseconds: 1000,
  evaluationMinutes: 2,
} as const;

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const configPath = join(repoRoot, 'deploy', 'config.yml');

// Fargate's task sizes: CPU units → the memory (MiB) each allows.
const FARGATE_MEMORY: Record<number, { min: number; max: number; step: number }> = {
  256: { min: 512, max: 2048, step: 512 },
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

const found = (issue: { input?: unknown }) => `found ${JSON.stringify(issue.input) ?? 'nothing'}`;
const int = (what: string, min: number, max: number) =>
  z
    .int({ error: (issue) => `expected ${what}, a whole number, ${found(issue)}` })
    .check(
      z.gte(min, { error: (issue) => `expected ${what} of at least ${min}, ${found(issue)}` }),
      z.lte(max, { error: (issue) => `expected ${what} of at most ${max}, ${found(issue)}` }),
    );

/**
 * A service name is its folder under services/, its ECS service, its ECR repository
 * `<env>/<name>`, its stacks `<env>-service-<name>`/`<env>-scaling-<name>` and its task-definition
 * family `<env>-<name>`. No hyphen: the cleanup action tells an environment's families from a
 * longer environment's (`dev-x` vs `dev-2-x`) by the lack of a further hyphen.
 */
export const SERVICE_NAME = /^[a-z][a-z0-9]{1,23}$/;

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
    cpu: z._default(
      z.number().check(
        z.refine((cpu) => cpu in FARGATE_MEMORY, {
          error: (issue) =>
            `expected Fargate CPU units, one of ${Object.keys(FARGATE_MEMORY).join(', ')}, ${found(issue)}`,
        }),
      ),
      256,
    ),
    memory: z._default(int('memory in MiB', 512, 122_880), 512),
    desiredCount: z._default(int('a task count', 0, 1000), 1),
    minCount: z._default(int('a task count', 0, 1000), 1),
    maxCount: z._default(int('a task count', 1, 1000), 4),
    strategy: z._default(
      z.enum(STRATEGIES, { error: (issue) => `expected one of ${STRATEGIES.join(', ')}, ${found(issue)}` }),
      'ROLLING',
    ),
    // A managed policy the platform stack exports (its output name), attached to the task role.
    taskPolicy: z.optional(
      z
        .string()
        .check(
          z.regex(/^[A-Za-z][A-Za-z0-9]*$/, { error: (issue) => `expected a platform output name, ${found(issue)}` }),
        ),
    ),
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
    const memory = FARGATE_MEMORY[service.cpu];
    if (memory && (service.memory < memory.min || service.memory > memory.max || service.memory % memory.step)) {
      problem(
        'memory',
        `expected ${memory.min}-${memory.max} MiB in steps of ${memory.step} for cpu ${service.cpu} (Fargate), found ${service.memory}`,
      );
    }
    if (service.minCount > service.desiredCount || service.desiredCount > service.maxCount) {
      problem(
        'desiredCount',
        `expected minCount ≤ desiredCount ≤ maxCount, found ${service.minCount} ≤ ${service.desiredCount} ≤ ${service.maxCount}`,
      );
    }
  });

const configSchema = z
  .object({
    environment: z.string().check(
      z.regex(/^[a-z][a-z0-9-]{1,23}$/, {
        error: (issue) =>
          `expected 2-24 lower-case letters, digits and hyphens (as bootstrap.yml's EnvironmentName), ${found(issue)}`,
      }),
    ),
    region: z.string().check(
      z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, {
        error: (issue) => `expected an AWS region name (letters, hyphens, a digit), ${found(issue)}`,
      }),
    ),
    natGatewayCount: z.union([z.literal(0), z.literal(1), z.literal(2)], {
      error: (issue) => `expected 0, 1 or 2, ${found(issue)}`,
    }),
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
    }),
  })
  .check((ctx) => {
    const byPriority = new Map<number, string>();
    for (const [name, service] of Object.entries(ctx.value.services)) {
      if (service.priority === undefined) continue;
      const other = byPriority.get(service.priority);
      if (other) {
        ctx.issues.push({
          code: 'custom',
          input: service.priority,
          path: ['services', name, 'priority'],
          message: `expected a priority no other service has, found ${service.priority}, which ${other} has too (the ALB needs one rule per priority)`,
        });
      }
      byPriority.set(service.priority, name);
    }
  });

/** deploy/config.yml, validated, defaults applied. */
export type DeployConfig = z.output<typeof configSchema>;
/** One service's entry of deploy/config.yml. */
export type ServiceConfig = DeployConfig['services'][string];

/**
 * Validates a parsed config document.
 * @throws Error listing every problem as `<file>: <key.path>: expected …, found …`.
 */
export function parseDeployConfig(document: unknown, where = 'deploy/config.yml'): DeployConfig {
  const result = z.safeParse(configSchema, document);
  if (result.success) return result.data;
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
  return parseDeployConfig(parse(readFileSync(path, 'utf8')), where);
}

/** The service names in config order. */
export function serviceNames(config: DeployConfig): string[] {
  return Object.keys(config.services);
}

/** Stack names of one service: its own stack and its scaling stack. */
export function serviceStackNames(environment: string, service: string): { service: string; scaling: string } {
  return { service: `${environment}-service-${service}`, scaling: `${environment}-scaling-${service}` };
}
