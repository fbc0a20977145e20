import type { CfnTemplate } from '@mysfits/cfn-template';
import { condition, inlinePolicies, type PolicyDocument, resolve } from './iam-resolve.js';
import { boundaryArn, otherEnvironment, type SampleEnvironment } from './iam-samples.js';
import { asList, properties } from './templates.js';

export interface NamedPolicy {
  name: string;
  policy: PolicyDocument;
}

export interface DeployRolePolicies {
  /** The deploy role's identity policies: its managed policies from the template and inline ones. */
  identity: NamedPolicy[];
  /** The workload boundary every role of the environment carries. */
  boundary: NamedPolicy;
}

const boundaryId = 'WorkloadBoundaryPolicy';

/** bootstrap.yml's deploy role and boundary, resolved for one environment (conditions kept). */
export function deployRolePolicies(bootstrap: CfnTemplate, env: SampleEnvironment): DeployRolePolicies {
  const options = {
    template: bootstrap,
    env,
    // The sample environment promotes the other one's images (deploy.yml's later environments).
    parameters: {
      GitHubRepository: 'octo-org/mysfits',
      ExistingOidcProviderArn: '',
      PromoteFromEnvironment: otherEnvironment.name,
    },
    resourceValue: (id: string) => {
      if (id === boundaryId) return boundaryArn(env);
      return `arn:${env.partition}:iam::${env.account}:policy/${id}`;
    },
  };
  const managed = (id: string): NamedPolicy => {
    const resource = bootstrap.Resources[id];
    if (resource?.Type !== 'AWS::IAM::ManagedPolicy') {
      throw new Error(
        `bootstrap.yml: ${id} should be an AWS::IAM::ManagedPolicy of this template, found ${resource?.Type}.`,
      );
    }
    return { name: id, policy: resolve(properties(resource).PolicyDocument, options) as PolicyDocument };
  };
  const role = properties(bootstrap.Resources.DeployRole);
  // An entry may be conditional (`!If [Condition, !Ref Policy, !Ref AWS::NoValue]`): keep the
  // branch the sample's parameters choose.
  const chosen = (entry: unknown): { Ref?: string } | undefined => {
    const branches = (entry as { 'Fn::If'?: [string, unknown, unknown] })['Fn::If'];
    if (!branches) return entry as { Ref?: string };
    const [name, yes, no] = branches;
    const picked = (condition(name, options) ? yes : no) as { Ref?: string };
    return picked.Ref === 'AWS::NoValue' ? undefined : picked;
  };
  const attached = asList(role.ManagedPolicyArns as unknown[] | undefined)
    .map(chosen)
    .filter((arn): arn is { Ref?: string } => arn !== undefined)
    .map((arn) => {
      if (arn.Ref === undefined)
        throw new Error('bootstrap.yml: the deploy role should attach only policies of its own template (Ref).');
      return managed(arn.Ref);
    });
  return { identity: [...attached, ...inlinePolicies('DeployRole', options)], boundary: managed(boundaryId) };
}
