import * as core from '@actions/core';
import {
  CreateServiceCommand,
  type CreateServiceCommandInput,
  DescribeServicesCommand,
  type Service,
  UpdateServiceCommand,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import type { JsonObject } from '../../shared/src/json.js';
import { runningTaskDefinition, updateCodeDeployService } from './codedeploy-service.js';
import type { DeployContext } from './context.js';
import { CODEDEPLOY_EVENTS, LIFECYCLE_STAGES } from './inputs.js';
import { planServiceUpdate } from './service-definition.js';
import { applyServiceTags } from './service-tags.js';

export type Strategy = 'ROLLING' | 'BLUE_GREEN' | 'LINEAR' | 'CANARY' | 'CODE_DEPLOY';

export interface ApplyResult {
  /** The service as CreateService/UpdateService returned it (or as described when unchanged). */
  service: Service;
  action: 'created' | 'updated' | 'unchanged';
  /** The task definition the service ran before (undefined when it was created): the rollback target. */
  previousTaskDefinition: string | undefined;
  strategy: Strategy;
  /** Event ids that existed before the deploy, so only new events are printed. */
  seenEventIds: Set<string>;
  /** When the create/update call was made (tasks created before it belong to older deployments). */
  startedAt: Date;
  /** The service deployment the service named before this deploy (a native watch waits for a newer one). */
  previousServiceDeployment: string | undefined;
  /** UpdateService fields that put back what this update changed (for the action's own rollback). */
  previousFields: JsonObject;
  /** Changed fields whose earlier value cannot be sent back (the service had none). */
  unrestorable: string[];
  /** CODE_DEPLOY: whether a CodeDeploy deployment is to be created (new task definition, AppSpec members, forced). */
  codeDeploy?: boolean;
}

/** List fields an UpdateService clears with `[]` when the service had none before. */
const CLEARABLE = new Set([
  'loadBalancers',
  'serviceRegistries',
  'placementConstraints',
  'placementStrategy',
  'volumeConfigurations',
  'vpcLatticeConfigurations',
]);

/**
 * The live values of the fields an update changes, in UpdateService shape: from the service, or
 * its PRIMARY deployment for the fields ECS reports per deployment (serviceConnectConfiguration,
 * volumeConfigurations, ...).
 */
export function previousValues(changed: JsonObject, existing: Service): { fields: JsonObject; unrestorable: string[] } {
  const live = JSON.parse(JSON.stringify(existing)) as JsonObject;
  const primary = (live.deployments as JsonObject[] | undefined)?.find((d) => d.status === 'PRIMARY') ?? {};
  const fields: JsonObject = {};
  const unrestorable: string[] = [];
  for (const key of Object.keys(changed)) {
    const value = live[key] ?? primary[key];
    if (value !== undefined) fields[key] = value;
    else if (CLEARABLE.has(key)) fields[key] = [];
    else unrestorable.push(key);
  }
  return { fields, unrestorable };
}

/**
 * The service, or undefined when it does not exist or is INACTIVE (deleted, may be recreated).
 * `withTags`: include its tags (DescribeServices include TAGS).
 */
export async function describeService(
  context: DeployContext,
  name: string,
  withTags = false,
): Promise<Service | undefined> {
  const response = await context.ecs.send(
    new DescribeServicesCommand({
      cluster: context.cluster,
      services: [name],
      ...(withTags ? { include: ['TAGS' as const] } : {}),
    }),
  );
  const service = response.services?.[0];
  return service && service.status !== 'INACTIVE' ? service : undefined;
}

/** The deployment strategy (CODE_DEPLOY for that controller); the EXTERNAL controller is refused with what to do instead. */
export function detectStrategy(source: Pick<Service, 'deploymentController' | 'deploymentConfiguration'>): Strategy {
  const controller = source.deploymentController?.type ?? 'ECS';
  if (controller === 'CODE_DEPLOY') return 'CODE_DEPLOY';
  if (controller !== 'ECS') {
    throw new Error(
      `expected a service with the ECS or CODE_DEPLOY deployment controller, found deploymentController ${controller}. ` +
        'This action drives ECS deployments (ROLLING, or native BLUE_GREEN/LINEAR/CANARY) and CodeDeploy blue/green deployments; ' +
        'an EXTERNAL service is deployed with task sets by its own controller.',
    );
  }
  return (source.deploymentConfiguration?.strategy as Strategy | undefined) ?? 'ROLLING';
}

/** `wait-until` names a stage of one kind of deployment only; say so before deploying. */
export function assertWaitUntilFits(strategy: Strategy, waitUntil: string): void {
  if (waitUntil === 'deployed' || waitUntil === 'stable') return;
  const codeDeployEvent = (CODEDEPLOY_EVENTS as readonly string[]).includes(waitUntil);
  const nativeStage = (LIFECYCLE_STAGES as readonly string[]).includes(waitUntil);
  if (strategy === 'CODE_DEPLOY' && !codeDeployEvent) {
    throw new Error(
      `Input 'wait-until': ${waitUntil} is a lifecycle stage of native BLUE_GREEN/LINEAR/CANARY deployments, but this service uses the CODE_DEPLOY controller. ` +
        `Use 'deployed', 'stable' or a CodeDeploy lifecycle event (${CODEDEPLOY_EVENTS.join(', ')}).`,
    );
  }
  if (strategy !== 'CODE_DEPLOY' && codeDeployEvent) {
    throw new Error(
      `Input 'wait-until': ${waitUntil} is a CodeDeploy lifecycle event, but this service uses ${strategy} with the ECS controller. ` +
        `Use 'deployed', 'stable'${strategy === 'ROLLING' ? '' : ` or a lifecycle stage (${LIFECYCLE_STAGES.join(', ')})`}.`,
    );
  }
  if (strategy === 'ROLLING' && nativeStage) {
    throw new Error(
      `Input 'wait-until': ${waitUntil} is a lifecycle stage of BLUE_GREEN/LINEAR/CANARY deployments, but this service uses ROLLING. ` +
        "Use 'deployed' or 'stable', or set deploymentConfiguration.strategy in the service definition.",
    );
  }
}

/**
 * Creates the service when it does not exist (or is INACTIVE), otherwise updates the task
 * definition and only the updatable fields that differ from the file.
 */
export async function applyService(options: {
  context: DeployContext;
  definition: JsonObject;
  taskDefinitionArn: string;
}): Promise<ApplyResult> {
  const { context, definition, taskDefinitionArn } = options;
  const name = context.inputs.service ?? '';
  const existing = await describeService(context, name, true);
  const seenEventIds = new Set((existing?.events ?? []).map((e) => e.id ?? ''));
  const startedAt = new Date();

  if (!existing) {
    if (Object.keys(definition).length === 0) {
      throw new Error(
        `service ${name} does not exist in cluster ${context.cluster}, and no 'service-definition' file was given to create it. ` +
          'Pass the service definition file (CreateService shape) so the first deploy can create the service.',
      );
    }
    const strategy = detectStrategy(definition as Pick<Service, 'deploymentController' | 'deploymentConfiguration'>);
    assertWaitUntilFits(strategy, context.inputs['wait-until']);
    const input = { ...definition, cluster: context.cluster, serviceName: name, taskDefinition: taskDefinitionArn };
    const response = await context.ecs.send(new CreateServiceCommand(input as CreateServiceCommandInput));
    if (!response.service) throw new Error('CreateService returned no service');
    context.timeline.note(`Created service ${name} (${strategy}) with ${taskDefinitionArn}`);
    return {
      service: response.service,
      action: 'created',
      previousTaskDefinition: undefined,
      strategy,
      seenEventIds,
      startedAt,
      previousServiceDeployment: undefined,
      previousFields: {},
      unrestorable: [],
    };
  }

  // Auto scaling owns the task count of a running service: a deploy that reset it to the file's
  // creation value would drop capacity under load until scaling caught up again.
  // Tags are not an UpdateService field: TagResource/UntagResource apply them below.
  const skipped = new Set(['tags', ...(context.inputs['keep-desired-count'] ? ['desiredCount'] : [])]);
  const updatable = Object.fromEntries(Object.entries(definition).filter(([key]) => !skipped.has(key)));
  const { changed, createOnly } = planServiceUpdate(updatable, existing);
  // The file may switch the strategy (e.g. ROLLING → BLUE_GREEN); the update applies it.
  const strategy = detectStrategy({
    deploymentController:
      (changed.deploymentController as Service['deploymentController']) ?? existing.deploymentController,
    deploymentConfiguration:
      (changed.deploymentConfiguration as Service['deploymentConfiguration']) ?? existing.deploymentConfiguration,
  });
  assertWaitUntilFits(strategy, context.inputs['wait-until']);
  if (strategy === 'CODE_DEPLOY' && existing.deploymentController?.type !== 'CODE_DEPLOY') {
    throw new Error(
      `service definition sets deploymentController CODE_DEPLOY, but service ${name} uses ${existing.deploymentController?.type ?? 'ECS'}. ` +
        'This action does not switch a running service to CodeDeploy (its first task set comes from CreateService, and the deployment group must name the service): ' +
        'delete the service and deploy again to create it with CODE_DEPLOY, or keep the ECS controller (native BLUE_GREEN needs no CodeDeploy).',
    );
  }
  for (const key of createOnly) {
    core.warning(
      `service definition sets ${key}, which differs from the live service but can only be set when a service is created; ` +
        'it was not applied. Delete and recreate the service to change it.',
    );
  }
  await applyServiceTags({
    context,
    serviceArn: existing.serviceArn ?? name,
    want: definition.tags as Service['tags'],
    live: existing.tags,
  });
  const restore = previousValues(changed, existing);
  const previous = {
    previousServiceDeployment: existing.currentServiceDeployment,
    previousFields: restore.fields,
    unrestorable: restore.unrestorable,
  };
  if (strategy === 'CODE_DEPLOY') {
    // The task definition changes only through a CodeDeploy deployment, never UpdateService.
    const result = await updateCodeDeployService({ context, existing, changed, taskDefinitionArn });
    return {
      service: result.service,
      action: result.deploy || result.updated.length > 0 ? 'updated' : 'unchanged',
      previousTaskDefinition: runningTaskDefinition(existing),
      strategy,
      seenEventIds,
      startedAt,
      ...previous,
      codeDeploy: result.deploy,
    };
  }
  const newTaskDefinition = existing.taskDefinition !== taskDefinitionArn;
  const force = context.inputs['force-new-deployment'];
  if (!newTaskDefinition && Object.keys(changed).length === 0 && !force) {
    context.timeline.note(`Service ${name} already runs ${taskDefinitionArn} and matches the file: nothing to update`);
    return {
      service: existing,
      action: 'unchanged',
      previousTaskDefinition: existing.taskDefinition,
      strategy,
      seenEventIds,
      startedAt,
      ...previous,
    };
  }
  const input: UpdateServiceCommandInput = {
    ...(changed as Partial<UpdateServiceCommandInput>),
    cluster: context.cluster,
    service: name,
    taskDefinition: taskDefinitionArn,
    forceNewDeployment: force || undefined,
  };
  const response = await context.ecs.send(new UpdateServiceCommand(input));
  if (!response.service) throw new Error('UpdateService returned no service');
  const fields = Object.keys(changed);
  context.timeline.note(
    `Updated service ${name} (${strategy}): ${newTaskDefinition ? `task definition → ${taskDefinitionArn}` : 'same task definition'}` +
      `${fields.length > 0 ? `; changed ${fields.join(', ')}` : ''}${force ? '; forced a new deployment' : ''}`,
  );
  return {
    service: response.service,
    action: 'updated',
    previousTaskDefinition: existing.taskDefinition,
    strategy,
    seenEventIds,
    startedAt,
    ...previous,
  };
}
