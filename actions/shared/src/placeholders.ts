import { isObject } from './json.js';

/**
 * Placeholders: `${stack:<stack>:<OutputKey>}` (a CloudFormation stack output; <stack> is an alias
 * from the `stacks` input or a stack name) and `${env:<NAME>}` (an environment variable).
 * Any other `${...}` (a shell expansion in a command, say) is left untouched.
 */
const PATTERN = /\$\{(stack|env):([^}]*)\}/g;

export type PlaceholderRef =
  | { kind: 'stack'; text: string; stack: string; output: string }
  | { kind: 'env'; text: string; name: string };

/** A placeholder that could not be resolved and why. */
export interface Unresolved {
  text: string;
  reason: string;
}

function visitStrings(value: unknown, visit: (text: string) => string): unknown {
  if (typeof value === 'string') return visit(value);
  if (Array.isArray(value)) return value.map((item) => visitStrings(item, visit));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visitStrings(v, visit)]));
  return value;
}

function parseRef(text: string, kind: string, body: string): PlaceholderRef | Unresolved {
  if (kind === 'env') {
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(body)
      ? { kind: 'env', text, name: body }
      : // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder syntax, meant literally
        { text, reason: 'expected ${env:NAME} with a variable name of letters, digits and _' };
  }
  const [stack, output, ...rest] = body.split(':');
  if (!stack || !output || rest.length > 0) {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder syntax, meant literally
    return { text, reason: 'expected ${stack:<stack or alias>:<OutputKey>}' };
  }
  return { kind: 'stack', text, stack, output };
}

/** Every distinct placeholder in the string values of a document (keys are never rewritten). */
export function findPlaceholders(document: unknown): Array<PlaceholderRef | Unresolved> {
  const found = new Map<string, PlaceholderRef | Unresolved>();
  visitStrings(document, (text) => {
    for (const match of text.matchAll(PATTERN)) {
      found.set(match[0], parseRef(match[0], match[1] ?? '', match[2] ?? ''));
    }
    return text;
  });
  return [...found.values()];
}

/** Replaces every placeholder whose text is in `values`; the result is always a string. */
export function substitutePlaceholders<T>(document: T, values: ReadonlyMap<string, string>): T {
  return visitStrings(document, (text) => text.replace(PATTERN, (whole) => values.get(whole) ?? whole)) as T;
}

/** Options for {@link resolvePlaceholders}. */
export interface ResolveOptions<T> {
  document: T;
  /** alias → stack name, from the `stacks` input. A name not in here is used as the stack name. */
  stackAliases: Readonly<Record<string, string>>;
  env: Readonly<Record<string, string | undefined>>;
  /** Outputs of a stack, or undefined when the stack does not exist. Called once per stack. */
  stackOutputs: (stackName: string) => Promise<Record<string, string> | undefined>;
}

export interface ResolveResult<T> {
  document: T;
  /** Placeholder text → the value it was replaced with. */
  resolved: Map<string, string>;
  /** The stacks that were read, by name. */
  stacksRead: string[];
}

/**
 * Resolves all placeholders of a document.
 * @throws Error listing every unresolved placeholder with its reason (not just the first).
 */
export async function resolvePlaceholders<T>(options: ResolveOptions<T>): Promise<ResolveResult<T>> {
  const refs = findPlaceholders(options.document);
  const problems: Unresolved[] = [];
  const resolved = new Map<string, string>();
  const outputsByStack = new Map<string, Record<string, string> | undefined>();
  for (const ref of refs) {
    if (!('kind' in ref)) {
      problems.push(ref);
      continue;
    }
    if (ref.kind === 'env') {
      const value = options.env[ref.name];
      if (value === undefined) problems.push({ text: ref.text, reason: `environment variable ${ref.name} is not set` });
      else resolved.set(ref.text, value);
      continue;
    }
    const stackName = options.stackAliases[ref.stack] ?? ref.stack;
    if (!outputsByStack.has(stackName)) outputsByStack.set(stackName, await options.stackOutputs(stackName));
    const outputs = outputsByStack.get(stackName);
    const value = outputs?.[ref.output];
    if (outputs === undefined) {
      problems.push({ text: ref.text, reason: `stack '${stackName}' does not exist` });
    } else if (value === undefined) {
      const known = Object.keys(outputs).sort().join(', ') || 'none';
      problems.push({
        text: ref.text,
        reason: `stack '${stackName}' has no output '${ref.output}' (outputs: ${known})`,
      });
    } else {
      resolved.set(ref.text, value);
    }
  }
  if (problems.length > 0) {
    const lines = problems.map((p) => `  ${p.text}: ${p.reason}`).join('\n');
    throw new Error(
      `${problems.length} placeholder(s) could not be resolved:\n${lines}\n` +
        "Expected each to name an existing stack output or a set environment variable: deploy the stack first, map the alias in the 'stacks' input, or set the variable in the step's env.",
    );
  }
  return {
    document: substitutePlaceholders(options.document, resolved),
    resolved,
    stacksRead: [...outputsByStack.keys()],
  };
}
