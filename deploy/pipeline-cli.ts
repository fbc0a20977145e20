// `node deploy/pipeline.ts <command> [--environment <name>]`: what the workflows read from the
// config, as `name=value` step-output lines (the JSON values keyed by service, so no output name
// is per service). Without --environment, the default (first) environment of deploy/config.yml.
//
//   environments            the environment names in promotion order, their regions, and the
//                           platforms each service's image is built for
//   config                  one environment: name, region, NAT count, stack parameters, strategies
//   matrix                  one environment's per-service matrix (strategy.matrix: fromJSON(...))
//   definitions             one environment's CreateService inputs and task definitions
//   changes <base-sha>      what a push changed since that commit (the same in every environment)
import { parseArgs } from 'node:util';
import {
  changedFilesSince,
  type DeployConfig,
  DOCKER_PLATFORMS,
  environmentConfig,
  environmentNames,
  imagePlatforms,
  networkStackParameters,
  parameterLines,
  planChanges,
  platformStackParameters,
  scalingStackParameters,
  serviceDefinitions,
  serviceEntry,
  serviceStackParameters,
  taskDefinitions,
} from './pipeline.ts';

/**
 * The output lines of one command.
 * @throws Error for an unknown command or environment, naming what there is.
 */
export function runPipelineCli(options: { argv: string[]; config: DeployConfig }): string[] {
  const { values, positionals } = parseArgs({
    args: options.argv,
    options: { environment: { type: 'string' } },
    allowPositionals: true,
  });
  const [command, ...args] = positionals;
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
      out('regions', JSON.stringify(regions)),
      out('image-platforms', JSON.stringify(platforms)),
    ];
  }
  if (command === 'config') {
    return [
      out('environment', env.environment),
      out('region', env.region),
      out('nat-gateway-count', env.natGatewayCount),
      out('network-parameters', JSON.stringify(parameterLines(networkStackParameters(env)))),
      out('platform-parameters', JSON.stringify(parameterLines(platformStackParameters(env)))),
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
  if (command === 'changes') {
    const plan = planChanges({ config: env, changedFiles: changedFilesSince(args[0] ?? '') });
    for (const reason of plan.reasons) console.error(`changes: ${reason}`);
    return [
      out('services', JSON.stringify(plan.services)),
      out('scaling', JSON.stringify(plan.scaling)),
      out('infra', plan.infra),
      out('seed', JSON.stringify(plan.seed)),
    ];
  }
  throw new Error(
    `unknown command '${command ?? ''}': expected environments, config, matrix, definitions or changes <base-sha> (each with an optional --environment <name>)`,
  );
}
