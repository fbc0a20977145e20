import type { DeploymentInfo, ECSTarget, LifecycleEvent } from '@aws-sdk/client-codedeploy';
import type { Service, TaskSet } from '@aws-sdk/client-ecs';
import { CODEDEPLOY_EVENTS } from '../../src/inputs.js';
import { ACCOUNT, OLD_TD, service } from './ecs-fixtures.js';

/** Shapes from the CodeDeploy API reference (GetDeployment, BatchGetDeploymentTargets) and ECS's (DescribeServices taskSets). */
export const DEPLOYMENT_ID = 'd-7EXAMPLE1';
export const TARGET_ID = 'mysfits-dev:monolith';
export const BLUE_TG = `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/monolith-blue/0123456789abcdef`;
export const HOOK_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:mysfits-smoke-test`;

/** A task set as DescribeServices reports it for a CODE_DEPLOY service. */
export function taskSet(overrides: Partial<TaskSet>): TaskSet {
  return {
    id: 'ecs-svc/1111111111111111111',
    taskSetArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-set/mysfits-dev/monolith/ecs-svc/1111111111111111111`,
    status: 'PRIMARY',
    taskDefinition: OLD_TD,
    computedDesiredCount: 2,
    runningCount: 2,
    pendingCount: 0,
    stabilityStatus: 'STEADY_STATE',
    launchType: 'FARGATE',
    platformVersion: '1.4.0',
    ...overrides,
  };
}

/** A CODE_DEPLOY service: no deployments, one PRIMARY task set, one load balancer. */
export function codeDeployService(overrides: Partial<Service> = {}): Service {
  return service({
    deploymentController: { type: 'CODE_DEPLOY' },
    deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 },
    deployments: [],
    loadBalancers: [{ targetGroupArn: BLUE_TG, containerName: 'monolith', containerPort: 8080 }],
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: ['subnet-0a1b2c3d'],
        securityGroups: ['sg-0a1b2c3d'],
        assignPublicIp: 'DISABLED',
      },
    },
    platformVersion: '1.4.0',
    taskSets: [taskSet({})],
    ...overrides,
  });
}

export function deploymentInfo(overrides: Partial<DeploymentInfo>): DeploymentInfo {
  return {
    applicationName: 'AppECS-mysfits-dev-monolith',
    deploymentGroupName: 'DgpECS-mysfits-dev-monolith',
    deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce',
    deploymentId: DEPLOYMENT_ID,
    status: 'InProgress',
    computePlatform: 'ECS',
    creator: 'user',
    createTime: new Date('2025-01-01T00:00:00Z'),
    deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
    ...overrides,
  };
}

/**
 * The ECS target with its lifecycle events: the first `done` events Succeeded, the next one as
 * `current` (InProgress unless given), the rest Pending. `failed` adds diagnostics to a failed one.
 */
export function ecsTarget(options: {
  done: number;
  current?: LifecycleEvent['status'];
  diagnostics?: LifecycleEvent['diagnostics'];
  greenWeight?: number;
}): ECSTarget {
  const events: LifecycleEvent[] = CODEDEPLOY_EVENTS.map((name, index) => ({
    lifecycleEventName: name,
    status: index < options.done ? 'Succeeded' : index === options.done ? (options.current ?? 'InProgress') : 'Pending',
    ...(index === options.done && options.diagnostics ? { diagnostics: options.diagnostics } : {}),
  }));
  const green = options.greenWeight ?? 0;
  return {
    deploymentId: DEPLOYMENT_ID,
    targetId: TARGET_ID,
    targetArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:service/mysfits-dev/monolith`,
    status: 'InProgress',
    lifecycleEvents: events,
    taskSetsInfo: [
      {
        identifer: 'ecs-svc/2',
        taskSetLabel: 'Green',
        status: 'ACTIVE',
        desiredCount: 2,
        runningCount: 2,
        trafficWeight: green,
      },
      {
        identifer: 'ecs-svc/1',
        taskSetLabel: 'Blue',
        status: 'PRIMARY',
        desiredCount: 2,
        runningCount: 2,
        trafficWeight: 100 - green,
      },
    ],
  };
}
