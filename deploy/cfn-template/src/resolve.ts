import type { CfnTemplate } from './yaml.ts';

/** Values of the template's parameters: their defaults, overridden by `overrides`. */
export function parameterValues(
  template: CfnTemplate,
  overrides: Record<string, string> = {},
): Record<string, unknown> {
  const defaults = Object.entries(template.Parameters ?? {}).map(([name, parameter]) => [name, parameter.Default]);
  return { ...Object.fromEntries(defaults), ...overrides };
}

function single(value: unknown, key: string): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]?.[0] === key) return entries[0][1];
  }
  return undefined;
}

/**
 * Evaluates a condition expression (Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition, Ref to a
 * parameter) the way CloudFormation would for the given parameter values.
 */
export function evaluateCondition(
  template: CfnTemplate,
  expression: unknown,
  parameters: Record<string, unknown>,
): boolean {
  const value = (name: string): unknown => parameterValue(name, parameters);
  const equals = single(expression, 'Fn::Equals');
  if (Array.isArray(equals)) return String(operand(equals[0])) === String(operand(equals[1]));
  const not = single(expression, 'Fn::Not');
  if (Array.isArray(not)) return !evaluateCondition(template, not[0], parameters);
  const and = single(expression, 'Fn::And');
  if (Array.isArray(and)) return and.every((part) => evaluateCondition(template, part, parameters));
  const or = single(expression, 'Fn::Or');
  if (Array.isArray(or)) return or.some((part) => evaluateCondition(template, part, parameters));
  const condition = single(expression, 'Condition');
  if (typeof condition === 'string') return conditionIsTrue(template, condition, parameters);
  throw new Error(
    `Expected a condition function (Fn::Equals/Not/And/Or, Condition), found ${JSON.stringify(expression)}.`,
  );

  function operand(part: unknown): unknown {
    const ref = single(part, 'Ref');
    return typeof ref === 'string' ? value(ref) : part;
  }
}

function parameterValue(name: string, parameters: Record<string, unknown>): unknown {
  if (!(name in parameters)) {
    throw new Error(
      `Expected parameter ${name} to have a value (a Default in the template or an override), found none.`,
    );
  }
  return parameters[name];
}

/** Whether the named condition of the template holds for the given parameter values. */
export function conditionIsTrue(template: CfnTemplate, name: string, parameters: Record<string, unknown>): boolean {
  const expression = template.Conditions?.[name];
  if (expression === undefined) throw new Error(`Expected condition ${name} in the template's Conditions, found none.`);
  return evaluateCondition(template, expression, parameters);
}

/** Replaces every Fn::If in `value` by the branch CloudFormation would take, and drops AWS::NoValue. */
export function resolveIfs(template: CfnTemplate, value: unknown, parameters: Record<string, unknown>): unknown {
  const branch = single(value, 'Fn::If');
  if (Array.isArray(branch)) {
    const [condition, whenTrue, whenFalse] = branch;
    const taken = conditionIsTrue(template, String(condition), parameters) ? whenTrue : whenFalse;
    return resolveIfs(template, taken, parameters);
  }
  if (Array.isArray(value)) {
    return value.map((item) => resolveIfs(template, item, parameters)).filter((item) => item !== noValue);
  }
  if (value && typeof value === 'object') {
    if (single(value, 'Ref') === 'AWS::NoValue') return noValue;
    const entries = Object.entries(value).map(([key, item]) => [key, resolveIfs(template, item, parameters)] as const);
    return Object.fromEntries(entries.filter(([, item]) => item !== noValue));
  }
  return value;
}

const noValue = Symbol('AWS::NoValue');

/**
 * Values of the template's parameters as CloudFormation passes them to `Ref`: defaults overridden
 * by `overrides`, CommaDelimitedList parameters split into lists, Number parameters as numbers.
 */
export function typedParameterValues(
  template: CfnTemplate,
  overrides: Record<string, string> = {},
): Record<string, unknown> {
  const values = parameterValues(template, overrides);
  for (const [name, parameter] of Object.entries(template.Parameters ?? {})) {
    const value = values[name];
    if (value === undefined) continue;
    if (parameter.Type === 'CommaDelimitedList') values[name] = String(value) === '' ? [] : String(value).split(',');
    if (parameter.Type === 'Number') values[name] = Number(value);
  }
  return values;
}

/**
 * Replaces every `Ref` to a parameter in `value` by the parameter's value (Refs to resources and
 * pseudo parameters stay as they are).
 */
export function resolveParameterRefs(
  template: CfnTemplate,
  value: unknown,
  parameters: Record<string, unknown>,
): unknown {
  const ref = single(value, 'Ref');
  if (typeof ref === 'string' && template.Parameters?.[ref] !== undefined) return parameterValue(ref, parameters);
  if (Array.isArray(value)) return value.map((item) => resolveParameterRefs(template, item, parameters));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveParameterRefs(template, item, parameters)]),
    );
  }
  return value;
}
