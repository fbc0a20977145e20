import type { CfnTemplate } from '@mysfits/cfn-template';
import { inlinePolicies, type PolicyDocument, resolve } from './iam-resolve.js';
import { boundaryArn, type SampleEnvironment } from './iam-samples.js';
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
    parameters: { GitHubRepository: 'octo-org/mysfits', ExistingOidcProviderArn: '' },
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
  const attached = asList(role.ManagedPolicyArns as Array<{ Ref?: string }> | undefined).map((arn) => {
    if (arn.Ref === undefined)
      throw new Error('bootstrap.yml: the deploy role should attach only policies of its own template (Ref).');
    return managed(arn.Ref);
  });
  return { identity: [...attached, ...inlinePolicies('DeployRole', options)], boundary: managed(boundaryId) };
}
