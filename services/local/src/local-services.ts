// What each service of deploy/config.yml runs with on this machine: its bundle, a free port, and
// the environment of its deploy/task-definition.yml with the placeholders answered locally (the
// platform's table names by the local dynalite's, Service Connect names by local addresses).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { DeployConfig } from '../../../deploy/config.js';

/** One service as the local stack starts it. */
export interface LocalService {
  name: string;
  /** `services/<name>/dist`, where `node server.js` runs (as in its image). */
  distDir: string;
  port: number;
  env: Record<string, string>;
  /** The config's `seed` command as arguments of `node server.js`, run once before the services start. */
  seedArgs: string[] | undefined;
}

export interface LocalServicesOptions {
  config: DeployConfig;
  servicesDir: string;
  /** A free port per service name. */
  ports: Record<string, number>;
  /** Local answers to `${stack:platform:<Output>}` placeholders (the tables' names). */
  platformOutputs: Record<string, string>;
  /** Local answers to `${env:<NAME>}` placeholders and what every service gets (dynalite's endpoint). */
  env: Record<string, string>;
}

const PLACEHOLDER = /\$\{(stack|env):([^}]*)\}/g;

/**
 * The services of the config with their local environment.
 * @throws Error naming the service and placeholder that has no local value.
 */
export function localServices(options: LocalServicesOptions): LocalService[] {
  const { config, servicesDir, ports } = options;
  const urls = Object.fromEntries(
    Object.keys(config.services).map((name) => [name, `http://127.0.0.1:${ports[name]}`]),
  );
  return Object.entries(config.services).map(([name, entry]) => {
    const port = ports[name];
    if (port === undefined) throw new Error(`Expected a local port for the ${name} service, found none.`);
    const file = join(servicesDir, name, 'deploy', 'task-definition.yml');
    const definition = parse(readFileSync(file, 'utf8')) as {
      containerDefinitions?: Array<{ name?: string; environment?: Array<{ name: string; value: string }> }>;
    };
    const container = definition.containerDefinitions?.find((candidate) => candidate.name === name);
    const env: Record<string, string> = { ...options.env };
    for (const variable of container?.environment ?? []) {
      env[variable.name] = serviceConnectToLocal(resolve(variable.value, { ...options, name, file }), config, urls);
    }
    return {
      name,
      distDir: join(servicesDir, name, 'dist'),
      port,
      // Only the edge router may be reached from outside (and only when its HOST says so): a service
      // bound to every interface would let anyone on the network call the monolith's fulfill-like.
      env: { ...env, HOST: '127.0.0.1', PORT: String(port) },
      seedArgs: entry.seed === undefined ? undefined : seedArgs(name, entry.seed),
    };
  });
}

function resolve(value: string, context: LocalServicesOptions & { name: string; file: string }): string {
  return value.replace(PLACEHOLDER, (text, kind: string, body: string) => {
    const [stack, output] = body.split(':');
    const local =
      kind === 'env' ? context.env[body] : stack === 'platform' && output ? context.platformOutputs[output] : undefined;
    if (local === undefined) {
      throw new Error(
        `The local stack has no value for ${text} in ${context.file} (the ${context.name} service's environment). ` +
          'Give it one in services/local/src/local-stack.ts (platform outputs or env), or set the variable another way.',
      );
    }
    return local;
  });
}

/** `http://<service>:<port>` of a configured service, as Service Connect resolves it, becomes its local address. */
function serviceConnectToLocal(value: string, config: DeployConfig, urls: Record<string, string>): string {
  return value.replace(
    /^(https?:\/\/)?([a-z][a-z0-9]*):(\d+)(\/.*)?$/,
    (whole, _scheme, host: string, port: string, path) =>
      config.services[host]?.port === Number(port) ? `${urls[host]}${path ?? ''}` : whole,
  );
}

function seedArgs(name: string, command: string): string[] {
  const [node, script, ...args] = command.split(/\s+/);
  if (node !== 'node' || script !== 'server.js') {
    throw new Error(
      `Expected services.${name}.seed in deploy/config.yml to be 'node server.js <args>' (what the local stack can run from the bundle), found '${command}'.`,
    );
  }
  return args;
}
