import { createHash } from 'node:crypto';
import { EC2Client, ModifyVpcAttributeCommand } from '@aws-sdk/client-ec2';
import {
  BatchDeleteImageCommand,
  DescribeImagesCommand,
  ECRClient,
  ImageAlreadyExistsException,
  PutImageCommand,
  paginateListImages,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';

/** SDK clients pointed at the rehearsal's moto server. */
export interface EmulatorClients {
  ec2: EC2Client;
  ecr: ECRClient;
  ecs: ECSClient;
}

/** Clients for the moto server at `endpoint` (us-east-1: moto's Fn::GetAZs only knows it). */
export function emulatorClients(endpoint: string): EmulatorClients {
  const config = {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
  return { ec2: new EC2Client(config), ecr: new ECRClient(config), ecs: new ECSClient(config) };
}

/**
 * moto gap: its CloudFormation creates AWS::EC2::VPC without EnableDnsHostnames (network.yml sets
 * it), and its RunTask in awsvpc mode then fails on the task ENI's missing private DNS name. This
 * puts the emulator's VPC into the state the template declares.
 */
export async function applyVpcDnsHostnames(clients: EmulatorClients, vpcId: string): Promise<void> {
  await clients.ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
}

/**
 * Records an image in the emulator's ECR the way `docker push` leaves it: a manifest under the
 * commit-SHA tag. There is no Docker engine here, so the manifest's config digest is derived from
 * the service and commit, which makes the image digest stable for one commit.
 * @returns the image digest (`sha256:…`), as build-push-action's `digest` output.
 */
export async function recordImage(
  clients: EmulatorClients,
  options: { repositoryName: string; tag: string; service: string },
): Promise<string> {
  const configDigest = `sha256:${createHash('sha256').update(`${options.service}@${options.tag}`).digest('hex')}`;
  const imageManifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 1024, digest: configDigest },
    layers: [],
  });
  try {
    const put = await clients.ecr.send(
      new PutImageCommand({ repositoryName: options.repositoryName, imageTag: options.tag, imageManifest }),
    );
    const digest = put.image?.imageId?.imageDigest;
    if (!digest) throw new Error(`PutImage into ${options.repositoryName} returned no digest`);
    return digest;
  } catch (error) {
    // A re-run of the same commit pushes the same manifest again: ECR keeps the existing image.
    if (!(error instanceof ImageAlreadyExistsException)) throw error;
    const described = await clients.ecr.send(
      new DescribeImagesCommand({ repositoryName: options.repositoryName, imageIds: [{ imageTag: options.tag }] }),
    );
    const digest = described.imageDetails?.[0]?.imageDigest;
    if (!digest) throw new Error(`${options.repositoryName}:${options.tag} exists but has no digest`);
    return digest;
  }
}

/**
 * The deploy workflow's "pick the revision" step: the rendered file when render-task-definition
 * reports a change, else the family's latest revision (identical to the rendered file), so a
 * re-run or the deploy after the seed job does not register a duplicate revision.
 */
export async function pickTaskDefinition(
  clients: EmulatorClients,
  render: { changed: string; taskDefinition: string; family: string },
): Promise<string> {
  if (render.changed === 'true') return render.taskDefinition;
  const described = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: render.family }));
  const arn = described.taskDefinition?.taskDefinitionArn;
  if (!arn) throw new Error(`render said ${render.family} is unchanged, but the family has no revision`);
  return arn;
}

/** The scaling job's look-up: the service's current production target group ('' for an internal service). */
export async function productionTargetGroup(
  clients: EmulatorClients,
  options: { cluster: string; service: string },
): Promise<string> {
  const described = await clients.ecs.send(
    new DescribeServicesCommand({ cluster: options.cluster, services: [options.service] }),
  );
  const service = described.services?.[0];
  if (!service) throw new Error(`service ${options.service} does not exist in ${options.cluster}`);
  return service.loadBalancers?.[0]?.targetGroupArn ?? '';
}

/**
 * moto gap: its CloudFormation ignores AWS::ECR::Repository's EmptyOnDelete, so deleting a service
 * stack whose repository holds images fails there. This empties the repository first, as AWS does
 * during the stack's deletion.
 * @returns how many images were deleted.
 */
export async function emptyRepository(clients: EmulatorClients, repositoryName: string): Promise<number> {
  const imageIds: Array<{ imageDigest?: string; imageTag?: string }> = [];
  try {
    for await (const page of paginateListImages({ client: clients.ecr }, { repositoryName })) {
      imageIds.push(...(page.imageIds ?? []));
    }
  } catch (error) {
    if (error instanceof RepositoryNotFoundException) return 0;
    throw error;
  }
  // By tag: moto gives every manifest one digest, and deleting by digest would remove only one.
  for (const id of imageIds) {
    await clients.ecr.send(new BatchDeleteImageCommand({ repositoryName, imageIds: [id] }));
  }
  return imageIds.length;
}
