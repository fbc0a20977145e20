import { paginateListChangeSets } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { paginateListImages } from '@aws-sdk/client-ecr';
import { paginateListTaskDefinitionFamilies, paginateListTaskDefinitions } from '@aws-sdk/client-ecs';
import type { CleanupContext, CleanupPlan, StackTarget, TableTarget } from './context.js';
import { familyOf, findServices, serviceNames } from './discover-services.js';
import { findRepositories, findStacks } from './discover-stacks.js';

/** Options for {@link discover}. */
export interface DiscoverOptions {
  environment: string;
  bootstrapStack?: string | undefined;
}

/**
 * Looks up everything of one environment by listing, never by guessing ARNs and never by a list of
 * service names: the stacks by name (`<env>-scaling-*`, `<env>-service-*`, `<env>-platform`,
 * `<env>-network`), the cluster and table from the platform stack's outputs (the table by its name
 * once that stack is gone), the repositories from the stacks' resources, services from the cluster
 * (and, DRAINING ones ListServices no longer shows, by the names of the environment's
 * task-definition families and per-service stacks), task-definition families from the services and
 * from `<env>-<name>` families. Read-only.
 */
export async function discover(ctx: CleanupContext, options: DiscoverOptions): Promise<CleanupPlan> {
  const env = options.environment;
  const stacks = await findStacks(ctx, options);
  const platform = stacks.find((s) => s.name === `${env}-platform`);
  const cluster = platform?.outputs.ClusterName;
  const families = await findFamilies(ctx, env);
  const names = serviceNames(env, stacks, families);
  const services = cluster ? await findServices(ctx, cluster, names) : { active: [], draining: [], families: [] };
  // The bootstrap stack holds no repository (and may lie outside the deploy role's `<env>-*` stacks).
  const repositories = await findRepositories(
    ctx,
    stacks.filter((s) => s.name !== options.bootstrapStack),
  );
  return {
    stacks,
    cluster,
    services: services.active,
    drainingServices: services.draining,
    taskDefinitions: await findTaskDefinitions(ctx, [...new Set([...families, ...services.families])]),
    images: await findImages(ctx, repositories),
    // A stack already being deleted takes its change sets with it; DeleteChangeSet on it is refused.
    changeSets: await findChangeSets(
      ctx,
      stacks.filter((s) => s.status !== 'DELETE_IN_PROGRESS'),
    ),
    table: await findTable(ctx, {
      name: platform?.outputs.TableName || tableName(env),
      stack: platform?.outputs.TableName ? platform.name : undefined,
    }),
  };
}

/**
 * The table platform.yml creates (`TableName: !Sub '${EnvironmentName}-mysfits'`). Needed once the
 * platform stack is gone: the table outlives it (DeletionPolicy Retain) and has no other trace.
 */
export function tableName(environment: string): string {
  return `${environment}-mysfits`;
}

/** The environment's own families, `<env>-<name>` without a further hyphen, in any status. */
async function findFamilies(ctx: CleanupContext, environment: string): Promise<string[]> {
  const families: string[] = [];
  // Without a further hyphen, so environment `dev` never claims `dev-2-like`.
  const ownFamily = new RegExp(`^${environment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[A-Za-z0-9_]+$`);
  for await (const page of paginateListTaskDefinitionFamilies(
    { client: ctx.ecs },
    { familyPrefix: `${environment}-`, status: 'ALL' },
  )) {
    for (const family of page.families ?? []) if (ownFamily.test(family)) families.push(family);
  }
  return families;
}

/** ACTIVE and INACTIVE revisions; DELETE_IN_PROGRESS ones are deleted already and left to ECS. */
async function findTaskDefinitions(ctx: CleanupContext, families: string[]): Promise<CleanupPlan['taskDefinitions']> {
  const revisions: CleanupPlan['taskDefinitions'] = [];
  for (const family of [...families].sort()) {
    for (const status of ['ACTIVE', 'INACTIVE'] as const) {
      for await (const page of paginateListTaskDefinitions({ client: ctx.ecs }, { familyPrefix: family, status })) {
        for (const arn of page.taskDefinitionArns ?? []) {
          if (familyOf(arn) === family) revisions.push({ arn, active: status === 'ACTIVE' });
        }
      }
    }
  }
  return revisions;
}

async function findImages(ctx: CleanupContext, repositories: string[]): Promise<Record<string, string[]>> {
  const images: Record<string, string[]> = {};
  for (const repositoryName of repositories) {
    const digests = new Set<string>();
    try {
      for await (const page of paginateListImages({ client: ctx.ecr }, { repositoryName })) {
        for (const id of page.imageIds ?? []) if (id.imageDigest) digests.add(id.imageDigest);
      }
    } catch (err) {
      if (err instanceof Error && err.name === 'RepositoryNotFoundException') continue;
      throw err;
    }
    if (digests.size > 0) images[repositoryName] = [...digests];
  }
  return images;
}

async function findChangeSets(ctx: CleanupContext, stacks: StackTarget[]): Promise<CleanupPlan['changeSets']> {
  const found: CleanupPlan['changeSets'] = [];
  for (const stack of stacks) {
    for await (const page of paginateListChangeSets({ client: ctx.cfn }, { StackName: stack.id })) {
      for (const summary of page.Summaries ?? []) {
        // Filter by id: some emulators return every stack's change sets.
        if (summary.StackId === stack.id && summary.ChangeSetId) {
          found.push({
            stackId: stack.id,
            id: summary.ChangeSetId,
            name: summary.ChangeSetName ?? summary.ChangeSetId,
          });
        }
      }
    }
  }
  return found;
}

async function findTable(
  ctx: CleanupContext,
  table: Omit<TableTarget, 'deletionProtection'>,
): Promise<CleanupPlan['table']> {
  try {
    const { Table } = await ctx.dynamodb.send(new DescribeTableCommand({ TableName: table.name }));
    return { ...table, deletionProtection: Boolean(Table?.DeletionProtectionEnabled) };
  } catch (err) {
    if (err instanceof Error && err.name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}
