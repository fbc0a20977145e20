import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../src/main.js';
import { ActionEnv } from './support/action-env.js';
import { NEW_TD } from './support/ecs-fixtures.js';

// Scripted ECS for exit codes moto cannot produce (its containers always exit 0).
const ecs = mockClient(ECSClient);
const action = new ActionEnv();
const TASK = 'arn:aws:ecs:us-east-1:123456789012:task/mysfits-dev/0f1e2d3c';

beforeEach(() => {
  ecs.reset();
  action.reset({ AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
  action.inputs({
    cluster: 'mysfits-dev',
    'task-definition': NEW_TD,
    'run-task': 'true',
    command: '["node", "server.js", "seed"]',
    subnets: 'subnet-a, subnet-b',
    'security-groups': 'sg-1',
    'poll-interval': '10ms',
  });
  ecs.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: {
      taskDefinitionArn: NEW_TD,
      family: 'mysfits-monolith',
      containerDefinitions: [
        { name: 'monolith', essential: true },
        { name: 'xray', essential: false },
      ],
    },
  });
  ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK, lastStatus: 'PROVISIONING' }] });
  ecs.on(StopTaskCommand).resolves({});
});

afterEach(() => {
  process.exitCode = undefined;
});

describe('ecs-deploy run-task (scripted ECS)', () => {
  it('should fail on a non-zero exit code with the container reason and the stopped reason', async () => {
    ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [{ taskArn: TASK, lastStatus: 'RUNNING', desiredStatus: 'RUNNING' }] })
      .resolves({
        tasks: [
          {
            taskArn: TASK,
            lastStatus: 'STOPPED',
            desiredStatus: 'STOPPED',
            stopCode: 'EssentialContainerExited',
            stoppedReason: 'Essential container in task exited',
            containers: [
              { name: 'monolith', exitCode: 2, reason: 'seed: table Mysfits not found' },
              { name: 'xray', exitCode: 137 },
            ],
          },
        ],
      });

    await run({ signal: new AbortController().signal });

    expect(process.exitCode).toBe(1);
    expect(ecs.commandCalls(RunTaskCommand)[0]?.args[0].input).toMatchObject({
      cluster: 'mysfits-dev',
      taskDefinition: NEW_TD,
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-a', 'subnet-b'],
          securityGroups: ['sg-1'],
          assignPublicIp: 'DISABLED',
        },
      },
      overrides: { containerOverrides: [{ name: 'monolith', command: ['node', 'server.js', 'seed'] }] },
    });
    expect(action.outputs()).toMatchObject({ status: 'FAILED', 'exit-code': '2', 'task-arn': TASK });
    const summary = action.summary();
    expect(summary).toContain('container monolith exited with code 2 (seed: table Mysfits not found)');
    expect(summary).toContain('Task stopped: Essential container in task exited [EssentialContainerExited]');
    // xray is not essential: its exit code is reported in the timeline but does not fail the task.
    expect(summary).not.toContain('container xray exited');
  });

  it('should stop the task and fail when the timeout runs out', async () => {
    action.inputs({ timeout: '100ms' });
    ecs
      .on(DescribeTasksCommand)
      .resolves({ tasks: [{ taskArn: TASK, lastStatus: 'RUNNING', desiredStatus: 'RUNNING' }] });

    await run({ signal: new AbortController().signal });

    expect(process.exitCode).toBe(1);
    expect(action.outputs().status).toBe('TIMED_OUT');
    expect(ecs.commandCalls(StopTaskCommand)[0]?.args[0].input).toMatchObject({ cluster: 'mysfits-dev', task: TASK });
  });
});
