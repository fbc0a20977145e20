import { fileURLToPath } from 'node:url';
import { type CfnTemplate, readCfnTemplate } from '@mysfits/cfn-template';

export const platformTemplate = fileURLToPath(new URL('../cloudformation/platform.yml', import.meta.url));

/** Elastic Load Balancing's defaults for an HTTP target group of type ip, when a template says nothing. */
const elbDefaults = { intervalSeconds: 30, healthyThreshold: 5, deregistrationDelaySeconds: 300 };

/**
 * The workshop's target group: 10 s checks, 3 healthy checks and the default 300 s deregistration
 * delay (10 × 3 + 300 = 330 s), our reading of its template; shown for comparison.
 */
export const workshopTargetGroup = { intervalSeconds: 10, healthyThreshold: 3, deregistrationDelaySeconds: 300 };

export interface TargetGroupWait {
  targetGroup: string;
  intervalSeconds: number;
  healthyThreshold: number;
  deregistrationDelaySeconds: number;
  /** interval × healthy threshold (a new task turns healthy) + deregistration delay (an old one drains). */
  minimumWaitSeconds: number;
}

export interface DeployWaitResult {
  targetGroups: TargetGroupWait[];
  /** The slowest target group decides; goal ≤ 45 s. */
  minimumWaitSeconds: number;
  workshopMinimumWaitSeconds: number;
}

function numberValue(template: CfnTemplate, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (value && typeof value === 'object' && 'Ref' in value && typeof value.Ref === 'string') {
    return numberValue(template, template.Parameters?.[value.Ref]?.Default, fallback);
  }
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) {
    throw new Error(`Expected a number or a Ref to a parameter with a default, found ${JSON.stringify(value)}.`);
  }
  return parsed;
}

export function waitFor(group: Omit<TargetGroupWait, 'targetGroup' | 'minimumWaitSeconds'>): number {
  return group.intervalSeconds * group.healthyThreshold + group.deregistrationDelaySeconds;
}

/** The minimum time a rolling deploy waits, from the target groups' health checks and drain delay. */
export function deployWait(templatePath: string = platformTemplate): DeployWaitResult {
  const template = readCfnTemplate(templatePath);
  const targetGroups = Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::ElasticLoadBalancingV2::TargetGroup')
    .map(([id, resource]) => {
      const properties = resource.Properties ?? {};
      const attributes = (properties.TargetGroupAttributes ?? []) as Array<{ Key: string; Value: unknown }>;
      const delay = attributes.find((attribute) => attribute.Key === 'deregistration_delay.timeout_seconds');
      const group = {
        intervalSeconds: numberValue(template, properties.HealthCheckIntervalSeconds, elbDefaults.intervalSeconds),
        healthyThreshold: numberValue(template, properties.HealthyThresholdCount, elbDefaults.healthyThreshold),
        deregistrationDelaySeconds: numberValue(template, delay?.Value, elbDefaults.deregistrationDelaySeconds),
      };
      return { targetGroup: id, ...group, minimumWaitSeconds: waitFor(group) };
    });
  if (targetGroups.length === 0) {
    throw new Error(`Expected target groups in ${templatePath}, found none. Is this the platform template?`);
  }
  return {
    targetGroups,
    minimumWaitSeconds: Math.max(...targetGroups.map((group) => group.minimumWaitSeconds)),
    workshopMinimumWaitSeconds: waitFor(workshopTargetGroup),
  };
}
