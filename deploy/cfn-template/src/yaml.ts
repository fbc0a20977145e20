import { readFileSync } from 'node:fs';
import { parse, type Tags, type YAMLMap, type YAMLSeq } from 'yaml';

/** A CloudFormation template after parsing: short-form tags are turned into their long JSON form. */
export interface CfnTemplate {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Parameters?: Record<string, CfnParameter>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, CfnOutput>;
}

export interface CfnParameter {
  Type: string;
  Description?: string;
  Default?: unknown;
  AllowedValues?: unknown[];
}

export interface CfnResource {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  Metadata?: Record<string, unknown>;
  Properties?: Record<string, unknown>;
}

export interface CfnOutput {
  Description?: string;
  Value: unknown;
  Condition?: string;
  Export?: { Name: unknown };
}

// `!GetAtt A.B` is the only tag whose short scalar form differs from its long form's shape.
const functionNames: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  GetAtt: 'Fn::GetAtt',
  Sub: 'Fn::Sub',
  If: 'Fn::If',
  Join: 'Fn::Join',
  Select: 'Fn::Select',
  Equals: 'Fn::Equals',
  Not: 'Fn::Not',
  And: 'Fn::And',
  Or: 'Fn::Or',
  FindInMap: 'Fn::FindInMap',
  GetAZs: 'Fn::GetAZs',
  Split: 'Fn::Split',
  ImportValue: 'Fn::ImportValue',
  Base64: 'Fn::Base64',
};

function scalarValue(name: string, value: string): unknown {
  if (name === 'GetAtt') {
    const dot = value.indexOf('.');
    return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
  }
  return value;
}

/** The `yaml` custom tags for every CloudFormation short-form intrinsic function (scalar, sequence and map forms). */
export const cfnTags: Tags = Object.entries(functionNames).flatMap(([name, key]) => [
  { tag: `!${name}`, resolve: (value: string) => ({ [key]: scalarValue(name, value) }) },
  {
    tag: `!${name}`,
    collection: 'seq' as const,
    resolve: (value: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [key]: value.toJSON() }),
  },
  {
    tag: `!${name}`,
    collection: 'map' as const,
    resolve: (value: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [key]: value.toJSON() }),
  },
]);

/** Parses CloudFormation YAML text into its JSON form (`!Ref X` becomes `{ Ref: 'X' }`, `!GetAtt A.B` becomes `{ 'Fn::GetAtt': ['A', 'B'] }`). */
export function parseCfnYaml(text: string): CfnTemplate {
  const template = parse(text, { customTags: cfnTags, uniqueKeys: true }) as CfnTemplate | null;
  if (!template || typeof template !== 'object' || !template.Resources) {
    throw new Error('Expected a CloudFormation template with a Resources section, found none. Check the file path.');
  }
  return template;
}

/** Reads and parses a CloudFormation YAML template from disk. */
export function readCfnTemplate(path: string): CfnTemplate {
  return parseCfnYaml(readFileSync(path, 'utf8'));
}
