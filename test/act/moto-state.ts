// What ended up in moto, in one comparable snapshot: the scenarios assert on this, not only on
// act's exit code.
import { CloudFormationClient, paginateListStacks } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeImagesCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListClustersCommand,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
} from '@aws-sdk/client-ecs';

export interface MotoSnapshot {
  /** Live stacks by name → status. */
  stacks: Record<string, string>;
  /** `<cluster>/<service>` → its task definition ARN and desired count. */
  services: Record<string, { taskDefinition: string; image: string; desiredCount: number }>;
  /** Active task definitions as family:revision. */
  taskDefinitions: string[];
  /** Repository → `tag@digest` of every image. */
  images: Record<string, string[]>;
  tables: string[];
}

export async function snapshot(endpoint: string): Promise<MotoSnapshot> {
  const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  const cloudFormation = new CloudFormationClient(config);
  const ecs = new ECSClient(config);
  const ecr = new ECRClient(config);
  const dynamo = new DynamoDBClient(config);
  const stacks: MotoSnapshot['stacks'] = {};
  for await (const page of paginateListStacks({ client: cloudFormation }, {})) {
    for (const stack of page.StackSummaries ?? []) {
      if (stack.StackStatus !== 'DELETE_COMPLETE' && stack.StackName) stacks[stack.StackName] = stack.StackStatus ?? '';
    }
  }
  const services: MotoSnapshot['services'] = {};
  for (const cluster of (await ecs.send(new ListClustersCommand({}))).clusterArns ?? []) {
    const arns = (await ecs.send(new ListServicesCommand({ cluster }))).serviceArns ?? [];
    if (arns.length === 0) continue;
    const described = await ecs.send(new DescribeServicesCommand({ cluster, services: arns }));
    for (const service of described.services ?? []) {
      if (service.status === 'INACTIVE') continue;
      const taskDefinition = service.taskDefinition ?? '';
      const described = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
      services[`${cluster.split('/').pop()}/${service.serviceName}`] = {
        taskDefinition: revisionOf(taskDefinition),
        image: described.taskDefinition?.containerDefinitions?.[0]?.image ?? '',
        desiredCount: service.desiredCount ?? 0,
      };
    }
  }
  const taskDefinitions = (
    (await ecs.send(new ListTaskDefinitionsCommand({ status: 'ACTIVE' }))).taskDefinitionArns ?? []
  )
    .map(revisionOf)
    .sort();
  const images: MotoSnapshot['images'] = {};
  for (const repository of (await ecr.send(new DescribeRepositoriesCommand({}))).repositories ?? []) {
    const name = repository.repositoryName ?? '';
    const details = (await ecr.send(new DescribeImagesCommand({ repositoryName: name }))).imageDetails ?? [];
    images[name] = details
      .flatMap((image) => (image.imageTags ?? ['']).map((tag) => `${tag}@${image.imageDigest}`))
      .sort();
  }
  const tables = (await dynamo.send(new ListTablesCommand({}))).TableNames ?? [];
  return { stacks, services, taskDefinitions, images, tables };
}

/** The family:revision of a task definition ARN. */
export const revisionOf = (arn: string) => arn.split('/').pop() ?? arn;
