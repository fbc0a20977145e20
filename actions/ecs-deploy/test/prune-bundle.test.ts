import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MotoServer, startMoto } from '../../../test/support/moto.js';
import { runBundle } from '../../shared/test/support/action-step.js';

// The built ecs-deploy bundle, started as the runner starts it (INPUT_*), against moto. moto never
// moves a deployment to a new task definition after UpdateService, so the deploy names the revision
// the service already runs (:2, as when redeploying an older revision) and succeeds.
const CLUSTER = 'mysfits-test';
const FAMILY = 'mysfits-test-monolith';
let moto: MotoServer;
let ecs: ECSClient;
const arns: string[] = [];

beforeAll(async () => {
  // moto's services report runningCount from this variable, so the one-task deployment COMPLETES.
  process.env.MOTO_ECS_SERVICE_RUNNING = '1';
  moto = await startMoto();
  ecs = new ECSClient({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  for (let i = 1; i <= 15; i++) {
    const response = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: FAMILY,
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'monolith', image: `mysfits/monolith:${i}`, memory: 512, essential: true }],
      }),
    );
    arns.push(response.taskDefinition?.taskDefinitionArn ?? '');
  }
  await ecs.send(
    new CreateServiceCommand({
      cluster: CLUSTER,
      serviceName: 'monolith',
      taskDefinition: arns[1],
      desiredCount: 1,
      launchType: 'FARGATE',
    }),
  );
});

afterAll(async () => {
  await moto?.stop();
});

async function active(): Promise<number[]> {
  const response = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: FAMILY }));
  return (response.taskDefinitionArns ?? []).map((arn) => Number(arn.split(':').pop())).sort((a, b) => a - b);
}

const deploy = (inputs: Record<string, string>) =>
  runBundle({
    env: moto.env,
    action: 'ecs-deploy',
    inputs: {
      cluster: CLUSTER,
      service: 'monolith',
      'task-definition': arns[1] ?? '',
      'poll-interval': '200ms',
      timeout: '30s',
      ...inputs,
    },
  });

describe('ecs-deploy bundle with prune-keep against moto', () => {
  it('should only list what would go in a dry run', async () => {
    const result = await deploy({ 'prune-keep': '10', 'prune-dry-run': 'true' });
    expect(result.code, result.log).toBe(0);
    expect(result.summary).toContain('Task definition prune (dry run: nothing changed)');
    for (const revision of [1, 3, 4, 5])
      expect(result.summary).toContain(`<td>${FAMILY}:${revision}</td><td>would be deleted</td>`);
    expect(await active()).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  });

  it('should keep the newest 10 of 15 revisions and the running one, and delete the rest', async () => {
    const result = await deploy({ 'prune-keep': '10' });
    expect(result.code, result.log).toBe(0);
    // Nothing to update (the service runs :2 already): a success, so the prune runs.
    expect(result.outputs.status).toBe('UNCHANGED');
    expect(await active()).toEqual([2, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    const inactive = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: FAMILY, status: 'INACTIVE' }));
    expect(inactive.taskDefinitionArns).toEqual([]);
    expect(result.summary).toContain(
      `<td>${FAMILY}: 15, 14, 13, 12, 11, 10, 9, 8, 7, 6</td><td>kept</td><td>newest 10</td>`,
    );
    expect(result.summary).toContain(`<td>${FAMILY}:2</td><td>kept</td><td>just deployed</td>`);
    for (const revision of [1, 3, 4, 5])
      expect(result.summary).toContain(
        `<td>${FAMILY}:${revision}</td><td>deleted</td><td>deregistered, then deleted</td>`,
      );
    expect(result.log).not.toContain('::warning::');
  });
});
