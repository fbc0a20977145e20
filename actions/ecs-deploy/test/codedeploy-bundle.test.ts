import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MotoServer, startMoto } from '../../../test/support/moto.js';
import { runBundle } from '../../shared/test/support/action-step.js';
import { CODEDEPLOY_EVENTS } from '../src/inputs.js';

// ECS is moto's; CodeDeploy, which moto lacks, is a scripted JSON 1.1 endpoint that answers the
// bundle's calls with the shapes of the CodeDeploy API reference (CreateDeployment,
// GetDeployment, ListDeploymentTargets, BatchGetDeploymentTargets, StopDeployment), reached
// through AWS_ENDPOINT_URL_CODEDEPLOY as the SDK reads it.
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const DEPLOYMENT_ID = 'd-BUNDLE001';
const ROLLBACK_ID = 'd-BUNDLE002';
const HOOK = 'arn:aws:lambda:us-east-1:123456789012:function:mysfits-smoke-test';

interface Call {
  operation: string;
  input: Record<string, unknown>;
}

/** GetDeployment status and the ECS target's events: `done` Succeeded, the next one `current`. */
interface Step {
  status: string;
  done: number;
  current?: string;
}

class ScriptedCodeDeploy {
  readonly calls: Call[] = [];
  steps: Step[] = [];
  private polls = 0;
  private server: Server | undefined;

  // StopDeployment(autoRollbackEnabled) stops the deployment; CodeDeploy then names the rollback
  // deployment it started in the stopped one's rollbackInfo (GetDeployment, RollbackInfo).
  private stopped = false;

  reset(steps: Step[]): void {
    this.calls.length = 0;
    this.steps = steps;
    this.polls = 0;
    this.stopped = false;
  }

  private step(): Step {
    return this.steps[Math.min(this.polls, this.steps.length - 1)] ?? { status: 'Created', done: 0 };
  }

  private answer(operation: string, input: { deploymentId?: string }): unknown {
    const step = this.step();
    switch (operation) {
      case 'CreateDeployment':
        return { deploymentId: DEPLOYMENT_ID };
      case 'GetDeployment': {
        const info = {
          deploymentId: input.deploymentId,
          applicationName: 'AppECS-mysfits-test-monolith',
          deploymentGroupName: 'DgpECS-mysfits-test-monolith',
          computePlatform: 'ECS',
          createTime: Date.now() / 1000,
        };
        if (input.deploymentId === ROLLBACK_ID) return { deploymentInfo: { ...info, status: 'Succeeded' } };
        if (this.stopped) {
          return {
            deploymentInfo: { ...info, status: 'Stopped', rollbackInfo: { rollbackDeploymentId: ROLLBACK_ID } },
          };
        }
        this.polls += 1;
        return { deploymentInfo: { ...info, status: this.step().status } };
      }
      case 'ListDeploymentTargets':
        return { targetIds: ['mysfits-test:monolith'] };
      case 'BatchGetDeploymentTargets':
        return {
          deploymentTargets: [
            {
              deploymentTargetType: 'ECSTarget',
              ecsTarget: {
                deploymentId: DEPLOYMENT_ID,
                targetId: 'mysfits-test:monolith',
                status: 'InProgress',
                lifecycleEvents: CODEDEPLOY_EVENTS.map((name, index) => ({
                  lifecycleEventName: name,
                  status:
                    index < step.done ? 'Succeeded' : index === step.done ? (step.current ?? 'InProgress') : 'Pending',
                  ...(index === step.done && step.current === 'Failed'
                    ? { diagnostics: { errorCode: 'ScriptFailed', message: 'smoke test returned Failed' } }
                    : {}),
                })),
              },
            },
          ],
        };
      case 'StopDeployment':
        this.stopped = true;
        return { status: 'Pending', statusMessage: 'Stop requested' };
      default:
        return undefined;
    }
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        const operation =
          String(request.headers['x-amz-target'] ?? '')
            .split('.')
            .pop() ?? '';
        this.calls.push({ operation, input: body ? JSON.parse(body) : {} });
        const answer = this.answer(operation, body ? JSON.parse(body) : {});
        const unknown = { __type: 'UnknownOperationException', message: `not scripted: ${operation}` };
        response.writeHead(answer === undefined ? 400 : 200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(answer ?? unknown));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  input(operation: string): Record<string, unknown> | undefined {
    return this.calls.find((call) => call.operation === operation)?.input;
  }
}

let moto: MotoServer;
const codedeploy = new ScriptedCodeDeploy();
let codeDeployEndpoint = '';
let subnet = '';
let firstRevision = '';

beforeAll(async () => {
  moto = await startMoto();
  codeDeployEndpoint = await codedeploy.start();
  const cloudFormation = new CloudFormationClient({ endpoint: moto.endpoint, region: 'us-east-1' });
  await cloudFormation.send(
    new CreateStackCommand({
      StackName: 'mysfits-cd-platform',
      TemplateBody: readFileSync(fixture('platform-stack.yml'), 'utf8'),
    }),
  );
  const stack = await cloudFormation.send(new DescribeStacksCommand({ StackName: 'mysfits-cd-platform' }));
  const output = (key: string) => stack.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === key)?.OutputValue ?? '';
  subnet = output('SubnetId');
  // The service as an earlier deploy (or the console) made it: CODE_DEPLOY, one load balancer.
  const ecs = new ECSClient({ endpoint: moto.endpoint, region: 'us-east-1' });
  const registered = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'mysfits-test-monolith',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'monolith', image: 'mysfits/monolith:1', memory: 512, essential: true }],
    }),
  );
  firstRevision = registered.taskDefinition?.taskDefinitionArn ?? '';
  await ecs.send(
    new CreateServiceCommand({
      cluster: 'mysfits-test',
      serviceName: 'monolith',
      taskDefinition: firstRevision,
      desiredCount: 1,
      launchType: 'FARGATE',
      deploymentController: { type: 'CODE_DEPLOY' },
      loadBalancers: [
        {
          targetGroupArn:
            'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/monolith-blue/0123456789abcdef',
          containerName: 'monolith',
          containerPort: 8080,
        },
      ],
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: [subnet],
          securityGroups: [output('SecurityGroupId')],
          assignPublicIp: 'DISABLED',
        },
      },
    }),
  );
});

afterAll(async () => {
  await codedeploy.stop();
  await moto?.stop();
});

const deploy = (inputs: Record<string, string> = {}) =>
  runBundle({
    action: 'ecs-deploy',
    env: { ...moto.env, AWS_ENDPOINT_URL_CODEDEPLOY: codeDeployEndpoint, STAGE: 'test' },
    inputs: {
      cluster: 'mysfits-test',
      service: 'monolith',
      'task-definition': fixture('task-definition.yml'),
      stacks: 'platform=mysfits-cd-platform',
      'codedeploy-hooks': `AfterAllowTestTraffic=${HOOK}`,
      'poll-interval': '100ms',
      timeout: '20s',
      ...inputs,
    },
  });

describe('ecs-deploy bundle with a CODE_DEPLOY service (moto ECS, scripted CodeDeploy)', () => {
  beforeEach(() => codedeploy.reset([]));

  it('should register the revision and deploy it through CodeDeploy only, never UpdateService', async () => {
    codedeploy.reset([
      { status: 'InProgress', done: 2 },
      { status: 'InProgress', done: 5 },
      { status: 'Succeeded', done: 8 },
    ]);

    const result = await deploy();

    expect(result.code, result.log).toBe(0);
    expect(result.outputs).toMatchObject({ status: 'SUCCESSFUL', 'deployment-id': DEPLOYMENT_ID });
    const revision = result.outputs['task-definition-arn'] ?? '';
    expect(revision).toMatch(/task-definition\/mysfits-test-monolith:2$/);
    const created = codedeploy.input('CreateDeployment') as {
      applicationName: string;
      deploymentGroupName: string;
      revision: { appSpecContent: { content: string } };
    };
    expect(created).toMatchObject({
      applicationName: 'AppECS-mysfits-test-monolith',
      deploymentGroupName: 'DgpECS-mysfits-test-monolith',
    });
    const appSpec = JSON.parse(created.revision.appSpecContent.content);
    expect(appSpec.Resources[0].TargetService.Properties).toMatchObject({
      TaskDefinition: revision,
      LoadBalancerInfo: { ContainerName: 'monolith', ContainerPort: 8080 },
      NetworkConfiguration: { AwsvpcConfiguration: { Subnets: [subnet] } },
    });
    expect(appSpec.Hooks).toEqual([{ AfterAllowTestTraffic: HOOK }]);
    expect(result.summary).toContain('lifecycle event AfterAllowTestTraffic Succeeded');
    // The service's task definition is CodeDeploy's to change: moto's service still has the first.
    const ecs = new ECSClient({ endpoint: moto.endpoint, region: 'us-east-1' });
    const described = await ecs.send(new DescribeServicesCommand({ cluster: 'mysfits-test', services: ['monolith'] }));
    expect(described.services?.[0]?.taskDefinition).toBe(firstRevision);
  });

  it('should fail on a failed hook, name it, and stop the deployment with rollback', async () => {
    codedeploy.reset([
      { status: 'InProgress', done: 4 },
      { status: 'InProgress', done: 4, current: 'Failed' },
    ]);

    const result = await deploy();

    expect(result.code, result.log).toBe(1);
    expect(result.outputs.status).toBe('FAILED');
    expect(result.summary).toContain(
      'lifecycle event AfterAllowTestTraffic Failed: ScriptFailed, smoke test returned Failed',
    );
    expect(codedeploy.input('StopDeployment')).toEqual({ deploymentId: DEPLOYMENT_ID, autoRollbackEnabled: true });
    expect(result.summary).toContain(`rollback deployment ${ROLLBACK_ID} Succeeded`);
  });
});
