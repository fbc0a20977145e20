import { readFileSync } from 'node:fs';
import type { CfnTemplate } from '@mysfits/cfn-template';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type DeployConfig, loadDeployConfig, parseDeployConfig, serviceStackNames } from '../../deploy/config.ts';
import { deployRolePolicies } from './deploy-role.js';
import { type Denial, evaluateNeeds, formatDenial, type Need } from './iam-evaluate.js';
import { environmentTagKey, otherEnvironment, type SampleEnvironment, sampleEnvironment } from './iam-samples.js';
import { cloudFormationNeeds, workloadTemplateFiles } from './needs-cloudformation.js';
import { deliveryNeeds, readSdkSources } from './needs-delivery.js';
import { exceptionsFile, readExceptions, review, unusedExceptions } from './permission-exceptions.js';
import { loadTemplate, repoRoot } from './templates.js';
import { workloadRoleDenials, workloadRoles } from './workload-roles.js';
import { presentResources, stackResolveOptions, workloadStacks } from './workload-stacks.js';

const env = sampleEnvironment;
const principal = `arn:${env.partition}:sts::${env.account}:assumed-role/${env.name}-github-deploy/GitHubActions`;
const exceptions = readExceptions();

function workloadTemplates(): Record<string, CfnTemplate> {
  return Object.fromEntries(workloadTemplateFiles.map((file) => [file, loadTemplate(file)]));
}

interface ProofInput {
  bootstrap?: CfnTemplate;
  templates?: Record<string, CfnTemplate>;
  sources?: Record<string, string>;
  /** deploy/config.yml's services, whose service.yml stacks the proof resolves. */
  config?: DeployConfig;
  /** Evaluates only these needs (a negative control looks at what it changed, to stay fast). */
  only?: (need: Need) => boolean;
}

/** The whole proof on (copies of) the inputs: the denials the reasons file does not explain. */
async function prove(input: ProofInput = {}) {
  const bootstrap = input.bootstrap ?? loadTemplate('bootstrap.yml');
  const templates = input.templates ?? workloadTemplates();
  const { identity } = deployRolePolicies(bootstrap, env);
  const stacks = workloadStacks(templates, env, input.config);
  const needs = [
    ...cloudFormationNeeds(templates, env, stacks),
    ...deliveryNeeds(input.sources ?? readSdkSources(), env, workloadRoles(stacks, env)),
  ];
  const denials = await evaluateNeeds(needs.filter(input.only ?? (() => true)), { identity, env, principal });
  return { needs, denials, stacks, ...review(denials, exceptions, templates) };
}

function messages(denials: Denial[]): string {
  return denials.map(formatDenial).join('\n');
}

const proof = await prove();

describe('the permission proof of the deploy role (bootstrap.yml)', () => {
  it('should check the handlers of every resource type of every template but the bootstrap', () => {
    const types = new Set(
      Object.values(workloadTemplates()).flatMap((t) => Object.values(t.Resources).map((r) => r.Type)),
    );
    const checked = new Set(proof.needs.map((need) => need.owner));
    for (const type of types) expect(checked, type).toContain(type);
    expect(proof.needs.length).toBeGreaterThan(300);
  });

  it('should allow every permission the CloudFormation handlers list, or say in the reasons file why not', () => {
    const unexplained = proof.unexplained.filter((denial) => denial.need.owner !== 'delivery');
    expect(messages(unexplained), `add a statement to bootstrap.yml, or a reason to ${exceptionsFile}`).toBe('');
  });

  it('should allow every AWS call of the actions and the workflows, or say in the reasons file why not', () => {
    const unexplained = proof.unexplained.filter((denial) => denial.need.owner === 'delivery');
    expect(messages(unexplained), `add a statement to bootstrap.yml, or a reason to ${exceptionsFile}`).toBe('');
  });

  it('should find the calls of the actions, the workflows, the image push and the roles handed to ECS', () => {
    const actions = new Set(proof.needs.filter((need) => need.owner === 'delivery').map((need) => need.action));
    for (const action of [
      'cloudformation:CreateChangeSet',
      'ecs:ListServices',
      'ecs:RegisterTaskDefinition',
      'ecr:DescribeImages',
      'ecr:PutImage',
      'ecr:GetAuthorizationToken',
      'iam:PassRole',
      'iam:CreateServiceLinkedRole',
    ]) {
      expect(actions, action).toContain(action);
    }
  });

  it("should read deploy/prune.ts's calls, each waiter as the command it polls", () => {
    const prune = proof.needs.filter((need) => need.source.startsWith('deploy/prune.ts ')).map((need) => need.action);
    expect(new Set(prune)).toEqual(
      new Set([
        'cloudformation:ListStacks',
        'cloudformation:DeleteStack',
        'cloudformation:DescribeStacks',
        'ecs:DeleteService',
        'ecs:DescribeServices',
      ]),
    );
  });

  it('should keep only reasons that are still needed and still true', () => {
    expect(proof.broken).toEqual([]);
    expect(unusedExceptions(exceptions, proof.used), `remove these from ${exceptionsFile}`).toEqual([]);
  });

  it('should let every workload role do what its policies grant, within the boundary', async () => {
    const roles = workloadRoles(workloadStacks(workloadTemplates(), env), env);
    // The platform's infrastructure role, and an execution and a task role per configured service.
    expect(roles.length).toBe(1 + 2 * Object.keys(loadDeployConfig().services).length);
    const denials = await workloadRoleDenials(loadTemplate('bootstrap.yml'), roles, env);
    expect(denials.length === 0 ? '' : denials.join('\n')).toBe('');
  });
});

/** deploy/config.yml with one more service, an internal one without a task policy (as a fork would add it). */
function configWithInternalService(): DeployConfig {
  const document = parse(readFileSync(`${repoRoot}deploy/config.yml`, 'utf8')) as { services: Record<string, unknown> };
  document.services.probeworker = { access: 'internal' };
  return parseDeployConfig(document);
}

describe('the permission proof and the stacks of deploy/config.yml', () => {
  const config = loadDeployConfig();
  const platformExport = (name: string) => {
    const platform = proof.stacks.find((stack) => stack.file === 'platform.yml');
    if (platform === undefined) throw new Error('expected a platform stack');
    return stackResolveOptions(platform, proof.stacks, env).importValue?.(`${env.name}-${name}`);
  };

  it('should resolve service.yml once per configured service, with the parameters deploy/pipeline.ts gives it', () => {
    const serviceStacks = proof.stacks.filter((stack) => stack.file === 'service.yml').map((stack) => stack.name);
    expect(serviceStacks).toEqual(Object.keys(config.services).map((s) => serviceStackNames(env.name, s).service));
    expect(Object.values(config.services).some((entry) => entry.taskPolicy !== undefined)).toBe(true);
    expect(Object.values(config.services).some((entry) => entry.taskPolicy === undefined)).toBe(true);
  });

  it('should attach to each task role the platform export its taskPolicy names (Fn::If, Fn::ImportValue), or nothing', () => {
    const roles = workloadRoles(proof.stacks, env);
    for (const [service, entry] of Object.entries(config.services)) {
      const role = roles.find((r) => r.where === `${serviceStackNames(env.name, service).service} TaskRole`);
      const expected = entry.taskPolicy === undefined ? [] : [platformExport(entry.taskPolicy)];
      expect(role?.managedPolicyArns, service).toEqual(expected);
    }
    expect(platformExport('TablesPolicyArn')).toBe(
      `arn:${env.partition}:iam::${env.account}:policy/${env.name}/${env.name}-platform-TablesPolicy-1A2B3C4D5E6F`,
    );
  });

  it("should check attaching each policy a role attaches, the platform's own managed policy among them", () => {
    const attached = proof.needs
      .filter((need) => need.owner === 'AWS::IAM::Role' && need.action === 'iam:AttachRolePolicy')
      .map((need) => need.context?.['iam:PolicyARN']);
    expect(attached).toContain(platformExport('TablesPolicyArn'));
    expect(attached).toContain(
      `arn:${env.partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers`,
    );
  });

  it('should give an internal service no listener rules or target groups, and still prove its roles', async () => {
    const { stacks, needs, unexplained } = await prove({
      config: configWithInternalService(),
      only: (need) => need.action.startsWith('iam:'),
    });
    const internal = stacks.find((stack) => stack.name === serviceStackNames(env.name, 'probeworker').service);
    if (internal === undefined) throw new Error("expected the internal service's stack");
    const types = presentResources(internal, stackResolveOptions(internal, stacks, env)).map(([, r]) => r.Type);
    expect(types).toContain('AWS::IAM::Role');
    expect(types).not.toContain('AWS::ElasticLoadBalancingV2::ListenerRule');
    expect(types).not.toContain('AWS::ElasticLoadBalancingV2::TargetGroup');
    const roles = workloadRoles(stacks, env).filter((role) => role.where.startsWith(`${internal.name} `));
    expect(roles.map((role) => role.managedPolicyArns)).toEqual([[], []]);
    // Its task definition hands both roles to ECS: the deploy role must be able to pass them.
    const passed = needs.filter((need) => need.action === 'iam:PassRole').flatMap((need) => need.resources ?? []);
    for (const role of roles) expect(passed).toContain(role.arn);
    expect(messages(unexplained)).toBe('');
    expect(await workloadRoleDenials(loadTemplate('bootstrap.yml'), roles, env)).toEqual([]);
  });
});

/** Writes on another environment's network and load balancer, as its own CloudFormation would send them. */
function otherEnvironmentWrites(other: SampleEnvironment): Need[] {
  const writes = [
    ['ec2:DeleteVpc', 'delete'],
    ['ec2:DeleteSubnet', 'delete'],
    ['ec2:AuthorizeSecurityGroupIngress', 'update'],
    ['ec2:RevokeSecurityGroupEgress', 'update'],
    ['ec2:DeleteSecurityGroup', 'delete'],
    ['ec2:CreateRoute', 'update'],
    ['ec2:DeleteNatGateway', 'delete'],
    ['ec2:ReleaseAddress', 'delete'],
    ['ec2:CreateTags', 'update'],
    ['ec2:CreateVpc', 'create'],
    ['ec2:CreateSubnet', 'create'],
    ['elasticloadbalancing:DeleteLoadBalancer', 'delete'],
    ['elasticloadbalancing:ModifyListener', 'update'],
    ['elasticloadbalancing:ModifyRule', 'update'],
    ['elasticloadbalancing:DeleteTargetGroup', 'delete'],
    ['elasticloadbalancing:CreateLoadBalancer', 'create'],
    ['elasticloadbalancing:AddTags', 'update'],
  ] as const;
  return writes.map(([action, phase]) => ({ source: `${other.name}'s stacks`, owner: 'other', action, phase }));
}

describe('the deploy role and other environments', () => {
  it('should have the environment workflow tag every stack it deploys with the environment', () => {
    const workflow = parse(readFileSync(`${repoRoot}.github/workflows/environment.yml`, 'utf8')) as {
      jobs: Record<string, { steps?: Array<{ uses?: string; with?: Record<string, string> }> }>;
    };
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps ?? []);
    const deploys = steps.filter((step) => step.uses === './actions/cfn-deploy');
    expect(deploys.length).toBeGreaterThanOrEqual(3);
    for (const step of deploys) {
      expect(step.with?.tags, step.with?.['stack-name']).toBe(`${environmentTagKey}=\${{ inputs.environment }}`);
    }
  });

  it("should deny every EC2 and load balancer write on another environment's resources", async () => {
    const { identity } = deployRolePolicies(loadTemplate('bootstrap.yml'), env);
    const needs = otherEnvironmentWrites(otherEnvironment);
    // The other environment's names and tags, evaluated against this environment's deploy role.
    const denials = await evaluateNeeds(needs, { identity, env: otherEnvironment, principal });
    const denied = new Set(denials.filter((d) => d.result !== 'Allowed').map((d) => d.need.action));
    expect(needs.filter((need) => !denied.has(need.action)).map((need) => need.action)).toEqual([]);
  });

  it('should still allow the same writes on its own resources', async () => {
    const { identity } = deployRolePolicies(loadTemplate('bootstrap.yml'), env);
    const denials = await evaluateNeeds(otherEnvironmentWrites(env), { identity, env, principal });
    expect(messages(denials)).toBe('');
  });
});

describe('the permission proof can fail (negative controls on in-memory copies)', () => {
  it('should fail when a statement is removed from the deploy role', async () => {
    const bootstrap = loadTemplate('bootstrap.yml');
    const document = bootstrap.Resources.DeliveryPolicy?.Properties?.PolicyDocument as {
      Statement: Array<{ Sid?: string }>;
    };
    document.Statement = document.Statement.filter((statement) => statement.Sid !== 'OwnRepositories');
    const { unexplained } = await prove({ bootstrap });
    expect(messages(unexplained)).toContain('ecr:CreateRepository');
    expect(messages(unexplained)).toContain('ecr:PutImage');
  });

  it("should fail when the environment's own managed policies are not allowed", async () => {
    const bootstrap = loadTemplate('bootstrap.yml');
    const document = bootstrap.Resources.InfrastructurePolicy?.Properties?.PolicyDocument as {
      Statement: Array<{ Sid?: string }>;
    };
    document.Statement = document.Statement.filter((statement) => statement.Sid !== 'OwnManagedPolicies');
    const { unexplained } = await prove({ bootstrap, only: (need) => need.owner === 'AWS::IAM::ManagedPolicy' });
    expect(messages(unexplained)).toContain('AWS::IAM::ManagedPolicy create: iam:CreatePolicy');
    expect(messages(unexplained)).toContain('AWS::IAM::ManagedPolicy update: iam:CreatePolicyVersion');
  });

  it('should fail when a template gains a resource type the role does not cover', async () => {
    const templates = workloadTemplates();
    const platform = templates['platform.yml'] as CfnTemplate;
    platform.Resources.ProbeQueue = { Type: 'AWS::SQS::Queue', Properties: {} };
    const { unexplained } = await prove({ templates, only: (need) => need.owner === 'AWS::SQS::Queue' });
    const sqs = unexplained.filter((denial) => denial.need.owner === 'AWS::SQS::Queue');
    expect(messages(sqs)).toContain('AWS::SQS::Queue create: sqs:CreateQueue');
  });

  it('should fail when an action sends an SDK command the role does not allow', async () => {
    const sources = readSdkSources();
    sources['actions/cleanup/src/probe.ts'] = [
      "import { DeleteClusterCommand, PutAccountSettingCommand } from '@aws-sdk/client-ecs';",
      'await client.send(new PutAccountSettingCommand({ name: "awsvpcTrunking", value: "enabled" }));',
    ].join('\n');
    const { unexplained } = await prove({ sources, only: (need) => need.source.includes('probe.ts') });
    expect(messages(unexplained)).toContain('actions/cleanup/src/probe.ts PutAccountSetting: ecs:PutAccountSetting');
  });
});
