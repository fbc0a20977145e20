// `node deploy/pipeline.ts <command> [--environment <name>]`: what the workflows read from the
// config, as `name=value` step-output lines (the JSON values keyed by service, so no output name
// is per service). Without --environment, the default (first) environment of deploy/config.yml.
//
//   environments            the environment names in promotion order, their regions, and the
//                           platforms each service's image is built for
//   config                  one environment: name, region, NAT count, stack parameters, strategies
//   matrix                  one environment's per-service matrix (strategy.matrix: fromJSON(...))
//   definitions             one environment's CreateService inputs and task definitions
//   changes <base-sha>      what a push changed since that commit (the same in every environment),
//                           and the legs (deploy/legs.ts) every environment runs for it
//   leg --service <name> --out-dir <dir>
//                           one service in one environment: writes task-definition.json and
//                           service-definition.json into the directory, prints its stack parameters
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { imageTag, planLegs } from './legs.ts';
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
    options: { environment: { type: 'string' }, service: { type: 'string' }, 'out-dir': { type: 'string' } },
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
      // Every push deploys the first environment; the later ones take its images once it verified.
      out('first-environment', names[0] ?? ''),
      out('promoted-environments', JSON.stringify(names.slice(1))),
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
    const platforms = imagePlatforms(config);
    const legs = planLegs({
      plan,
      services: Object.keys(env.services),
      platforms,
      tagOf: (service, list) => imageTag({ service, platforms: list, cwd: repoRoot }),
    });
    return [
      out('legs', JSON.stringify({ include: legs })),
      out('has-legs', legs.length > 0),
      out('services', JSON.stringify(plan.services)),
      out('scaling', JSON.stringify(plan.scaling)),
      out('infra', plan.infra),
      out('seed', JSON.stringify(plan.seed)),
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
      multiline('scaling-parameters', parameterLines(scalingStackParameters(env, service))),
    ];
  }
  throw new Error(
    `unknown command '${command ?? ''}': expected environments, config, matrix, definitions, changes <base-sha> or leg --service <name> --out-dir <dir> (each with an optional --environment <name>)`,
  );
}
