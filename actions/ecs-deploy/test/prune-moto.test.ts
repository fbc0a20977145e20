import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  EC2Client,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MotoServer, startMoto } from '../../../test/support/moto.js';
import { useActionStep } from '../../shared/test/support/action-step.js';
import { pruneTaskDefinitions } from '../src/prune.js';

// moto has RegisterTaskDefinition, DeregisterTaskDefinition, ListTaskDefinitions (it ignores
// `sort` and never pages), DeleteTaskDefinitions (refuses more than 10, as ECS does), CreateService
// and RunTask; it has no service deployments, so the services here have no currentServiceDeployment.
let moto: MotoServer;
let ecs: ECSClient;
/** Every ECS command the client sent, with its input (a middleware on the real client). */
const sent: Array<{ command: string; input: Record<string, unknown> }> = [];

// The prune logs through @actions/core: the step keeps its lines in the captured log. Real
// timers: the SDK talks to moto over HTTP.
const step = useActionStep({ action: 'ecs-deploy', timers: 'real' });

const CLUSTER = 'mysfits-test';
const FAMILY = 'mysfits-test-monolith';

beforeAll(async () => {
  moto = await startMoto();
  ecs = new ECSClient({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  ecs.middlewareStack.add(
    (next, context) => (args) => {
      sent.push({ command: String(context.commandName), input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
});

afterAll(async () => {
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  sent.length = 0;
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
});

/** Registers `count` revisions of a family (1..count) and returns their ARNs, oldest first. */
async function register(family: string, count: number): Promise<string[]> {
  const arns: string[] = [];
  for (let i = 1; i <= count; i++) {
    const response = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'monolith', image: `mysfits/monolith:${i}`, memory: 512, essential: true }],
      }),
    );
    arns.push(response.taskDefinition?.taskDefinitionArn ?? '');
  }
  return arns;
}

async function revisions(family: string, status: 'ACTIVE' | 'INACTIVE'): Promise<number[]> {
  const response = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status }));
  return (response.taskDefinitionArns ?? []).map((arn) => Number(arn.split(':').pop())).sort((a, b) => a - b);
}

async function createService(taskDefinition: string): Promise<void> {
  await ecs.send(
    new CreateServiceCommand({ cluster: CLUSTER, serviceName: 'monolith', taskDefinition, desiredCount: 1 }),
  );
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('pruneTaskDefinitions against moto', () => {
  it('should keep the newest 10 of 15 revisions and the one the service runs, and delete the rest', async () => {
    const arns = await register(FAMILY, 15);
    await createService(arns[2] ?? '');
    const result = await pruneTaskDefinitions({
      ecs,
      cluster: CLUSTER,
      family: FAMILY,
      keep: 10,
      dryRun: false,
      services: ['monolith'],
    });
    expect(result.error).toBeUndefined();
    expect(await revisions(FAMILY, 'ACTIVE')).toEqual([3, ...range(6, 15)]);
    // Deleted revisions are gone from both lists (moto drops them at once; ECS keeps them
    // DELETE_IN_PROGRESS while something references them).
    expect(await revisions(FAMILY, 'INACTIVE')).toEqual([]);
    expect(result.inUse).toEqual([{ arn: arns[2], reason: 'task definition of service monolith' }]);
    expect(result.pruned.map((p) => [p.arn, p.outcome])).toEqual(
      [arns[4], arns[3], arns[1], arns[0]].map((arn) => [arn, 'deleted']),
    );
    const deregistered = sent.filter((s) => s.command === 'DeregisterTaskDefinitionCommand');
    expect(deregistered.map((s) => s.input.taskDefinition)).toEqual([arns[4], arns[3], arns[1], arns[0]]);
  });

  it('should delete in batches of at most 10 and never touch another family', async () => {
    const arns = await register(FAMILY, 15);
    const other = await register(`${FAMILY}-worker`, 3);
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: other[0] }));
    const result = await pruneTaskDefinitions({
      ecs,
      cluster: CLUSTER,
      family: FAMILY,
      keep: 1,
      dryRun: false,
      services: ['monolith'],
      protect: [{ arn: arns[13] ?? '', reason: 'rollback target' }],
    });
    expect(result.error).toBeUndefined();
    expect(await revisions(FAMILY, 'ACTIVE')).toEqual([14, 15]);
    expect(result.pruned.filter((p) => p.outcome === 'deleted')).toHaveLength(13);
    const batches = sent.filter((s) => s.command === 'DeleteTaskDefinitionsCommand');
    expect(batches.map((s) => (s.input.taskDefinitions as string[]).length)).toEqual([10, 3]);
    expect(await revisions(`${FAMILY}-worker`, 'ACTIVE')).toEqual([2, 3]);
    expect(await revisions(`${FAMILY}-worker`, 'INACTIVE')).toEqual([1]);
  });

  it('should change nothing in a dry run and list what would go', async () => {
    const arns = await register(FAMILY, 12);
    const result = await pruneTaskDefinitions({
      ecs,
      cluster: CLUSTER,
      family: FAMILY,
      keep: 10,
      dryRun: true,
      services: ['monolith'],
    });
    expect(result.pruned).toEqual([
      { arn: arns[1], was: 'ACTIVE', outcome: 'would be deleted' },
      { arn: arns[0], was: 'ACTIVE', outcome: 'would be deleted' },
    ]);
    expect(await revisions(FAMILY, 'ACTIVE')).toEqual(range(1, 12));
    expect(sent.map((s) => s.command)).not.toContain('DeregisterTaskDefinitionCommand');
    expect(sent.map((s) => s.command)).not.toContain('DeleteTaskDefinitionsCommand');
    expect(step.log()).toContain(`Dry run: would deregister and delete ${arns[1]}`);
  });

  it('should keep the revision of a running one-off task and delete an older INACTIVE leftover', async () => {
    const arns = await register(FAMILY, 13);
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arns[0] }));
    const ec2 = new EC2Client({ endpoint: moto.endpoint, region: 'us-east-1', credentials: ecs.config.credentials });
    // moto's awsvpc RunTask needs a real subnet and security group and DNS hostnames on.
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    const VpcId = vpc.Vpc?.VpcId ?? '';
    await ec2.send(new ModifyVpcAttributeCommand({ VpcId, EnableDnsHostnames: { Value: true } }));
    const subnet = await ec2.send(new CreateSubnetCommand({ VpcId, CidrBlock: '10.0.1.0/24' }));
    const group = await ec2.send(new CreateSecurityGroupCommand({ VpcId, GroupName: 'task', Description: 'task' }));
    await ecs.send(
      new RunTaskCommand({
        cluster: CLUSTER,
        taskDefinition: arns[1],
        launchType: 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: { subnets: [subnet.Subnet?.SubnetId ?? ''], securityGroups: [group.GroupId ?? ''] },
        },
      }),
    );
    sent.length = 0;
    const result = await pruneTaskDefinitions({
      ecs,
      cluster: CLUSTER,
      family: FAMILY,
      keep: 10,
      dryRun: false,
      services: ['monolith'],
    });
    expect(result.error).toBeUndefined();
    expect(result.inUse).toEqual([{ arn: arns[1], reason: '1 running task(s)' }]);
    expect(result.pruned).toEqual([
      { arn: arns[2], was: 'ACTIVE', outcome: 'deleted' },
      { arn: arns[0], was: 'INACTIVE', outcome: 'deleted' },
    ]);
    expect(await revisions(FAMILY, 'ACTIVE')).toEqual([2, ...range(4, 13)]);
    expect(await revisions(FAMILY, 'INACTIVE')).toEqual([]);
    // The INACTIVE one was only deleted: deregistering it again is not needed.
    const deregistered = sent.filter((s) => s.command === 'DeregisterTaskDefinitionCommand');
    expect(deregistered.map((s) => s.input.taskDefinition)).toEqual([arns[2]]);
  });

  it('should refuse to keep fewer than one revision', async () => {
    await expect(
      pruneTaskDefinitions({ ecs, cluster: CLUSTER, family: FAMILY, keep: 0, dryRun: false, services: [] }),
    ).rejects.toThrow(/expected to keep at least 1 revision of mysfits-test-monolith, found keep=0/);
    expect(sent.map((s) => s.command)).not.toContain(DeleteTaskDefinitionsCommand.name);
  });
});
