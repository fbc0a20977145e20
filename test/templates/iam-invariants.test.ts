// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are CloudFormation !Sub expressions, not JavaScript templates.
import { describe, expect, it } from 'vitest';
import { asList, loadTemplate, properties, resourcesOfType, templateFiles } from './templates.js';

/**
 * Actions AWS only authorises on `Resource: "*"` (no resource-level permissions), with the reason.
 * A statement may use `*` only when every one of its actions is listed here.
 */
const actionsOnlyOnStar: Record<string, string> = {
  'ecr:GetAuthorizationToken': 'returns a login for the whole registry',
  'cloudformation:ValidateTemplate': 'acts on a template body, not a stack',
  'cloudformation:ListStacks': 'list call without resource-level permissions',
  'cloudformation:ListExports': 'list call without resource-level permissions',
  'cloudformation:GetTemplateSummary': 'called with a template body before the stack exists',
  'ec2:Describe*': 'EC2 describe calls have no resource-level permissions',
  'elasticloadbalancing:Describe*': 'ELB describe calls have no resource-level permissions',
  'application-autoscaling:Describe*': 'Application Auto Scaling describe calls have no resource-level permissions',
  'logs:DescribeLogGroups': 'list call without resource-level permissions',
  'servicediscovery:CreateHttpNamespace': 'the namespace has no ARN before it exists',
  'servicediscovery:GetOperation': 'operations have no ARN',
  'servicediscovery:ListNamespaces': 'list call without resource-level permissions',
  'ecs:CreateCluster': 'ECS authorises cluster creation on * only',
  'ecs:RegisterTaskDefinition': 'ECS authorises task definition registration on * only',
  'ecs:DeregisterTaskDefinition': 'ECS authorises task definition deregistration on * only',
  'ecs:DescribeTaskDefinition': 'ECS authorises describing task definitions on * only',
  'ecs:ListTaskDefinitions': 'list call without resource-level permissions',
  'ecs:ListTaskDefinitionFamilies': 'list call without resource-level permissions',
};

interface Statement {
  Effect: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

/** Every policy statement of every IAM resource, labelled with where it came from. */
function statements(): Array<{ where: string; statement: Statement }> {
  return templateFiles.flatMap((file) => {
    const template = loadTemplate(file);
    return Object.entries(template.Resources).flatMap(([id, resource]) => {
      const props = properties(resource);
      const documents: unknown[] = [props.PolicyDocument, props.AssumeRolePolicyDocument];
      for (const policy of asList(props.Policies as Array<{ PolicyDocument: unknown }> | undefined)) {
        documents.push(policy.PolicyDocument);
      }
      return documents
        .filter((document) => document !== undefined)
        .flatMap((document) =>
          asList((document as { Statement: Statement | Statement[] }).Statement).map((statement) => ({
            where: `${file} ${id}`,
            statement,
          })),
        );
    });
  });
}

describe('IAM invariants', () => {
  const all = statements();

  it('should find the policy statements of every template', () => {
    expect(all.length).toBeGreaterThan(15);
  });

  it('should never allow Action "*" or NotAction', () => {
    for (const { where, statement } of all) {
      expect(asList(statement.Action), where).not.toContain('*');
      expect(
        asList(statement.Action).filter((action) => action.endsWith(':*')),
        where,
      ).toEqual([]);
      expect(statement.NotAction, where).toBeUndefined();
    }
  });

  it('should use Resource "*" only for actions AWS allows on "*" alone', () => {
    for (const { where, statement } of all) {
      if (!asList(statement.Resource).includes('*')) continue;
      const unlisted = asList(statement.Action).filter((action) => !(action in actionsOnlyOnStar));
      expect(unlisted, `${where}: actions on Resource "*" that support resource ARNs`).toEqual([]);
    }
  });

  it('should give the monolith task role only the table actions it uses, on the table and its indexes', () => {
    const template = loadTemplate('platform.yml');
    const role = properties(template.Resources.MonolithTaskRole);
    const policies = role.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>;
    const granted = policies.flatMap((policy) => policy.PolicyDocument.Statement);
    expect(granted).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:Scan'],
        Resource: [{ 'Fn::GetAtt': ['MysfitsTable', 'Arn'] }, { 'Fn::Sub': '${MysfitsTable.Arn}/index/*' }],
      },
    ]);
    expect(role.ManagedPolicyArns).toBeUndefined();
  });

  it('should give the like task role no permissions at all', () => {
    const role = properties(loadTemplate('platform.yml').Resources.LikeTaskRole);
    expect(role.Policies).toBeUndefined();
    expect(role.ManagedPolicyArns).toBeUndefined();
  });

  it('should give the ECS infrastructure role only the load balancer policy', () => {
    const role = properties(loadTemplate('platform.yml').Resources.EcsInfrastructureRole);
    expect(role.ManagedPolicyArns).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers' },
    ]);
    expect(role.Policies).toBeUndefined();
  });

  it('should keep every platform role under the environment path the deploy role may pass', () => {
    for (const [id, role] of resourcesOfType(loadTemplate('platform.yml'), 'AWS::IAM::Role')) {
      expect(properties(role).Path, id).toEqual({ 'Fn::Sub': '/${EnvironmentName}/' });
    }
  });

  it('should pin the deploy role to one repository, its main branch and one environment', () => {
    const trust = all.find(({ where }) => where === 'bootstrap.yml DeployRole')?.statement;
    expect(trust?.Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': [
          { 'Fn::Sub': 'repo:${GitHubRepository}:ref:refs/heads/main' },
          { 'Fn::Sub': 'repo:${GitHubRepository}:environment:${GitHubEnvironment}' },
        ],
      },
    });
  });

  it('should let the deploy role pass only its own roles, and only to ECS', () => {
    const passRole = all.filter(({ statement }) => asList(statement.Action).includes('iam:PassRole'));
    expect(passRole).toHaveLength(1);
    expect(passRole[0]?.statement.Resource).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${EnvironmentName}/*',
    });
    expect(passRole[0]?.statement.Condition).toEqual({
      StringEquals: { 'iam:PassedToService': ['ecs-tasks.amazonaws.com', 'ecs.amazonaws.com'] },
    });
  });
});
