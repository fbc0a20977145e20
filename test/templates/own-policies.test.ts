import { describe, expect, it } from 'vitest';
import { deployRolePolicies } from './deploy-role.js';
import { evaluateNeeds, formatDenial, type Need } from './iam-evaluate.js';
import { boundaryArn, otherEnvironment, sampleEnvironment } from './iam-samples.js';
import { workloadTemplateFiles } from './needs-cloudformation.js';
import { loadTemplate } from './templates.js';
import { environmentPolicies } from './workload-roles.js';
import { workloadStacks } from './workload-stacks.js';

// The deploy role creates the environment's own managed policies (platform.yml's TablesPolicy) and
// attaches them to the environment's roles. That is safe only while every role they can reach
// carries the workload boundary, and the boundary itself stays out of reach: these are the proofs,
// with the same evaluator and sample environment as the permission proof.

const env = sampleEnvironment;
const principal = `arn:${env.partition}:sts::${env.account}:assumed-role/${env.name}-github-deploy/GitHubActions`;
const { identity } = deployRolePolicies(loadTemplate('bootstrap.yml'), env);
const templates = Object.fromEntries(workloadTemplateFiles.map((file) => [file, loadTemplate(file)]));
const [ownPolicy] = environmentPolicies(workloadStacks(templates, env), env).map((policy) => policy.arn);
const iam = `arn:${env.partition}:iam::${env.account}`;
// The deploy role's own managed policies (bootstrap.yml), by logical id.
const deployRolePolicyIds = identity.map(({ name }) => name).filter((name) => !name.includes('/'));
const environmentRole = `${iam}:role/${env.name}/${env.name}-service-probe-TaskRole-1A2B3C4D5E6F`;

/** The evaluator's verdict on each request: Allowed, ImplicitlyDenied or ExplicitlyDenied. */
async function verdicts(needs: Need[]): Promise<string[]> {
  const denials = await evaluateNeeds(needs, { identity, env, principal });
  return needs.map((need) => denials.find((denial) => denial.need === need)?.result ?? 'Allowed');
}

function call(action: string, resource: string, extra: Partial<Need> = {}): Need {
  return { source: 'own-policies.test.ts', owner: 'test', action, phase: 'call', resources: [resource], ...extra };
}

function attach(policyArn: string, role: string, extra: Partial<Need> = {}): Need {
  return call('iam:AttachRolePolicy', role, { context: { 'iam:PolicyARN': policyArn }, ...extra });
}

describe("the environment's own managed policies and the deploy role (bootstrap.yml)", () => {
  it("should find the platform stack's managed policy on the path /<env>/", () => {
    expect(ownPolicy).toMatch(new RegExp(`^${iam}:policy/${env.name}/`));
  });

  it('should let CloudFormation create, version and delete it, and attach it to a role with the boundary', async () => {
    const needs = [
      call('iam:CreatePolicy', ownPolicy ?? ''),
      call('iam:CreatePolicyVersion', ownPolicy ?? ''),
      call('iam:DeletePolicyVersion', ownPolicy ?? ''),
      call('iam:DeletePolicy', ownPolicy ?? ''),
      attach(ownPolicy ?? '', environmentRole),
    ];
    const denials = await evaluateNeeds(needs, { identity, env, principal });
    expect(denials.map(formatDenial).join('\n')).toBe('');
  });

  it('should explicitly deny changing or deleting the workload boundary, which lies on the same path', async () => {
    const boundary = boundaryArn(env);
    expect(boundary.startsWith(`${iam}:policy/${env.name}/`)).toBe(true);
    const actions = [
      'iam:CreatePolicyVersion',
      'iam:DeletePolicyVersion',
      'iam:SetDefaultPolicyVersion',
      'iam:DeletePolicy',
    ];
    expect(await verdicts(actions.map((action) => call(action, boundary)))).toEqual(
      actions.map(() => 'ExplicitlyDenied'),
    );
  });

  it('should not attach it to a role without the workload boundary, or with another one', async () => {
    const policy = ownPolicy ?? '';
    expect(
      await verdicts([
        attach(policy, environmentRole, { absentContext: ['iam:PermissionsBoundary'] }),
        // A boundary of the role's own making: the environment's policy itself, which grants what it likes.
        attach(policy, environmentRole, { context: { 'iam:PolicyARN': policy, 'iam:PermissionsBoundary': policy } }),
      ]),
    ).toEqual(['ImplicitlyDenied', 'ImplicitlyDenied']);
  });

  it("should not attach it to a role off the environment's path (the deploy role itself) even with the boundary", async () => {
    const deployRole = `${iam}:role/${env.name}-github-deploy`;
    expect(await verdicts([attach(ownPolicy ?? '', deployRole)])).toEqual(['ImplicitlyDenied']);
  });

  it("should not attach any other managed policy: an AWS one, or another environment's", async () => {
    const others = [
      `arn:${env.partition}:iam::aws:policy/AdministratorAccess`,
      `${iam}:policy/${otherEnvironment.name}/${otherEnvironment.name}-platform-TablesPolicy-1A2B3C4D5E6F`,
      `${iam}:policy/${env.name}-platform-TablesPolicy-1A2B3C4D5E6F`,
    ];
    expect(await verdicts(others.map((arn) => attach(arn, environmentRole)))).toEqual(
      others.map(() => 'ImplicitlyDenied'),
    );
  });

  it("should not edit the deploy role's own policies or another environment's", async () => {
    const targets = [
      ...deployRolePolicyIds.map((id) => `${iam}:policy/${env.name}-bootstrap-${id}-1A2B3C4D5E6F`),
      `${iam}:policy/${otherEnvironment.name}/${otherEnvironment.name}-platform-TablesPolicy-1A2B3C4D5E6F`,
    ];
    expect(await verdicts(targets.map((arn) => call('iam:CreatePolicyVersion', arn)))).toEqual(
      targets.map(() => 'ImplicitlyDenied'),
    );
  });
});
