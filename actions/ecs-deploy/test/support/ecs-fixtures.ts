import type { Deployment, Service, ServiceDeployment, ServiceEvent } from '@aws-sdk/client-ecs';

/** Shapes from the ECS API reference (DescribeServices, DescribeServiceDeployments). */
export const ACCOUNT = '123456789012';
export const CLUSTER_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/mysfits-dev`;
export const SERVICE_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:service/mysfits-dev/monolith`;
export const OLD_TD = `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/mysfits-monolith:7`;
export const NEW_TD = `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/mysfits-monolith:8`;
export const SD_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:service-deployment/mysfits-dev/monolith/Kq3fN2xUe8wUcDgtAbcde`;

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
      { arn: `${SERVICE_ARN}/1`, requestedTaskCount: 2, runningTaskCount: 2, requestedProductionTrafficWeight: 100 },
    ],
    targetServiceRevision: { arn: `${SERVICE_ARN}/2`, requestedTaskCount: 0, runningTaskCount: 0, pendingTaskCount: 0 },
    deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 },
    ...overrides,
  };
}
