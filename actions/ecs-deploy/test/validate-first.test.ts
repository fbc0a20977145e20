import { fileURLToPath } from 'node:url';
import { ECSClient, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MotoServer, startMoto } from '../../../test/support/moto.js';
import { runBundle } from '../../shared/test/support/action-step.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

let moto: MotoServer;

beforeAll(async () => {
  moto = await startMoto();
});

afterAll(async () => {
  await moto?.stop();
});

describe('ecs-deploy validates everything before the first write', () => {
  it('should register no task definition when the service file is invalid', async () => {
    const result = await runBundle({
      action: 'ecs-deploy',
      env: { ...moto.env, STAGE: 'test' },
      inputs: {
        cluster: 'mysfits-test',
        service: 'monolith',
        // The seed definition has no stack placeholders: nothing else stands between it and ECS.
        'task-definition': fixture('seed-task-definition.yml'),
        'service-definition': fixture('service-bad.yml'),
      },
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain('desiredCont: unknown member; did you mean desiredCount?');
    expect(result.log).toContain(
      'networkConfiguration.awsvpcConfiguration.subnet: unknown member; did you mean subnets?',
    );
    expect(result.log).toContain('launchType and capacityProviderStrategy: give one or the other');
    const ecs = new ECSClient({ endpoint: moto.endpoint, region: 'us-east-1' });
    const listed = await ecs.send(new ListTaskDefinitionsCommand({}));
    expect(listed.taskDefinitionArns).toEqual([]);
  });

  it('should register no task definition when the task definition itself is invalid', async () => {
    const result = await runBundle({
      action: 'ecs-deploy',
      env: moto.env,
      inputs: {
        cluster: 'mysfits-test',
        service: 'monolith',
        'task-definition': fixture('task-definition-bad.yml'),
      },
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      "containerDefinitions[0].mountPoints[0].sourceVolume: 'data' is not a volume of the task",
    );
    expect(result.log).toContain('tags: expected a list of {key, value} entries, not a map');
    const ecs = new ECSClient({ endpoint: moto.endpoint, region: 'us-east-1' });
    const listed = await ecs.send(new ListTaskDefinitionsCommand({}));
    expect(listed.taskDefinitionArns).toEqual([]);
  });
});
