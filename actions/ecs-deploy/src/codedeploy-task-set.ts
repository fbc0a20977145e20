import type { TaskSet } from '@aws-sdk/client-ecs';
import { waitUntil } from '../../shared/src/wait.js';
import type { DeployContext } from './context.js';
import { describeService } from './service-apply.js';
import { ServiceEventPrinter, StoppedTaskReporter } from './service-events.js';

function taskSetText(set: TaskSet): string {
  return `task set ${set.id ?? '?'} ${set.status ?? '?'} ${set.stabilityStatus ?? '?'}, running ${set.runningCount ?? 0}/${set.computedDesiredCount ?? 0}${set.pendingCount ? ` (pending ${set.pendingCount})` : ''}`;
}

/**
 * Waits until the service has one task set, PRIMARY, in STEADY_STATE with its tasks running: how a
 * CODE_DEPLOY service settles after CreateService (which starts the first task set itself, without
 * CodeDeploy) and after a deployment's original task set is gone. Prints service events and the
 * reasons of stopped tasks of the task definition.
 * @throws WaitTimeoutError / CancelledError from the wait loop.
 */
export async function waitForTaskSet(options: {
  context: DeployContext;
  taskDefinitionArn: string;
  seenEventIds: Set<string>;
  startedAt: Date;
}): Promise<void> {
  const { context, taskDefinitionArn } = options;
  const name = context.inputs.service ?? '';
  const events = new ServiceEventPrinter(context, options.seenEventIds);
  const stopped = new StoppedTaskReporter(context, {
    service: name,
    taskDefinitionArn,
    createdAfter: options.startedAt,
  });
  let last = '';
  await waitUntil<void>({
    description: `the task set of ${name} to reach STEADY_STATE`,
    intervalMs: context.inputs['poll-interval'],
    deadline: context.deadline,
    signal: context.signal,
    check: async () => {
      const service = await describeService(context, name);
      if (!service) return { done: false, progress: `service ${name} not found yet` };
      events.print(service);
      const sets = service.taskSets ?? [];
      const text = sets.length > 0 ? sets.map(taskSetText).join('; ') : 'no task set yet';
      if (text !== last) context.timeline.note(text);
      last = text;
      const primary = sets.find((set) => set.status === 'PRIMARY');
      if (primary && primary.taskDefinition !== taskDefinitionArn) {
        throw new Error(
          `the PRIMARY task set ${primary.id ?? '?'} of ${name} runs ${primary.taskDefinition ?? 'no task definition'}, not ${taskDefinitionArn}: another deploy took over. Let it finish and deploy again.`,
        );
      }
      if (primary && (primary.runningCount ?? 0) < (primary.computedDesiredCount ?? 0)) await stopped.report();
      const steady =
        sets.length === 1 &&
        primary?.stabilityStatus === 'STEADY_STATE' &&
        (primary.runningCount ?? 0) >= (primary.computedDesiredCount ?? 0);
      return steady ? { done: true, value: undefined } : { done: false, progress: `${text}${stopped.sentence()}` };
    },
  });
}
