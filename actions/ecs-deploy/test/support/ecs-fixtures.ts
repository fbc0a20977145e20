import type { Deployment, Service, ServiceDeployment, ServiceEvent, ServiceRevision, Task } from '@aws-sdk/client-ecs';

/** Shapes from the ECS API reference (DescribeServices, DescribeServiceDeployments). */
export const ACCOUNT = '123456789012';
export const CLUSTER_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/mysfits-dev`;
export const SERVICE_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:service/mysfits-dev/monolith`;
export const OLD_TD = `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/mysfits-monolith:7`;
export const NEW_TD = `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/mysfits-monolith:8`;
export const SD_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:service-deployment/mysfits-dev/monolith/Kq3fN2xUe8wUcDgtAbcde`;
/** An earlier service deployment of the same service (the one that put OLD_TD there). */
export const SD_OLD_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:service-deployment/mysfits-dev/monolith/Aa1bB2cC3dD4eE5fF6gG7`;
/** Service revisions as DescribeServiceRevisions names them: `service-revision/<cluster>/<service>/<id>`. */
export const REV_OLD = `arn:aws:ecs:us-east-1:${ACCOUNT}:service-revision/mysfits-dev/monolith/4980306466373577095`;
export const REV_NEW = `arn:aws:ecs:us-east-1:${ACCOUNT}:service-revision/mysfits-dev/monolith/5785467359017427432`;

export function deployment(overrides: Partial<Deployment>): Deployment {
  return {
    id: 'ecs-svc/1111111111111111111',
    status: 'PRIMARY',
    taskDefinition: OLD_TD,
    desiredCount: 2,
    pendingCount: 0,
    runningCount: 2,
    failedTasks: 0,
    launchType: 'FARGATE',
    rolloutState: 'COMPLETED',
    rolloutStateReason: 'ECS deployment ecs-svc/1111111111111111111 completed.',
    createdAt: new Date('2025-01-01T00:00:00Z'),
    updatedAt: new Date('2025-01-01T00:05:00Z'),
    ...overrides,
  };
}

export function event(id: string, message: string, createdAt = new Date()): ServiceEvent {
  return { id, message, createdAt };
}

export function service(overrides: Partial<Service>): Service {
  return {
    serviceArn: SERVICE_ARN,
    serviceName: 'monolith',
    clusterArn: CLUSTER_ARN,
    status: 'ACTIVE',
    desiredCount: 2,
    runningCount: 2,
    pendingCount: 0,
    launchType: 'FARGATE',
    taskDefinition: OLD_TD,
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: true, rollback: true },
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      strategy: 'ROLLING',
    },
    deploymentController: { type: 'ECS' },
    deployments: [deployment({})],
    events: [event('old-1', '(service monolith) has reached a steady state.', new Date('2025-01-01T00:05:00Z'))],
    ...overrides,
  };
}

export function serviceDeployment(overrides: Partial<ServiceDeployment>): ServiceDeployment {
  return {
    serviceDeploymentArn: SD_ARN,
    serviceArn: SERVICE_ARN,
    clusterArn: CLUSTER_ARN,
    createdAt: new Date(),
    status: 'PENDING',
    sourceServiceRevisions: [
      { arn: REV_OLD, requestedTaskCount: 2, runningTaskCount: 2, requestedProductionTrafficWeight: 100 },
    ],
    targetServiceRevision: { arn: REV_NEW, requestedTaskCount: 0, runningTaskCount: 0, pendingTaskCount: 0 },
    deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 },
    ...overrides,
  };
}

/** A DescribeServiceRevisions entry (ServiceRevision in the ECS API reference). */
export function serviceRevision(arn: string, taskDefinition: string): ServiceRevision {
  return {
    serviceRevisionArn: arn,
    serviceArn: SERVICE_ARN,
    clusterArn: CLUSTER_ARN,
    taskDefinition,
    launchType: 'FARGATE',
    platformVersion: '1.4.0',
    createdAt: new Date(),
  };
}

/** A STOPPED task as DescribeTasks returns it. */
export function stoppedTask(options: {
  id: string;
  taskDefinitionArn: string;
  startedBy?: string;
  createdAt: Date;
  stoppedReason: string;
  stopCode?: Task['stopCode'];
  exitCode?: number;
}): Task {
  return {
    taskArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task/mysfits-dev/${options.id}`,
    clusterArn: CLUSTER_ARN,
    taskDefinitionArn: options.taskDefinitionArn,
    group: 'service:monolith',
    startedBy: options.startedBy,
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    launchType: 'FARGATE',
    createdAt: options.createdAt,
    stoppedAt: new Date(options.createdAt.getTime() + 30_000),
    stopCode: options.stopCode ?? 'EssentialContainerExited',
    stoppedReason: options.stoppedReason,
    containers: [{ name: 'monolith', lastStatus: 'STOPPED', exitCode: options.exitCode }],
  };
}

/** The scripted tests' environment: the region of the fixtures' ARNs, dummy credentials. */
export const SCRIPTED_ENV = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };
