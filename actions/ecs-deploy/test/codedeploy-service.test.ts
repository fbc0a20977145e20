import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BatchGetDeploymentTargetsCommand,
  CodeDeployClient,
  CreateDeploymentCommand,
  DeploymentGroupDoesNotExistException,
  GetDeploymentCommand,
  ListDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTasksCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { validateServiceDefinition } from '../../shared/src/service-definition-rules.js';
import { useActionStep } from '../../shared/test/support/action-step.js';
import { run } from '../src/main.js';
import {
  BLUE_TG,
  codeDeployService,
  DEPLOYMENT_ID,
  deploymentInfo,
  ecsTarget,
  TARGET_ID,
  taskSet,
} from './support/codedeploy-fixtures.js';
import { NEW_TD, SCRIPTED_ENV, service } from './support/ecs-fixtures.js';

// Scripted ECS and CodeDeploy (moto has no CodeDeploy and gives CODE_DEPLOY services no task
// sets), shapes from the API references: ECS CreateService/UpdateService/DescribeServices
// (taskSets), CodeDeploy CreateDeployment/GetDeployment/BatchGetDeploymentTargets.
const ecs = mockClient(ECSClient);
const codedeploy = mockClient(CodeDeployClient);
const action = useActionStep({ action: 'ecs-deploy', env: SCRIPTED_ENV });

const SERVICE_FILE = `
launchType: FARGATE
desiredCount: 2
deploymentController: { type: CODE_DEPLOY }
loadBalancers:
  - { targetGroupArn: "${BLUE_TG}", containerName: monolith, containerPort: 8080 }
networkConfiguration:
  awsvpcConfiguration: { subnets: [subnet-0a1b2c3d], securityGroups: [sg-0a1b2c3d], assignPublicIp: DISABLED }
`;

function serviceFile(text: string): string {
  const file = join(action.dir, 'service.yml');
  writeFileSync(file, text);
  return file;
}

beforeEach(() => {
  ecs.reset();
  codedeploy.reset();
  action.inputs({ cluster: 'mysfits-dev', service: 'monolith', 'task-definition': NEW_TD, 'poll-interval': '10ms' });
  ecs.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: {
      taskDefinitionArn: NEW_TD,
      family: 'mysfits-monolith',
      revision: 8,
      containerDefinitions: [{ name: 'monolith' }],
    },
  });
  ecs.on(DescribeServicesCommand).resolves({ services: [codeDeployService()] });
  ecs.on(ListTasksCommand).resolves({ taskArns: [] });
  codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: DEPLOYMENT_ID });
  codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: [TARGET_ID] });
  codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: deploymentInfo({ status: 'Succeeded' }) });
  codedeploy
    .on(BatchGetDeploymentTargetsCommand)
    .resolves({ deploymentTargets: [{ ecsTarget: ecsTarget({ done: 8, greenWeight: 100 }) }] });
});

describe('ecs-deploy CODE_DEPLOY service (scripted ECS and CodeDeploy)', () => {
  it('should create the service with the task definition (ECS starts the first task set) and wait for it', async () => {
    const starting = codeDeployService({
      taskDefinition: NEW_TD,
      taskSets: [taskSet({ taskDefinition: NEW_TD, runningCount: 0, pendingCount: 2, stabilityStatus: 'STABILIZING' })],
    });
    const steady = codeDeployService({ taskDefinition: NEW_TD, taskSets: [taskSet({ taskDefinition: NEW_TD })] });
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [] })
      .resolvesOnce({ services: [starting] })
      .resolves({ services: [steady] });
    ecs.on(CreateServiceCommand).resolves({ service: starting });
    action.inputs({ 'service-definition': serviceFile(SERVICE_FILE) });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBeUndefined();
    expect(action.outputs().status).toBe('STEADY_STATE');
    expect(ecs.commandCalls(CreateServiceCommand)[0]?.args[0].input).toMatchObject({
      serviceName: 'monolith',
      taskDefinition: NEW_TD,
      deploymentController: { type: 'CODE_DEPLOY' },
    });
    expect(codedeploy.commandCalls(CreateDeploymentCommand)).toHaveLength(0);
    expect(action.summary()).toContain('PRIMARY STEADY_STATE, running 2/2');
  });

  it('should send only what UpdateService accepts for CODE_DEPLOY, never the task definition, and warn about the rest', async () => {
    const file = serviceFile(
      `${SERVICE_FILE.replace('desiredCount: 2', 'desiredCount: 3').replace('subnet-0a1b2c3d', 'subnet-0ffff000')}` +
        'healthCheckGracePeriodSeconds: 60\nserviceConnectConfiguration: { enabled: true, namespace: mysfits }\n',
    );
    ecs.on(UpdateServiceCommand).resolves({ service: codeDeployService({ desiredCount: 3 }) });
    action.inputs({ 'service-definition': file, 'keep-desired-count': 'false' });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBeUndefined();
    const updates = ecs.commandCalls(UpdateServiceCommand);
    expect(updates).toHaveLength(1);
    expect(updates[0]?.args[0].input).toEqual({
      cluster: 'mysfits-dev',
      service: 'monolith',
      desiredCount: 3,
      healthCheckGracePeriodSeconds: 60,
    });
    const appSpec = JSON.parse(
      codedeploy.commandCalls(CreateDeploymentCommand)[0]?.args[0].input.revision?.appSpecContent?.content ?? '{}',
    );
    expect(appSpec.Resources[0].TargetService.Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets).toEqual([
      'subnet-0ffff000',
    ]);
    expect(action.summary()).toContain("networkConfiguration changed: applied by the CodeDeploy deployment's AppSpec");
    expect(action.log()).toContain(
      '::warning::service definition sets serviceConnectConfiguration, which differs from the live service, but a CODE_DEPLOY service cannot change it',
    );
  });

  it('should wait, for stable, until only the new PRIMARY task set is left after the deployment Succeeded', async () => {
    const both = codeDeployService({
      taskSets: [
        taskSet({ id: 'ecs-svc/2', taskDefinition: NEW_TD }),
        taskSet({ status: 'ACTIVE', stabilityStatus: 'STABILIZING' }),
      ],
    });
    const done = codeDeployService({
      taskDefinition: NEW_TD,
      taskSets: [taskSet({ id: 'ecs-svc/2', taskDefinition: NEW_TD })],
    });
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [codeDeployService()] })
      .resolvesOnce({ services: [both] })
      .resolves({ services: [done] });
    action.inputs({ 'wait-until': 'stable' });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBeUndefined();
    expect(action.outputs().status).toBe('SUCCESSFUL');
    expect(ecs.commandCalls(DescribeServicesCommand)).toHaveLength(3);
    expect(action.summary()).toContain('task set ecs-svc/1111111111111111111 ACTIVE STABILIZING');
  });

  it('should end UNCHANGED without a deployment when the task set already runs the task definition', async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [codeDeployService({ taskDefinition: NEW_TD, taskSets: [taskSet({ taskDefinition: NEW_TD })] })],
    });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBeUndefined();
    expect(action.outputs().status).toBe('UNCHANGED');
    expect(codedeploy.commandCalls(CreateDeploymentCommand)).toHaveLength(0);
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it('should use the named application, group and config, and say what to check when the group does not exist', async () => {
    action.inputs({
      'codedeploy-application': 'mysfits-dev-monolith',
      'codedeploy-deployment-group': 'mysfits-dev-monolith-bg',
      'codedeploy-deployment-config': 'CodeDeployDefault.ECSCanary10Percent5Minutes',
    });
    codedeploy.on(CreateDeploymentCommand).rejects(
      new DeploymentGroupDoesNotExistException({
        message: 'No Deployment Group found for name: mysfits-dev-monolith-bg',
        $metadata: {},
      }),
    );

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(codedeploy.commandCalls(CreateDeploymentCommand)[0]?.args[0].input).toMatchObject({
      applicationName: 'mysfits-dev-monolith',
      deploymentGroupName: 'mysfits-dev-monolith-bg',
      deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes',
    });
    expect(action.summary()).toContain(
      'CodeDeploy CreateDeployment in application mysfits-dev-monolith, deployment group mysfits-dev-monolith-bg failed',
    );
    expect(action.summary()).toContain('codedeploy-deployment-group');
  });

  it("should refuse a native lifecycle stage as wait-until for CODE_DEPLOY, and a CodeDeploy event for ECS's", async () => {
    action.inputs({ 'wait-until': 'TEST_TRAFFIC_SHIFT' });
    await action.run(() => run({ signal: new AbortController().signal }));
    expect(process.exitCode).toBe(1);
    expect(action.summary()).toContain('uses the CODE_DEPLOY controller');
    expect(codedeploy.commandCalls(CreateDeploymentCommand)).toHaveLength(0);

    process.exitCode = undefined;
    ecs.on(DescribeServicesCommand).resolves({ services: [service({})] });
    action.inputs({ 'wait-until': 'AfterAllowTestTraffic' });
    await action.run(() => run({ signal: new AbortController().signal }));
    expect(process.exitCode).toBe(1);
    expect(action.summary()).toContain(
      'AfterAllowTestTraffic is a CodeDeploy lifecycle event, but this service uses ROLLING',
    );
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it('should refuse to switch a running ECS service to CODE_DEPLOY', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service({})] });
    action.inputs({ 'service-definition': serviceFile(SERVICE_FILE) });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.summary()).toContain('This action does not switch a running service to CodeDeploy');
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it('should refuse hooks for events CodeDeploy runs no hook at', async () => {
    action.inputs({ 'codedeploy-hooks': 'AllowTraffic=mysfits-smoke' });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.log()).toContain("Input 'codedeploy-hooks': expected Event=LambdaFunction lines");
    expect(ecs.commandCalls(DescribeServicesCommand)).toHaveLength(0);
  });
});

describe('service definition rules for CODE_DEPLOY (CreateService/UpdateService references)', () => {
  const check = (document: Record<string, unknown>) =>
    validateServiceDefinition(document as never, {
      file: 'service.yml',
      provided: ['cluster', 'serviceName', 'taskDefinition'],
    });
  const valid = () => ({
    launchType: 'FARGATE',
    deploymentController: { type: 'CODE_DEPLOY' },
    loadBalancers: [{ targetGroupArn: BLUE_TG, containerName: 'monolith', containerPort: 8080 }],
  });

  it('should accept a CODE_DEPLOY service with one load balancer', () => {
    expect(check(valid()).definition.deploymentController).toEqual({ type: 'CODE_DEPLOY' });
  });

  it('should refuse CODE_DEPLOY without exactly one complete load balancer', () => {
    expect(() => check({ ...valid(), loadBalancers: [] })).toThrow('needs exactly one load balancer entry');
    const two = [...valid().loadBalancers, { targetGroupArn: BLUE_TG, containerName: 'like', containerPort: 8081 }];
    expect(() => check({ ...valid(), loadBalancers: two })).toThrow('found 2');
    expect(() => check({ ...valid(), loadBalancers: [{ targetGroupArn: BLUE_TG }] })).toThrow(
      'loadBalancers[0]: the CODE_DEPLOY controller needs containerName, containerPort',
    );
  });

  it("should refuse an ECS controller's strategy with CODE_DEPLOY", () => {
    expect(() => check({ ...valid(), deploymentConfiguration: { strategy: 'BLUE_GREEN' } })).toThrow(
      'deploymentConfiguration.strategy: BLUE_GREEN is a strategy of the ECS deployment controller',
    );
  });
});
