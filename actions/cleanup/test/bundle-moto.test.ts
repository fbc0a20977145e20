import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  ListStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECRClient, ListImagesCommand, PutImageCommand } from '@aws-sdk/client-ecr';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDeployConfig } from '../../../deploy/config.js';
import { scalingStackParameters, serviceStackParameters } from '../../../deploy/pipeline.js';
import { type MotoServer, startMoto } from '../../../test/support/moto.js';
import { runBundle } from '../../shared/test/support/action-step.js';

const template = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../../cloudformation/${name}`, import.meta.url)), 'utf8');
const env = 'gone';
// The services come from deploy/config.yml as the pipeline deploys them; the action itself never names one.
const config = loadDeployConfig();
const services = Object.keys(config.services);
let moto: MotoServer;
let outputs: Record<string, string>;
/** Each service stack's outputs, by service. */
const serviceOutputs: Record<string, Record<string, string>> = {};

function clientConfig() {
  return {
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
}

// CreateStack, not a change set: moto drops outputs after executing a CREATE change set (DESIGN.md).
async function createStack(
  name: string,
  file: string,
  parameters: Record<string, string> = { EnvironmentName: env },
): Promise<Record<string, string>> {
  const cfn = new CloudFormationClient(clientConfig());
  await cfn.send(
    new CreateStackCommand({
      StackName: name,
      TemplateBody: template(file),
      Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
        ParameterKey,
        ParameterValue,
      })),
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
    }),
  );
  const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
  if (stack?.StackStatus !== 'CREATE_COMPLETE') {
    throw new Error(`Expected ${name} in CREATE_COMPLETE, found ${stack?.StackStatus}: ${stack?.StackStatusReason}`);
  }
  return Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
}

/** What deploy.yml leaves for one service: its stacks, two task definition revisions, the ECS service, an image. */
async function deployService(service: string): Promise<void> {
  const stack = await createStack(`${env}-service-${service}`, 'service.yml', {
    ...serviceStackParameters(config, service),
    EnvironmentName: env,
  });
  serviceOutputs[service] = stack;
  await createStack(`${env}-scaling-${service}`, 'scaling.yml', {
    ...scalingStackParameters(config, service),
    EnvironmentName: env,
    TargetGroupArn: stack.BlueTargetGroupArn ?? '',
  });
  const ecs = new ECSClient(clientConfig());
  for (let revision = 0; revision < 2; revision += 1) {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: `${env}-${service}`,
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: service, image: `${service}:${revision}`, essential: true, memory: 512 }],
      }),
    );
  }
  await ecs.send(
    new CreateServiceCommand({
      cluster: outputs.ClusterName,
      serviceName: service,
      taskDefinition: `${env}-${service}`,
      desiredCount: 1,
      launchType: 'FARGATE',
    }),
  );
  // One image per repository: moto gives every manifest the same digest, and deleting by digest
  // removes one tag only (DESIGN.md), so a second tag would stay and block the stack's deletion
  // there. moto also ignores EmptyOnDelete: the cleanup's own image deletion is what empties it.
  await new ECRClient(clientConfig()).send(
    new PutImageCommand({
      repositoryName: stack.RepositoryName,
      imageTag: 'v1',
      imageManifest: JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        config: { digest: 'sha256:1' },
        layers: [],
      }),
    }),
  );
}

beforeAll(async () => {
  moto = await startMoto();
  await createStack(`${env}-network`, 'network.yml');
  outputs = await createStack(`${env}-platform`, 'platform.yml');
  for (const service of services) await deployService(service);
}, 120_000);

afterAll(async () => {
  await moto?.stop();
});

const inputs = { environment: env, confirm: env, 'dry-run': 'false' };
const dropData = { ...inputs, 'keep-data': 'false' };

async function tableExists(name: string): Promise<boolean> {
  return new DynamoDBClient(clientConfig())
    .send(new DescribeTableCommand({ TableName: name }))
    .then(() => true)
    .catch((err: Error) => {
      if (err.name === 'ResourceNotFoundException') return false;
      throw err;
    });
}

describe('cleanup bundle against moto', () => {
  it('should refuse to run when confirm differs from the environment, touching nothing', async () => {
    const run = await runBundle({ action: 'cleanup', inputs: { ...inputs, confirm: 'prod' }, env: moto.env });
    expect(run.code).toBe(1);
    expect(run.log).toContain("::error::Input 'confirm': expected exactly the environment name 'gone'");
    expect(run.log).not.toContain('Discover');
  });

  it('should list exactly what would go in a dry run and change nothing', async () => {
    const run = await runBundle({ action: 'cleanup', inputs: { ...dropData, 'dry-run': 'true' }, env: moto.env });
    expect(run.code, run.log).toBe(0);
    const rows = JSON.parse(run.outputs.resources ?? '[]') as { kind: string; name: string; action: string }[];
    const names = rows.map((r) => `${r.kind} ${r.name}`);
    const sorted = [...services].sort();
    // ListServices' order is the cluster's; everything after it is in the cleanup's own order.
    expect(names.slice(0, services.length).sort()).toEqual(sorted.map((s) => `ECS service ${s}`));
    expect(names.slice(services.length)).toEqual([
      ...sorted.flatMap((s) => [`Task definition ${env}-${s}:1`, `Task definition ${env}-${s}:2`]),
      ...sorted.map((s) => expect.stringMatching(new RegExp(`^ECR image ${env}/${s}@sha256:`))),
      ...sorted.map((s) => `Stack ${env}-scaling-${s}`),
      ...sorted.map((s) => `Stack ${env}-service-${s}`),
      `Stack ${env}-platform`,
      `Stack ${env}-network`,
      `DynamoDB table ${outputs.TableName}`,
    ]);
    expect(rows.at(-1)?.action).toBe('delete after the stacks');
    expect(run.summary).toContain('dry run: nothing changed');
    const cfn = new CloudFormationClient(clientConfig());
    for (const name of [`${env}-platform`, ...services.map((s) => `${env}-service-${s}`)]) {
      const stacks = await cfn.send(new DescribeStacksCommand({ StackName: name }));
      expect(stacks.Stacks?.[0]?.StackStatus, name).toBe('CREATE_COMPLETE');
    }
    for (const service of services) {
      const images = await new ECRClient(clientConfig()).send(
        new ListImagesCommand({ repositoryName: serviceOutputs[service]?.RepositoryName }),
      );
      expect(images.imageIds, service).toHaveLength(1);
    }
  });

  it('should delete services, task definitions, images and stacks but keep the table by default, then be a no-op', async () => {
    // cleanup finds a table that outlived its stack by platform.yml's naming: the two must agree.
    expect(outputs.TableName).toBe(`${env}-mysfits`);
    const ecs = new ECSClient(clientConfig());
    const first = await runBundle({ action: 'cleanup', inputs, env: moto.env });
    // Per service: its ECS service, 2 revisions, 1 image, 2 stacks; then platform, network, the kept table.
    expect(Number(first.outputs.count), first.log).toBe(services.length * 6 + 3);
    for (const service of services) expect(first.log).toContain(`Deleted stack ${env}-service-${service}.`);
    expect(first.log).toContain('Deleted stack gone-platform.');
    // moto gap: its DeleteStack of network.yml deletes the VPC before its subnets and answers
    // "has dependencies" (while dropping the stack record). Real CloudFormation orders the deletes.
    if (first.code !== 0) expect(first.log).toContain('::error::CloudFormation refused to delete stack gone-network');
    else expect(first.log).toContain(`::notice::Table ${outputs.TableName} was kept with its data`);

    const described = await ecs.send(new DescribeServicesCommand({ cluster: outputs.ClusterName, services }));
    for (const service of described.services ?? []) expect(service.status, service.serviceName).toBe('INACTIVE');
    for (const service of services) {
      for (const status of ['ACTIVE', 'INACTIVE'] as const) {
        const defs = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: `${env}-${service}`, status }));
        expect(defs.taskDefinitionArns, `${service} ${status}`).toEqual([]);
      }
      // moto may keep the repository after its stack is deleted; what matters is that no image is left.
      const images = await new ECRClient(clientConfig())
        .send(new ListImagesCommand({ repositoryName: serviceOutputs[service]?.RepositoryName }))
        .catch((err: Error) => ({ imageIds: [], gone: err.message }));
      expect(images.imageIds, service).toEqual([]);
    }
    const live = await new CloudFormationClient(clientConfig()).send(
      new ListStacksCommand({ StackStatusFilter: ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'DELETE_FAILED'] }),
    );
    expect((live.StackSummaries ?? []).map((s) => s.StackName).filter((name) => name?.startsWith(`${env}-`))).toEqual(
      [],
    );
    // DeletionPolicy Retain: the platform stack is gone, its table is not.
    expect(await tableExists(outputs.TableName ?? '')).toBe(true);

    const second = await runBundle({ action: 'cleanup', inputs, env: moto.env });
    expect(second.code, second.log).toBe(0);
    expect(second.outputs.count).toBe('0');
    expect(second.log).toContain('Nothing to delete: environment gone is already clean.');
    expect(second.log).toContain(`::notice::Table ${outputs.TableName} was kept with its data`);
    expect(second.summary).toContain(`Table ${outputs.TableName} was kept with its data`);
    expect(await tableExists(outputs.TableName ?? '')).toBe(true);
  });

  it('should delete the kept table with keep-data false, and a second run should be a clean no-op', async () => {
    const first = await runBundle({ action: 'cleanup', inputs: dropData, env: moto.env });
    expect(first.code, first.log).toBe(0);
    expect(JSON.parse(first.outputs.resources ?? '[]')).toEqual([
      {
        kind: 'DynamoDB table',
        name: outputs.TableName,
        // The keep-data run turned protection on.
        action: 'delete after the stacks (deletion protection off first)',
      },
    ]);
    expect(first.log).toContain(`Deleted table ${outputs.TableName}.`);
    expect(await tableExists(outputs.TableName ?? '')).toBe(false);

    const second = await runBundle({ action: 'cleanup', inputs: dropData, env: moto.env });
    expect(second.code, second.log).toBe(0);
    expect(second.outputs.count).toBe('0');
    expect(second.log).toContain('Nothing to delete: environment gone is already clean.');
    expect(second.summary).toContain('already clean');
  });
});
