import { DescribeTasksCommand, paginateListTasks, type Service, type Task } from '@aws-sdk/client-ecs';
import type { DeployContext } from './context.js';

/** Prints each service event once, oldest first, skipping those that existed before the deploy. */
export class ServiceEventPrinter {
  constructor(
    private readonly context: DeployContext,
    private readonly seen: Set<string>,
  ) {}

  print(service: Service): void {
    const fresh = (service.events ?? []).filter((e) => e.id && !this.seen.has(e.id));
    fresh.sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0));
    for (const event of fresh) {
      this.seen.add(event.id ?? '');
      this.context.timeline.note(`event: ${event.message ?? ''}`, event.createdAt ?? new Date());
    }
  }
}

/** Why a stopped task stopped: the task's stoppedReason plus each container's exit code and reason. */
export function describeStoppedTask(task: Task): string {
  const id = task.taskArn?.split('/').pop() ?? '?';
  const containers = (task.containers ?? [])
    .filter((c) => c.exitCode !== undefined || c.reason)
    .map((c) => `${c.name}: exit code ${c.exitCode ?? 'none'}${c.reason ? ` (${c.reason})` : ''}`);
  const stopCode = task.stopCode ? ` [${task.stopCode}]` : '';
  return `task ${id} stopped${stopCode}: ${task.stoppedReason ?? 'no reason given'}${containers.length > 0 ? `; ${containers.join('; ')}` : ''}`;
}

/** Which stopped tasks belong to the deployment being watched. */
export interface StoppedTaskFilter {
  service: string;
  /** Only tasks of this task definition (the revision just deployed). */
  taskDefinitionArn: string;
  /** Only tasks created after this (minus clock skew): older ones stopped for the rollout itself. */
  createdAfter: Date;
  /** Only tasks started by this ECS deployment (`ecs-svc/...`), when known. */
  startedBy?: string | undefined;
}

/** Tasks created this long before the create/update call still count (clock skew with ECS). */
const SKEW_MS = 60_000;
/** DescribeTasks takes up to 100 tasks per call (ECS API reference). */
const DESCRIBE_BATCH = 100;

/**
 * Prints the reasons of the watched deployment's tasks that stopped, each task once. Reads every
 * page of the service's STOPPED tasks, so a new deployment's failures are not hidden behind the
 * previous deployment's tasks that stopped normally. `reasons` holds them in order, newest last.
 */
export class StoppedTaskReporter {
  private readonly seen = new Set<string>();
  readonly reasons: string[] = [];

  constructor(
    private readonly context: DeployContext,
    private readonly filter: StoppedTaskFilter,
  ) {}

  /** Looks for tasks that stopped since the last look and notes the new deployment's. */
  async report(startedBy: string | undefined = this.filter.startedBy): Promise<void> {
    const { ecs, cluster } = this.context;
    const fresh: string[] = [];
    const pages = paginateListTasks(
      { client: ecs, pageSize: DESCRIBE_BATCH },
      { cluster, serviceName: this.filter.service, desiredStatus: 'STOPPED' },
    );
    for await (const page of pages) {
      for (const arn of page.taskArns ?? []) if (!this.seen.has(arn)) fresh.push(arn);
    }
    const after = this.filter.createdAfter.getTime() - SKEW_MS;
    const ours: Task[] = [];
    for (let i = 0; i < fresh.length; i += DESCRIBE_BATCH) {
      const described = await ecs.send(
        new DescribeTasksCommand({ cluster, tasks: fresh.slice(i, i + DESCRIBE_BATCH) }),
      );
      for (const task of described.tasks ?? []) {
        if (!task.taskArn || this.seen.has(task.taskArn)) continue;
        // A task still stopping (lastStatus not yet STOPPED) is looked at again next time.
        if (task.lastStatus !== 'STOPPED') continue;
        this.seen.add(task.taskArn);
        if (task.taskDefinitionArn !== this.filter.taskDefinitionArn) continue;
        if ((task.createdAt?.getTime() ?? Number.POSITIVE_INFINITY) < after) continue;
        if (startedBy && task.startedBy && task.startedBy !== startedBy) continue;
        ours.push(task);
      }
    }
    ours.sort((a, b) => (a.stoppedAt?.getTime() ?? 0) - (b.stoppedAt?.getTime() ?? 0));
    for (const task of ours) {
      const reason = describeStoppedTask(task);
      this.reasons.push(reason);
      this.context.timeline.note(reason, task.stoppedAt ?? new Date());
    }
  }

  /** ` Stopped tasks: a | b | c.` (the last three), or '' when none stopped. */
  sentence(): string {
    const recent = this.reasons.slice(-3);
    return recent.length > 0 ? ` Stopped tasks: ${recent.join(' | ')}.` : '';
  }
}
