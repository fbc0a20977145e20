import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudWatchClient, DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTasksCommand,
  type Service,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../shared/src/summary.js';
import { useActionStep } from '../../shared/test/support/action-step.js';
import { run } from '../src/main.js';
import { deployment, NEW_TD, OLD_TD, SCRIPTED_ENV, service } from './support/ecs-fixtures.js';

// Scripted ECS and CloudWatch: moto skips AWS::CloudWatch::Alarm and its ECS never fails a
// deployment on alarms. Shapes from the API references: ECS DescribeServices
// (deploymentConfiguration.alarms {alarmNames, enable, rollback}; deployments[].rolloutState and
// rolloutStateReason), ECS UpdateService (deploymentConfiguration), CloudWatch DescribeAlarms
// (MetricAlarms[].AlarmName, StateValue, StateReason, StateTransitionedTimestamp). ECS documents
// no wording for an alarm failure's rolloutStateReason; the one below is an example that names alarms.
const ecs = mockClient(ECSClient);
const cloudWatch = mockClient(CloudWatchClient);
const action = useActionStep({ action: 'ecs-deploy', env: SCRIPTED_ENV });
const NEW_ID = 'ecs-svc/2222222222222222222';
const ROLLBACK_ID = 'ecs-svc/3333333333333333333';
const ERRORS = 'mysfits-monolith-target-5xx';
const LATENCY = 'mysfits-monolith-target-p99';
const ALARM_REASON =
  'Threshold Crossed: 2 out of the last 2 datapoints [31.0 (02/12/26 16:01:00), 27.0 (02/12/26 16:00:00)] were greater than the threshold (5.0) (minimum 2 datapoints for OK -> ALARM transition).';
const ALARM_SINCE = new Date('2026-12-02T16:02:10Z');

const configuration = (alarmsRollBack: boolean) => ({
  strategy: 'ROLLING' as const,
  maximumPercent: 200,
  minimumHealthyPercent: 100,
  deploymentCircuitBreaker: { enable: true, rollback: true },
  alarms: { alarmNames: [ERRORS, LATENCY], enable: true, rollback: alarmsRollBack },
});
/** Our deployment FAILED on the alarms; the previous one still ACTIVE. */
const failedOnAlarms = (alarmsRollBack = true, reason = `ECS deployment ${NEW_ID} failed: alarm(s) detected.`) =>
  service({
    taskDefinition: NEW_TD,
    deploymentConfiguration: configuration(alarmsRollBack),
    deployments: [
      deployment({ id: NEW_ID, taskDefinition: NEW_TD, rolloutState: 'FAILED', rolloutStateReason: reason }),
      deployment({ id: 'ecs-svc/1111111111111111111', status: 'ACTIVE' }),
    ],
  });
/** ECS's rollback deployment back on OLD_TD. */
const rolledBack = (rolloutState: 'IN_PROGRESS' | 'COMPLETED'): Service =>
  service({
    deploymentConfiguration: configuration(true),
    deployments: [
      deployment({
        id: ROLLBACK_ID,
        taskDefinition: OLD_TD,
        rolloutState,
        rolloutStateReason: `ECS deployment ${ROLLBACK_ID} ${rolloutState.toLowerCase()}.`,
      }),
    ],
  });
const alarm = (name: string, state: MetricAlarm['StateValue'], reason: string): MetricAlarm => ({
  AlarmName: name,
  AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`,
  StateValue: state,
  StateReason: reason,
  StateTransitionedTimestamp: ALARM_SINCE,
  StateUpdatedTimestamp: ALARM_SINCE,
});

beforeEach(() => {
  ecs.reset();
  cloudWatch.reset();
  const file = join(action.dir, 'service.yml');
  // What deploy/pipeline.ts hands ecs-deploy for a ROLLING service, placeholders resolved.
  writeFileSync(file, JSON.stringify({ deploymentConfiguration: configuration(true) }));
  action.inputs({
    cluster: 'mysfits-dev',
    service: 'monolith',
    'task-definition': NEW_TD,
    'service-definition': file,
    'poll-interval': '10ms',
    timeout: '3s',
  });
  ecs.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: {
      taskDefinitionArn: NEW_TD,
      family: 'mysfits-monolith',
      containerDefinitions: [{ name: 'monolith' }],
    },
  });
  ecs.on(ListTasksCommand).resolves({ taskArns: [] });
  ecs.on(UpdateServiceCommand).resolves({ service: failedOnAlarms() });
  cloudWatch.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [
      alarm(ERRORS, 'ALARM', ALARM_REASON),
      alarm(LATENCY, 'OK', 'Threshold Crossed: no datapoints were greater than the threshold.'),
    ],
  });
});

describe('ecs-deploy rolling deployment rolled back on alarms (scripted ECS and CloudWatch)', () => {
  it("should set the service's deployment alarms, wait for ECS's rollback and fail naming the alarm and its reason", async () => {
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [service({})] })
      .resolvesOnce({ services: [failedOnAlarms()] })
      .resolvesOnce({ services: [rolledBack('IN_PROGRESS')] })
      .resolves({ services: [rolledBack('COMPLETED')] });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.outputs().status).toBe('ROLLED_BACK');
    const updates = ecs.commandCalls(UpdateServiceCommand).map((call) => call.args[0].input);
    // One update: ECS rolls back by itself, so the action sends no competing one.
    expect(updates).toHaveLength(1);
    expect(updates[0]?.deploymentConfiguration?.alarms).toEqual({
      alarmNames: [ERRORS, LATENCY],
      enable: true,
      rollback: true,
    });
    expect(cloudWatch.commandCalls(DescribeAlarmsCommand).map((call) => call.args[0].input)).toEqual([
      { AlarmNames: [ERRORS, LATENCY] },
    ]);
    const summary = action.summary();
    expect(summary).toContain(`ECS rolled back to ${OLD_TD}: deployment ${ROLLBACK_ID} COMPLETED`);
    expect(summary).toContain(
      escapeHtml(`alarm ${ERRORS} is ALARM since ${ALARM_SINCE.toISOString()}: ${ALARM_REASON}`),
    );
    expect(summary).not.toContain(`alarm ${LATENCY}`);
    expect(summary).toContain('Deployment alarms that went off');
    expect(summary).toContain(`#alarmsV2:alarm/${ERRORS}`);
    expect(summary).toContain('passed its health check but answered real requests with errors or slowly');
  });

  it('should roll back itself when the alarms failed the deployment but their rollback is off', async () => {
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [service({})] })
      .resolvesOnce({ services: [failedOnAlarms(false)] })
      .resolves({ services: [rolledBack('COMPLETED')] });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.outputs().status).toBe('FAILED');
    const updates = ecs.commandCalls(UpdateServiceCommand).map((call) => call.args[0].input);
    expect(updates.map((update) => update.taskDefinition)).toEqual([NEW_TD, OLD_TD]);
    expect(action.summary()).toContain(`alarm ${ERRORS} is ALARM`);
  });

  it('should still fail with the alarm names when DescribeAlarms is denied, saying which permission is missing', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform: cloudwatch:DescribeAlarms'), {
      name: 'AccessDenied',
    });
    cloudWatch.on(DescribeAlarmsCommand).rejects(denied);
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [service({})] })
      .resolvesOnce({ services: [failedOnAlarms()] })
      .resolves({ services: [rolledBack('COMPLETED')] });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.outputs().status).toBe('ROLLED_BACK');
    const summary = action.summary();
    expect(summary).toContain(`alarm ${ERRORS} (state not read)`);
    expect(summary).toContain('the deploy role needs cloudwatch:DescribeAlarms on these alarms');
  });

  it('should not blame the alarms for a circuit-breaker failure while every alarm is OK', async () => {
    cloudWatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [alarm(ERRORS, 'OK', 'no datapoints above'), alarm(LATENCY, 'OK', 'no datapoints above')],
    });
    const breaker = failedOnAlarms(true, 'ECS deployment circuit breaker: tasks failed to start.');
    ecs.on(UpdateServiceCommand).resolves({ service: breaker });
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [service({})] })
      .resolvesOnce({ services: [breaker] })
      .resolves({ services: [rolledBack('COMPLETED')] });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.outputs().status).toBe('ROLLED_BACK');
    const summary = action.summary();
    expect(summary).toContain('ECS deployment circuit breaker: tasks failed to start.');
    expect(summary).not.toContain('Deployment alarms that went off');
    expect(summary).toContain('Look at the stopped tasks and the container logs');
  });
});
