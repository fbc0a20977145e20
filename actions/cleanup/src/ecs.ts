import * as core from '@actions/core';
import {
  DeleteServiceCommand,
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { waitUntil } from '../../shared/src/index.js';
import type { CleanupContext, CleanupPlan } from './context.js';

/** Scales every service to 0, deletes it, and waits until all are INACTIVE (or gone). */
export async function deleteServices(ctx: CleanupContext, cluster: string, services: string[]): Promise<void> {
  if (services.length === 0) return;
  for (const service of services) {
    await ctx.ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount: 0 }));
    await ctx.ecs.send(new DeleteServiceCommand({ cluster, service, force: true }));
    core.info(`Deleting service ${service}`);
  }
  await waitUntil({
    description: `${services.length} service(s) to become INACTIVE`,
    intervalMs: ctx.intervalMs,
    deadline: ctx.deadline,
    signal: ctx.signal,
    check: async () => {
      const pending: string[] = [];
      for (let i = 0; i < services.length; i += 10) {
        const result = await ctx.ecs.send(
          new DescribeServicesCommand({ cluster, services: services.slice(i, i + 10) }),
        );
        for (const s of result.services ?? [])
          if (s.status !== 'INACTIVE') pending.push(`${s.serviceName} ${s.status}`);
      }
      return pending.length === 0 ? { done: true, value: undefined } : { done: false, progress: pending.join(', ') };
    },
  });
}

/** Deregisters the ACTIVE revisions, then deletes all of them (DeleteTaskDefinitions, 10 per call). */
export async function deleteTaskDefinitions(
  ctx: CleanupContext,
  revisions: CleanupPlan['taskDefinitions'],
): Promise<void> {
  for (const revision of revisions.filter((r) => r.active)) {
    await ctx.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: revision.arn }));
  }
  const arns = revisions.map((r) => r.arn);
  const failures: string[] = [];
  for (let i = 0; i < arns.length; i += 10) {
    const result = await ctx.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: arns.slice(i, i + 10) }));
    for (const f of result.failures ?? []) failures.push(`${f.arn}: ${f.reason} ${f.detail ?? ''}`.trim());
  }
  if (failures.length > 0) throw new Error(`Could not delete task definitions:\n${failures.join('\n')}`);
  core.info(`Deregistered and deleted ${arns.length} task definition revision(s).`);
}
