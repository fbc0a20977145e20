import * as core from '@actions/core';
import { type Service, UpdateServiceCommand, type UpdateServiceCommandInput } from '@aws-sdk/client-ecs';
import type { JsonObject } from '../../shared/src/json.js';
import type { DeployContext } from './context.js';

const UPDATE_DOC = 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html';

/**
 * What UpdateService may change on a CODE_DEPLOY service: "only the desired count, deployment
 * configuration, health check grace period, task placement constraints and strategies, enable ECS
 * managed tags option, and propagate tags" (UpdateService API reference).
 */
export const CODEDEPLOY_UPDATABLE: ReadonlySet<string> = new Set([
  'desiredCount',
  'deploymentConfiguration',
  'healthCheckGracePeriodSeconds',
  'placementConstraints',
  'placementStrategy',
  'enableECSManagedTags',
  'propagateTags',
]);

/**
 * What changes only through a new CodeDeploy deployment ("If the network configuration, platform
 * version, task definition, or load balancer need to be updated, create a new CodeDeploy
 * deployment"): the AppSpec carries these, and the capacity provider strategy with them.
 */
export const VIA_DEPLOYMENT: ReadonlySet<string> = new Set([
  'networkConfiguration',
  'platformVersion',
  'loadBalancers',
  'capacityProviderStrategy',
]);

/** How the changed members of a CODE_DEPLOY service's file are applied. */
export interface CodeDeployUpdatePlan {
  /** Sent with UpdateService (never with a task definition). */
  update: JsonObject;
  /** Applied by the deployment's AppSpec. */
  viaDeployment: string[];
  /** Neither: ECS cannot change them on a CODE_DEPLOY service. */
  unchangeable: string[];
}

/** Splits the changed members by how ECS lets a CODE_DEPLOY service change them. */
export function planCodeDeployUpdate(changed: JsonObject): CodeDeployUpdatePlan {
  const plan: CodeDeployUpdatePlan = { update: {}, viaDeployment: [], unchangeable: [] };
  for (const [key, value] of Object.entries(changed)) {
    if (CODEDEPLOY_UPDATABLE.has(key)) plan.update[key] = value;
    else if (VIA_DEPLOYMENT.has(key)) plan.viaDeployment.push(key);
    else plan.unchangeable.push(key);
  }
  return plan;
}

/** The task definition a CODE_DEPLOY service runs: its PRIMARY task set's, else the service's. */
export function runningTaskDefinition(service: Service): string | undefined {
  return service.taskSets?.find((set) => set.status === 'PRIMARY')?.taskDefinition ?? service.taskDefinition;
}

/**
 * Applies the UpdateService part of a CODE_DEPLOY service's changes (without taskDefinition, which
 * only a deployment changes), warns about members ECS cannot change under CODE_DEPLOY, and tells
 * whether a CodeDeploy deployment is needed (new task definition, AppSpec members, or forced).
 */
export async function updateCodeDeployService(options: {
  context: DeployContext;
  existing: Service;
  changed: JsonObject;
  taskDefinitionArn: string;
}): Promise<{ service: Service; updated: string[]; deploy: boolean }> {
  const { context, existing, taskDefinitionArn } = options;
  const name = context.inputs.service ?? '';
  const plan = planCodeDeployUpdate(options.changed);
  for (const key of plan.unchangeable) {
    core.warning(
      `service definition sets ${key}, which differs from the live service, but a CODE_DEPLOY service cannot change it (${UPDATE_DOC}); ` +
        'it was not applied. Recreate the service to change it, or move it to the ECS deployment controller.',
    );
  }
  if (plan.viaDeployment.length > 0) {
    context.timeline.note(
      `${plan.viaDeployment.join(', ')} changed: applied by the CodeDeploy deployment's AppSpec (target groups and listeners are the deployment group's)`,
    );
  }
  let service = existing;
  const updated = Object.keys(plan.update);
  if (updated.length > 0) {
    const input: UpdateServiceCommandInput = {
      ...(plan.update as Partial<UpdateServiceCommandInput>),
      cluster: context.cluster,
      service: name,
    };
    const response = await context.ecs.send(new UpdateServiceCommand(input));
    service = response.service ?? existing;
    context.timeline.note(`Updated service ${name} (CODE_DEPLOY): changed ${updated.join(', ')}`);
  }
  const deploy =
    runningTaskDefinition(existing) !== taskDefinitionArn ||
    plan.viaDeployment.length > 0 ||
    context.inputs['force-new-deployment'];
  return { service, updated, deploy };
}
