import {
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { useActionStep } from '../../shared/test/support/action-step.js';
import { readDeployInputs } from '../src/inputs.js';
import { run } from '../src/main.js';
import { pruneTaskDefinitions } from '../src/prune.js';
import {
  ACCOUNT,
  deployment,
  NEW_TD,
  OLD_TD,
  REV_NEW,
  REV_OLD,
  SCRIPTED_ENV,
  SD_ARN,
  service,
  serviceDeployment,
  serviceRevision,
} from './support/ecs-fixtures.js';

// Scripted ECS where moto falls short: service deployments (DescribeServiceDeployments,
// DescribeServiceRevisions are missing in moto), ListTaskDefinitions paging and DESC order (moto
// never pages and ignores `sort`), and DeleteTaskDefinitions failures. Shapes from the ECS API
// reference for those operations.
const ecs = mockClient(ECSClient);
const action = useActionStep({ action: 'ecs-deploy', env: SCRIPTED_ENV });
const td = (revision: number) => `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/mysfits-monolith:${revision}`;
/** Revisions `from` down to `to`, as ListTaskDefinitions with sort DESC lists them. */
const desc = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => td(from - i));
const NEW_ID = 'ecs-svc/2222222222222222222';

beforeEach(() => {
  ecs.reset();
  ecs.on(ListTasksCommand).resolves({ taskArns: [] });
  ecs.on(ListTaskDefinitionsCommand, { status: 'INACTIVE' }).resolves({ taskDefinitionArns: [] });
  ecs.on(DeregisterTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) => ({
    taskDefinition: { taskDefinitionArn: input.taskDefinition, status: 'INACTIVE' },
  }));
  ecs.on(DeleteTaskDefinitionsCommand).callsFake((input: { taskDefinitions: string[] }) => ({
    taskDefinitions: input.taskDefinitions.map((arn) => ({ taskDefinitionArn: arn, status: 'DELETE_IN_PROGRESS' })),
    failures: [],
  }));
});

describe('pruneTaskDefinitions (scripted ECS)', () => {
  it("should keep the current service deployment's source revision and read every page newest first", async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [
        service({
          taskDefinition: NEW_TD,
          deployments: [deployment({ taskDefinition: NEW_TD })],
          currentServiceDeployment: SD_ARN,
        }),
      ],
    });
    ecs.on(DescribeServiceDeploymentsCommand).resolves({
      serviceDeployments: [serviceDeployment({ status: 'SUCCESSFUL' })],
    });
    ecs.on(DescribeServiceRevisionsCommand).resolves({
      serviceRevisions: [serviceRevision(REV_OLD, OLD_TD), serviceRevision(REV_NEW, NEW_TD)],
    });
    // 20 revisions over two pages; NEW_TD is :8, so revisions above it came from other deploys.
    ecs
      .on(ListTaskDefinitionsCommand, { status: 'ACTIVE' })
      .resolvesOnce({ taskDefinitionArns: desc(20, 11), nextToken: 'page-2' })
      .resolves({ taskDefinitionArns: desc(10, 1) });

    const result = await pruneTaskDefinitions({
      ecs: new ECSClient({ region: 'us-east-1' }),
      cluster: 'mysfits-dev',
      family: 'mysfits-monolith',
      keep: 3,
      dryRun: false,
      services: ['monolith'],
    });

    expect(result.error).toBeUndefined();
    expect(result.newest).toEqual(desc(20, 18));
    expect(result.inUse).toEqual([
      { arn: NEW_TD, reason: 'task definition of service monolith' },
      { arn: OLD_TD, reason: 'source of service deployment Kq3fN2xUe8wUcDgtAbcde (rollback target)' },
    ]);
    const deregistered = ecs.commandCalls(DeregisterTaskDefinitionCommand).map((c) => c.args[0].input.taskDefinition);
    expect(deregistered).toEqual([...desc(17, 9), ...desc(6, 1)]);
    const batches = ecs.commandCalls(DeleteTaskDefinitionsCommand).map((c) => c.args[0].input.taskDefinitions);
    expect(batches).toEqual([[...desc(17, 9), td(6)], desc(5, 1)]);
    expect(ecs.commandCalls(ListTaskDefinitionsCommand, { status: 'ACTIVE' })[1]?.args[0].input).toMatchObject({
      familyPrefix: 'mysfits-monolith',
      sort: 'DESC',
      nextToken: 'page-2',
    });
  });

  it('should go on past one failed revision and report each failure', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ taskDefinition: td(5), deployments: [] })] });
    ecs.on(ListTaskDefinitionsCommand, { status: 'ACTIVE' }).resolves({ taskDefinitionArns: desc(5, 1) });
    ecs
      .on(DeregisterTaskDefinitionCommand, { taskDefinition: td(3) })
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    ecs.on(DeleteTaskDefinitionsCommand).resolves({
      taskDefinitions: [{ taskDefinitionArn: td(1), status: 'DELETE_IN_PROGRESS' }],
      failures: [{ arn: td(2), reason: 'TASK_DEFINITION_IN_USE', detail: 'still referenced' }],
    });

    const result = await pruneTaskDefinitions({
      ecs: new ECSClient({ region: 'us-east-1' }),
      cluster: 'mysfits-dev',
      family: 'mysfits-monolith',
      keep: 2,
      dryRun: false,
      services: ['monolith'],
    });

    expect(result.pruned).toEqual([
      { arn: td(3), was: 'ACTIVE', outcome: 'not pruned', problem: 'DeregisterTaskDefinition: Rate exceeded' },
      {
        arn: td(2),
        was: 'ACTIVE',
        outcome: 'deregistered, not deleted',
        problem: 'DeleteTaskDefinitions: TASK_DEFINITION_IN_USE still referenced',
      },
      { arn: td(1), was: 'ACTIVE', outcome: 'deleted' },
    ]);
    expect(result.error).toBe(
      '2 of 3 revision(s) could not be pruned: mysfits-monolith:3 (DeregisterTaskDefinition: Rate exceeded); ' +
        'mysfits-monolith:2 (DeleteTaskDefinitions: TASK_DEFINITION_IN_USE still referenced)',
    );
  });

  it('should prune nothing when what is in use cannot be found out', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ currentServiceDeployment: SD_ARN })] });
    ecs.on(DescribeServiceDeploymentsCommand).resolves({
      serviceDeployments: [],
      failures: [{ arn: SD_ARN, reason: 'MISSING' }],
    });
    ecs.on(ListTaskDefinitionsCommand, { status: 'ACTIVE' }).resolves({ taskDefinitionArns: desc(15, 1) });
    ecs.on(ListTasksCommand).resolves({ taskArns: ['task-1'] });
    ecs.on(DescribeTasksCommand).resolves({ tasks: [{ taskDefinitionArn: td(1) }] });

    await expect(
      pruneTaskDefinitions({
        ecs: new ECSClient({ region: 'us-east-1' }),
        cluster: 'mysfits-dev',
        family: 'mysfits-monolith',
        keep: 10,
        dryRun: false,
        services: ['monolith'],
      }),
    ).rejects.toThrow(`expected DescribeServiceDeployments to describe ${SD_ARN}, found MISSING`);
    expect(ecs.commandCalls(DeregisterTaskDefinitionCommand)).toHaveLength(0);
  });
});

describe('ecs-deploy with prune-keep (scripted ECS)', () => {
  beforeEach(() => {
    ecs.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: { taskDefinitionArn: NEW_TD, family: 'mysfits-monolith', revision: 8 },
    });
    action.inputs({
      cluster: 'mysfits-dev',
      service: 'monolith',
      'task-definition': NEW_TD,
      'poll-interval': '10ms',
      'prune-keep': '2',
    });
  });
  const started = () =>
    service({
      taskDefinition: NEW_TD,
      deployments: [
        deployment({ id: NEW_ID, taskDefinition: NEW_TD, runningCount: 0, rolloutState: 'IN_PROGRESS' }),
        deployment({ status: 'ACTIVE' }),
      ],
    });
  const done = () =>
    service({ taskDefinition: NEW_TD, deployments: [deployment({ id: NEW_ID, taskDefinition: NEW_TD })] });

  it('should prune after a successful deploy, keeping the rollback target, and table it in the summary', async () => {
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [service({})] })
      .resolves({ services: [done()] });
    ecs.on(UpdateServiceCommand).resolves({ service: started() });
    ecs.on(ListTaskDefinitionsCommand, { status: 'ACTIVE' }).resolves({ taskDefinitionArns: desc(9, 1) });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBeUndefined();
    const batches = ecs.commandCalls(DeleteTaskDefinitionsCommand).map((c) => c.args[0].input.taskDefinitions);
    // Keeps :9 and :8 (newest 2; :8 just deployed) and :7, which the service ran before.
    expect(batches).toEqual([desc(6, 1)]);
    const summary = action.summary();
    expect(summary).toContain('Task definition prune');
    expect(summary).toContain(
      '<td>mysfits-monolith:7</td><td>kept</td><td>ran before this deploy (rollback target)</td>',
    );
    expect(summary).toContain('<td>mysfits-monolith:1</td><td>deleted</td><td>deregistered, then deleted</td>');
    expect(summary).toContain('Task definitions of mysfits-monolith: pruned 6, kept the newest 2 and 1 older in use');
  });

  it('should warn, not fail, when the prune fails after a successful deploy, and not roll back', async () => {
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [service({})] })
      .resolves({ services: [done()] });
    ecs.on(UpdateServiceCommand).resolves({ service: started() });
    const denied = new Error('User is not authorized to perform: ecs:ListTaskDefinitions');
    denied.name = 'AccessDeniedException';
    ecs.on(ListTaskDefinitionsCommand, { status: 'ACTIVE' }).rejects(denied);

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBeUndefined();
    expect(action.outputs().status).toBe('COMPLETED');
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(1);
    expect(ecs.commandCalls(DeregisterTaskDefinitionCommand)).toHaveLength(0);
    expect(action.summary()).toContain(
      '<td>warning</td><td>User is not authorized to perform: ecs:ListTaskDefinitions</td>',
    );
  });

  it('should not prune after a failed deploy', async () => {
    const rolledBack = service({
      deployments: [
        deployment({ id: 'ecs-svc/3333333333333333333', taskDefinition: OLD_TD, rolloutState: 'IN_PROGRESS' }),
        deployment({ id: NEW_ID, status: 'ACTIVE', taskDefinition: NEW_TD, rolloutState: 'FAILED', failedTasks: 4 }),
      ],
    });
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [service({})] })
      .resolvesOnce({ services: [rolledBack] })
      .resolves({ services: [service({})] });
    ecs.on(UpdateServiceCommand).resolves({ service: started() });
    ecs.on(ListTaskDefinitionsCommand, { status: 'ACTIVE' }).resolves({ taskDefinitionArns: desc(9, 1) });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(ecs.commandCalls(ListTaskDefinitionsCommand)).toHaveLength(0);
    expect(ecs.commandCalls(DeregisterTaskDefinitionCommand)).toHaveLength(0);
    expect(action.summary()).not.toContain('Task definition prune');
  });

  it('should reject a prune-keep that is not a whole number, and prune-keep with run-task', () => {
    action.inputs({ 'prune-keep': 'ten' });
    expect(() => readDeployInputs()).toThrow("Input 'prune-keep': expected a whole number of 0 or more, found 'ten'");
    action.inputs({ 'prune-keep': '-1' });
    expect(() => readDeployInputs()).toThrow("found '-1'");
    action.inputs({ 'prune-keep': '10', 'run-task': 'true' });
    expect(() => readDeployInputs()).toThrow(
      "Input 'prune-keep': pruning follows a service deploy, found run-task: true",
    );
    action.inputs({ 'prune-keep': '', 'run-task': 'false' });
    expect(readDeployInputs()).toMatchObject({ 'prune-keep': 0, 'prune-dry-run': false });
  });
});
