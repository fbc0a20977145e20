import { ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MotoServer, startMoto } from '../../../test/support/moto.js';
import { runBundle } from '../../shared/test/support/run-bundle.js';

const fixture = new URL('./fixtures/units.yml', import.meta.url).pathname;
let moto: MotoServer;

beforeAll(async () => {
  moto = await startMoto();
});

afterAll(async () => {
  await moto?.stop();
});

const render = () =>
  runBundle({ action: 'render-task-definition', env: moto.env, inputs: { 'task-definition': fixture } });

// The deploy workflow hands `deploy-task-definition` to ecs-deploy: a re-run of an unchanged
// definition must deploy the live revision, not register a duplicate (issue 11, "pick the revision").
describe('render-task-definition deploy-task-definition output', () => {
  it('should be the rendered file while the family has no revision, and the live ARN once it is identical', async () => {
    const first = await render();
    expect(first.code, first.log).toBe(0);
    expect(first.outputs.changed).toBe('true');
    expect(first.outputs['deploy-task-definition']).toBe(first.outputs['task-definition']);

    const ecs = new ECSClient({ endpoint: moto.endpoint, region: 'us-east-1' });
    const { taskDefinition } = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'units',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '1024',
        memory: '2048',
        containerDefinitions: [
          { name: 'web', image: 'public.ecr.aws/nginx/nginx:stable', portMappings: [{ containerPort: 80 }] },
        ],
      }),
    );
    const again = await render();
    expect(again.code, again.log).toBe(0);
    expect(again.outputs.changed).toBe('false');
    expect(again.outputs['deploy-task-definition']).toBe(taskDefinition?.taskDefinitionArn);
  });
});
