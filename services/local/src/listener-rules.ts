import { fileURLToPath } from 'node:url';
import { type CfnResource, conditionIsTrue, parameterValues, readCfnTemplate, resolveIfs } from '@mysfits/cfn-template';

/** One rule of the public listener, in the order the ALB evaluates them (lowest priority first). */
export interface ListenerRule {
  priority: number;
  /** ALB path-pattern values: `*` matches any run of characters, `?` exactly one. */
  pathPatterns: string[];
  action: ForwardAction | FixedResponseAction;
}

export interface ForwardAction {
  type: 'forward';
  service: 'monolith' | 'like';
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

/** The template the ALB is built from; the local edge router must route exactly like it. */
export const platformTemplatePath = fileURLToPath(new URL('../../../cloudformation/platform.yml', import.meta.url));

// Target group logical ids start with the service's name (MonolithBlueTargetGroup → monolith).
const services = ['monolith', 'like'] as const;
// The public listener is the one on the HTTP(S) ports; the blue/green test listener has its own port.
const publicPorts = new Set([80, 443]);

/**
 * The public listener's rules and default action as `platform.yml` defines them, for the template's
 * default parameters (no certificate: the HTTP listener on port 80 carries the rules).
 */
export function loadListenerRules(templatePath: string = platformTemplatePath): ListenerRules {
  const template = readCfnTemplate(templatePath);
  const parameters = parameterValues(template);
  const exists = (resource: CfnResource) =>
    resource.Condition === undefined || conditionIsTrue(template, resource.Condition, parameters);
  const resources = Object.entries(template.Resources)
    .filter(([, resource]) => exists(resource))
    .map(([id, resource]) => [id, resolveIfs(template, resource, parameters) as CfnResource] as const);

  const listenerIds = resources
    .filter(
      ([, r]) => r.Type === 'AWS::ElasticLoadBalancingV2::Listener' && publicPorts.has(Number(r.Properties?.Port)),
    )
    .map(([id]) => id);
  const rules = resources
    .filter(([, r]) => r.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule')
    .filter(([, r]) => listenerIds.includes(refOf(r.Properties?.ListenerArn) ?? ''))
    .map(([id, r]) => toRule(id, r, templatePath))
    .sort((a, b) => a.priority - b.priority);
  const ruleListeners = new Set(
    resources
      .filter(([, r]) => r.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule')
      .map(([, r]) => refOf(r.Properties?.ListenerArn)),
  );
  const publicListenerId = listenerIds.find((id) => ruleListeners.has(id)) ?? listenerIds[0];
  const publicListener = resources.find(([id]) => id === publicListenerId)?.[1];
  if (!publicListener) {
    throw new Error(
      `Expected a listener on port 80 or 443 in ${templatePath}, found none. Check the template's listeners.`,
    );
  }
  return {
    rules,
    defaultAction: toAction(publicListenerId ?? '', publicListener.Properties?.DefaultActions, templatePath),
  };
}

function refOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && 'Ref' in value && typeof value.Ref === 'string') return value.Ref;
  return undefined;
}

function toRule(id: string, resource: CfnResource, templatePath: string): ListenerRule {
  const properties = resource.Properties ?? {};
  const conditions = (properties.Conditions ?? []) as Array<Record<string, unknown>>;
  const pathPatterns = conditions.flatMap((condition) => {
    if (condition.Field !== 'path-pattern') {
      throw new Error(
        `Expected only path-pattern conditions on listener rule ${id} in ${templatePath}, found ${String(condition.Field)}; the local edge router matches paths only.`,
      );
    }
    const config = condition.PathPatternConfig as { Values?: string[] } | undefined;
    return config?.Values ?? (condition.Values as string[] | undefined) ?? [];
  });
  return {
    priority: Number(properties.Priority),
    pathPatterns,
    action: toAction(id, properties.Actions, templatePath),
  };
}

function toAction(id: string, actions: unknown, templatePath: string): ForwardAction | FixedResponseAction {
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
  if (first?.Type === 'forward') {
    const forward = first.ForwardConfig as { TargetGroups?: Array<{ TargetGroupArn: unknown }> } | undefined;
    const targetGroups = forward?.TargetGroups?.map((group) => group.TargetGroupArn) ?? [first.TargetGroupArn];
    const names = new Set(targetGroups.map((arn) => serviceOf(refOf(arn) ?? '')));
    const [service] = [...names];
    if (names.size === 1 && service) return { type: 'forward', service };
  }
  throw new Error(
    `Expected ${id} in ${templatePath} to forward to one service's target groups (${services.join(', ')}) or to answer with a fixed response, found ${JSON.stringify(first)}.`,
  );
}

function serviceOf(targetGroupId: string): ForwardAction['service'] | undefined {
  return services.find((service) => targetGroupId.toLowerCase().startsWith(service));
}

/** Compiles an ALB path pattern (`*` any run, `?` one character, case-sensitive) to a RegExp. */
function patternToRegExp(pattern: string): RegExp {
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
