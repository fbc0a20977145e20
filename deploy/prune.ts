// Removing a service is deleting its folder and its deploy/config.yml entry: the next deploy (the
// infra job, before the platform stack changes) finds the stacks of services the config no longer
// names and removes, per service, its scaling stack, its ECS service and its service stack (whose
// repository is emptied and log group deleted with it). The cleanup workflow runs it with `--all`.
//
// `node deploy/prune.ts [--all] [--environment <name>]` (plain Node 24, as the workflow runs it).

import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CloudFormationClient,
  DeleteStackCommand,
  paginateListStacks,
  waitUntilStackDeleteComplete,
} from '@aws-sdk/client-cloudformation';
import { DeleteServiceCommand, ECSClient, waitUntilServicesInactive } from '@aws-sdk/client-ecs';
import { loadDeployConfig, serviceStackNames } from './config.ts';

export interface PruneClients {
  cloudFormation: CloudFormationClient;
  ecs: ECSClient;
}

export interface PruneOptions {
  environment: string;
  /** Services to keep (the config's); every other service with a stack of this environment goes. */
  keep: string[];
  clients: PruneClients;
  log: (line: string) => void;
  /** Longest wait for each deletion; default 20 minutes. */
  maxWaitSeconds?: number;
  /** Seconds between polls while waiting (the SDK waiters' minimum delay); default 15. */
  pollSeconds?: number;
}

/** What was removed for one service. */
export interface PrunedService {
  service: string;
  /** `deleted`, or `absent` when the cluster had no such service. */
  ecsService: 'deleted' | 'absent';
  stacks: string[];
}

/** Names of the services that have a service or scaling stack in this environment. */
export async function servicesWithStacks(cloudFormation: CloudFormationClient, environment: string): Promise<string[]> {
  const found = new Set<string>();
  const pattern = new RegExp(
    `^${environment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(service|scaling)-([a-z][a-z0-9]*)$`,
  );
  for await (const page of paginateListStacks({ client: cloudFormation }, {})) {
    for (const summary of page.StackSummaries ?? []) {
      // ListStacks also lists deleted stacks (for 90 days).
      if (summary.StackStatus === 'DELETE_COMPLETE') continue;
      const name = pattern.exec(summary.StackName ?? '')?.[2];
      if (name) found.add(name);
    }
  }
  return [...found].sort();
}

async function deleteStack(options: PruneOptions, stackName: string): Promise<void> {
  const { cloudFormation } = options.clients;
  options.log(`prune: deleting stack ${stackName}`);
  await cloudFormation.send(new DeleteStackCommand({ StackName: stackName }));
  const result = await waitUntilStackDeleteComplete(
    {
      client: cloudFormation,
      maxWaitTime: options.maxWaitSeconds ?? 1200,
      minDelay: options.pollSeconds ?? 15,
      maxDelay: options.pollSeconds ?? 15,
    },
    { StackName: stackName },
  );
  options.log(`prune: stack ${stackName} ${result.state === 'SUCCESS' ? 'deleted' : result.state}`);
}

async function deleteEcsService(options: PruneOptions, service: string): Promise<'deleted' | 'absent'> {
  const { ecs } = options.clients;
  const cluster = `${options.environment}-cluster`;
  try {
    // force: no scale-down first (it would race auto scaling, and ECS stops the tasks anyway).
    await ecs.send(new DeleteServiceCommand({ cluster, service, force: true }));
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (['ServiceNotFoundException', 'ServiceNotActiveException', 'ClusterNotFoundException'].includes(name)) {
      options.log(`prune: no active ECS service ${service} in ${cluster}`);
      return 'absent';
    }
    throw error;
  }
  options.log(`prune: deleting ECS service ${service} in ${cluster}, waiting until it is inactive`);
  await waitUntilServicesInactive(
    {
      client: ecs,
      maxWaitTime: options.maxWaitSeconds ?? 1200,
      minDelay: options.pollSeconds ?? 15,
      maxDelay: options.pollSeconds ?? 15,
    },
    { cluster, services: [service] },
  );
  return 'deleted';
}

/**
 * Removes every service of the environment that has stacks but is not in `keep`: its scaling
 * stack, its ECS service (force delete, then waits until inactive), its service stack.
 * @throws Error from the first call or wait that fails (it names the stack or service).
 */
export async function pruneRemovedServices(options: PruneOptions): Promise<PrunedService[]> {
  const present = await servicesWithStacks(options.clients.cloudFormation, options.environment);
  const removed = present.filter((service) => !options.keep.includes(service));
  if (removed.length === 0) options.log('prune: every service with a stack is in deploy/config.yml');
  const results: PrunedService[] = [];
  for (const service of removed) {
    const stacks = serviceStackNames(options.environment, service);
    await deleteStack(options, stacks.scaling);
    const ecsService = await deleteEcsService(options, service);
    await deleteStack(options, stacks.service);
    results.push({ service, ecsService, stacks: [stacks.scaling, stacks.service] });
  }
  return results;
}

/** Markdown lines for the job summary, one per removed service. */
export function pruneSummary(results: PrunedService[]): string {
  if (results.length === 0) return '';
  return [
    '### Removed services',
    '',
    '| Service | ECS service | Stacks deleted |',
    '| --- | --- | --- |',
    ...results.map((r) => `| ${r.service} | ${r.ecsService} | ${r.stacks.map((s) => `\`${s}\``).join(', ')} |`),
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const config = loadDeployConfig();
  const at = argv.indexOf('--environment');
  const environment = at >= 0 ? (argv[at + 1] ?? '') : config.environment;
  const region = process.env.AWS_REGION ?? config.region;
  const clients = { cloudFormation: new CloudFormationClient({ region }), ecs: new ECSClient({ region }) };
  const keep = argv.includes('--all') ? [] : Object.keys(config.services);
  const results = await pruneRemovedServices({ environment, keep, clients, log: (line) => console.log(line) });
  const summary = process.env.GITHUB_STEP_SUMMARY;
  if (summary && results.length > 0) appendFileSync(summary, `${pruneSummary(results)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await main(process.argv.slice(2));
  } catch (error) {
    console.error(`::error::${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
