import {
  BatchDeleteImageCommand,
  type BatchDeleteImageCommandInput,
  type ECRClient,
  ListImagesCommand,
  type ListImagesCommandInput,
} from '@aws-sdk/client-ecr';
import {
  DeleteServiceCommand,
  type DeleteServiceCommandInput,
  DeleteTaskDefinitionsCommand,
  type DeleteTaskDefinitionsCommandInput,
  DeregisterTaskDefinitionCommand,
  type DeregisterTaskDefinitionCommandInput,
  DescribeServicesCommand,
  type DescribeServicesCommandInput,
  type ECSClient,
  ListServicesCommand,
  type ListServicesCommandInput,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  type ListTaskDefinitionsCommandInput,
  type Service,
  type TaskDefinitionStatus,
  UpdateServiceCommand,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import type { AwsClientStub } from 'aws-sdk-client-mock';

/*
 * The ECS and ECR side of the scripted account, as the ECS API reference describes it (moto has no
 * DRAINING service: its DeleteService marks a service INACTIVE at once, and its ListServices lists
 * INACTIVE ones too).
 * - DeleteService: "if there are still running tasks that require cleanup, the service status moves
 *   from ACTIVE to DRAINING, and the service is no longer visible in the console or in the
 *   ListServices API operation"; DRAINING → INACTIVE once its tasks stopped; DRAINING and INACTIVE
 *   services "can still be viewed with the DescribeServices API operation". Without `force` a
 *   service scaled above 0 is refused (InvalidParameterException). On a DRAINING service it answers
 *   the service, still DRAINING (aws/aws-cli#1334).
 * - UpdateService on a service that is not ACTIVE: ServiceNotActiveException.
 * - DescribeServices: unknown names come back in `failures` with reason MISSING.
 * - Task definitions: Deregister ACTIVE → INACTIVE; DeleteTaskDefinitions INACTIVE →
 *   DELETE_IN_PROGRESS ("You must deregister a task definition revision before you delete it").
 * - ECR: a deleted repository answers RepositoryNotFoundException.
 * What the reference does not say (DeleteService on an INACTIVE service, DeleteTaskDefinitions on a
 * revision already DELETE_IN_PROGRESS) throws an error the cleanup must never see.
 */

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';

/** One ECS service of the environment's cluster. */
export interface FakeService {
  name: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  taskDefinition: string;
  /** DescribeServices answers a DRAINING service this many times more before it is INACTIVE. */
  drainPolls: number;
  /** ListServices still lists it while DRAINING (the ECS API is eventually consistent). */
  stillListed?: boolean;
}

/** One task definition revision: `family:revision`. */
export interface FakeRevision {
  family: string;
  revision: number;
  status: TaskDefinitionStatus;
}

/** One ECR repository; `exists: false` is one already deleted. */
export interface FakeRepository {
  name: string;
  exists: boolean;
  digests: string[];
  /** Deleted (by someone else) right after the cleanup listed its images. */
  vanishesAfterList?: boolean;
}

/** The ECS and ECR state the cleanup acts on. */
export interface FakeEcsState {
  cluster: { name: string; exists: boolean };
  services: FakeService[];
  revisions: FakeRevision[];
  repositories: FakeRepository[];
  /** Makes DeleteService throw this (an error the cleanup cannot resolve by itself). */
  deleteServiceError?: Error;
}

/** A service as the ECS API reference's Service shape. */
export function fakeService(state: Partial<FakeService> & Pick<FakeService, 'name'>): FakeService {
  return {
    status: 'ACTIVE',
    desiredCount: 1,
    taskDefinition: revisionArn(`dev-${state.name}`, 1),
    drainPolls: 2,
    ...state,
  };
}

export function revisionArn(family: string, revision: number): string {
  return `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`;
}

function serviceArn(cluster: string, name: string): string {
  return `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${cluster}/${name}`;
}

function named(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

function unmodelled(what: string): Error {
  return named(
    'FakeUnmodelledCall',
    `the ECS API reference does not say what ${what} answers; the cleanup must not send it`,
  );
}

/**
 * A block reason for the platform stack's Cluster while services remain, as DeleteCluster answers
 * (ClusterContainsServicesException / ClusterContainsTasksException) inside CloudFormation's message.
 */
export function clusterBlocker(state: FakeEcsState): () => string | undefined {
  return () => {
    const active = state.services.some((s) => s.status === 'ACTIVE');
    const draining = state.services.some((s) => s.status === 'DRAINING');
    if (!active && !draining) {
      state.cluster.exists = false;
      return undefined;
    }
    const what = active ? 'Services' : 'Tasks';
    return `Resource handler returned message: "The Cluster cannot be deleted while ${what} are active. (Service: Ecs, Status Code: 400, Request ID: 1f0e7c2a-example)" (HandlerErrorCode: ResourceConflict)`;
  };
}

/** Scripts the ECS and ECR clients from `state`; writes are appended to `calls`. */
export function installFakeEcs(options: {
  ecs: AwsClientStub<ECSClient>;
  ecr: AwsClientStub<ECRClient>;
  state: FakeEcsState;
  calls: string[];
}): void {
  const { ecs, ecr, state, calls } = options;
  const clusterOf = (cluster: string | undefined) => {
    const name = cluster?.split('/').pop();
    if (name !== state.cluster.name || !state.cluster.exists)
      throw named('ClusterNotFoundException', 'Cluster not found.');
    return name;
  };
  const find = (id: string | undefined) => state.services.find((s) => s.name === id?.split('/').pop());
  const shape = (cluster: string, s: FakeService): Service => ({
    serviceArn: serviceArn(cluster, s.name),
    serviceName: s.name,
    clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${cluster}`,
    status: s.status,
    desiredCount: s.desiredCount,
    runningCount: s.status === 'INACTIVE' ? 0 : s.desiredCount,
    pendingCount: 0,
    taskDefinition: s.taskDefinition,
  });

  ecs.on(ListServicesCommand).callsFake(async (input: ListServicesCommandInput) => {
    const cluster = clusterOf(input.cluster);
    const listed = state.services.filter((s) => s.status === 'ACTIVE' || (s.status === 'DRAINING' && s.stillListed));
    return { serviceArns: listed.map((s) => serviceArn(cluster, s.name)) };
  });
  ecs.on(DescribeServicesCommand).callsFake(async (input: DescribeServicesCommandInput) => {
    const cluster = clusterOf(input.cluster);
    const services: Service[] = [];
    const failures: { arn: string; reason: string }[] = [];
    for (const id of input.services ?? []) {
      const s = find(id);
      if (!s) {
        failures.push({ arn: serviceArn(cluster, id.split('/').pop() ?? id), reason: 'MISSING' });
        continue;
      }
      if (s.status === 'DRAINING') {
        if (s.drainPolls <= 0) s.status = 'INACTIVE';
        else s.drainPolls -= 1;
      }
      services.push(shape(cluster, s));
    }
    return { services, failures };
  });
  ecs.on(UpdateServiceCommand).callsFake(async (input: UpdateServiceCommandInput) => {
    const cluster = clusterOf(input.cluster);
    const s = find(input.service);
    calls.push(`UpdateService ${s?.name ?? input.service} desiredCount=${input.desiredCount}`);
    if (!s) throw named('ServiceNotFoundException', 'Service not found.');
    if (s.status !== 'ACTIVE') throw named('ServiceNotActiveException', 'Service was not ACTIVE.');
    if (input.desiredCount !== undefined) s.desiredCount = input.desiredCount;
    return { service: shape(cluster, s) };
  });
  ecs.on(DeleteServiceCommand).callsFake(async (input: DeleteServiceCommandInput) => {
    const cluster = clusterOf(input.cluster);
    const s = find(input.service);
    calls.push(`DeleteService ${s?.name ?? input.service}${input.force ? ' force' : ''}`);
    if (state.deleteServiceError) throw state.deleteServiceError;
    if (!s) throw named('ServiceNotFoundException', 'Service not found.');
    if (s.status === 'INACTIVE') throw unmodelled('DeleteService on an INACTIVE service');
    if (s.status === 'ACTIVE') {
      if (s.desiredCount > 0 && !input.force) {
        throw named('InvalidParameterException', 'The service cannot be stopped while it is scaled above 0.');
      }
      s.status = 'DRAINING';
      s.stillListed = false;
    }
    return { service: shape(cluster, s) };
  });

  const revisionOf = (arn: string | undefined) =>
    state.revisions.find((r) => arn === revisionArn(r.family, r.revision) || arn === `${r.family}:${r.revision}`);
  ecs.on(ListTaskDefinitionFamiliesCommand).callsFake(async () => ({
    // status ALL: every family that has a revision in any state.
    families: [...new Set(state.revisions.map((r) => r.family))].sort(),
  }));
  ecs.on(ListTaskDefinitionsCommand).callsFake(async (input: ListTaskDefinitionsCommandInput) => ({
    taskDefinitionArns: state.revisions
      .filter((r) => r.family.startsWith(input.familyPrefix ?? '') && r.status === (input.status ?? 'ACTIVE'))
      .map((r) => revisionArn(r.family, r.revision)),
  }));
  ecs.on(DeregisterTaskDefinitionCommand).callsFake(async (input: DeregisterTaskDefinitionCommandInput) => {
    const r = revisionOf(input.taskDefinition);
    calls.push(`DeregisterTaskDefinition ${r ? `${r.family}:${r.revision}` : input.taskDefinition}`);
    if (r?.status !== 'ACTIVE') throw unmodelled(`DeregisterTaskDefinition on a ${r?.status ?? 'missing'} revision`);
    r.status = 'INACTIVE';
    return { taskDefinition: { taskDefinitionArn: revisionArn(r.family, r.revision), status: r.status } };
  });
  ecs.on(DeleteTaskDefinitionsCommand).callsFake(async (input: DeleteTaskDefinitionsCommandInput) => {
    const taskDefinitions = [];
    for (const arn of input.taskDefinitions ?? []) {
      const r = revisionOf(arn);
      calls.push(`DeleteTaskDefinitions ${r ? `${r.family}:${r.revision}` : arn}`);
      if (r?.status !== 'INACTIVE') throw unmodelled(`DeleteTaskDefinitions on a ${r?.status ?? 'missing'} revision`);
      r.status = 'DELETE_IN_PROGRESS';
      taskDefinitions.push({ taskDefinitionArn: revisionArn(r.family, r.revision), status: r.status });
    }
    return { taskDefinitions, failures: [] };
  });

  const repository = (name: string | undefined) => {
    const repo = state.repositories.find((r) => r.name === name && r.exists);
    if (!repo) {
      throw named(
        'RepositoryNotFoundException',
        `The repository with name '${name}' does not exist in the registry with id '${ACCOUNT}'`,
      );
    }
    return repo;
  };
  ecr.on(ListImagesCommand).callsFake(async (input: ListImagesCommandInput) => {
    const repo = repository(input.repositoryName);
    const imageIds = repo.digests.map((imageDigest) => ({ imageDigest }));
    if (repo.vanishesAfterList) repo.exists = false;
    return { imageIds };
  });
  ecr.on(BatchDeleteImageCommand).callsFake(async (input: BatchDeleteImageCommandInput) => {
    calls.push(`BatchDeleteImage ${input.repositoryName} ${input.imageIds?.length ?? 0}`);
    const repo = repository(input.repositoryName);
    const gone = new Set((input.imageIds ?? []).map((id) => id.imageDigest));
    repo.digests = repo.digests.filter((d) => !gone.has(d));
    return { imageIds: input.imageIds, failures: [] };
  });
}
