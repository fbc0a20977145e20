import * as core from '@actions/core';
import {
  DescribeStacksCommand,
  paginateListStackResources,
  paginateListStacks,
  type Stack,
  type StackStatus,
} from '@aws-sdk/client-cloudformation';
import { outputsOf } from '../../shared/src/index.js';
import type { CleanupContext, StackTarget } from './context.js';

const LIVE_STATUSES: StackStatus[] = [
  'CREATE_IN_PROGRESS',
  'CREATE_FAILED',
  'CREATE_COMPLETE',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_FAILED',
  'ROLLBACK_COMPLETE',
  'DELETE_IN_PROGRESS',
  'DELETE_FAILED',
  'UPDATE_IN_PROGRESS',
  'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
  'UPDATE_COMPLETE',
  'UPDATE_FAILED',
  'UPDATE_ROLLBACK_IN_PROGRESS',
  'UPDATE_ROLLBACK_FAILED',
  'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
  'UPDATE_ROLLBACK_COMPLETE',
  'REVIEW_IN_PROGRESS',
  'IMPORT_IN_PROGRESS',
  'IMPORT_COMPLETE',
  'IMPORT_ROLLBACK_IN_PROGRESS',
  'IMPORT_ROLLBACK_FAILED',
  'IMPORT_ROLLBACK_COMPLETE',
];

/** The per-service stack kinds, deleted in this order before the shared stacks. */
export const SERVICE_STACK_KINDS = ['scaling', 'service'] as const;

/** `<env>-<kind>-<name>` → name (service.yml's ServiceName pattern: no hyphen), else undefined. */
export function serviceOfStack(environment: string, kind: string, stackName: string): string | undefined {
  const prefix = `${environment}-${kind}-`;
  if (!stackName.startsWith(prefix)) return undefined;
  const name = stackName.slice(prefix.length);
  return /^[a-z][a-z0-9]*$/.test(name) ? name : undefined;
}

/** Options for {@link findStacks}. */
export interface FindStacksOptions {
  environment: string;
  bootstrapStack?: string | undefined;
}

/**
 * The environment's live stacks in deletion order: every `<env>-scaling-<name>`, every
 * `<env>-service-<name>` (they import the platform's exports), `<env>-platform`,
 * `<env>-ec2-capacity`, `<env>-network`, then the bootstrap stack when named. A per-service stack counts only when its EnvironmentName
 * parameter is this environment: environment `dev-service`'s `dev-service-network` is not `dev`'s.
 */
export async function findStacks(ctx: CleanupContext, options: FindStacksOptions): Promise<StackTarget[]> {
  const env = options.environment;
  const ids = new Map<string, string>();
  for await (const page of paginateListStacks({ client: ctx.cfn }, { StackStatusFilter: LIVE_STATUSES })) {
    for (const summary of page.StackSummaries ?? []) {
      if (summary.StackName && summary.StackId && summary.StackStatus !== 'DELETE_COMPLETE') {
        ids.set(summary.StackName, summary.StackId);
      }
    }
  }
  const names = [...ids.keys()];
  const perService = new Set<string>();
  const ordered: string[] = [];
  for (const kind of SERVICE_STACK_KINDS) {
    const ofKind = names.filter((name) => serviceOfStack(env, kind, name) !== undefined).sort();
    for (const name of ofKind) perService.add(name);
    ordered.push(...ofKind);
  }
  // The EC2 capacity after the platform (whose cluster lists its capacity provider, which cannot be
  // deleted while a cluster has it) and before the network (its group is in the network's subnets).
  const shared = [`${env}-platform`, `${env}-ec2-capacity`, `${env}-network`, options.bootstrapStack ?? ''];
  ordered.push(...shared.filter((name) => ids.has(name)));
  const targets: StackTarget[] = [];
  for (const name of new Set(ordered)) {
    // By unique id: a stack whose deletion (an earlier run's) finished since ListStacks is then
    // described as DELETE_COMPLETE instead of "does not exist" by name.
    const stack = await describeStack(ctx, ids.get(name) ?? name);
    if (!stack?.StackId || stack.StackStatus === 'DELETE_COMPLETE') continue;
    const owner = stack.Parameters?.find((p) => p.ParameterKey === 'EnvironmentName')?.ParameterValue;
    if (perService.has(name) && owner !== env) {
      core.warning(
        `Stack ${name} is named like a stack of environment ${env} but its EnvironmentName parameter is '${owner ?? ''}': left alone. Delete it by hand if it is ${env}'s.`,
      );
      continue;
    }
    targets.push({
      name,
      id: stack.StackId,
      status: stack.StackStatus ?? 'UNKNOWN',
      terminationProtection: Boolean(stack.EnableTerminationProtection),
      outputs: outputsOf(stack),
    });
  }
  return targets;
}

/** The stack, or undefined when CloudFormation no longer knows it (deleted stacks are purged). */
export async function describeStack(ctx: CleanupContext, stackId: string): Promise<Stack | undefined> {
  try {
    return (await ctx.cfn.send(new DescribeStacksCommand({ StackName: stackId }))).Stacks?.[0];
  } catch (err) {
    if (err instanceof Error && err.name === 'ValidationError' && /does not exist/.test(err.message)) return undefined;
    throw err;
  }
}

/**
 * The ECR repositories the stacks hold (each service stack's; a platform stack deployed before
 * issue 10 held them all), by their resources, not by an output name: a stack whose outputs are
 * missing (a failed create, or moto after a change set) or that an earlier run left DELETE_FAILED
 * on a repository that was not empty is still emptied. Repositories already deleted are skipped.
 */
export async function findRepositories(ctx: CleanupContext, stacks: StackTarget[]): Promise<string[]> {
  const repositories = new Set<string>();
  for (const stack of stacks) {
    for await (const page of paginateListStackResources({ client: ctx.cfn }, { StackName: stack.id })) {
      for (const resource of page.StackResourceSummaries ?? []) {
        if (resource.ResourceType !== 'AWS::ECR::Repository' || !resource.PhysicalResourceId) continue;
        if (resource.ResourceStatus === 'DELETE_COMPLETE') continue;
        repositories.add(resource.PhysicalResourceId);
      }
    }
  }
  return [...repositories];
}
