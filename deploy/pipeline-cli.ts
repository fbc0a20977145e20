// `node deploy/pipeline.ts <command> [--environment <name>]`: what the workflows read from the
// config, as `name=value` step-output lines (the JSON values keyed by service, so no output name
// is per service). Without --environment, the default (first) environment of deploy/config.yml.
//
//   environments            the environment names in promotion order, their regions, and the
//                           platforms each service's image is built for
//   config                  one environment: name, region, NAT count, stack parameters, strategies
//   matrix                  one environment's per-service matrix (strategy.matrix: fromJSON(...))
//   definitions             one environment's CreateService inputs and task definitions
//   stages [--only <environment>]
//                           which environments this run deploys: `first` (builds; empty when a
//                           manual run names a later one) and `promoted` (JSON list)
//   changes --bases <json> [--only <environment>]
//                           per environment this run deploys, what changed since its base (its
//                           last deploy, deploy/base.ts) and the legs (deploy/legs.ts) it runs:
//                           `plans` ({ env: { legs, infra, services } }), `promote` (the promoted
//                           environments with legs) and `services` (every one deployed anywhere)
//   leg --service <name> --out-dir <dir>
//                           one service in one environment: writes task-definition.json and
//                           service-definition.json into the directory, prints its stack parameters
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as z from 'zod/mini';
import { codeDeployHookLines } from './config.ts';
import { imageTag, planLegs } from './legs.ts';
import {
  changedFilesSince,
  type DeployConfig,
  DOCKER_PLATFORMS,
  ec2CapacityStackParameters,
  environmentConfig,
  environmentNames,
  imagePlatforms,
  networkStackParameters,
  parameterLines,
  planChanges,
  platformStackParameters,
  repoRoot,
  scalingStackParameters,
  serviceDefinitions,
  serviceEntry,
  serviceStackParameters,
  taskDefinitions,
} from './pipeline.ts';

// A step output that may span lines, in GITHUB_OUTPUT's heredoc form.
const DELIMITER = 'MYSFITS_PIPELINE_EOF';
const multiline = (name: string, value: string): string =>
  value.includes('\n') ? `${name}<<${DELIMITER}\n${value}\n${DELIMITER}` : `${name}=${value}`;

/**
 * The output lines of one command.
 * @throws Error for an unknown command or environment, naming what there is.
 */
export function runPipelineCli(options: { argv: string[]; config: DeployConfig }): string[] {
  const { values, positionals } = parseArgs({
    args: options.argv,
    options: {
      environment: { type: 'string' },
      service: { type: 'string' },
      'out-dir': { type: 'string' },
      only: { type: 'string' },
      bases: { type: 'string' },
    },
    allowPositionals: true,
  });
  const [command] = positionals;
  const config = options.config;
  const env = environmentConfig(config, values.environment ?? config.environment);
  const perService = <T>(of: (service: string) => T): string =>
    JSON.stringify(Object.fromEntries(Object.keys(env.services).map((service) => [service, of(service)])));
  const out = (name: string, value: string | number | boolean) => `${name}=${value}`;
  if (command === 'environments') {
    const names = environmentNames(config);
    const regions = Object.fromEntries(names.map((name) => [name, environmentConfig(config, name).region]));
    const platforms = Object.fromEntries(
      Object.entries(imagePlatforms(config)).map(([service, list]) => [service, list.join(',')]),
    );
    return [
      out('environments', JSON.stringify(names)),
      out('default-environment', config.environment),
      // Every push deploys the first environment; the later ones take its images once it verified.
      out('first-environment', names[0] ?? ''),
      out('promoted-environments', JSON.stringify(names.slice(1))),
      out('regions', JSON.stringify(regions)),
      out('image-platforms', JSON.stringify(platforms)),
    ];
  }
  if (command === 'config') {
    const ec2 = ec2CapacityStackParameters(env);
    return [
      out('environment', env.environment),
      out('region', env.region),
      out('nat-gateway-count', env.natGatewayCount),
      out('network-parameters', JSON.stringify(parameterLines(networkStackParameters(env)))),
      out('platform-parameters', JSON.stringify(parameterLines(platformStackParameters(env)))),
      // environments.<env>.ec2: the <env>-ec2-capacity stack (deployed between network and platform).
      out('has-ec2', ec2 !== undefined),
      out('ec2-parameters', JSON.stringify(ec2 ? parameterLines(ec2) : '')),
      out('all-services', JSON.stringify(Object.keys(env.services))),
      out(
        'strategies',
        perService((s) => serviceEntry(env, s).strategy),
      ),
      out(
        'seed-commands',
        perService((s) => serviceEntry(env, s).seed ?? ''),
      ),
      out(
        'stack-parameters',
        perService((s) => parameterLines(serviceStackParameters(env, s))),
      ),
      out(
        'scaling-parameters',
        perService((s) => parameterLines(scalingStackParameters(env, s))),
      ),
    ];
  }
  if (command === 'matrix') {
    // Everything a per-service leg needs, so no leg looks anything up by service name.
    const include = Object.entries(env.services).map(([service, entry]) => ({
      service,
      strategy: entry.strategy,
      'desired-count': entry.desiredCount,
      'cpu-architecture': entry.cpuArchitecture,
      platform: DOCKER_PLATFORMS[entry.cpuArchitecture],
      seed: entry.seed ?? '',
      'stack-parameters': parameterLines(serviceStackParameters(env, service)),
      'scaling-parameters': parameterLines(scalingStackParameters(env, service)),
    }));
    return [out('environment', env.environment), out('matrix', JSON.stringify({ include }))];
  }
  if (command === 'definitions') {
    // { "<service>": <CreateService input for its strategy> } and { "<service>": <task definition> }.
    return [
      out('service-definitions', JSON.stringify(serviceDefinitions(env))),
      out('task-definitions', JSON.stringify(taskDefinitions(env))),
    ];
  }
  if (command === 'stages') {
    const { first, promoted } = stagesOf(config, values.only ?? '');
    return [out('first', first), out('promoted', JSON.stringify(promoted))];
  }
  if (command === 'changes') {
    const bases = parseBases(values.bases, environmentNames(config));
    const { first, promoted } = stagesOf(config, values.only ?? '');
    const platforms = imagePlatforms(config);
    const plans: Record<string, { legs: string; infra: string; services: string[] }> = {};
    const counts: Record<string, number> = {};
    for (const name of [first, ...promoted].filter((entry) => entry !== '')) {
      const environment = environmentConfig(config, name);
      const plan = planChanges({ config: environment, changedFiles: changedFilesSince(bases[name] ?? '') });
      for (const reason of plan.reasons) console.error(`changes (${name}): ${reason}`);
      const legs = planLegs({
        plan,
        services: Object.keys(environment.services),
        platforms,
        tagOf: (service, list) => imageTag({ service, platforms: list, cwd: repoRoot }),
      });
      // Strings, as environment.yml's inputs are.
      plans[name] = { legs: JSON.stringify({ include: legs }), infra: String(plan.infra), services: plan.services };
      counts[name] = legs.length;
    }
    const services = [...new Set(Object.values(plans).flatMap((plan) => plan.services))];
    return [
      out('plans', JSON.stringify(plans)),
      // A later environment with nothing to deploy asks no approval: it is not run at all.
      out('promote', JSON.stringify(promoted.filter((name) => (counts[name] ?? 0) > 0))),
      out('services', JSON.stringify(services)),
    ];
  }
  if (command === 'leg') {
    const service = values.service ?? '';
    const entry = serviceEntry(env, service);
    const dir = values['out-dir'];
    if (!dir) throw new Error('expected --out-dir <directory> for the task and service definitions, found none');
    mkdirSync(dir, { recursive: true });
    const taskDefinition = join(dir, 'task-definition.json');
    const serviceDefinition = join(dir, 'service-definition.json');
    writeFileSync(taskDefinition, `${JSON.stringify(taskDefinitions(env)[service], null, 2)}\n`);
    writeFileSync(serviceDefinition, `${JSON.stringify(serviceDefinitions(env)[service], null, 2)}\n`);
    return [
      out('task-definition', taskDefinition),
      out('service-definition', serviceDefinition),
      out('strategy', entry.strategy),
      out('seed-command', entry.seed ?? ''),
      multiline('stack-parameters', parameterLines(serviceStackParameters(env, service))),
      // CODE_DEPLOY: the service stack again once ecs-deploy created the service, with its
      // deployment group (CodeDeployServiceExists), and the AppSpec's lifecycle hooks.
      multiline(
        'stack-parameters-service-exists',
        parameterLines(serviceStackParameters(env, service, { serviceExists: true })),
      ),
      multiline('codedeploy-hooks', codeDeployHookLines(entry)),
      multiline('scaling-parameters', parameterLines(scalingStackParameters(env, service))),
    ];
  }
  throw new Error(
    `unknown command '${command ?? ''}': expected environments, config, matrix, definitions, stages [--only <environment>], changes --bases <json> [--only <environment>] or leg --service <name> --out-dir <dir> (each with an optional --environment <name>)`,
  );
}

/**
 * Which environments a run deploys: all of them in order, or the one a manual run names.
 * @throws Error naming the environments for a name deploy/config.yml does not have.
 */
function stagesOf(config: DeployConfig, only: string): { first: string; promoted: string[] } {
  const names = environmentNames(config);
  const [first = '', ...later] = names;
  if (only === '') return { first, promoted: later };
  if (only === first) return { first, promoted: [] };
  if (later.includes(only)) return { first: '', promoted: [only] };
  throw new Error(
    `expected the environment input to be empty or one of ${names.join(', ')} (deploy/config.yml), found '${only}'`,
  );
}

/**
 * `--bases`: each environment's last deployed commit (deploy/base.ts), '' for none.
 * @throws Error for anything but an object of the config's environments to a full SHA or ''.
 */
function parseBases(text: string | undefined, names: string[]): Record<string, string> {
  const schema = z.record(z.enum(names), z.union([z.literal(''), z.string().check(z.regex(/^[0-9a-f]{40}$/))]));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '');
  } catch {
    parsed = undefined;
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    throw new Error(
      `expected --bases to be a JSON object of every environment (${names.join(', ')}) to a full commit SHA or "", found '${text ?? ''}'`,
    );
  }
  return result.data;
}
