import * as z from 'zod/mini';
import { inputField, readInputs } from '../../shared/src/inputs.js';

/** ECS service deployment lifecycle stages, in the order a deployment passes them. */
export const LIFECYCLE_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP',
] as const;

export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/**
 * The lifecycle events of a CodeDeploy ECS deployment, in order (CodeDeploy User Guide, "AppSpec
 * 'hooks' section" for ECS): the five that can run a hook and the four CodeDeploy runs itself.
 */
export const CODEDEPLOY_EVENTS = [
  'BeforeInstall',
  'Install',
  'AfterInstall',
  'AllowTestTraffic',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AllowTraffic',
  'AfterAllowTraffic',
] as const;

export type CodeDeployEvent = (typeof CODEDEPLOY_EVENTS)[number];

/** The events an AppSpec `Hooks` entry can name (a Lambda function each). */
export const CODEDEPLOY_HOOK_EVENTS = [
  'BeforeInstall',
  'AfterInstall',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
] as const;

export type WaitUntil = 'deployed' | 'stable' | LifecycleStage | CodeDeployEvent;

/** A whole number ≥ 0 (e.g. how many revisions to keep); `expected …, found …` otherwise. */
function count(defaultValue: number) {
  return z.pipe(
    z.optional(z.string()),
    z.transform((raw: string | undefined, ctx): number => {
      if (raw === undefined) return defaultValue;
      if (/^\s*\d+\s*$/.test(raw)) return Number(raw);
      ctx.issues.push({ code: 'custom', message: `expected a whole number of 0 or more, found '${raw}'`, input: raw });
      return z.NEVER;
    }),
  );
}

/** The inputs of action.yml, by name; defaults equal action.yml's. */
export const inputSchema = z.object({
  cluster: inputField.required(),
  service: inputField.optional(),
  'task-definition': inputField.required(),
  'service-definition': inputField.optional(),
  stacks: inputField.keyValues(),
  'wait-until': inputField.choice(['deployed', 'stable', ...LIFECYCLE_STAGES, ...CODEDEPLOY_EVENTS], 'deployed'),
  timeout: inputField.duration('30m'),
  'poll-interval': inputField.duration('15s'),
  rollback: inputField.boolean(true),
  'rollback-timeout': inputField.duration('10m'),
  'force-new-deployment': inputField.boolean(false),
  'keep-desired-count': inputField.boolean(true),
  'run-task': inputField.boolean(false),
  command: inputField.optional(),
  container: inputField.optional(),
  subnets: inputField.list(),
  'security-groups': inputField.list(),
  'assign-public-ip': inputField.choice(['', 'ENABLED', 'DISABLED'], ''),
  region: inputField.optional(),
  'prune-keep': count(0),
  'prune-dry-run': inputField.boolean(false),
  'codedeploy-application': inputField.optional(),
  'codedeploy-deployment-group': inputField.optional(),
  'codedeploy-deployment-config': inputField.optional(),
  'codedeploy-hooks': inputField.keyValues(),
});

export type DeployInputs = z.output<typeof inputSchema>;

/**
 * Reads every input once into one validated object.
 * @throws Error listing every invalid input with what was expected.
 */
export function readDeployInputs(): DeployInputs {
  const inputs = readInputs(inputSchema);
  if (!inputs['run-task'] && !inputs.service) {
    throw new Error(
      "Input 'service': expected the ECS service name to deploy (or run-task: true for a one-off task), found none.",
    );
  }
  if (!inputs['run-task'] && (inputs.command || inputs.container)) {
    throw new Error("Inputs 'command'/'container' only apply with run-task: true; remove them or set run-task: true.");
  }
  if (inputs['run-task'] && inputs['prune-keep'] > 0) {
    throw new Error(
      "Input 'prune-keep': pruning follows a service deploy, found run-task: true; remove prune-keep from this step or set it on the service deploy.",
    );
  }
  const unknownHooks = Object.keys(inputs['codedeploy-hooks']).filter(
    (event) => !(CODEDEPLOY_HOOK_EVENTS as readonly string[]).includes(event),
  );
  if (unknownHooks.length > 0) {
    throw new Error(
      `Input 'codedeploy-hooks': expected Event=LambdaFunction lines with the events ${CODEDEPLOY_HOOK_EVENTS.join(', ')}, ` +
        `found ${unknownHooks.join(', ')}. Fix the event names (CodeDeploy runs no hook at the other events).`,
    );
  }
  return inputs;
}

/**
 * Splits the `command` input: a JSON array (`["node","server.js","seed"]`) is taken as is, anything
 * else is split on whitespace, keeping "double" or 'single' quoted parts together.
 * @throws Error when a JSON array is malformed or holds non-strings.
 */
export function parseCommand(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (err) {
      throw new Error(`Input 'command': expected a JSON array of strings, found invalid JSON (${String(err)})`);
    }
    if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) {
      throw new Error(`Input 'command': expected a JSON array of strings, found ${trimmed}`);
    }
    return parsed;
  }
  return [...trimmed.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}
