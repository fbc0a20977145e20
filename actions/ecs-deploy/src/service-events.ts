import { DescribeTasksCommand, ListTasksCommand, type Service, type Task } from '@aws-sdk/client-ecs';
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

/**
 * Prints the reasons of tasks of a deployment that stopped, each task once. Returns the reasons
 * printed so far, newest last, for the failure message.
 */
export class StoppedTaskReporter {
  private readonly seen = new Set<string>();
  readonly reasons: string[] = [];

  constructor(private readonly context: DeployContext) {}

  async report(options: { service: string; startedBy?: string | undefined }): Promise<void> {
    const { ecs, cluster } = this.context;
    const listed = await ecs.send(
      new ListTasksCommand({ cluster, serviceName: options.service, desiredStatus: 'STOPPED', maxResults: 20 }),
    );
    const arns = (listed.taskArns ?? []).filter((arn) => !this.seen.has(arn));
    if (arns.length === 0) return;
    const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }));
    for (const task of described.tasks ?? []) {
      if (!task.taskArn || this.seen.has(task.taskArn)) continue;
      this.seen.add(task.taskArn);
      // Tasks of an older deployment stopping is the rollout working, not a failure.
      if (options.startedBy && task.startedBy && task.startedBy !== options.startedBy) continue;
      const reason = describeStoppedTask(task);
      this.reasons.push(reason);
      this.context.timeline.note(reason, task.stoppedAt ?? new Date());
    }
  }
}
