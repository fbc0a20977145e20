import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeServicesCommand,
  ECSClient,
  ListTagsForResourceCommand,
  TagResourceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MotoServer, startMoto } from '../../../test/support/moto.js';
import { runBundle } from '../../shared/test/support/action-step.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/mysfits/monolith@sha256:0123456789abcdef';

let moto: MotoServer;

beforeAll(async () => {
  // moto's services report runningCount from this variable (they never run tasks); with it a
  // one-task service reports its deployment COMPLETED as ECS would once the task is healthy.
  process.env.MOTO_ECS_SERVICE_RUNNING = '1';
  moto = await startMoto();
  const cloudFormation = new CloudFormationClient({ endpoint: moto.endpoint, region: 'us-east-1' });
  await cloudFormation.send(
    new CreateStackCommand({
      StackName: 'mysfits-test-platform',
      TemplateBody: readFileSync(fixture('platform-stack.yml'), 'utf8'),
    }),
  );
});

afterAll(async () => {
  await moto?.stop();
});

describe('render-task-definition and ecs-deploy bundles against moto', () => {
  const common = () => ({ env: { ...moto.env, STAGE: 'test' } });
  // Rendered twice: first revision, then again against the live one.
  const render = () =>
    runBundle({
      ...common(),
      action: 'render-task-definition',
      inputs: {
        'task-definition': fixture('task-definition.yml'),
        stacks: 'platform=mysfits-test-platform',
        images: `monolith=${IMAGE}`,
      },
    });
  /** ecs-deploy on the test cluster with fast polls; `inputs` add to or override these. */
  const deploy = (inputs: Record<string, string>) =>
    runBundle({
      ...common(),
      action: 'ecs-deploy',
      inputs: { cluster: 'mysfits-test', 'poll-interval': '200ms', timeout: '30s', ...inputs },
    });
  let rendered = '';
  let taskDefinitionArn = '';

  it('should render the task definition from stack outputs, the environment and the image map', async () => {
    const result = await render();
    expect(result.code, result.log).toBe(0);
    rendered = result.outputs['task-definition'] ?? '';
    const definition = JSON.parse(readFileSync(rendered, 'utf8'));
    expect(definition.containerDefinitions[0].image).toBe(IMAGE);
    expect(definition.containerDefinitions[0].environment).toContainEqual({ name: 'STAGE', value: 'test' });
    expect(result.outputs).toMatchObject({ family: 'mysfits-test-monolith', changed: 'true' });
    expect(result.summary).toContain('first revision');
  });

  it('should register the task definition and create the service', async () => {
    const result = await deploy({
      service: 'monolith',
      'task-definition': rendered,
      'service-definition': fixture('service.yml'),
      stacks: 'platform=mysfits-test-platform',
    });
    expect(result.code, result.log).toBe(0);
    taskDefinitionArn = result.outputs['task-definition-arn'] ?? '';
    expect(taskDefinitionArn).toMatch(/task-definition\/mysfits-test-monolith:1$/);
    expect(result.outputs.status).toBe('COMPLETED');
    expect(result.outputs['deployment-id']).toMatch(/^ecs-svc\//);
    expect(result.summary).toContain('Created service monolith (ROLLING)');
  });

  it('should show no changes when rendering again against the live revision', async () => {
    const result = await render();
    expect(result.code, result.log).toBe(0);
    expect(result.outputs.changed, result.log).toBe('false');
    expect(result.summary).toContain('<td>Changes</td><td>none</td>');
    expect(result.summary).toContain('mysfits-test-monolith:1');
  });

  it('should update only the changed fields of the existing service', async () => {
    // The same revision by ARN: moto never moves a deployment to a new task definition after
    // UpdateService, so a new revision would look exactly like a circuit-breaker rollback.
    const result = await deploy({
      service: 'monolith',
      'task-definition': taskDefinitionArn,
      'service-definition': fixture('service-scaled.yml'),
      stacks: 'platform=mysfits-test-platform',
      'wait-until': 'stable',
      'keep-desired-count': 'false',
    });
    expect(result.code, result.log).toBe(0);
    expect(result.outputs.status).toBe('COMPLETED');
    expect(result.summary).toMatch(/Updated service monolith \(ROLLING\): same task definition; changed desiredCount/);
    const ecs = new ECSClient({ endpoint: moto.endpoint, region: 'us-east-1' });
    const described = await ecs.send(new DescribeServicesCommand({ cluster: 'mysfits-test', services: ['monolith'] }));
    expect(described.services?.[0]).toMatchObject({
      desiredCount: 2,
      runningCount: 2,
      taskDefinition: taskDefinitionArn,
    });
  });

  it("should make the service's tags the file's (aws: tags untouched) and leave them alone without a tags key", async () => {
    const ecs = new ECSClient({ endpoint: moto.endpoint, region: 'us-east-1' });
    const described = await ecs.send(new DescribeServicesCommand({ cluster: 'mysfits-test', services: ['monolith'] }));
    const resourceArn = described.services?.[0]?.serviceArn ?? '';
    await ecs.send(
      new TagResourceCommand({
        resourceArn,
        tags: [
          { key: 'team', value: 'legacy' },
          { key: 'old', value: 'x' },
          { key: 'aws:cloudformation:stack-name', value: 'mysfits-test-service' },
        ],
      }),
    );
    const tags = async () =>
      Object.fromEntries(
        ((await ecs.send(new ListTagsForResourceCommand({ resourceArn }))).tags ?? []).map((t) => [t.key, t.value]),
      );
    const inputs = {
      service: 'monolith',
      'task-definition': taskDefinitionArn,
      stacks: 'platform=mysfits-test-platform',
      'keep-desired-count': 'false',
    };

    const tagged = await deploy({ ...inputs, 'service-definition': fixture('service-tagged.yml') });
    expect(tagged.code, tagged.log).toBe(0);
    const expected = { team: 'mysfits', stage: 'test', 'aws:cloudformation:stack-name': 'mysfits-test-service' };
    expect(await tags()).toEqual(expected);
    expect(tagged.summary).toContain('Tags of service monolith: set team, stage; removed old');

    const untouched = await deploy({ ...inputs, 'service-definition': fixture('service-scaled.yml') });
    expect(untouched.code, untouched.log).toBe(0);
    expect(await tags()).toEqual(expected);
  });

  it('should run a one-off seed task to a zero exit code', async () => {
    const result = await deploy({
      'run-task': 'true',
      'task-definition': fixture('seed-task-definition.yml'),
      command: 'node server.js seed',
      'poll-interval': '100ms',
    });
    expect(result.code, result.log).toBe(0);
    expect(result.outputs).toMatchObject({ status: 'STOPPED', 'exit-code': '0' });
    expect(result.outputs['task-arn']).toMatch(/:task\//);
    // The summary HTML-escapes the quotes of the JSON command.
    expect(result.summary).toContain('running [&quot;node&quot;,&quot;server.js&quot;,&quot;seed&quot;] in monolith');
    expect(result.summary).toContain('task STOPPED');
  });
});
