import { readFileSync } from 'node:fs';
import type { CfnTemplate } from '@mysfits/cfn-template';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { deployRolePolicies } from './deploy-role.js';
import { type Denial, evaluateNeeds, formatDenial, type Need } from './iam-evaluate.js';
import { environmentTagKey, otherEnvironment, type SampleEnvironment, sampleEnvironment } from './iam-samples.js';
import { cloudFormationNeeds, workloadTemplateFiles } from './needs-cloudformation.js';
import { deliveryNeeds, readSdkSources } from './needs-delivery.js';
import { exceptionsFile, readExceptions, review, unusedExceptions } from './permission-exceptions.js';
import { loadTemplate, repoRoot } from './templates.js';
import { workloadRoleDenials } from './workload-roles.js';

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
  /** Evaluates only these needs (a negative control looks at what it changed, to stay fast). */
  only?: (need: Need) => boolean;
}

/** The whole proof on (copies of) the inputs: the denials the reasons file does not explain. */
async function prove(input: ProofInput = {}) {
  const bootstrap = input.bootstrap ?? loadTemplate('bootstrap.yml');
  const templates = input.templates ?? workloadTemplates();
  const { identity } = deployRolePolicies(bootstrap, env);
  const needs = [...cloudFormationNeeds(templates, env), ...deliveryNeeds(input.sources ?? readSdkSources(), env)];
  const denials = await evaluateNeeds(needs.filter(input.only ?? (() => true)), { identity, env, principal });
  return { needs, denials, ...review(denials, exceptions, templates) };
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

  it('should keep only reasons that are still needed and still true', () => {
    expect(proof.broken).toEqual([]);
    expect(unusedExceptions(exceptions, proof.used), `remove these from ${exceptionsFile}`).toEqual([]);
  });

  it('should let every workload role do what its policies grant, within the boundary', async () => {
    const denials = await workloadRoleDenials(loadTemplate('bootstrap.yml'), workloadTemplates(), env);
    expect(denials.length === 0 ? '' : denials.join('\n')).toBe('');
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
  it('should have deploy.yml tag every stack it deploys with the environment', () => {
    const workflow = parse(readFileSync(`${repoRoot}.github/workflows/deploy.yml`, 'utf8')) as {
      jobs: Record<string, { steps?: Array<{ uses?: string; with?: Record<string, string> }> }>;
    };
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps ?? []);
    const deploys = steps.filter((step) => step.uses === './actions/cfn-deploy');
    expect(deploys.length).toBeGreaterThanOrEqual(3);
    for (const step of deploys) {
      expect(step.with?.tags, step.with?.['stack-name']).toBe(
        `${environmentTagKey}=\${{ needs.changes.outputs.environment }}`,
      );
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
