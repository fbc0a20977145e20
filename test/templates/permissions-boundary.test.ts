// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are CloudFormation !Sub expressions, not JavaScript templates.
import { describe, expect, it } from 'vitest';
import { actionsWithResourceArns, resourceStatements, type Statement } from './iam.js';
import { asList, loadTemplate, properties, resourcesOfType, templateFiles } from './templates.js';

const bootstrap = loadTemplate('bootstrap.yml');
const platform = loadTemplate('platform.yml');
const service = loadTemplate('service.yml');
const boundaryId = 'WorkloadBoundaryPolicy';
const boundaryRef = { Ref: boundaryId };
const boundary = properties(bootstrap.Resources[boundaryId]);
const boundaryStatements = resourceStatements(bootstrap, boundaryId);

/** What platform.yml (and any other workload template) must write as each role's PermissionsBoundary. */
const boundaryArnSub =
  'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/${EnvironmentName}/${EnvironmentName}-workload-boundary';

/** IAM actions that change what a role may do; the deploy role may use each only with the boundary set. */
const rolePermissionActions = [
  'iam:CreateRole',
  'iam:PutRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
];

/**
 * What CloudFormation's AWS::IAM::ManagedPolicy handlers list (provider schema), for the environment's
 * own policies (platform.yml's TablesPolicy). Reviewed: a policy grants nothing until it is attached,
 * and the deploy role attaches only to roles with the workload boundary (rolePermissionActions), so
 * whatever it writes into one stays capped by the boundary. Allowed only on `policy/<env>/*`; the
 * boundary, which lives there too, is explicitly denied.
 */
const ownPolicyActions = [
  'iam:CreatePolicy',
  'iam:DeletePolicy',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
  'iam:ListPolicyVersions',
  'iam:CreatePolicyVersion',
  'iam:DeletePolicyVersion',
  'iam:ListEntitiesForPolicy',
];
const ownPolicyPath = { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/${EnvironmentName}/*' };

/** The only managed policies the deploy role may attach: the ECS infrastructure policy and the environment's own. */
const attachablePolicies = [
  { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers' },
  ownPolicyPath,
];

/**
 * The only other IAM actions the deploy role may be allowed: none of them grants a permission. Any IAM
 * action not listed here or above (CreateUser, CreatePolicyVersion, DeleteRolePermissionsBoundary, …)
 * fails the test, so a new one is reviewed for escalation before it is added.
 */
const harmlessIamActions = [
  'iam:DeleteRole',
  'iam:GetRole',
  'iam:UpdateRole',
  'iam:UpdateRoleDescription',
  'iam:UpdateAssumeRolePolicy',
  'iam:GetRolePolicy',
  'iam:ListRolePolicies',
  'iam:ListAttachedRolePolicies',
  'iam:TagRole',
  'iam:UntagRole',
  'iam:PassRole',
  'iam:CreateServiceLinkedRole',
];

/** AmazonECSInfrastructureRolePolicyForLoadBalancers, policy version v6 (AWS managed policy reference). */
const ecsInfrastructurePolicyActions = [
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeRules',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetHealth',
  'elasticloadbalancing:RegisterTargets',
  'elasticloadbalancing:DeregisterTargets',
  'elasticloadbalancing:ModifyListener',
  'elasticloadbalancing:ModifyRule',
];

/** The deploy role's statements: its inline policies and the managed policies it attaches from this template. */
function deployRoleStatements(): Statement[] {
  const role = properties(bootstrap.Resources.DeployRole);
  // Every policy it may attach, a conditional one (`!If [C, !Ref P, !Ref AWS::NoValue]`) included.
  const refs = (entry: unknown): string[] => {
    const branches = (entry as { 'Fn::If'?: unknown[] })['Fn::If'];
    if (branches) return branches.slice(1).flatMap(refs);
    const ref = (entry as { Ref?: string }).Ref ?? '';
    return ref === 'AWS::NoValue' ? [] : [ref];
  };
  const attached = asList(role.ManagedPolicyArns as unknown[] | undefined).flatMap(refs);
  const inline = asList(role.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }> | undefined);
  return [
    ...inline.flatMap((policy) => asList(policy.PolicyDocument.Statement)),
    ...attached.flatMap((id) => {
      expect(bootstrap.Resources[id]?.Type, `managed policy ${id}`).toBe('AWS::IAM::ManagedPolicy');
      return resourceStatements(bootstrap, id);
    }),
  ];
}

function subOf(value: unknown): string {
  return (value as { 'Fn::Sub'?: string })['Fn::Sub'] ?? '';
}

const boundaryActions = boundaryStatements.flatMap((statement) => asList(statement.Action));

describe('the workload permissions boundary (bootstrap.yml)', () => {
  it('should be named <env>-workload-boundary under the path /<env>/, which is the ARN the roles use', () => {
    expect(bootstrap.Resources[boundaryId]?.Type).toBe('AWS::IAM::ManagedPolicy');
    expect(boundary.Path).toEqual({ 'Fn::Sub': '/${EnvironmentName}/' });
    expect(boundary.ManagedPolicyName).toEqual({ 'Fn::Sub': '${EnvironmentName}-workload-boundary' });
    const built = `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy${subOf(boundary.Path)}${subOf(boundary.ManagedPolicyName)}`;
    expect(built).toBe(boundaryArnSub);
  });

  it('should export its ARN', () => {
    expect(bootstrap.Outputs?.WorkloadBoundaryArn?.Value).toEqual(boundaryRef);
    expect(bootstrap.Outputs?.WorkloadBoundaryArn?.Export?.Name).toEqual({
      'Fn::Sub': '${EnvironmentName}-WorkloadBoundaryArn',
    });
  });

  it('should only allow, with no wildcard in any action', () => {
    expect(boundaryStatements.length).toBeGreaterThan(4);
    for (const statement of boundaryStatements) {
      expect(statement.Effect, statement.Sid).toBe('Allow');
      expect(statement.NotAction, statement.Sid).toBeUndefined();
      for (const action of asList(statement.Action)) expect(action, statement.Sid).not.toContain('*');
    }
  });

  it('should scope every resource to this account, region and environment where AWS allows', async () => {
    for (const statement of boundaryStatements) {
      const resources = asList(statement.Resource);
      if (resources.includes('*')) {
        expect(resources, statement.Sid).toEqual(['*']);
        expect(await actionsWithResourceArns(asList(statement.Action)), statement.Sid).toEqual([]);
        continue;
      }
      for (const resource of resources) {
        expect(subOf(resource), statement.Sid).toMatch(
          /^arn:\$\{AWS::Partition\}:[a-z-]+:\$\{AWS::Region\}:\$\{AWS::AccountId\}:/,
        );
        // Load balancer resources have generated names; everything else carries the environment name.
        if (!subOf(resource).includes(':elasticloadbalancing:')) {
          expect(subOf(resource), statement.Sid).toContain('${EnvironmentName}');
        }
      }
    }
  });

  it('should allow every action the platform and service roles are granted, inline or by a platform policy', () => {
    // Trust statements (with a Principal) say who may assume the role, not what it may do.
    const granted = [platform, service].flatMap((template) =>
      [...resourcesOfType(template, 'AWS::IAM::Role'), ...resourcesOfType(template, 'AWS::IAM::ManagedPolicy')].flatMap(
        ([id]) =>
          resourceStatements(template, id)
            .filter((statement) => statement.Principal === undefined)
            .flatMap((statement) => asList(statement.Action)),
      ),
    );
    expect(granted).toEqual(expect.arrayContaining(['dynamodb:Query', 'ecr:BatchGetImage']));
    for (const action of granted) expect(boundaryActions, action).toContain(action);
  });

  it('should allow what AmazonECSInfrastructureRolePolicyForLoadBalancers grants', () => {
    for (const action of ecsInfrastructurePolicyActions) expect(boundaryActions, action).toContain(action);
  });

  it('should name the same table, repositories and log groups platform.yml and service.yml create', () => {
    const resources = JSON.stringify(boundaryStatements.map((statement) => statement.Resource));
    expect(properties(platform.Resources.MysfitsTable).TableName).toEqual({ 'Fn::Sub': '${EnvironmentName}-mysfits' });
    expect(resources).toContain(':table/${EnvironmentName}-mysfits"');
    expect(resources).toContain(':table/${EnvironmentName}-mysfits/index/*"');
    expect(resourcesOfType(service, 'AWS::ECR::Repository')).toHaveLength(1);
    for (const [id, repository] of resourcesOfType(service, 'AWS::ECR::Repository')) {
      expect(subOf(properties(repository).RepositoryName), id).toMatch(/^\$\{EnvironmentName\}\//);
    }
    expect(resources).toContain(':repository/${EnvironmentName}/*"');
    expect(resourcesOfType(service, 'AWS::Logs::LogGroup')).toHaveLength(1);
    for (const [id, group] of resourcesOfType(service, 'AWS::Logs::LogGroup')) {
      expect(subOf(properties(group).LogGroupName), id).toMatch(/^\/ecs\/\$\{EnvironmentName\}\//);
    }
    expect(resources).toContain(':log-group:/ecs/${EnvironmentName}/*"');
  });
});

describe('roles of the workload templates', () => {
  const workloadTemplates = templateFiles.filter((file) => file !== 'bootstrap.yml');

  it('should include platform.yml, service.yml and scaling.yml', () => {
    expect(workloadTemplates).toEqual(expect.arrayContaining(['platform.yml', 'service.yml', 'scaling.yml']));
  });

  it.each(workloadTemplates)('should set the workload boundary on every role of %s', (file) => {
    for (const [id, role] of resourcesOfType(loadTemplate(file), 'AWS::IAM::Role')) {
      expect(properties(role).PermissionsBoundary, `${file} ${id}`).toEqual({ 'Fn::Sub': boundaryArnSub });
    }
  });

  it('should find the ECS infrastructure role in the platform and two roles per service stack', () => {
    expect(resourcesOfType(platform, 'AWS::IAM::Role').map(([id]) => id)).toEqual(['EcsInfrastructureRole']);
    expect(resourcesOfType(service, 'AWS::IAM::Role').map(([id]) => id)).toEqual(['ExecutionRole', 'TaskRole']);
  });
});

describe('the deploy role (bootstrap.yml)', () => {
  const statements = deployRoleStatements();
  const allowed = statements.filter((statement) => statement.Effect === 'Allow');
  const denied = statements.filter((statement) => statement.Effect === 'Deny');

  it('should allow each role-permission-changing action only with the workload boundary as condition', () => {
    for (const action of rolePermissionActions) {
      const granting = allowed.filter((statement) => asList(statement.Action).includes(action));
      expect(granting, action).not.toHaveLength(0);
      for (const statement of granting) {
        expect(statement.Condition?.StringEquals?.['iam:PermissionsBoundary'], `${statement.Sid} ${action}`).toEqual(
          boundaryRef,
        );
      }
    }
  });

  it('should allow no other IAM action that can grant a permission, and no IAM wildcard', () => {
    const iamActions = allowed.flatMap((statement) => asList(statement.Action)).filter((a) => a.startsWith('iam:'));
    const reviewed = [...rolePermissionActions, ...ownPolicyActions, ...harmlessIamActions];
    expect(iamActions.filter((a) => !reviewed.includes(a))).toEqual([]);
  });

  it("should allow the managed policy actions only on the environment's own path, with no condition needed", () => {
    const granting = allowed.filter((statement) => asList(statement.Action).some((a) => ownPolicyActions.includes(a)));
    expect(granting.flatMap((statement) => asList(statement.Action))).toEqual(expect.arrayContaining(ownPolicyActions));
    for (const statement of granting) expect(statement.Resource, statement.Sid).toEqual(ownPolicyPath);
  });

  it('should attach only the ECS infrastructure policy and policies on the path /<env>/', () => {
    const attaching = allowed.filter((statement) => asList(statement.Action).includes('iam:AttachRolePolicy'));
    expect(attaching).not.toHaveLength(0);
    for (const statement of attaching) {
      const { ArnLike, ArnEquals, ...others } = statement.Condition ?? {};
      expect(Object.keys(others), statement.Sid).toEqual(['StringEquals']);
      const policies = [ArnLike, ArnEquals].flatMap((operator) => asList(operator?.['iam:PolicyARN']));
      expect(policies, statement.Sid).not.toHaveLength(0);
      for (const policy of policies) expect(attachablePolicies, statement.Sid).toContainEqual(policy);
    }
  });

  it('should deny editing or deleting the boundary policy', () => {
    const guarded = denied.filter((statement) => JSON.stringify(statement.Resource) === JSON.stringify(boundaryRef));
    expect(guarded.flatMap((statement) => asList(statement.Action))).toEqual(
      expect.arrayContaining([
        'iam:CreatePolicyVersion',
        'iam:DeletePolicyVersion',
        'iam:SetDefaultPolicyVersion',
        'iam:DeletePolicy',
      ]),
    );
    for (const statement of guarded) expect(statement.Condition, statement.Sid).toBeUndefined();
  });

  it('should deny taking the boundary off any role', () => {
    const removal = denied.filter((statement) =>
      asList(statement.Action).includes('iam:DeleteRolePermissionsBoundary'),
    );
    expect(removal.map((statement) => statement.Resource)).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*' },
    ]);
    expect(removal[0]?.Condition).toBeUndefined();
  });
});
