import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MotoServer, startMoto } from '../../../test/support/moto.js';
import { runBundle } from '../../shared/test/support/action-step.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
// No AWS variable at all, and no instance metadata lookup (the chain's last resort).
const NO_CREDENTIALS = { AWS_EC2_METADATA_DISABLED: 'true' };

let moto: MotoServer;

beforeAll(async () => {
  moto = await startMoto();
});

afterAll(async () => {
  await moto?.stop();
});

const render = (file: string, env: Record<string, string>, inputs: Record<string, string> = {}) =>
  runBundle({ action: 'render-task-definition', env, inputs: { 'task-definition': fixture(file), ...inputs } });

const renderedOf = (output: string | undefined) => JSON.parse(readFileSync(output ?? '', 'utf8'));

describe('render-task-definition bundle', () => {
  it('should honour YAML merge keys, so a merged container keeps its environment and log configuration', async () => {
    const result = await render('merge-keys.yml', NO_CREDENTIALS);
    expect(result.code, result.log).toBe(0);
    const [web, worker] = renderedOf(result.outputs['task-definition']).containerDefinitions;
    expect(worker).toEqual({ ...web, name: 'worker', essential: false });
    expect(worker.environment).toEqual([{ name: 'STAGE', value: 'test' }]);
    expect(worker.logConfiguration.logDriver).toBe('awslogs');
  });

  it('should render without AWS credentials or region when there is nothing to read from AWS', async () => {
    const result = await render('units.yml', NO_CREDENTIALS);
    expect(result.code, result.log).toBe(0);
    expect(result.log).toContain('No AWS region set: the live revision is not compared');
    expect(result.outputs).toMatchObject({ family: 'units', changed: 'true' });
    expect(result.outputs['deploy-task-definition']).toBe(result.outputs['task-definition']);
    expect(result.summary).toContain('not compared');
  });

  it('should render with a region but no AWS credentials (a fork), saying the revision was not compared', async () => {
    const result = await render('units.yml', { ...NO_CREDENTIALS, AWS_REGION: 'us-east-1' });
    expect(result.code, result.log).toBe(0);
    expect(result.log).toContain('No AWS credentials found: the live revision is not compared');
    expect(result.outputs.changed).toBe('true');
  });

  it('should fail when compare-with-live is true and there are no credentials', async () => {
    const result = await render(
      'units.yml',
      { ...NO_CREDENTIALS, AWS_REGION: 'us-east-1' },
      { 'compare-with-live': 'true' },
    );
    expect(result.code).toBe(1);
    expect(result.log).toMatch(/compare-with-live is true, but no AWS credentials were found/);
  });

  it('should send cpu and memory as ECS stores them and find no change against a revision registered as 1024/2048', async () => {
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
    const result = await render('units.yml', moto.env);
    expect(result.code, result.log).toBe(0);
    const definition = renderedOf(result.outputs['task-definition']);
    expect(definition).toMatchObject({ cpu: '1024', memory: '2048' });
    expect(result.log).toContain('cpu: "1 vCPU" → "1024"');
    expect(result.outputs.changed, result.log).toBe('false');
    // The deploy workflow hands this to ecs-deploy: an unchanged definition deploys the live
    // revision instead of registering a duplicate.
    expect(result.outputs['deploy-task-definition']).toBe(taskDefinition?.taskDefinitionArn);
  });

  it('should skip the live revision when compare-with-live is false, even with credentials', async () => {
    const result = await render(
      'units.yml',
      { ...moto.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
      {
        'compare-with-live': 'false',
      },
    );
    expect(result.code, result.log).toBe(0);
    expect(result.outputs.changed).toBe('true');
    expect(result.log).toContain('compare-with-live is false');
  });

  it('should reject a misspelt nested member with its path and the likely meaning', async () => {
    const result = await render('misspelt.yml', NO_CREDENTIALS);
    expect(result.code).toBe(1);
    expect(result.log).toContain('containerDefinitions[0].enviroment: unknown member; did you mean environment?');
  });
});
