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

/** The public listener's rules. Until the CloudFormation template exists they are written here. */
export function loadListenerRules(): ListenerRules {
  return {
    rules: [
      {
        priority: 10,
        pathPatterns: ['/mysfits/*/fulfill-like'],
        action: {
          type: 'fixed-response',
          statusCode: 404,
          contentType: 'application/json',
          body: '{"error":{"code":"not_found","message":"Not found."}}',
        },
      },
      { priority: 20, pathPatterns: ['/mysfits/*/like'], action: { type: 'forward', service: 'like' } },
    ],
    defaultAction: { type: 'forward', service: 'monolith' },
  };
}

/** Compiles an ALB path pattern (`*` any run, `?` one character, case-sensitive) to a RegExp. */
function patternToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
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
