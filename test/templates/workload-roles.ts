import type { CfnTemplate } from '@mysfits/cfn-template';
import { deployRolePolicies, type NamedPolicy } from './deploy-role.js';
import { evaluateNeeds, formatDenial, type Need } from './iam-evaluate.js';
import { inlinePolicies, type PolicyDocument, type ResolveOptions, resolve } from './iam-resolve.js';
import type { SampleEnvironment } from './iam-samples.js';
import { asList, properties } from './templates.js';

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

/** What `Ref`/`GetAtt` of the workload templates' named resources stand for. */
function resourceValue(template: CfnTemplate, env: SampleEnvironment) {
  const prefix = (service: string) => `arn:${env.partition}:${service}:${env.region}:${env.account}`;
  const named: Record<string, { property: string; arn: (name: string) => string }> = {
    'AWS::ECR::Repository': { property: 'RepositoryName', arn: (name) => `${prefix('ecr')}:repository/${name}` },
    'AWS::Logs::LogGroup': { property: 'LogGroupName', arn: (name) => `${prefix('logs')}:log-group:${name}:*` },
    'AWS::DynamoDB::Table': { property: 'TableName', arn: (name) => `${prefix('dynamodb')}:table/${name}` },
  };
  const value = (id: string, attribute: string | undefined): string => {
    const resource = template.Resources[id];
    const kind = named[resource?.Type ?? ''];
    if (kind === undefined) throw new Error(`workload-roles.ts cannot resolve ${id} (${resource?.Type}); extend it.`);
    const name = String(resolve(properties(resource)[kind.property], options));
    return attribute === 'Arn' ? kind.arn(name) : name;
  };
  const options: ResolveOptions = { template, env, resourceValue: value };
  return options;
}

/** A resource of a statement made concrete: one log stream of a log group, one index of a table. */
function concrete(resource: string, env: SampleEnvironment): string {
  return resource
    .replace(/:log-group:([^:]+):\*$/, ':log-group:$1:log-stream:ecs/sample')
    .replaceAll('*', `${env.name}-sample`);
}

interface WorkloadRole {
  where: string;
  identity: NamedPolicy[];
}

function workloadRoles(templates: Record<string, CfnTemplate>, env: SampleEnvironment): WorkloadRole[] {
  return Object.entries(templates).flatMap(([file, template]) => {
    const options = resourceValue(template, env);
    return Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
      .map(([id, resource]) => {
        const managed = asList(properties(resource).ManagedPolicyArns as unknown[] | undefined).map((arn) => {
          const name = String(resolve(arn, options)).split('/').pop() ?? '';
          const policy = awsManagedPolicies[name];
          if (policy === undefined)
            throw new Error(`${file} ${id} attaches ${name}: add its document to awsManagedPolicies.`);
          return { name, policy };
        });
        return { where: `${file} ${id}`, identity: [...inlinePolicies(id, options), ...managed] };
      });
  });
}

/**
 * Evaluates each workload role's granted actions with the boundary applied: every action its
 * policies grant must stay allowed under the boundary. Returns the messages of the denials.
 */
export async function workloadRoleDenials(
  bootstrap: CfnTemplate,
  templates: Record<string, CfnTemplate>,
  env: SampleEnvironment,
): Promise<string[]> {
  const { boundary } = deployRolePolicies(bootstrap, env);
  const messages: string[] = [];
  const roles = workloadRoles(templates, env);
  if (roles.length < 4) messages.push(`expected the task, execution and infrastructure roles, found ${roles.length}`);
  for (const role of roles) {
    const needs: Need[] = role.identity.flatMap(({ policy }) =>
      policy.Statement.filter((statement) => statement.Effect === 'Allow').flatMap((statement) =>
        asList(statement.Action).map((action) => {
          const resources = asList(statement.Resource);
          const need: Need = { source: role.where, owner: role.where, action, phase: 'call' };
          if (!resources.includes('*')) need.resources = resources.map((resource) => concrete(resource, env));
          return need;
        }),
      ),
    );
    const principal = `arn:${env.partition}:sts::${env.account}:assumed-role/${role.where.split(' ')[1]}/task`;
    const denials = await evaluateNeeds(needs, { identity: role.identity, boundary, env, principal });
    messages.push(...denials.map(formatDenial));
  }
  return messages;
}
