import { describe, expect, it } from 'vitest';
import { loadDeployConfig } from '../../deploy/config.js';
import { serviceStackParameters } from '../../deploy/pipeline.js';
import { loadTemplate, properties, resourcesOfType } from './templates.js';

// cloudformation/service.yml's deployment alarms: what ECS watches during a deploy (README:
// "Rollback on alarms"), and what the service files' `${stack:service:…AlarmName}` placeholders name.
const service = loadTemplate('service.yml');
const alarms = resourcesOfType(service, 'AWS::CloudWatch::Alarm');
const config = loadDeployConfig();

interface MetricQuery {
  Id: string;
  Expression?: string;
  ReturnData?: boolean;
  MetricStat?: {
    Metric: { Namespace: string; MetricName: string; Dimensions: Array<{ Name: string; Value: unknown }> };
    Period: number;
    Stat: string;
  };
}
const metricsOf = (id: string) => (properties(service.Resources[id]).Metrics ?? []) as MetricQuery[];
const loadBalancer = { 'Fn::ImportValue': { 'Fn::Sub': '$\u007BEnvironmentName}-LoadBalancerFullName' } };
const targetGroup = (colour: string) => ({ 'Fn::GetAtt': [`${colour}TargetGroup`, 'TargetGroupFullName'] });

describe('service.yml deployment alarms', () => {
  it('should make a 5xx and a response-time alarm, only for a public service with alarms on', () => {
    expect(alarms.map(([id, alarm]) => [id, alarm.Condition])).toEqual([
      ['Errors5xxAlarm', 'HasAlarms'],
      ['ResponseTimeAlarm', 'HasAlarms'],
    ]);
    expect(service.Conditions?.HasAlarms).toEqual({
      'Fn::And': [
        { 'Fn::Equals': [{ Ref: 'Access' }, 'public'] },
        { 'Fn::Equals': [{ Ref: 'DeploymentAlarms' }, 'true'] },
      ],
    });
  });

  it.each([
    ['Errors5xxAlarm', 'HTTPCode_Target_5XX_Count', 'Sum', 'FILL(blue, 0) + FILL(green, 0)'],
    ['ResponseTimeAlarm', 'TargetResponseTime', 'p99', '1000 * MAX([FILL(blue, 0), FILL(green, 0)])'],
  ])(
    'should have %s read %s of both the blue and the green target group (%s), combined by %s',
    (id, metric, stat, expression) => {
      const queries = metricsOf(id);
      expect(queries.filter((query) => query.ReturnData !== false).map((query) => query.Expression)).toEqual([
        expression,
      ]);
      const read = queries.filter((query) => query.MetricStat);
      expect(read.map((query) => query.Id)).toEqual(['blue', 'green']);
      for (const query of read) {
        expect(query.ReturnData).toBe(false);
        expect(query.MetricStat?.Metric.Namespace).toBe('AWS/ApplicationELB');
        expect(query.MetricStat?.Metric.MetricName).toBe(metric);
        expect(query.MetricStat?.Stat).toBe(stat);
        expect(query.MetricStat?.Period).toBe(60);
        // Both dimensions: the ALB publishes per-target-group metrics only under TargetGroup+LoadBalancer.
        expect(query.MetricStat?.Metric.Dimensions).toEqual([
          { Name: 'LoadBalancer', Value: loadBalancer },
          { Name: 'TargetGroup', Value: targetGroup(query.Id === 'blue' ? 'Blue' : 'Green') },
        ]);
      }
    },
  );

  it.each([
    ['Errors5xxAlarm', 'AlarmErrors5xxPerMinute'],
    ['ResponseTimeAlarm', 'AlarmP99Milliseconds'],
  ])(
    'should have %s fire above %s for AlarmEvaluationMinutes minutes in a row, idle minutes not breaching',
    (id, threshold) => {
      expect(properties(service.Resources[id])).toMatchObject({
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: { Ref: threshold },
        EvaluationPeriods: { Ref: 'AlarmEvaluationMinutes' },
        DatapointsToAlarm: { Ref: 'AlarmEvaluationMinutes' },
        TreatMissingData: 'notBreaching',
      });
    },
  );

  it('should name each alarm <EnvironmentName>-<ServiceName>-… and output exactly that name', () => {
    for (const [id, output] of [
      ['Errors5xxAlarm', 'Errors5xxAlarmName'],
      ['ResponseTimeAlarm', 'ResponseTimeAlarmName'],
    ] as const) {
      const name = properties(service.Resources[id]).AlarmName as { 'Fn::Sub': string };
      expect(name['Fn::Sub'], id).toMatch(/^\$\{EnvironmentName\}-\$\{ServiceName\}-[a-z0-9-]+$/);
      // Not a Ref: moto skips AWS::CloudWatch::Alarm and would drop the output (DESIGN.md).
      expect(service.Outputs?.[output]?.Value, output).toEqual(name);
      expect(service.Outputs?.[output]?.Condition, output).toBe('HasAlarms');
    }
  });

  it('should get the thresholds of each public service from deploy/config.yml as stack parameters', () => {
    for (const [name, entry] of Object.entries(config.services)) {
      const parameters = serviceStackParameters(config, name);
      expect(parameters, name).toMatchObject({
        DeploymentAlarms: String(entry.alarms.enabled),
        AlarmErrors5xxPerMinute: String(entry.alarms.errors5xxPerMinute),
        AlarmP99Milliseconds: String(entry.alarms.p99Milliseconds),
        AlarmEvaluationMinutes: String(entry.alarms.evaluationMinutes),
      });
      for (const key of Object.keys(parameters)) expect(service.Parameters, key).toHaveProperty(key);
    }
  });
});
