import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { useActionStep } from '../../shared/test/support/action-step.js';
import { run } from '../src/main.js';
import { NEW_TD, SCRIPTED_ENV } from './support/ecs-fixtures.js';

// Scripted ECS for exit codes moto cannot produce (its containers always exit 0).
const ecs = mockClient(ECSClient);
const action = useActionStep({ action: 'ecs-deploy', env: SCRIPTED_ENV });
const TASK = 'arn:aws:ecs:us-east-1:123456789012:task/mysfits-dev/0f1e2d3c';

beforeEach(() => {
  ecs.reset();
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

    await action.run(() => run({ signal: new AbortController().signal }));

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

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.outputs().status).toBe('TIMED_OUT');
    expect(ecs.commandCalls(StopTaskCommand)[0]?.args[0].input).toMatchObject({ cluster: 'mysfits-dev', task: TASK });
  });

  describe('RunTask request from the service definition', () => {
    const stopped = {
      tasks: [
        {
          taskArn: TASK,
          lastStatus: 'STOPPED',
          desiredStatus: 'STOPPED',
          containers: [{ name: 'monolith', exitCode: 0 }],
        },
      ],
    };
    const definition = (text: string) => {
      const file = join(action.dir, 'service.yml');
      writeFileSync(file, text);
      action.inputs({ 'service-definition': file });
    };
    const request = () => ecs.commandCalls(RunTaskCommand)[0]?.args[0].input;
    const github = (attempt: string) =>
      action.env({
        GITHUB_RUN_ID: '16543210987',
        GITHUB_RUN_ATTEMPT: attempt,
        GITHUB_JOB: 'seed',
        GITHUB_ACTION: 'seed',
      });

    beforeEach(() => {
      ecs.on(DescribeTasksCommand).resolves(stopped);
    });

    it('should pass tags, propagateTags, enableExecuteCommand, enableECSManagedTags and volumeConfigurations (RunTask)', async () => {
      definition(
        [
          'launchType: FARGATE',
          'tags: [{ key: team, value: mysfits }, { key: stage, value: dev }]',
          'propagateTags: TASK_DEFINITION',
          'enableECSManagedTags: true',
          'enableExecuteCommand: true',
          'volumeConfigurations:',
          '  - name: scratch',
          '    managedEBSVolume: { sizeInGiB: 20, volumeType: gp3, roleArn: "arn:aws:iam::123456789012:role/ebs", filesystemType: ext4 }',
          '',
        ].join('\n'),
      );

      await action.run(() => run({ signal: new AbortController().signal }));

      expect(process.exitCode).toBeUndefined();
      expect(request()).toMatchObject({
        tags: [
          { key: 'team', value: 'mysfits' },
          { key: 'stage', value: 'dev' },
        ],
        propagateTags: 'TASK_DEFINITION',
        enableECSManagedTags: true,
        enableExecuteCommand: true,
        volumeConfigurations: [
          {
            name: 'scratch',
            managedEBSVolume: {
              sizeInGiB: 20,
              volumeType: 'gp3',
              roleArn: 'arn:aws:iam::123456789012:role/ebs',
              filesystemType: 'ext4',
            },
          },
        ],
      });
    });

    it("should not send propagateTags SERVICE, which RunTask refuses, but the service's tags themselves", async () => {
      definition('tags: [{ key: team, value: mysfits }]\npropagateTags: SERVICE\n');

      await action.run(() => run({ signal: new AbortController().signal }));

      expect(request()).not.toHaveProperty('propagateTags');
      expect(request()?.tags).toEqual([{ key: 'team', value: 'mysfits' }]);
    });

    it('should send one clientToken per workflow run attempt, within RunTask limits (64 characters, 33-126)', async () => {
      github('1');
      await action.run(() => run({ signal: new AbortController().signal }));
      const first = request()?.clientToken ?? '';
      ecs.resetHistory();
      await action.run(() => run({ signal: new AbortController().signal }));
      const again = request()?.clientToken;
      ecs.resetHistory();
      github('2');
      await action.run(() => run({ signal: new AbortController().signal }));
      const retried = request()?.clientToken;

      expect(first).toMatch(/^[\x21-\x7e]{1,64}$/);
      expect(again).toBe(first);
      expect(retried).not.toBe(first);
    });
  });
});
