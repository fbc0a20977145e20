import type { CfnTemplate } from '@mysfits/cfn-template';
import { deployRolePolicies, type NamedPolicy } from './deploy-role.js';
import { evaluateNeeds, formatDenial, type Need } from './iam-evaluate.js';
import { inlinePolicies, type PolicyDocument, resolve } from './iam-resolve.js';
import { fitsAction, type SampleEnvironment } from './iam-samples.js';
import { asList, properties } from './templates.js';
import { presentResources, stackResolveOptions, type WorkloadStack } from './workload-stacks.js';

/**
 * The AWS managed policies the workload roles attach, by name, with the actions they grant
 * (AmazonECSInfrastructureRolePolicyForLoadBalancers, policy version v6, AWS managed policy reference).
 */
export const awsManagedPolicies: Record<string, PolicyDocument> = {
  AmazonECSInfrastructureRolePolicyForLoadBalancers: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          'elasticloadbalancing:DescribeListeners',
          'elasticloadbalancing:DescribeRules',
          'elasticloadbalancing:DescribeTargetGroups',
          'elasticloadbalancing:DescribeTargetHealth',
          'elasticloadbalancing:RegisterTargets',
          'elasticloadbalancing:DeregisterTargets',
          'elasticloadbalancing:ModifyListener',
          'elasticloadbalancing:ModifyRule',
        ],
        Resource: '*',
      },
    ],
  },
};

/** A resource of a statement made concrete: one log stream of a log group, one index of a table. */
function concrete(resource: string, env: SampleEnvironment): string {
  return resource
    .replace(/:log-group:([^:]+):\*$/, ':log-group:$1:log-stream:ecs/sample')
    .replaceAll('*', `${env.name}-sample`);
}

/** A managed policy one of the environment's stacks creates, with its sample ARN. */
export interface EnvironmentPolicy {
  where: string;
  arn: string;
  policy: PolicyDocument;
}

/** The `AWS::IAM::ManagedPolicy` resources of the stacks, resolved (platform.yml's TablesPolicy). */
export function environmentPolicies(stacks: WorkloadStack[], env: SampleEnvironment): EnvironmentPolicy[] {
  return stacks.flatMap((stack) => {
    const options = stackResolveOptions(stack, stacks, env);
    return presentResources(stack, options)
      .filter(([, resource]) => resource.Type === 'AWS::IAM::ManagedPolicy')
      .map(([id, resource]) => ({
        where: `${stack.name} ${id}`,
        arn: options.resourceValue(id, undefined),
        policy: resolve(properties(resource).PolicyDocument, options) as PolicyDocument,
      }));
  });
}

/** One role of the environment's stacks, resolved with the parameters its stack is given. */
export interface WorkloadRole {
  /** `<stack> <logicalId>`, for the messages. */
  where: string;
  arn: string;
  /** The services its trust policy lets assume it (ecs-tasks.amazonaws.com, ecs.amazonaws.com). */
  trustedServices: string[];
  /** The ARNs of ManagedPolicyArns, resolved (Fn::If, Fn::ImportValue). */
  managedPolicyArns: string[];
  identity: NamedPolicy[];
}

function managedPolicy(arn: string, where: string, policies: EnvironmentPolicy[], env: SampleEnvironment): NamedPolicy {
  const awsName = new RegExp(`^arn:${env.partition}:iam::aws:policy/(.+)$`).exec(arn)?.[1];
  if (awsName !== undefined) {
    const policy = awsManagedPolicies[awsName];
    if (policy === undefined) throw new Error(`${where} attaches ${awsName}: add its document to awsManagedPolicies.`);
    return { name: awsName, policy };
  }
  const own = policies.find((candidate) => candidate.arn === arn);
  if (own === undefined) {
    throw new Error(`${where} attaches ${arn}, neither an AWS managed policy nor one of the environment's stacks.`);
  }
  return { name: own.where, policy: own.policy };
}

/** Every role the environment's stacks create (conditions applied), with the policies it is given. */
export function workloadRoles(stacks: WorkloadStack[], env: SampleEnvironment): WorkloadRole[] {
  const policies = environmentPolicies(stacks, env);
  return stacks.flatMap((stack) => {
    const options = stackResolveOptions(stack, stacks, env);
    return presentResources(stack, options)
      .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
      .map(([id, resource]) => {
        const where = `${stack.name} ${id}`;
        const props = properties(resource);
        const managedPolicyArns = asList(resolve(props.ManagedPolicyArns, options) as string[] | undefined).map(String);
        const trust = resolve(props.AssumeRolePolicyDocument, options) as {
          Statement: Array<{ Principal?: { Service?: string | string[] } }>;
        };
        return {
          where,
          arn: options.resourceValue(id, 'Arn'),
          trustedServices: trust.Statement.flatMap((statement) => asList(statement.Principal?.Service)),
          managedPolicyArns,
          identity: [
            ...inlinePolicies(id, options),
            ...managedPolicyArns.map((arn) => managedPolicy(arn, where, policies, env)),
          ],
        };
      });
  });
}

/**
 * Evaluates each workload role's granted actions with the boundary applied: every action its
 * policies grant must stay allowed under the boundary. Returns the messages of the denials.
 */
export async function workloadRoleDenials(
  bootstrap: CfnTemplate,
  roles: WorkloadRole[],
  env: SampleEnvironment,
): Promise<string[]> {
  const { boundary } = deployRolePolicies(bootstrap, env);
  const messages: string[] = [];
  for (const role of roles) {
    const needs: Need[] = [];
    for (const { policy } of role.identity) {
      for (const statement of policy.Statement.filter((candidate) => candidate.Effect === 'Allow')) {
        for (const action of asList(statement.Action)) {
          const resources = asList(statement.Resource);
          const need: Need = { source: role.where, owner: role.where, action, phase: 'call' };
          // The request the role would make is one the statement's own StringEquals admits
          // (iam:PassRole to the service it names), so the boundary is asked about that request.
          const equals = statement.Condition?.StringEquals;
          if (equals !== undefined) {
            need.context = Object.fromEntries(
              Object.entries(equals).map(([key, value]) => [key, asList(value)[0] ?? '']),
            );
          }
          if (!resources.includes('*')) {
            const concreteResources = resources.map((resource) => concrete(resource, env));
            const fitting: string[] = [];
            for (const arn of concreteResources) if (await fitsAction(action, arn)) fitting.push(arn);
            if (fitting.length === 0) {
              throw new Error(
                `${role.where}: ${action} names none of its statement's resources (${resources.join(', ')}).`,
              );
            }
            need.resources = fitting;
          }
          needs.push(need);
        }
      }
    }
    const principal = `arn:${env.partition}:sts::${env.account}:assumed-role/${role.arn.split('/').pop()}/task`;
    const denials = await evaluateNeeds(needs, { identity: role.identity, boundary, env, principal });
    messages.push(...denials.map(formatDenial));
  }
  return messages;
}
