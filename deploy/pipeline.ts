// The deploy pipeline's decisions, shared by .github/workflows/deploy.yml and `npm run rehearse`:
// reading deploy/config.yml, deciding what a push changed, and turning a service's
// deploy/service.yml into the CreateService input for its configured strategy.
//
// The workflow runs this file with plain `node deploy/pipeline.ts <command>` (Node 24 strips the
// types), so it imports nothing but `yaml` and Node built-ins and uses only erasable TypeScript.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const STRATEGIES = ['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** deploy/config.yml, validated. */
export interface DeployConfig {
  environment: string;
  region: string;
  natGatewayCount: number;
  services: Record<string, { strategy: Strategy }>;
  strategies: {
    bakeTimeInMinutes: number;
    linear: { stepPercent: number; stepBakeTimeInMinutes: number };
    canary: { canaryPercent: number; canaryBakeTimeInMinutes: number };
  };
}

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const configPath = join(repoRoot, 'deploy', 'config.yml');

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function expectNumber(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`deploy/config.yml: expected a number at ${where}, found ${JSON.stringify(value)}.`);
  }
  return value;
}

/**
 * Reads and validates deploy/config.yml.
 * @throws Error naming the field that is missing or wrong and what it should be.
 */
export function loadDeployConfig(path: string = configPath): DeployConfig {
  const raw: unknown = parse(readFileSync(path, 'utf8'));
  if (!isObject(raw)) throw new Error(`${path}: expected a YAML mapping, found ${typeof raw}.`);
  const environment = String(raw.environment ?? '');
  if (!/^[a-z][a-z0-9-]{1,23}$/.test(environment)) {
    throw new Error(
      `deploy/config.yml: expected environment of 2-24 lower-case letters, digits and hyphens (as bootstrap.yml's EnvironmentName), found '${environment}'.`,
    );
  }
  const region = String(raw.region ?? '');
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new Error(`deploy/config.yml: expected an AWS region name (letters, hyphens, a digit), found '${region}'.`);
  }
  const natGatewayCount = expectNumber(raw.natGatewayCount, 'natGatewayCount');
  if (![0, 1, 2].includes(natGatewayCount)) {
    throw new Error(`deploy/config.yml: expected natGatewayCount 0, 1 or 2, found ${natGatewayCount}.`);
  }
  if (!isObject(raw.services) || Object.keys(raw.services).length === 0) {
    throw new Error('deploy/config.yml: expected services: with at least one service and its strategy.');
  }
  const services: DeployConfig['services'] = {};
  for (const [name, value] of Object.entries(raw.services)) {
    const strategy = isObject(value) ? value.strategy : undefined;
    if (!STRATEGIES.includes(strategy as Strategy)) {
      throw new Error(
        `deploy/config.yml: expected services.${name}.strategy to be one of ${STRATEGIES.join(', ')}, found ${JSON.stringify(strategy)}.`,
      );
    }
    services[name] = { strategy: strategy as Strategy };
  }
  const s = isObject(raw.strategies) ? raw.strategies : {};
  const linear = isObject(s.linear) ? s.linear : {};
  const canary = isObject(s.canary) ? s.canary : {};
  return {
    environment,
    region,
    natGatewayCount,
    services,
    strategies: {
      bakeTimeInMinutes: expectNumber(s.bakeTimeInMinutes, 'strategies.bakeTimeInMinutes'),
      linear: {
        stepPercent: expectNumber(linear.stepPercent, 'strategies.linear.stepPercent'),
        stepBakeTimeInMinutes: expectNumber(linear.stepBakeTimeInMinutes, 'strategies.linear.stepBakeTimeInMinutes'),
      },
      canary: {
        canaryPercent: expectNumber(canary.canaryPercent, 'strategies.canary.canaryPercent'),
        canaryBakeTimeInMinutes: expectNumber(
          canary.canaryBakeTimeInMinutes,
          'strategies.canary.canaryBakeTimeInMinutes',
        ),
      },
    },
  };
}

/** What one run of the deploy workflow does. */
export interface ChangePlan {
  /** Services to build, push and deploy (in config order). */
  services: string[];
  /** Deploy network.yml and platform.yml. */
  infra: boolean;
  /** Services whose scaling stack is deployed. */
  scaling: string[];
  /** Run the monolith's idempotent seed task (whenever the monolith is rebuilt). */
  seed: boolean;
  /** Why: one line per decision, for the log and the summary. */
  reasons: string[];
}

// Files every image is built from (the Dockerfiles copy them), so a change rebuilds all services.
const SHARED_BUILD_INPUTS = ['package.json', 'package-lock.json', 'scripts/build.mjs', '.dockerignore'];
const SHARED_BUILD_DIRS = ['services/kit/'];
// A change to the pipeline itself (or its config) runs everything once.
const EVERYTHING = ['deploy/config.yml', 'deploy/pipeline.ts', '.github/workflows/deploy.yml'];
const INFRA = ['cloudformation/network.yml', 'cloudformation/platform.yml'];

/**
 * Decides what a push changed. `changedFiles` undefined means there is no earlier successful
 * deploy to compare with (first run, manual dispatch, or history that no longer has that commit):
 * everything is deployed, in order.
 */
export function planChanges(options: { config: DeployConfig; changedFiles: string[] | undefined }): ChangePlan {
  const all = Object.keys(options.config.services);
  const files = options.changedFiles;
  const full = (reason: string): ChangePlan => ({
    services: all,
    infra: true,
    scaling: all,
    seed: all.includes('monolith'),
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
  return { services, infra: infraFile !== undefined, scaling, seed: services.includes('monolith'), reasons };
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

/** Every service's deploy/service.yml fitted to its strategy from the config. */
export function serviceDefinitions(config: DeployConfig, strategyOverride?: Strategy): Record<string, Json> {
  return Object.fromEntries(
    Object.entries(config.services).map(([service, entry]) => {
      const definition = parse(readFileSync(join(repoRoot, 'services', service, 'deploy', 'service.yml'), 'utf8'));
      const strategy = strategyOverride ?? entry.strategy;
      return [service, composeServiceDefinition({ definition, strategy, strategies: config.strategies })];
    }),
  );
}

function changedFilesSince(base: string): string[] | undefined {
  if (!/^[0-9a-f]{40}$/.test(base)) return undefined;
  try {
    const out = execFileSync('git', ['diff', '--name-only', base, 'HEAD'], { cwd: repoRoot, encoding: 'utf8' });
    return out.split('\n').filter(Boolean);
  } catch {
    return undefined; // the commit is not in this clone's history (force-push, shallow clone)
  }
}

function main(argv: string[]): void {
  const [command, ...args] = argv;
  const config = loadDeployConfig();
  if (command === 'config') {
    const strategies = Object.fromEntries(Object.entries(config.services).map(([n, s]) => [n, s.strategy]));
    console.log(`environment=${config.environment}`);
    console.log(`region=${config.region}`);
    console.log(`nat-gateway-count=${config.natGatewayCount}`);
    console.log(`strategies=${JSON.stringify(strategies)}`);
  } else if (command === 'changes') {
    const plan = planChanges({ config, changedFiles: changedFilesSince(args[0] ?? '') });
    for (const reason of plan.reasons) console.error(`changes: ${reason}`);
    console.log(`services=${JSON.stringify(plan.services)}`);
    console.log(`scaling=${JSON.stringify(plan.scaling)}`);
    console.log(`infra=${plan.infra}`);
    console.log(`seed=${plan.seed}`);
  } else if (command === 'service-definitions') {
    // One JSON line for a job output: { "<service>": <CreateService input for its strategy> }.
    console.log(`service-definitions=${JSON.stringify(serviceDefinitions(config))}`);
  } else {
    throw new Error(`unknown command '${command ?? ''}': expected config, changes <base-sha> or service-definitions`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`::error::${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
