import { createHash } from 'node:crypto';
import {
  DescribeTasksCommand,
  type NetworkConfiguration,
  RunTaskCommand,
  type RunTaskCommandInput,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { errorMessage } from '../../shared/src/errors.js';
import type { JsonObject } from '../../shared/src/json.js';
import { waitUntil } from '../../shared/src/wait.js';
import type { DeployContext } from './context.js';
import { parseCommand } from './inputs.js';
import { describeService } from './service-apply.js';
import { describeStoppedTask } from './service-events.js';
import type { TaskDefinitionResult } from './task-definition.js';

export interface RunTaskResult {
  taskArn: string;
  exitCode: number | undefined;
  task: Task;
}

function chooseContainer(context: DeployContext, taskDefinition: TaskDefinitionResult): string {
  const names = taskDefinition.containers.map((c) => c.name);
  const wanted = context.inputs.container;
  if (wanted && !names.includes(wanted)) {
    throw new Error(
      `Input 'container': expected one of ${names.join(', ')} (the task definition's containers), found '${wanted}'`,
    );
  }
  const chosen = wanted ?? taskDefinition.containers.find((c) => c.essential)?.name;
  if (!chosen)
    throw new Error(`task definition ${taskDefinition.arn} has no essential container to run the command in`);
  return chosen;
}

/** Network for the one-off task: the inputs, else the service definition file, else the live service. */
async function chooseNetwork(
  context: DeployContext,
  definition: JsonObject,
): Promise<NetworkConfiguration | undefined> {
  const { inputs } = context;
  if (inputs.subnets.length > 0) {
    return {
      awsvpcConfiguration: {
        subnets: inputs.subnets,
        securityGroups: inputs['security-groups'].length > 0 ? inputs['security-groups'] : undefined,
        assignPublicIp: inputs['assign-public-ip'] || 'DISABLED',
      },
    };
  }
  if (definition.networkConfiguration) return definition.networkConfiguration as NetworkConfiguration;
  if (inputs.service) return (await describeService(context, inputs.service))?.networkConfiguration;
  return undefined;
}

/**
 * RunTask's clientToken: the same for every try of one step in one workflow run attempt (so a
 * retried call cannot start a second task), different for a re-run attempt. A SHA-256 in hex is 64
 * characters in 33-126, RunTask's limits. Undefined outside Actions: the SDK then makes one per call.
 */
export function runTaskClientToken(parts: Array<string | undefined>): string | undefined {
  const { GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, GITHUB_JOB, GITHUB_ACTION } = process.env;
  if (!GITHUB_RUN_ID) return undefined;
  const identity = [GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT ?? '1', GITHUB_JOB, GITHUB_ACTION, ...parts];
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

/**
 * What RunTask takes from the service definition: tags, ECS managed tags, execute command and
 * launch-time volumes. RunTask refuses propagateTags SERVICE; the service's tags are sent as the
 * task's own instead (also inside EBS volume tag specifications).
 */
export function taskFieldsFrom(definition: JsonObject): Partial<RunTaskCommandInput> {
  const propagate = (value: unknown) => (value === 'SERVICE' ? undefined : (value as 'TASK_DEFINITION' | 'NONE'));
  const volumes = definition.volumeConfigurations as RunTaskCommandInput['volumeConfigurations'];
  return {
    tags: definition.tags as RunTaskCommandInput['tags'],
    propagateTags: propagate(definition.propagateTags),
    enableECSManagedTags: definition.enableECSManagedTags as boolean | undefined,
    enableExecuteCommand: definition.enableExecuteCommand as boolean | undefined,
    volumeConfigurations: volumes?.map((volume) => ({
      ...volume,
      ...(volume.managedEBSVolume && {
        managedEBSVolume: {
          ...volume.managedEBSVolume,
          tagSpecifications: volume.managedEBSVolume.tagSpecifications?.map((spec) => ({
            ...spec,
            propagateTags: propagate(spec.propagateTags),
          })),
        },
      }),
    })),
  };
}

/** The essential containers' results; a missing or non-zero exit code is a failure. */
function exitProblems(task: Task, taskDefinition: TaskDefinitionResult, container: string): string[] {
  const essential = new Set(taskDefinition.containers.filter((c) => c.essential).map((c) => c.name));
  essential.add(container);
  return (task.containers ?? [])
    .filter((c) => essential.has(c.name ?? ''))
    .filter((c) => c.exitCode !== 0)
    .map((c) =>
      c.exitCode === undefined
        ? `container ${c.name} has no exit code (it never ran${c.reason ? `: ${c.reason}` : ''})`
        : `container ${c.name} exited with code ${c.exitCode}${c.reason ? ` (${c.reason})` : ''}`,
    );
}

/**
 * Runs a one-off task (the monolith's `seed`), waits for STOPPED and checks the exit codes.
 * On timeout or cancel the task is stopped before the step fails.
 * @throws Error with the container's exit code/reason and the task's stoppedReason on failure.
 */
export async function runOneOffTask(options: {
  context: DeployContext;
  taskDefinition: TaskDefinitionResult;
  serviceDefinition: JsonObject;
}): Promise<RunTaskResult> {
  const { context, taskDefinition, serviceDefinition } = options;
  const { ecs, cluster, inputs, timeline } = context;
  const container = chooseContainer(context, taskDefinition);
  const command = inputs.command ? parseCommand(inputs.command) : undefined;
  const capacity = serviceDefinition.capacityProviderStrategy as RunTaskCommandInput['capacityProviderStrategy'];
  const request: RunTaskCommandInput = {
    cluster,
    taskDefinition: taskDefinition.arn,
    count: 1,
    startedBy: `ecs-deploy-${process.env.GITHUB_RUN_ID ?? 'local'}`.slice(0, 128),
    networkConfiguration: await chooseNetwork(context, serviceDefinition),
    ...(capacity
      ? { capacityProviderStrategy: capacity }
      : { launchType: (serviceDefinition.launchType as 'FARGATE') ?? 'FARGATE' }),
    platformVersion: serviceDefinition.platformVersion as string | undefined,
    overrides: command ? { containerOverrides: [{ name: container, command }] } : undefined,
    ...taskFieldsFrom(serviceDefinition),
    clientToken: runTaskClientToken([cluster, taskDefinition.arn, container, JSON.stringify(command ?? null)]),
  };
  // An undefined member would still be a key in the request; drop them so only what is set is sent.
  for (const key of Object.keys(request) as Array<keyof RunTaskCommandInput>) {
    if (request[key] === undefined) delete request[key];
  }
  const response = await ecs.send(new RunTaskCommand(request));
  const started = response.tasks?.[0];
  if (!started?.taskArn) {
    const failures = (response.failures ?? []).map((f) => `${f.arn ?? ''} ${f.reason ?? ''} ${f.detail ?? ''}`.trim());
    throw new Error(
      `RunTask started no task: ${failures.join('; ') || 'no failure reported'}. Check capacity, subnets and the task definition.`,
    );
  }
  const taskArn = started.taskArn;
  timeline.note(`Started task ${taskArn}${command ? ` running ${JSON.stringify(command)} in ${container}` : ''}`);
  let lastStatus = '';
  let task: Task;
  try {
    task = await waitUntil<Task>({
      description: `task ${taskArn.split('/').pop()} to stop`,
      intervalMs: inputs['poll-interval'],
      deadline: context.deadline,
      signal: context.signal,
      check: async () => {
        const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
        const current = described.tasks?.[0];
        if (!current) throw new Error(`DescribeTasks no longer finds task ${taskArn}`);
        if (current.lastStatus !== lastStatus) {
          lastStatus = current.lastStatus ?? '';
          timeline.note(`task ${lastStatus}`);
        }
        if (current.lastStatus === 'STOPPED') return { done: true, value: current };
        return { done: false, progress: `lastStatus ${current.lastStatus}, desired ${current.desiredStatus}` };
      },
    });
  } catch (err) {
    // A one-off task must not outlive its step: stop it, then fail with the original reason.
    await ecs
      .send(new StopTaskCommand({ cluster, task: taskArn, reason: `ecs-deploy: ${errorMessage(err)}`.slice(0, 255) }))
      .then(() => timeline.note(`Stopped task ${taskArn}`))
      .catch((stopErr: unknown) => timeline.note(`Could not stop task ${taskArn}: ${errorMessage(stopErr)}`));
    throw err;
  }
  timeline.note(describeStoppedTask(task));
  const exitCode = task.containers?.find((c) => c.name === container)?.exitCode;
  const problems = exitProblems(task, taskDefinition, container);
  if (problems.length > 0) {
    throw new RunTaskFailure(
      `expected the one-off task to exit 0, found: ${problems.join('; ')}. Task stopped: ${task.stoppedReason ?? 'no reason given'}` +
        `${task.stopCode ? ` [${task.stopCode}]` : ''}. Read the container's log for the cause, fix, and run again.`,
      { taskArn, exitCode, task },
    );
  }
  return { taskArn, exitCode, task };
}

/** A one-off task that ran but failed; carries the result for the outputs. */
export class RunTaskFailure extends Error {
  override name = 'RunTaskFailure';
  constructor(
    message: string,
    readonly result: RunTaskResult,
  ) {
    super(message);
  }
}
