import {
  DescribeStacksCommand,
  paginateListChangeSets,
  paginateListStacks,
  type StackStatus,
} from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { paginateListImages } from '@aws-sdk/client-ecr';
import {
  DescribeServicesCommand,
  paginateListServices,
  paginateListTaskDefinitionFamilies,
  paginateListTaskDefinitions,
} from '@aws-sdk/client-ecs';
import { outputsOf } from '../../shared/src/index.js';
import type { CleanupContext, CleanupPlan, StackTarget, TableTarget } from './context.js';

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

/** Options for {@link discover}. */
export interface DiscoverOptions {
  environment: string;
  bootstrapStack?: string | undefined;
}

/**
 * Looks up everything of one environment by listing, never by guessing ARNs: the stacks by name
 * (`<env>-scaling-*`, `<env>-platform`, `<env>-network`), the cluster, repositories and table from
 * the platform stack's outputs (the table by its name once that stack is gone), services from the
 * cluster, task-definition families from the services and from `<env>-<name>` families. Read-only.
 */
export async function discover(ctx: CleanupContext, options: DiscoverOptions): Promise<CleanupPlan> {
  const stacks = await findStacks(ctx, options);
  const platform = stacks.find((s) => s.name === `${options.environment}-platform`);
  const cluster = platform?.outputs.ClusterName;
  const services = cluster ? await findServices(ctx, cluster) : { arns: [], families: [] };
  const repositories = Object.entries(platform?.outputs ?? {})
    .filter(([key]) => key.endsWith('RepositoryName'))
    .map(([, value]) => value);
  return {
    stacks,
    cluster,
    services: services.arns,
    taskDefinitions: await findTaskDefinitions(ctx, options.environment, services.families),
    images: await findImages(ctx, repositories),
    changeSets: await findChangeSets(ctx, stacks),
    table: await findTable(ctx, {
      name: platform?.outputs.TableName || tableName(options.environment),
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

async function findStacks(ctx: CleanupContext, options: DiscoverOptions): Promise<StackTarget[]> {
  const env = options.environment;
  const names: string[] = [];
  for await (const page of paginateListStacks({ client: ctx.cfn }, { StackStatusFilter: LIVE_STATUSES })) {
    for (const summary of page.StackSummaries ?? []) {
      if (summary.StackName && summary.StackStatus !== 'DELETE_COMPLETE') names.push(summary.StackName);
    }
  }
  const ordered = [
    ...names.filter((name) => name.startsWith(`${env}-scaling-`)).sort(),
    ...[`${env}-platform`, `${env}-network`, options.bootstrapStack ?? ''].filter((name) => names.includes(name)),
  ];
  const targets: StackTarget[] = [];
  for (const name of new Set(ordered)) {
    const stack = (await ctx.cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    if (!stack?.StackId) continue;
    targets.push({
      name,
      id: stack.StackId,
      terminationProtection: Boolean(stack.EnableTerminationProtection),
      outputs: outputsOf(stack),
    });
  }
  return targets;
}

async function findServices(ctx: CleanupContext, cluster: string): Promise<{ arns: string[]; families: string[] }> {
  const arns: string[] = [];
  try {
    for await (const page of paginateListServices({ client: ctx.ecs }, { cluster }))
      arns.push(...(page.serviceArns ?? []));
  } catch (err) {
    if (err instanceof Error && err.name === 'ClusterNotFoundException') return { arns: [], families: [] };
    throw err;
  }
  const live: string[] = [];
  const families = new Set<string>();
  for (let i = 0; i < arns.length; i += 10) {
    const { services } = await ctx.ecs.send(new DescribeServicesCommand({ cluster, services: arns.slice(i, i + 10) }));
    for (const service of services ?? []) {
      if (service.status === 'INACTIVE' || !service.serviceArn) continue;
      live.push(service.serviceArn);
      const family = familyOf(service.taskDefinition);
      if (family) families.add(family);
    }
  }
  return { arns: live, families: [...families] };
}

/** `arn:…:task-definition/dev-like:7` → `dev-like`. */
export function familyOf(arn: string | undefined): string | undefined {
  return arn?.split('/').pop()?.split(':')[0];
}

async function findTaskDefinitions(
  ctx: CleanupContext,
  environment: string,
  fromServices: string[],
): Promise<CleanupPlan['taskDefinitions']> {
  const families = new Set(fromServices);
  // Only `<env>-<name>` without a further hyphen, so environment `dev` never claims `dev-2-like`.
  const ownFamily = new RegExp(`^${environment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[A-Za-z0-9_]+$`);
  for await (const page of paginateListTaskDefinitionFamilies(
    { client: ctx.ecs },
    { familyPrefix: `${environment}-`, status: 'ALL' },
  )) {
    for (const family of page.families ?? []) if (ownFamily.test(family)) families.add(family);
  }
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
