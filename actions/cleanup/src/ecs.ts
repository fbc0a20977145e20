import * as core from '@actions/core';
import {
  DeleteServiceCommand,
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
} from '@aws-sdk/client-ecs';
import { waitUntil } from '../../shared/src/index.js';
import type { CleanupContext, CleanupPlan } from './context.js';
import { assertOnlyMissing } from './discover-services.js';

/** The services of one cleanup: those to delete and those an earlier run already deleted. */
export interface ServiceTargets {
  active: string[];
  draining: string[];
}

/**
 * Deletes every ACTIVE service with `force` (no scale-down first: DeleteService force removes a
 * service that was not scaled to zero, and UpdateService on a service that turned DRAINING meanwhile
 * throws ServiceNotActiveException), then waits until these and the DRAINING ones are INACTIVE (or
 * gone), failing on the cleanup's deadline.
 */
export async function deleteServices(ctx: CleanupContext, cluster: string, targets: ServiceTargets): Promise<void> {
  const services = [...targets.active, ...targets.draining];
  if (services.length === 0) return;
  for (const service of targets.active) {
    try {
      await ctx.ecs.send(new DeleteServiceCommand({ cluster, service, force: true }));
      core.info(`Deleting service ${service}`);
    } catch (err) {
      // Purged since discovery: what we wanted. Anything else stops the cleanup before the stacks.
      if (!(err instanceof Error && err.name === 'ServiceNotFoundException')) throw err;
      core.info(`Service ${service} is already gone.`);
    }
  }
  for (const service of targets.draining) core.info(`Service ${service} was deleted earlier and is DRAINING.`);
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
        assertOnlyMissing(result.failures, cluster);
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
