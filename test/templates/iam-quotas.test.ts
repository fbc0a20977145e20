import type { CfnTemplate } from '@mysfits/cfn-template';
import { describe, expect, it } from 'vitest';
import { type ResolveOptions, resolve } from './iam-resolve.js';
import type { SampleEnvironment } from './iam-samples.js';
import { workloadTemplateFiles } from './needs-cloudformation.js';
import { asList, loadTemplate, properties } from './templates.js';
import { presentResources, stackResolveOptions, type WorkloadStack, workloadStacks } from './workload-stacks.js';

// IAM's quotas on policy sizes, from "IAM and AWS STS quotas" (IAM User Guide,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html): a managed policy
// is at most 6,144 characters, all inline policies of one role together at most 10,240, a role's
// trust policy at most 2,048 (the default quota) and a role takes at most 10 managed policies (the
// default quota). IAM does not count white space, so a document is measured as compact JSON. A
// template over any of them passes cfn-lint and moto, and fails in CloudFormation (LimitExceeded).
const MANAGED_POLICY_CHARACTERS = 6_144;
const ROLE_INLINE_POLICY_CHARACTERS = 10_240;
const ROLE_TRUST_POLICY_CHARACTERS = 2_048;
const MANAGED_POLICIES_PER_ROLE = 10;

// The longest values the templates accept, so a long fork name cannot push a policy over.
const longest: SampleEnvironment = {
  // bootstrap.yml's EnvironmentName: 2 to 24 characters.
  name: 'abcdefghij-klmnopqrstuvw',
  partition: 'aws',
  region: 'us-east-1',
  account: '123456789012',
};
// GitHub: an owner is at most 39 characters, a repository name at most 100.
const repository = `${'o'.repeat(39)}/${'r'.repeat(100)}`;
// GitHub: an environment name is at most 255 characters.
const githubEnvironment = 'e'.repeat(255);

/** Characters IAM counts: the document as JSON with no white space outside the strings. */
function characters(document: unknown): number {
  return JSON.stringify(document).length;
}

interface ResolvedTemplate {
  where: string;
  template: CfnTemplate;
  options: ResolveOptions;
  ids: string[];
}

function bootstrapTemplate(): ResolvedTemplate {
  const template = loadTemplate('bootstrap.yml');
  const options: ResolveOptions = {
    template,
    env: longest,
    parameters: { GitHubRepository: repository, GitHubEnvironment: githubEnvironment, ExistingOidcProviderArn: '' },
    resourceValue: (id, attribute) => {
      const type = template.Resources[id]?.Type;
      const iam = `arn:${longest.partition}:iam::${longest.account}`;
      if (type === 'AWS::IAM::OIDCProvider') return `${iam}:oidc-provider/token.actions.githubusercontent.com`;
      if (type === 'AWS::IAM::ManagedPolicy') return `${iam}:policy/${longest.name}/${longest.name}-bootstrap-${id}`;
      if (type === 'AWS::IAM::Role' && attribute === 'Arn') return `${iam}:role/${longest.name}-github-deploy`;
      throw new Error(`iam-quotas.test.ts cannot resolve ${id}.${attribute} (${type}) of bootstrap.yml; extend it.`);
    },
  };
  return { where: 'bootstrap.yml', template, options, ids: Object.keys(template.Resources) };
}

function workloadTemplates(): ResolvedTemplate[] {
  const templates = Object.fromEntries(workloadTemplateFiles.map((file) => [file, loadTemplate(file)]));
  const stacks: WorkloadStack[] = workloadStacks(templates, longest);
  return stacks.map((stack) => {
    const options = stackResolveOptions(stack, stacks, longest);
    return {
      where: `${stack.file} (${stack.name})`,
      template: stack.template,
      options,
      ids: presentResources(stack, options).map(([id]) => id),
    };
  });
}

const resolved = [bootstrapTemplate(), ...workloadTemplates()];

/** Every resource of a type in the resolved templates, with its resolved properties. */
function resolvedOfType(type: string): Array<{ where: string; props: Record<string, unknown> }> {
  return resolved.flatMap(({ where, template, options, ids }) =>
    ids
      .filter((id) => template.Resources[id]?.Type === type)
      .map((id) => ({
        where: `${where} ${id}`,
        props: resolve(properties(template.Resources[id]), options) as Record<string, unknown>,
      })),
  );
}

const managedPolicies = resolvedOfType('AWS::IAM::ManagedPolicy');
const roles = resolvedOfType('AWS::IAM::Role');

describe("IAM's size quotas, for the longest names the templates accept", () => {
  it('should find the managed policies and roles of every template', () => {
    expect(managedPolicies.map(({ where }) => where)).toContain('bootstrap.yml WorkloadBoundaryPolicy');
    expect(roles.map(({ where }) => where)).toContain('bootstrap.yml DeployRole');
    expect(roles.length).toBeGreaterThan(4);
  });

  it('should keep every managed policy document within 6,144 characters', () => {
    const over = managedPolicies
      .map(({ where, props }) => ({ where, size: characters(props.PolicyDocument) }))
      .filter(({ size }) => size > MANAGED_POLICY_CHARACTERS);
    expect(over, `managed policies over ${MANAGED_POLICY_CHARACTERS} characters`).toEqual([]);
  });

  it("should keep each role's inline policies together within 10,240 characters", () => {
    const over = roles
      .map(({ where, props }) => ({
        where,
        size: asList(props.Policies as Array<{ PolicyDocument: unknown }> | undefined).reduce(
          (sum, policy) => sum + characters(policy.PolicyDocument),
          0,
        ),
      }))
      .filter(({ size }) => size > ROLE_INLINE_POLICY_CHARACTERS);
    expect(over).toEqual([]);
  });

  it("should keep each role's trust policy within 2,048 characters", () => {
    const over = roles
      .map(({ where, props }) => ({ where, size: characters(props.AssumeRolePolicyDocument) }))
      .filter(({ size }) => size > ROLE_TRUST_POLICY_CHARACTERS);
    expect(over).toEqual([]);
  });

  it('should attach at most 10 managed policies to a role', () => {
    const over = roles
      .map(({ where, props }) => ({ where, count: asList(props.ManagedPolicyArns as unknown[] | undefined).length }))
      .filter(({ count }) => count > MANAGED_POLICIES_PER_ROLE);
    expect(over).toEqual([]);
  });

  it('should measure a document as compact JSON, as IAM counts it', () => {
    expect(characters({ Version: '2012-10-17', Statement: [] })).toBe(39);
  });
});
