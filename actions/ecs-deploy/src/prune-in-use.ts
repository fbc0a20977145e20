import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  type ECSClient,
  paginateListTasks,
} from '@aws-sdk/client-ecs';

/** A revision that must stay, and why (shown in the summary). */
export interface KeptRevision {
  /** Task definition ARN or `family:revision`. */
  arn: string;
  reason: string;
}

/** `arn:…:task-definition/mysfits-monolith:7` or `mysfits-monolith:7` → `mysfits-monolith:7`. */
export function revisionKey(arn: string): string {
  return arn.split('/').pop() ?? arn;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** What the in-use lookup needs; no DeployContext, so the cleanup action can call it too. */
export interface InUseOptions {
  ecs: ECSClient;
  cluster: string;
  family: string;
  /** Services of the cluster whose revisions stay (their deployments and service deployments). */
  services: string[];
}

/**
 * The service deployments' revisions: what a native deployment shifts from (sourceServiceRevisions,
 * the rollback target while it runs and the one ECS rolls back to), what it shifts to, and what a
 * rollback deployed. DescribeServiceDeployments and DescribeServiceRevisions take 20 ARNs each.
 */
async function serviceDeploymentRevisions(ecs: ECSClient, deploymentArns: string[]): Promise<KeptRevision[]> {
  const why = new Map<string, string>();
  for (const batch of chunks(deploymentArns, 20)) {
    const response = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: batch }));
    const failure = response.failures?.[0];
    if (failure) {
      throw new Error(
        `expected DescribeServiceDeployments to describe ${failure.arn}, found ${failure.reason ?? 'a failure'} ${failure.detail ?? ''}`.trim(),
      );
    }
    for (const d of response.serviceDeployments ?? []) {
      const id = d.serviceDeploymentArn?.split('/').pop() ?? '?';
      for (const source of d.sourceServiceRevisions ?? [])
        if (source.arn) why.set(source.arn, `source of service deployment ${id} (rollback target)`);
      if (d.targetServiceRevision?.arn) why.set(d.targetServiceRevision.arn, `target of service deployment ${id}`);
      if (d.rollback?.serviceRevisionArn)
        why.set(d.rollback.serviceRevisionArn, `rolled back to by service deployment ${id}`);
    }
  }
  const kept: KeptRevision[] = [];
  for (const batch of chunks([...why.keys()], 20)) {
    const response = await ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: batch }));
    const failure = response.failures?.[0];
    if (failure) {
      throw new Error(
        `expected DescribeServiceRevisions to describe ${failure.arn}, found ${failure.reason ?? 'a failure'} ${failure.detail ?? ''}`.trim(),
      );
    }
    for (const revision of response.serviceRevisions ?? []) {
      if (revision.taskDefinition && revision.serviceRevisionArn)
        kept.push({ arn: revision.taskDefinition, reason: why.get(revision.serviceRevisionArn) ?? 'service revision' });
    }
  }
  return kept;
}

/** Tasks of the family still meant to run in the cluster (service tasks, one-off tasks). */
async function runningTaskRevisions(options: InUseOptions): Promise<KeptRevision[]> {
  const { ecs, cluster, family } = options;
  const taskArns: string[] = [];
  // desiredStatus sent explicitly: RUNNING is ECS's default, but some emulators list STOPPED tasks too.
  for await (const page of paginateListTasks({ client: ecs }, { cluster, family, desiredStatus: 'RUNNING' }))
    taskArns.push(...(page.taskArns ?? []));
  const counts = new Map<string, number>();
  for (const batch of chunks(taskArns, 100)) {
    const response = await ecs.send(new DescribeTasksCommand({ cluster, tasks: batch }));
    for (const task of response.tasks ?? [])
      if (task.taskDefinitionArn) counts.set(task.taskDefinitionArn, (counts.get(task.taskDefinitionArn) ?? 0) + 1);
  }
  return [...counts].map(([arn, n]) => ({ arn, reason: `${n} running task(s)` }));
}

/**
 * Every revision that a service or task still runs or that a rollback could need: each named
 * service's task definition and deployments (PRIMARY, ACTIVE, ...), the revisions of its current
 * service deployment (source, target, rollback), and the revisions of the family's RUNNING tasks in
 * the cluster. Services that do not exist or are INACTIVE are skipped.
 * @throws Error when a lookup fails: without the full picture nothing may be pruned.
 */
export async function findRevisionsInUse(options: InUseOptions): Promise<KeptRevision[]> {
  const { ecs, cluster, services } = options;
  const kept: KeptRevision[] = [];
  const deploymentArns: string[] = [];
  for (const batch of chunks(services, 10)) {
    const response = await ecs.send(new DescribeServicesCommand({ cluster, services: batch }));
    for (const service of response.services ?? []) {
      if (service.status === 'INACTIVE') continue;
      const name = service.serviceName ?? '?';
      if (service.taskDefinition)
        kept.push({ arn: service.taskDefinition, reason: `task definition of service ${name}` });
      for (const d of service.deployments ?? [])
        if (d.taskDefinition)
          kept.push({ arn: d.taskDefinition, reason: `${d.status ?? ''} deployment of ${name}`.trim() });
      if (service.currentServiceDeployment) deploymentArns.push(service.currentServiceDeployment);
    }
  }
  kept.push(...(await serviceDeploymentRevisions(ecs, deploymentArns)));
  kept.push(...(await runningTaskRevisions(options)));
  return kept;
}
