// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are CloudFormation !Sub expressions, not JavaScript templates.
import { describe, expect, it } from 'vitest';
import { actionsWithResourceArns, allStatements, type Statement } from './iam.js';
import { asList, loadTemplate, properties, resourcesOfType } from './templates.js';

describe('IAM invariants', () => {
  const all = allStatements();

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

  it('should use Resource "*" only for actions iam-data says AWS authorises on "*" alone', async () => {
    for (const { where, statement } of all) {
      if (!asList(statement.Resource).includes('*')) continue;
      const scoped = await actionsWithResourceArns(asList(statement.Action));
      expect(scoped, `${where}: actions on Resource "*" that support resource ARNs`).toEqual([]);
    }
  });

  it("should give the tables' policy only the item calls the services use, on the two tables and the indexes", () => {
    const policy = properties(loadTemplate('platform.yml').Resources.TablesPolicy);
    const document = policy.PolicyDocument as { Statement: Statement[] };
    expect(document.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:Scan'],
        Resource: [{ 'Fn::GetAtt': ['MysfitsTable', 'Arn'] }, { 'Fn::Sub': '${MysfitsTable.Arn}/index/*' }],
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        Resource: { 'Fn::GetAtt': ['LikeRequestsTable', 'Arn'] },
      },
    ]);
    expect(policy.Path).toEqual({ 'Fn::Sub': '/${EnvironmentName}/' });
    expect(loadTemplate('platform.yml').Outputs?.TablesPolicyArn?.Value).toEqual({ Ref: 'TablesPolicy' });
  });

  it('should give a task role no inline permissions, only the platform policy its TaskPolicyExport names', () => {
    const role = properties(loadTemplate('service.yml').Resources.TaskRole);
    expect(role.Policies).toBeUndefined();
    expect(role.ManagedPolicyArns).toEqual({
      'Fn::If': [
        'HasTaskPolicy',
        [{ 'Fn::ImportValue': { 'Fn::Sub': '${EnvironmentName}-${TaskPolicyExport}' } }],
        { Ref: 'AWS::NoValue' },
      ],
    });
  });

  it('should give the ECS infrastructure role only the load balancer policy', () => {
    const role = properties(loadTemplate('platform.yml').Resources.EcsInfrastructureRole);
    expect(role.ManagedPolicyArns).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers' },
    ]);
    expect(role.Policies).toBeUndefined();
  });

  it('should keep every platform and service role under the environment path the deploy role may pass', () => {
    for (const file of ['platform.yml', 'service.yml']) {
      for (const [id, role] of resourcesOfType(loadTemplate(file), 'AWS::IAM::Role')) {
        expect(properties(role).Path, `${file} ${id}`).toEqual({ 'Fn::Sub': '/${EnvironmentName}/' });
      }
    }
  });

  // A branch subject (repo:…:ref:refs/heads/main) would let any job on main that names no
  // environment take the role past the environment's required reviewers.
  it("should pin the deploy role to one repository's jobs in one GitHub environment, and nothing else", () => {
    const trust = all.find(({ where }) => where === 'bootstrap.yml DeployRole')?.statement;
    expect(trust?.Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': {
          'Fn::Sub': 'repo:${GitHubRepository}:environment:${GitHubEnvironment}',
        },
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
