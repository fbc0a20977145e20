import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeServiceDeploymentsCommand,
  type DescribeServiceDeploymentsCommandInput,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTasksCommand,
  type Service,
  type ServiceDeployment,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { useActionStep } from '../../shared/test/support/action-step.js';
import { run } from '../src/main.js';
import {
  NEW_TD,
  OLD_TD,
  REV_NEW,
  REV_OLD,
  SCRIPTED_ENV,
  SD_ARN,
  SD_OLD_ARN,
  service,
  serviceDeployment,
  serviceRevision,
} from './support/ecs-fixtures.js';

// Scripted ECS and CloudWatch: moto has no DescribeServiceDeployments and skips CloudWatch alarms.
// Shapes from the API references: ECS UpdateService (service.currentServiceDeployment),
// DescribeServiceDeployments (status ROLLBACK_IN_PROGRESS; alarms {status MONITORING | TRIGGERED,
// alarmNames, triggeredAlarmNames}; rollback {reason, startedAt, serviceRevisionArn}),
// DescribeServiceRevisions (taskDefinition), CloudWatch DescribeAlarms (MetricAlarms[].StateValue,
// StateReason, StateTransitionedTimestamp).
const ecs = mockClient(ECSClient);
const cloudWatch = mockClient(CloudWatchClient);
const action = useActionStep({ action: 'ecs-deploy', env: SCRIPTED_ENV });
const ERRORS = 'mysfits-monolith-target-5xx';
const LATENCY = 'mysfits-monolith-target-p99';
const LATENCY_REASON =
  'Threshold Crossed: 2 out of the last 2 datapoints [2412.0 (02/12/26 16:11:00), 1980.0 (02/12/26 16:10:00)] were greater than the threshold (1000.0).';
const SINCE = new Date('2026-12-02T16:12:05Z');
const alarms = { alarmNames: [ERRORS, LATENCY], enable: true, rollback: true };

const blueGreen = (overrides: Partial<Service> = {}) =>
  service({
    deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5, alarms },
    currentServiceDeployment: SD_OLD_ARN,
    ...overrides,
  });

/** DescribeServiceDeployments of SD_ARN: the steps in order, the last one repeated. */
function script(steps: Array<Partial<ServiceDeployment>>): void {
  let n = 0;
  ecs.on(DescribeServiceDeploymentsCommand).callsFake((input: DescribeServiceDeploymentsCommandInput) => {
    const step = steps[Math.min(n++, steps.length - 1)] ?? {};
    const arn = input.serviceDeploymentArns?.[0] ?? '';
    return { serviceDeployments: [serviceDeployment({ serviceDeploymentArn: arn, ...step })], failures: [] };
  });
}

beforeEach(() => {
  ecs.reset();
  cloudWatch.reset();
  const file = join(action.dir, 'service.yml');
  writeFileSync(file, JSON.stringify({ deploymentConfiguration: { strategy: 'BLUE_GREEN', alarms } }));
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
  ecs
    .on(DescribeServicesCommand)
    .resolvesOnce({
      services: [blueGreen({ deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 } })],
    })
    .resolves({ services: [blueGreen({ taskDefinition: NEW_TD, currentServiceDeployment: SD_ARN })] });
  ecs
    .on(UpdateServiceCommand)
    .resolves({ service: blueGreen({ taskDefinition: NEW_TD, currentServiceDeployment: SD_ARN }) });
  ecs.on(DescribeServiceRevisionsCommand).callsFake(() => ({
    serviceRevisions: [serviceRevision(REV_NEW, NEW_TD)],
    failures: [],
  }));
  ecs.on(ListTasksCommand).resolves({ taskArns: [] });
  ecs.on(StopServiceDeploymentCommand).resolves({ serviceDeploymentArn: SD_ARN });
  cloudWatch.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [
      {
        AlarmName: LATENCY,
        StateValue: 'ALARM',
        StateReason: LATENCY_REASON,
        StateTransitionedTimestamp: SINCE,
      },
    ],
  });
});

describe('ecs-deploy native deployment rolled back on alarms (scripted ECS and CloudWatch)', () => {
  it('should fail a BLUE_GREEN deployment whose alarm triggered, naming the alarm, its reason and the rollback', async () => {
    const monitoring = { status: 'MONITORING' as const, alarmNames: [ERRORS, LATENCY] };
    script([
      { status: 'IN_PROGRESS', lifecycleStage: 'BAKE_TIME', alarms: monitoring },
      {
        status: 'ROLLBACK_IN_PROGRESS',
        statusReason: 'Service deployment rolled back because of alarm(s) in ALARM state.',
        alarms: { status: 'TRIGGERED', alarmNames: [ERRORS, LATENCY], triggeredAlarmNames: [LATENCY] },
        rollback: {
          reason: 'Alarm(s) in ALARM state: rolling back to the source service revision.',
          startedAt: SINCE,
          serviceRevisionArn: REV_OLD,
        },
      },
    ]);

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.outputs().status).toBe('ROLLBACK_IN_PROGRESS');
    expect(ecs.commandCalls(UpdateServiceCommand)[0]?.args[0].input.deploymentConfiguration?.alarms).toEqual(alarms);
    // Only the alarm ECS says triggered is read, and ECS already rolls back: nothing to stop.
    expect(cloudWatch.commandCalls(DescribeAlarmsCommand).map((call) => call.args[0].input)).toEqual([
      { AlarmNames: [LATENCY] },
    ]);
    expect(ecs.commandCalls(StopServiceDeploymentCommand)).toHaveLength(0);
    const summary = action.summary();
    expect(summary).toContain(`deployment alarms MONITORING: ${ERRORS}, ${LATENCY}`);
    expect(summary).toContain(`alarm(s) in ALARM: ${LATENCY}`);
    expect(summary).toContain(`(to service revision ${REV_OLD})`);
    expect(summary).toContain(
      `alarm ${LATENCY} is ALARM since ${SINCE.toISOString()}: ${LATENCY_REASON.replace(/\.$/, '')}`,
    );
    expect(summary).toContain('Deployment alarms that went off');
    expect(summary).not.toContain(OLD_TD);
  });

  it('should not read any alarm for a native failure the alarms did not cause', async () => {
    script([
      {
        status: 'ROLLBACK_IN_PROGRESS',
        statusReason: 'Service deployment rolled back because the circuit breaker threshold was exceeded.',
        alarms: { status: 'MONITORING', alarmNames: [ERRORS, LATENCY] },
        deploymentCircuitBreaker: { status: 'TRIGGERED', failureCount: 3, threshold: 3 },
      },
    ]);

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(cloudWatch.commandCalls(DescribeAlarmsCommand)).toHaveLength(0);
    const summary = action.summary();
    expect(summary).toContain('circuit breaker triggered (3 of 3 tasks failed)');
    expect(summary).not.toContain('Deployment alarms that went off');
  });
});
