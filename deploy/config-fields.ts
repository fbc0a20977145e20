// The schemas of deploy/config.yml's single values (sizes, counts, capacity, architecture) and the
// checks that need several of them at once. config.ts puts them together into the document; an
// environment's overrides use the same field schemas without defaults, and the combined checks run
// again on what each environment ends up deploying.
//
// Runs under plain `node` (see config.ts): only `zod/mini` and erasable TypeScript.
import * as z from 'zod/mini';

export const STRATEGIES = ['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY', 'CODE_DEPLOY'] as const;
export type Strategy = (typeof STRATEGIES)[number];
/** CodeDeploy's predefined deployment configurations for ECS (CodeDeploy guide, "Deployment configurations"). */
export const CODE_DEPLOY_CONFIGS = [
  'CodeDeployDefault.ECSAllAtOnce',
  'CodeDeployDefault.ECSLinear10PercentEvery1Minutes',
  'CodeDeployDefault.ECSLinear10PercentEvery3Minutes',
  'CodeDeployDefault.ECSCanary10Percent5Minutes',
  'CodeDeployDefault.ECSCanary10Percent15Minutes',
] as const;
/** The AppSpec lifecycle events of an ECS deployment a hook Lambda may run at (CodeDeploy AppSpec "hooks" for ECS). */
export const CODE_DEPLOY_HOOK_EVENTS = [
  'BeforeInstall',
  'AfterInstall',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
] as const;
export type CodeDeployHookEvent = (typeof CODE_DEPLOY_HOOK_EVENTS)[number];
/** FARGATE, FARGATE_SPOT, or EC2: the environment's own EC2 capacity provider (`<env>-ec2`, cloudformation/ec2-capacity.yml). */
export const CAPACITY_PROVIDERS = ['FARGATE', 'FARGATE_SPOT', 'EC2'] as const;
export type CapacityProvider = (typeof CAPACITY_PROVIDERS)[number];
export const CPU_ARCHITECTURES = ['X86_64', 'ARM64'] as const;
export type CpuArchitecture = (typeof CPU_ARCHITECTURES)[number];

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

export const found = (issue: { input?: unknown }) => `found ${JSON.stringify(issue.input) ?? 'nothing'}`;
export const int = (what: string, min: number, max: number) =>
  z
    .int({ error: (issue) => `expected ${what}, a whole number, ${found(issue)}` })
    .check(
      z.gte(min, { error: (issue) => `expected ${what} of at least ${min}, ${found(issue)}` }),
      z.lte(max, { error: (issue) => `expected ${what} of at most ${max}, ${found(issue)}` }),
    );

export const cpuSchema = z.number().check(
  z.refine((cpu) => cpu in FARGATE_MEMORY, {
    error: (issue) => `expected Fargate CPU units, one of ${Object.keys(FARGATE_MEMORY).join(', ')}, ${found(issue)}`,
  }),
);
export const memorySchema = int('memory in MiB', 512, 122_880);
export const countSchema = int('a task count', 0, 1000);
export const strategySchema = z.enum(STRATEGIES, {
  error: (issue) => `expected one of ${STRATEGIES.join(', ')}, ${found(issue)}`,
});
export const architectureSchema = z.enum(CPU_ARCHITECTURES, {
  error: (issue) => `expected X86_64 or ARM64 (the task definition's runtimePlatform.cpuArchitecture), ${found(issue)}`,
});

// One item of ECS's capacityProviderStrategy, in ECS's own member names.
const capacityItemSchema = z.object({
  capacityProvider: z.enum(CAPACITY_PROVIDERS, {
    error: (issue) => `expected FARGATE, FARGATE_SPOT or EC2, ${found(issue)}`,
  }),
  weight: int('a weight', 0, 1000),
  base: z.optional(int('a base task count', 0, 100_000)),
});
export type CapacityItem = z.output<typeof capacityItemSchema>;

/** FARGATE, FARGATE_SPOT, or a weighted mix: ECS's capacityProviderStrategy items. */
export const capacitySchema = z
  .union([z.enum(CAPACITY_PROVIDERS), z.array(capacityItemSchema)], {
    error: (issue) =>
      `expected FARGATE, FARGATE_SPOT, EC2 or a list of { capacityProvider, weight, base } (a weighted mix), ${found(issue)}`,
  })
  // On the union, not the list: a failed check inside one option would hide behind the union's error.
  .check((ctx) => {
    const items = ctx.value;
    if (typeof items === 'string') return;
    const problem = (message: string) => ctx.issues.push({ code: 'custom', message, input: items });
    const providers = items.map((item) => item.capacityProvider);
    if (items.length === 0) problem('expected at least one capacity provider, found none');
    if (new Set(providers).size !== providers.length) {
      problem(`expected each capacity provider once, found ${providers.join(', ')}`);
    }
    if (items.filter((item) => item.base !== undefined).length > 1) {
      problem('expected a base on one capacity provider at most (ECS allows one), found it on several');
    }
    if (items.length > 0 && items.every((item) => item.weight === 0)) {
      problem('expected a weight above 0 on at least one capacity provider, found only 0');
    }
  });
export type Capacity = z.output<typeof capacitySchema>;

/** The capacity as a list of capacityProviderStrategy items, in the config's provider names (EC2). */
export function capacityProviderStrategy(capacity: Capacity): CapacityItem[] {
  return typeof capacity === 'string'
    ? [{ capacityProvider: capacity, weight: 1 }]
    : capacity.map((item) => ({ ...item }));
}

/** The name ECS knows an environment's EC2 capacity provider by (cloudformation/ec2-capacity.yml). */
export function ec2CapacityProviderName(environment: string): string {
  return `${environment}-ec2`;
}

/** Whether the capacity places any task on EC2. */
export function usesEc2(capacity: Capacity): boolean {
  return capacityProviderStrategy(capacity).some(
    (item) => item.capacityProvider === 'EC2' && (item.weight > 0 || (item.base ?? 0) > 0),
  );
}

/** What an environment may set per service; the rest of a service's entry is the same everywhere. */
export const SIZING_KEYS = [
  'cpu',
  'memory',
  'desiredCount',
  'minCount',
  'maxCount',
  'capacity',
  'cpuArchitecture',
  'strategy',
] as const;

export interface Sizing {
  cpu: number;
  memory: number;
  desiredCount: number;
  minCount: number;
  maxCount: number;
  capacity: Capacity;
  cpuArchitecture: CpuArchitecture;
  strategy: Strategy;
}

/** Sizing keys without defaults: an environment's `defaults` and its `services.<name>`. */
export const sizingOverrideSchema = z.strictObject(
  {
    cpu: z.optional(cpuSchema),
    memory: z.optional(memorySchema),
    desiredCount: z.optional(countSchema),
    minCount: z.optional(countSchema),
    maxCount: z.optional(int('a task count', 1, 1000)),
    capacity: z.optional(capacitySchema),
    cpuArchitecture: z.optional(architectureSchema),
    strategy: z.optional(strategySchema),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `expected only ${SIZING_KEYS.join(', ')} in an environment (the rest of a service's entry is the same everywhere), found ${issue.keys.join(', ')}`
        : `expected a mapping of ${SIZING_KEYS.join(', ')}, ${found(issue)}`,
  },
);
export type SizingOverride = z.output<typeof sizingOverrideSchema>;

/** Problems of one combination of sizing keys, by key: Fargate's memory per CPU, the counts, Spot on ARM64. */
export function sizingProblems(sizing: Sizing): Array<{ key: keyof Sizing; message: string }> {
  const problems: Array<{ key: keyof Sizing; message: string }> = [];
  const memory = FARGATE_MEMORY[sizing.cpu];
  if (memory && (sizing.memory < memory.min || sizing.memory > memory.max || sizing.memory % memory.step)) {
    problems.push({
      key: 'memory',
      message: `expected ${memory.min}-${memory.max} MiB in steps of ${memory.step} for cpu ${sizing.cpu} (Fargate), found ${sizing.memory}`,
    });
  }
  if (sizing.minCount > sizing.desiredCount || sizing.desiredCount > sizing.maxCount) {
    problems.push({
      key: 'desiredCount',
      message: `expected minCount ≤ desiredCount ≤ maxCount, found ${sizing.minCount} ≤ ${sizing.desiredCount} ≤ ${sizing.maxCount}`,
    });
  }
  const spot = capacityProviderStrategy(sizing.capacity).some(
    (item) => item.capacityProvider === 'FARGATE_SPOT' && (item.weight > 0 || (item.base ?? 0) > 0),
  );
  if (spot && sizing.cpuArchitecture === 'ARM64') {
    problems.push({
      key: 'capacity',
      message:
        'expected FARGATE for an ARM64 task, found FARGATE_SPOT in it (Fargate Spot runs X86_64 Linux tasks only, says the ECS guide "Fargate capacity providers"): use X86_64 or drop FARGATE_SPOT',
    });
  }
  return problems;
}
