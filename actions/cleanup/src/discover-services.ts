import { DescribeServicesCommand, type Failure, paginateListServices } from '@aws-sdk/client-ecs';
import type { CleanupContext, StackTarget } from './context.js';
import { SERVICE_STACK_KINDS, serviceOfStack } from './discover-stacks.js';

/**
 * The names the environment's services can have: ecs-deploy names each service after its folder,
 * whose task-definition family is `<env>-<name>` and whose stacks are `<env>-scaling-<name>` and
 * `<env>-service-<name>`.
 */
export function serviceNames(environment: string, stacks: StackTarget[], families: string[]): string[] {
  const names = new Set<string>();
  for (const family of families) names.add(family.slice(environment.length + 1));
  for (const stack of stacks) {
    for (const kind of SERVICE_STACK_KINDS) {
      const name = serviceOfStack(environment, kind, stack.name);
      if (name) names.add(name);
    }
  }
  return [...names].sort();
}

interface FoundServices {
  active: string[];
  draining: string[];
  families: string[];
}

export async function findServices(ctx: CleanupContext, cluster: string, names: string[]): Promise<FoundServices> {
  try {
    return await describeServices(ctx, cluster, await listServiceIds(ctx, cluster, names));
  } catch (err) {
    if (err instanceof Error && err.name === 'ClusterNotFoundException')
      return { active: [], draining: [], families: [] };
    throw err;
  }
}

/** Listed service ARNs plus the names not among them (DRAINING services are not listed). */
async function listServiceIds(ctx: CleanupContext, cluster: string, names: string[]): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of paginateListServices({ client: ctx.ecs }, { cluster }))
    arns.push(...(page.serviceArns ?? []));
  const listed = new Set(arns.map((arn) => arn.split('/').pop()));
  return [...arns, ...names.filter((name) => !listed.has(name))];
}

async function describeServices(ctx: CleanupContext, cluster: string, ids: string[]): Promise<FoundServices> {
  const found: FoundServices = { active: [], draining: [], families: [] };
  const seen = new Set<string>();
  for (let i = 0; i < ids.length; i += 10) {
    const result = await ctx.ecs.send(new DescribeServicesCommand({ cluster, services: ids.slice(i, i + 10) }));
    assertOnlyMissing(result.failures, cluster);
    for (const service of result.services ?? []) {
      const arn = service.serviceArn;
      if (!arn || seen.has(arn)) continue;
      seen.add(arn);
      if (service.status === 'INACTIVE') continue;
      if (service.status === 'ACTIVE') found.active.push(arn);
      else if (service.status === 'DRAINING') found.draining.push(arn);
      else {
        throw new Error(
          `Service ${service.serviceName} in cluster ${cluster} has status ${service.status}; expected ACTIVE, DRAINING or INACTIVE. Nothing was deleted: look at the service in the ECS console, then rerun the cleanup.`,
        );
      }
      const family = familyOf(service.taskDefinition);
      if (family) found.families.push(family);
    }
  }
  return found;
}

/**
 * A name the cluster does not know comes back as failure MISSING (a service never created, or
 * purged after INACTIVE). Any other failure means the state is unknown: stop before deleting.
 */
export function assertOnlyMissing(failures: Failure[] | undefined, cluster: string): void {
  const other = (failures ?? []).filter((f) => f.reason !== 'MISSING');
  if (other.length === 0) return;
  const lines = other.map((f) => `  - ${f.arn}: ${f.reason}${f.detail ? ` (${f.detail})` : ''}`).join('\n');
  throw new Error(
    `DescribeServices could not read services of cluster ${cluster} (expected each to be found or MISSING):\n${lines}\nFix the cause (often a permission of the deploy role), then rerun the cleanup.`,
  );
}

/** `arn:…:task-definition/dev-like:7` → `dev-like`. */
export function familyOf(arn: string | undefined): string | undefined {
  return arn?.split('/').pop()?.split(':')[0];
}
