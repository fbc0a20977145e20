import { fileURLToPath } from 'node:url';
import {
  type CfnResource,
  type CfnTemplate,
  conditionIsTrue,
  readCfnTemplate,
  resolveIfs,
  resolveParameterRefs,
  typedParameterValues,
} from '@mysfits/cfn-template';
import { type DeployConfig, loadDeployConfig } from '../../../deploy/config.js';
import { serviceStackParameters } from '../../../deploy/pipeline.js';

/** One rule of the public listener, in the order the ALB evaluates them (lowest priority first). */
export interface ListenerRule {
  priority: number;
  /** ALB path-pattern values: `*` matches any run of characters, `?` exactly one. */
  pathPatterns: string[];
  action: ForwardAction | FixedResponseAction;
  /** Where the rule comes from: `platform` or `service <name>` (for error messages and tests). */
  source: string;
}

export interface ForwardAction {
  type: 'forward';
  /** The service whose target groups the rule forwards to (a name of deploy/config.yml). */
  service: string;
}

export interface FixedResponseAction {
  type: 'fixed-response';
  statusCode: number;
  contentType: string;
  body: string;
}

export interface ListenerRules {
  rules: ListenerRule[];
  defaultAction: ForwardAction | FixedResponseAction;
}

export interface ListenerRulesOptions {
  /** The services and their paths and priorities; default deploy/config.yml. */
  config?: DeployConfig;
  platformTemplatePath?: string;
  serviceTemplatePath?: string;
}

/** The templates the ALB is built from; the local edge router must route exactly like them. */
export const platformTemplatePath = fileURLToPath(new URL('../../../cloudformation/platform.yml', import.meta.url));
export const serviceTemplatePath = fileURLToPath(new URL('../../../cloudformation/service.yml', import.meta.url));

// The public listener is the one on the HTTP(S) ports; the blue/green test listener has its own port.
const publicPorts = new Set([80, 443]);

type Resolved = Array<readonly [string, CfnResource]>;

/** The template's resources that exist for these parameters, with Fn::If and parameter Refs resolved. */
function resolvedResources(template: CfnTemplate, overrides: Record<string, string> = {}): Resolved {
  const parameters = typedParameterValues(template, overrides);
  return Object.entries(template.Resources)
    .filter(
      ([, resource]) => resource.Condition === undefined || conditionIsTrue(template, resource.Condition, parameters),
    )
    .map(([id, resource]) => {
      const withoutIfs = resolveIfs(template, resource, parameters);
      return [id, resolveParameterRefs(template, withoutIfs, parameters) as CfnResource] as const;
    });
}

/**
 * The public listener's rules and default action: the fixed responses and the default of
 * `platform.yml`, and the forward rules of `service.yml` as each public service of the config
 * deploys it, for the templates' default parameters (no certificate: the HTTP listener on port 80).
 */
export function loadListenerRules(options: ListenerRulesOptions = {}): ListenerRules {
  const config = options.config ?? loadDeployConfig();
  const platformPath = options.platformTemplatePath ?? platformTemplatePath;
  const servicePath = options.serviceTemplatePath ?? serviceTemplatePath;
  const platform = resolvedResources(readCfnTemplate(platformPath));
  const listenerIds = platform
    .filter(
      ([, r]) => r.Type === 'AWS::ElasticLoadBalancingV2::Listener' && publicPorts.has(Number(r.Properties?.Port)),
    )
    .map(([id]) => id);
  const platformRules = platform
    .filter(([, r]) => r.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule')
    .filter(([, r]) => listenerIds.includes(refOf(r.Properties?.ListenerArn) ?? ''));
  const rules = platformRules.map(([id, r]) => toRule(id, r, { source: 'platform', file: platformPath }));
  for (const rule of rules) {
    if (rule.action.type !== 'fixed-response') {
      throw new Error(
        `Expected only fixed-response rules in ${platformPath}, found a forward on its priority ${rule.priority}: a service's forward rule belongs in its service.yml stack.`,
      );
    }
  }

  const serviceTemplate = readCfnTemplate(servicePath);
  for (const [service, entry] of Object.entries(config.services)) {
    if (entry.access !== 'public') continue;
    const resources = resolvedResources(serviceTemplate, serviceStackParameters(config, service));
    const targetGroups = new Set(
      resources.filter(([, r]) => r.Type === 'AWS::ElasticLoadBalancingV2::TargetGroup').map(([id]) => id),
    );
    for (const [id, resource] of resources) {
      if (resource.Type !== 'AWS::ElasticLoadBalancingV2::ListenerRule') continue;
      if (!importedExport(resource.Properties?.ListenerArn)?.endsWith('-PublicListenerArn')) continue;
      rules.push(toRule(id, resource, { source: `service ${service}`, file: servicePath, service, targetGroups }));
    }
  }
  rules.sort((a, b) => a.priority - b.priority);

  const ruleListeners = new Set(platformRules.map(([, r]) => refOf(r.Properties?.ListenerArn)));
  const publicListenerId = listenerIds.find((id) => ruleListeners.has(id)) ?? listenerIds[0];
  const publicListener = platform.find(([id]) => id === publicListenerId)?.[1];
  if (!publicListener) {
    throw new Error(
      `Expected a listener on port 80 or 443 in ${platformPath}, found none. Check the template's listeners.`,
    );
  }
  return {
    rules,
    defaultAction: toAction(publicListenerId ?? '', publicListener.Properties?.DefaultActions, {
      source: 'platform',
      file: platformPath,
    }),
  };
}

function refOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && 'Ref' in value && typeof value.Ref === 'string') return value.Ref;
  return undefined;
}

/** The export name an `Fn::ImportValue` of `!Sub "${EnvironmentName}-X"` imports (`${EnvironmentName}-X`). */
function importedExport(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || !('Fn::ImportValue' in value)) return undefined;
  const imported = value['Fn::ImportValue'];
  if (typeof imported === 'string') return imported;
  if (imported && typeof imported === 'object' && 'Fn::Sub' in imported && typeof imported['Fn::Sub'] === 'string') {
    return imported['Fn::Sub'];
  }
  return undefined;
}

interface RuleContext {
  source: string;
  file: string;
  /** The service whose stack the rule is in, and its target groups' logical ids. */
  service?: string;
  targetGroups?: Set<string>;
}

function toRule(id: string, resource: CfnResource, context: RuleContext): ListenerRule {
  const properties = resource.Properties ?? {};
  const conditions = (properties.Conditions ?? []) as Array<Record<string, unknown>>;
  const pathPatterns = conditions.flatMap((condition) => {
    if (condition.Field !== 'path-pattern') {
      throw new Error(
        `Expected only path-pattern conditions on listener rule ${id} (${context.source}) in ${context.file}, found ${String(condition.Field)}; the local edge router matches paths only.`,
      );
    }
    const config = condition.PathPatternConfig as { Values?: string[] } | undefined;
    return config?.Values ?? (condition.Values as string[] | undefined) ?? [];
  });
  return {
    priority: Number(properties.Priority),
    pathPatterns,
    action: toAction(id, properties.Actions, context),
    source: context.source,
  };
}

function toAction(id: string, actions: unknown, context: RuleContext): ForwardAction | FixedResponseAction {
  const first = [...((actions ?? []) as Array<Record<string, unknown>>)].sort(
    (a, b) => Number(a.Order ?? 0) - Number(b.Order ?? 0),
  )[0];
  if (first?.Type === 'fixed-response') {
    const config = (first.FixedResponseConfig ?? {}) as Record<string, unknown>;
    return {
      type: 'fixed-response',
      statusCode: Number(config.StatusCode),
      contentType: String(config.ContentType ?? 'text/plain'),
      body: String(config.MessageBody ?? ''),
    };
  }
  if (first?.Type === 'forward' && context.service && context.targetGroups) {
    const forward = first.ForwardConfig as { TargetGroups?: Array<{ TargetGroupArn: unknown }> } | undefined;
    const targetGroups = forward?.TargetGroups?.map((group) => group.TargetGroupArn) ?? [first.TargetGroupArn];
    if (targetGroups.length > 0 && targetGroups.every((arn) => context.targetGroups?.has(refOf(arn) ?? ''))) {
      return { type: 'forward', service: context.service };
    }
  }
  throw new Error(
    `Expected ${id} (${context.source}) in ${context.file} to forward to its own stack's target groups or to answer with a fixed response, found ${JSON.stringify(first)}.`,
  );
}

/** Compiles an ALB path pattern (`*` any run, `?` one character, case-sensitive) to a RegExp. */
export function patternToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** The action the ALB would take for `path`: the first matching rule by priority, else the default. */
export function matchListenerRule(listener: ListenerRules, path: string): ForwardAction | FixedResponseAction {
  const ordered = [...listener.rules].sort((a, b) => a.priority - b.priority);
  for (const rule of ordered) {
    if (rule.pathPatterns.some((pattern) => patternToRegExp(pattern).test(path))) return rule.action;
  }
  return listener.defaultAction;
}

/**
 * What is wrong with the priorities of one listener's rules across the stacks: two rules on one
 * priority (the ALB refuses the second), or a service rule that would answer a path one of the
 * platform's fixed responses must answer (a sample path of each fixed pattern, `*` and `?` as `x`).
 * @returns one line per problem; empty when the priorities hold.
 */
export function rulePriorityProblems(listener: ListenerRules): string[] {
  const problems: string[] = [];
  const byPriority = new Map<number, ListenerRule>();
  for (const rule of listener.rules) {
    const other = byPriority.get(rule.priority);
    if (other) problems.push(`priority ${rule.priority} is taken twice: by ${other.source} and by ${rule.source}`);
    byPriority.set(rule.priority, rule);
  }
  for (const fixed of listener.rules.filter((rule) => rule.action.type === 'fixed-response')) {
    for (const sample of fixed.pathPatterns.map((pattern) => pattern.replace(/[*?]/g, 'x'))) {
      const winner = matchListenerRule(listener, sample);
      if (winner !== fixed.action) {
        const by = listener.rules.find((rule) => rule.action === winner)?.source ?? 'the default action';
        problems.push(
          `${sample} must get the platform's fixed response (priority ${fixed.priority}) but ${by} answers it first: give that service a priority above ${fixed.priority}`,
        );
      }
    }
  }
  return problems;
}
