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
import { type MotoServer, startMoto } from '../../../test/support/moto.js';
import { runBundle } from '../../shared/test/support/run-bundle.js';

const template = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../../cloudformation/${name}`, import.meta.url)), 'utf8');
const env = 'gone';
let moto: MotoServer;
let outputs: Record<string, string>;

function config() {
  return {
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
}

async function createStack(name: string, file: string): Promise<Record<string, string>> {
  const cfn = new CloudFormationClient(config());
  await cfn.send(
    new CreateStackCommand({
      StackName: name,
      TemplateBody: template(file),
      Parameters: [{ ParameterKey: 'EnvironmentName', ParameterValue: env }],
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
    }),
  );
  const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
  return Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
}

beforeAll(async () => {
  moto = await startMoto();
  await createStack(`${env}-network`, 'network.yml');
  outputs = await createStack(`${env}-platform`, 'platform.yml');
  const ecs = new ECSClient(config());
  for (let revision = 0; revision < 2; revision += 1) {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: `${env}-monolith`,
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'monolith', image: `monolith:${revision}`, essential: true, memory: 512 }],
      }),
    );
  }
  await ecs.send(
    new CreateServiceCommand({
      cluster: outputs.ClusterName,
      serviceName: 'monolith',
      taskDefinition: `${env}-monolith`,
      desiredCount: 1,
      launchType: 'FARGATE',
    }),
  );
  await new ECRClient(config()).send(
    new PutImageCommand({
      repositoryName: outputs.MonolithRepositoryName,
      imageTag: 'v1',
      imageManifest: JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        config: { digest: 'sha256:1' },
        layers: [],
      }),
    }),
  );
}, 120_000);

afterAll(async () => {
  await moto?.stop();
});

const inputs = { environment: env, confirm: env, 'dry-run': 'false' };
const dropData = { ...inputs, 'keep-data': 'false' };

async function tableExists(name: string): Promise<boolean> {
  return new DynamoDBClient(config())
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
    expect(rows.map((r) => `${r.kind} ${r.name}`)).toEqual([
      'ECS service monolith',
      `Task definition ${env}-monolith:1`,
      `Task definition ${env}-monolith:2`,
      expect.stringMatching(new RegExp(`^ECR image ${outputs.MonolithRepositoryName}@sha256:`)),
      `Stack ${env}-platform`,
      `Stack ${env}-network`,
      `DynamoDB table ${outputs.TableName}`,
    ]);
    expect(rows.at(-1)?.action).toBe('delete after the stacks');
    expect(run.summary).toContain('dry run: nothing changed');
    const stacks = await new CloudFormationClient(config()).send(
      new DescribeStacksCommand({ StackName: `${env}-platform` }),
    );
    expect(stacks.Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');
  });

  it('should delete services, task definitions, images and stacks but keep the table by default, then be a no-op', async () => {
    // cleanup finds a table that outlived its stack by platform.yml's naming: the two must agree.
    expect(outputs.TableName).toBe(`${env}-mysfits`);
    const ecs = new ECSClient(config());
    const first = await runBundle({ action: 'cleanup', inputs, env: moto.env });
    expect(Number(first.outputs.count)).toBe(7);
    expect(first.log).toContain('Deleted stack gone-platform.');
    // moto gap: its DeleteStack of network.yml deletes the VPC before its subnets and answers
    // "has dependencies" (while dropping the stack record). Real CloudFormation orders the deletes.
    if (first.code !== 0) expect(first.log).toContain('::error::CloudFormation refused to delete stack gone-network');
    else expect(first.log).toContain(`::notice::Table ${outputs.TableName} was kept with its data`);

    const service = await ecs.send(
      new DescribeServicesCommand({ cluster: outputs.ClusterName, services: ['monolith'] }),
    );
    expect(service.services?.[0]?.status ?? 'INACTIVE').toBe('INACTIVE');
    for (const status of ['ACTIVE', 'INACTIVE'] as const) {
      const defs = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: `${env}-monolith`, status }));
      expect(defs.taskDefinitionArns, status).toEqual([]);
    }
    const live = await new CloudFormationClient(config()).send(
      new ListStacksCommand({ StackStatusFilter: ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'DELETE_FAILED'] }),
    );
    expect((live.StackSummaries ?? []).map((s) => s.StackName)).not.toContain(`${env}-network`);
    // moto keeps the repository after its stack is deleted; what matters here is that no image is left.
    const images = await new ECRClient(config())
      .send(new ListImagesCommand({ repositoryName: outputs.MonolithRepositoryName }))
      .catch((err: Error) => ({ imageIds: [], gone: err.message }));
    expect(images.imageIds).toEqual([]);
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
