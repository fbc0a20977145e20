// `npm run new-service`: one folder under services/ and one entry in deploy/config.yml, which is all
// a service is (the build, CI, the workflows, the local router, the cost estimate and the
// rehearsal read the config).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseDocument } from 'yaml';
import { type DeployConfig, parseDeployConfig, SERVICE_NAME, type ServiceConfig } from '../../deploy/config.js';
import { loadListenerRules, matchListenerRule, rulePriorityProblems } from '../../services/local/src/listener-rules.js';
import { serviceFiles } from './templates.js';

export interface ScaffoldOptions {
  /** The repository root (a fork, or a temporary copy in a test). */
  root: string;
  name: string;
  /** ALB path patterns; default `/<name>/*` and `/<name>` (public only). */
  paths?: string[];
  internal?: boolean;
}

export interface ScaffoldResult {
  /** Files written, relative to the root. */
  files: string[];
  entry: ServiceConfig;
  /** What the next push to main does with it, one line each. */
  nextPush: string[];
}

/** A sample path each pattern matches (`*` and `?` as `x`). */
const samplePath = (pattern: string) => pattern.replace(/[*?]/g, 'x');

/**
 * The lowest free priority (in tens, above the platform's fixed responses) at which the new rule
 * gets its own paths and changes nobody else's.
 * @throws Error when no priority up to 50,000 does.
 */
function choosePriority(config: DeployConfig, name: string, entry: ServiceConfig): number {
  const taken = new Set(Object.values(config.services).map((service) => service.priority));
  for (let priority = 20; priority <= 50_000; priority += 10) {
    if (taken.has(priority)) continue;
    const trial = { ...config, services: { ...config.services, [name]: { ...entry, priority } } };
    const listener = loadListenerRules({ config: trial });
    const own = (entry.paths ?? []).every((pattern) => {
      const action = matchListenerRule(listener, samplePath(pattern));
      return action.type === 'forward' && action.service === name;
    });
    if (own && rulePriorityProblems(listener).length === 0) return priority;
  }
  throw new Error(
    `Expected a listener rule priority at which ${name} gets ${entry.paths?.join(', ')}, found none: another rule takes those paths first. Pick other --path patterns.`,
  );
}

/**
 * Writes services/<name>/ and its deploy/config.yml entry.
 * @throws Error (and writes nothing) when the name is taken or invalid, or the paths cannot be routed.
 */
export function scaffoldService(options: ScaffoldOptions): ScaffoldResult {
  const { root, name } = options;
  if (!SERVICE_NAME.test(name)) {
    throw new Error(
      `Expected a service name of 2-24 lower-case letters and digits, starting with a letter, found '${name}'.`,
    );
  }
  const configFile = join(root, 'deploy', 'config.yml');
  const document = parseDocument(readFileSync(configFile, 'utf8'));
  const config = parseDeployConfig(document.toJS(), 'deploy/config.yml');
  const serviceDir = join(root, 'services', name);
  if (config.services[name] || existsSync(serviceDir)) {
    throw new Error(`Expected a new name, found '${name}' already in deploy/config.yml or services/. Pick another.`);
  }
  const access = options.internal ? 'internal' : 'public';
  if (options.internal && options.paths) {
    throw new Error('Expected --path or --internal, found both: an internal service has no listener rule.');
  }
  const paths = access === 'public' ? (options.paths ?? [`/${name}`, `/${name}/*`]) : undefined;
  // One plain environment: the real ones may override services this one-service config lacks.
  const base = parseDeployConfig({
    ...config,
    environments: { [config.environment]: { region: config.region, natGatewayCount: config.natGatewayCount } },
    services: { [name]: { access, ...(paths ? { paths, priority: 1 } : {}) } },
  }).services[name] as ServiceConfig;
  const { access: _a, paths: _p, priority: _placeholder, ...rest } = base;
  // In the order deploy/config.yml's comment lists the keys.
  const entry: ServiceConfig = paths
    ? { access, paths, priority: choosePriority(config, name, base), ...rest }
    : { access, ...rest };
  parseDeployConfig({ ...config, services: { ...config.services, [name]: entry } });

  const kit = JSON.parse(readFileSync(join(root, 'services', 'kit', 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const versions = {
    hono: kit.dependencies.hono ?? '',
    nodeServer: kit.dependencies['@hono/node-server'] ?? '',
  };
  const files = serviceFiles({ name, access, paths: paths ?? [], port: entry.port, versions });
  const written: string[] = [];
  for (const [relative, text] of Object.entries(files)) {
    const path = join(serviceDir, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text, { flag: 'wx' });
    written.push(join('services', name, relative));
  }
  document.setIn(['services', name], document.createNode(entry));
  writeFileSync(configFile, document.toString({ flowCollectionPadding: false }));
  written.push('deploy/config.yml');
  return { files: written, entry, nextPush: nextPush(config.environment, name, entry) };
}

function nextPush(environment: string, name: string, entry: ServiceConfig): string[] {
  const routed =
    entry.access === 'public'
      ? `blue and green target groups and listener rules at priority ${entry.priority} for ${entry.paths?.join(', ')}`
      : 'no listener rule (internal: Service Connect only)';
  return [
    'changes: deploy/config.yml changed, so everything is deployed once',
    `infra, service-stack: stack ${environment}-service-${name} with ECR repository ${environment}/${name}, log group /ecs/${environment}/${name}, its roles, security group and ${routed}`,
    `build: services/Dockerfile --build-arg SERVICE=${name}, pushed as ${environment}/${name}:<commit>`,
    `deploy: ECS service ${name} in ${environment}-cluster (${entry.strategy}, ${entry.desiredCount} task of ${entry.cpu} CPU units / ${entry.memory} MiB), reachable at http://${name}:${entry.port} through Service Connect`,
    `scaling: stack ${environment}-scaling-${name} (${entry.minCount}-${entry.maxCount} tasks)`,
    'summary: the cost estimate includes the new tasks',
  ];
}
