import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { Service, ServiceDeployment } from '@aws-sdk/client-ecs';
import { awsClientConfig } from '../../shared/src/aws.js';
import { errorMessage } from '../../shared/src/errors.js';
import type { DeployContext } from './context.js';

/** A CloudWatch alarm that failed a deployment, as DescribeAlarms read it. */
export interface TriggeredAlarm {
  name: string;
  /** StateValue when it was read (ALARM, or OK again once the rollback calmed it); undefined: not read. */
  state?: string;
  /** StateReason: CloudWatch's sentence with the datapoints that crossed the threshold. */
  reason?: string;
  /** When the alarm last changed state. */
  since?: Date;
}

/** What the action found out about the alarms of a failed deployment. */
export interface AlarmFindings {
  alarms: TriggeredAlarm[];
  /** Why the alarms could not be read (DescribeAlarms failed), to say so instead of guessing. */
  problem?: string;
}

/** The alarms ECS watches during this service's deployments (deploymentConfiguration.alarms, enabled). */
export function watchedAlarms(service: Service | undefined): string[] {
  const alarms = service?.deploymentConfiguration?.alarms;
  return alarms?.enable ? (alarms.alarmNames ?? []) : [];
}

/** Whether ECS rolls back a deployment its alarms failed (deploymentConfiguration.alarms.rollback). */
export function alarmsRollBack(service: Service): boolean {
  const alarms = service.deploymentConfiguration?.alarms;
  return alarms?.enable === true && alarms.rollback === true;
}

/** A rolloutStateReason that blames the deployment alarms (its wording is not part of the API). */
export function blamesAlarms(reason: string | undefined): boolean {
  return /\balarms?\b/i.test(reason ?? '');
}

/** The alarms a native service deployment reports TRIGGERED (DescribeServiceDeployments `alarms`). */
export function triggeredAlarmNames(deployment: ServiceDeployment): string[] | undefined {
  if (deployment.alarms?.status !== 'TRIGGERED') return undefined;
  const named = deployment.alarms.triggeredAlarmNames ?? [];
  return named.length > 0 ? named : (deployment.alarms.alarmNames ?? []);
}

/**
 * Reads the named alarms (cloudwatch:DescribeAlarms) and keeps the ones in ALARM; when none is in
 * ALARM any more (the rollback ended the errors), all of them with their state now. A failed read
 * is reported as `problem`, never thrown: it must not hide the deployment's own failure.
 */
export async function readTriggeredAlarms(context: DeployContext, names: string[]): Promise<AlarmFindings> {
  if (names.length === 0) return { alarms: [] };
  try {
    const cloudWatch = new CloudWatchClient(awsClientConfig({ region: context.region }));
    // DescribeAlarms takes at most 100 names in one call.
    const response = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: names.slice(0, 100) }));
    const read = (response.MetricAlarms ?? []).map(
      (alarm): TriggeredAlarm => ({
        name: alarm.AlarmName ?? '?',
        state: alarm.StateValue,
        reason: alarm.StateReason,
        since: alarm.StateTransitionedTimestamp ?? alarm.StateUpdatedTimestamp,
      }),
    );
    const missing = names.filter((name) => !read.some((alarm) => alarm.name === name));
    const inAlarm = read.filter((alarm) => alarm.state === 'ALARM');
    const alarms = [...(inAlarm.length > 0 ? inAlarm : read), ...missing.map((name) => ({ name }))];
    return missing.length > 0 ? { alarms, problem: `no alarm named ${missing.join(', ')} exists` } : { alarms };
  } catch (err) {
    return {
      alarms: names.map((name) => ({ name })),
      problem: `DescribeAlarms failed (${errorMessage(err)}); the deploy role needs cloudwatch:DescribeAlarms on these alarms`,
    };
  }
}

/**
 * For a deployment that failed: the service's deployment alarms when they are why (the reason
 * blames alarms, or one is in ALARM), read with DescribeAlarms; undefined when the service has none
 * or they are not why (a circuit-breaker failure with every alarm OK).
 */
export async function findAlarmFailure(
  context: DeployContext,
  options: { service: Service; reason: string | undefined },
): Promise<AlarmFindings | undefined> {
  const names = watchedAlarms(options.service);
  if (names.length === 0) return undefined;
  const findings = await readTriggeredAlarms(context, names);
  const blamed = blamesAlarms(options.reason) || findings.alarms.some((alarm) => alarm.state === 'ALARM');
  return blamed ? findings : undefined;
}

/** `alarm a is ALARM since …: <reason>` for the timeline, one line per alarm. */
export function alarmLines(findings: AlarmFindings): string[] {
  const lines = findings.alarms.map((alarm) => {
    if (alarm.state === undefined) return `alarm ${alarm.name} (state not read)`;
    const since = alarm.since ? ` since ${alarm.since.toISOString()}` : '';
    return `alarm ${alarm.name} is ${alarm.state}${since}: ${alarm.reason ?? 'no reason given'}`;
  });
  return findings.problem ? [...lines, findings.problem] : lines;
}

/** The sentence a failure message gains when alarms failed the deployment. */
export function alarmSentence(findings: AlarmFindings): string {
  if (findings.alarms.length === 0) return '';
  return (
    ` The deployment alarms went off: ${alarmLines(findings).join('; ').replace(/\.+$/, '')}.` +
    ' The new revision passed its health check but answered real requests with errors or slowly: look at the alarm graph and the container logs of the new tasks, fix, and deploy again.'
  );
}

/** A CloudWatch alarm's console page (graph, history). */
export function alarmConsoleUrl(options: { region: string; name: string }): string {
  const { region, name } = options;
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(name)}`;
}

/** Failures that alarms caused carry what was found, for the job summary. */
export function alarmFindingsOf(err: unknown): AlarmFindings | undefined {
  if (typeof err !== 'object' || err === null || !('alarmFindings' in err)) return undefined;
  const findings = (err as { alarmFindings?: AlarmFindings }).alarmFindings;
  return findings && findings.alarms.length > 0 ? findings : undefined;
}
