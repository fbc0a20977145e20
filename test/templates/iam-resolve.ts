import type { CfnTemplate } from '@mysfits/cfn-template';
import type { SampleEnvironment } from './iam-samples.js';
import { asList, properties } from './templates.js';

/** An IAM policy document with every intrinsic function replaced by a sample value. */
export interface PolicyDocument {
  Version: string;
  Statement: ResolvedStatement[];
}

export interface ResolvedStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** What a `Ref` or `Fn::GetAtt` of one of the template's resources stands for. */
export type ResourceValue = (logicalId: string, attribute: string | undefined) => string;

export interface ResolveOptions {
  template: CfnTemplate;
  env: SampleEnvironment;
  parameters?: Record<string, string>;
  resourceValue: ResourceValue;
  /** What `Fn::ImportValue` of an export name stands for (another stack's output). */
  importValue?: (name: string) => unknown;
}

function pseudo(env: SampleEnvironment): Record<string, string> {
  return {
    'AWS::Partition': env.partition,
    'AWS::Region': env.region,
    'AWS::AccountId': env.account,
    'AWS::URLSuffix': 'amazonaws.com',
  };
}

/** Whether a condition of the template holds for the options' parameter values. */
export function condition(name: string, options: ResolveOptions): boolean {
  const expression = options.template.Conditions?.[name];
  if (expression === undefined) throw new Error(`Condition ${name} is not defined in the template.`);
  return Boolean(resolve(expression, options));
}

function ref(name: string, options: ResolveOptions): string | string[] {
  const declared = options.template.Parameters?.[name];
  const value =
    pseudo(options.env)[name] ??
    (name === 'EnvironmentName' ? options.env.name : undefined) ??
    options.parameters?.[name] ??
    (options.template.Parameters?.[name]?.Default as string | undefined);
  // A CommaDelimitedList parameter is a list, as CloudFormation gives it to Ref.
  if (value !== undefined && declared?.Type === 'CommaDelimitedList') return String(value).split(',');
  if (value !== undefined) return String(value);
  if (options.template.Resources[name]) return options.resourceValue(name, undefined);
  throw new Error(`Ref ${name}: no parameter value, pseudo parameter or resource of that name.`);
}

function sub(value: unknown, options: ResolveOptions): string {
  const [text, locals] = Array.isArray(value) ? value : [value, {}];
  const bound = Object.fromEntries(
    Object.entries((locals ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(resolve(v, options))]),
  );
  return String(text).replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
    if (name in bound) return bound[name] as string;
    const [id, attribute] = name.split('.');
    if (attribute !== undefined) return options.resourceValue(id ?? '', attribute);
    return String(ref(name, options));
  });
}

/**
 * Resolves a template value: Ref, Fn::Sub, Fn::GetAtt, Fn::If, Fn::Equals, Fn::Not, Fn::And,
 * Fn::Or, Fn::Join, Fn::ImportValue. `Ref: AWS::NoValue` resolves to undefined, and drops out of
 * the list or mapping that holds it, as CloudFormation removes the property.
 */
export function resolve(value: unknown, options: ResolveOptions): unknown {
  if (Array.isArray(value)) return value.map((item) => resolve(item, options)).filter((item) => item !== undefined);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [key, argument] = entries[0] ?? [];
  if (entries.length === 1 && key !== undefined) {
    if (key === 'Ref' && argument === 'AWS::NoValue') return undefined;
    if (key === 'Ref') return ref(String(argument), options);
    if (key === 'Fn::ImportValue') {
      const name = String(resolve(argument, options));
      if (options.importValue === undefined)
        throw new Error(`Fn::ImportValue ${name}: no stack's exports are known here.`);
      return options.importValue(name);
    }
    if (key === 'Fn::Sub') return sub(argument, options);
    if (key === 'Fn::GetAtt') {
      const [id, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
      return options.resourceValue(String(id), String(attribute));
    }
    if (key === 'Fn::If') {
      const [name, whenTrue, whenFalse] = argument as [string, unknown, unknown];
      return resolve(condition(name, options) ? whenTrue : whenFalse, options);
    }
    if (key === 'Fn::Equals') {
      const [left, right] = resolve(argument, options) as [unknown, unknown];
      return String(left) === String(right);
    }
    if (key === 'Fn::Not') return !(resolve(argument, options) as boolean[])[0];
    if (key === 'Fn::And') return (resolve(argument, options) as boolean[]).every(Boolean);
    if (key === 'Fn::Or') return (resolve(argument, options) as boolean[]).some(Boolean);
    if (key === 'Fn::Join') {
      const [separator, items] = argument as [string, unknown[]];
      return (resolve(items, options) as unknown[]).join(separator);
    }
    if (key.startsWith('Fn::') || key === 'Condition') {
      throw new Error(`${key} is not supported by test/templates/iam-resolve.ts; extend it.`);
    }
  }
  return Object.fromEntries(
    entries.map(([k, v]) => [k, resolve(v, options)] as const).filter(([, resolved]) => resolved !== undefined),
  );
}

/** The policy documents one role is given inline (`Policies`), resolved, named `<role>/<policy>`. */
export function inlinePolicies(id: string, options: ResolveOptions): Array<{ name: string; policy: PolicyDocument }> {
  const props = properties(options.template.Resources[id]);
  return asList(props.Policies as Array<{ PolicyName: unknown; PolicyDocument: unknown }> | undefined).map(
    (policy) => ({
      name: `${id}/${String(resolve(policy.PolicyName, options))}`,
      policy: resolve(policy.PolicyDocument, options) as PolicyDocument,
    }),
  );
}
