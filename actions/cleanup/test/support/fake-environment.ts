import { emptyEcs, type FakeStack, fakeAccount, fakeStack } from './fake-aws.js';
import { clusterBlocker, type FakeEcsState, type FakeService } from './fake-ecs.js';

/*
 * Environment `dev` as the templates lay it out (cloudformation/*.yml): network.yml exports the VPC,
 * platform.yml imports it and exports the cluster, listeners and security groups, one service.yml
 * stack per service imports both and holds the service's repository `dev/<name>`, and a scaling.yml
 * stack per service imports the cluster. The service names here are the test's, never the action's.
 */

/** The ECS side: the services, one ACTIVE revision and one image per service. */
export function ecsWith(services: FakeService[], extra: Partial<FakeEcsState> = {}): FakeEcsState {
  return {
    ...emptyEcs(),
    services,
    revisions: services.map((s) => ({ family: `dev-${s.name}`, revision: 1, status: 'ACTIVE' as const })),
    repositories: services.map((s) => ({ name: `dev/${s.name}`, exists: true, digests: [`sha256:${s.name}`] })),
    ...extra,
  };
}

/** platform.yml's stack: its Cluster cannot go while services (or their draining tasks) remain. */
export function platformStack(ecs: FakeEcsState): FakeStack {
  return fakeStack({
    name: 'dev-platform',
    outputs: { ClusterName: 'dev-cluster', TableName: 'dev-mysfits' },
    imports: ['dev-VpcId'],
    exports: ['dev-ClusterName', 'dev-PublicListenerArn', 'dev-ServiceSecurityGroupId'],
    resources: [
      { logicalId: 'Cluster', type: 'AWS::ECS::Cluster', physicalId: 'dev-cluster', blockedBy: clusterBlocker(ecs) },
      { logicalId: 'MysfitsTable', type: 'AWS::DynamoDB::Table', physicalId: 'dev-mysfits', deletionPolicy: 'Retain' },
    ],
  });
}

export function networkStack(): FakeStack {
  return fakeStack({
    name: 'dev-network',
    exports: ['dev-VpcId'],
    resources: [{ logicalId: 'Vpc', type: 'AWS::EC2::VPC', physicalId: 'vpc-0a1b2c3d4e5f67890' }],
  });
}

/**
 * service.yml's stack for `name`. Its repository cannot go while it holds images (ECR's
 * RepositoryNotEmptyException, as a stack from before EmptyOnDelete, or moto, answers).
 * `outputs: false` is a stack whose outputs are missing (a failed create; moto after a change set).
 */
export function serviceStack(ecs: FakeEcsState, name: string, options: { outputs?: boolean } = {}): FakeStack {
  const repository = `dev/${name}`;
  const notEmpty = () => {
    const repo = ecs.repositories.find((r) => r.name === repository && r.exists);
    if (!repo || repo.digests.length === 0) return undefined;
    return `Resource handler returned message: "The repository with name '${repository}' in registry with id '123456789012' cannot be deleted because it still contains images (Service: Ecr, Status Code: 400, Request ID: 3c1d9e2f-example)" (HandlerErrorCode: GeneralServiceException)`;
  };
  return fakeStack({
    name: `dev-service-${name}`,
    parameters: { EnvironmentName: 'dev', ServiceName: name },
    outputs: options.outputs === false ? {} : { RepositoryName: repository, LogGroupName: `/ecs/dev/${name}` },
    imports: ['dev-VpcId', 'dev-PublicListenerArn', 'dev-ServiceSecurityGroupId'],
    resources: [
      { logicalId: 'Repository', type: 'AWS::ECR::Repository', physicalId: repository, blockedBy: notEmpty },
      { logicalId: 'LogGroup', type: 'AWS::Logs::LogGroup', physicalId: `/ecs/dev/${name}` },
    ],
  });
}

/** scaling.yml's stack for `name`. */
export function scalingStack(name: string): FakeStack {
  return fakeStack({
    name: `dev-scaling-${name}`,
    parameters: { EnvironmentName: 'dev', ServiceName: name },
    imports: ['dev-ClusterName'],
    resources: [
      {
        logicalId: 'ScalableTarget',
        type: 'AWS::ApplicationAutoScaling::ScalableTarget',
        physicalId: `service/dev-cluster/${name}|ecs:service:DesiredCount|ecs`,
      },
    ],
  });
}

/** A service stack per service of `ecs`, then the platform and the network stacks. */
export function environmentStacks(ecs: FakeEcsState): FakeStack[] {
  return [...ecs.services.map((s) => serviceStack(ecs, s.name)), platformStack(ecs), networkStack()];
}

/** The scripted account of environment `dev`, its table protected. */
export function account(ecs: FakeEcsState, stacks: FakeStack[] = environmentStacks(ecs)) {
  return fakeAccount({ stacks, table: { name: 'dev-mysfits', exists: true, deletionProtection: true }, ecs });
}

/** The cleanup's `resources` output: one row per resource the run found. */
export function resourceRows(step: { outputs(): Record<string, string> }): Array<{
  kind: string;
  name: string;
  action: string;
}> {
  return JSON.parse(step.outputs().resources ?? '[]');
}
