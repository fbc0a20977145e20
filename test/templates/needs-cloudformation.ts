import { globSync, readFileSync } from 'node:fs';
import type { CfnTemplate } from '@mysfits/cfn-template';
import { z } from 'zod/mini';
import type { Need, Phase } from './iam-evaluate.js';
import { clusterArn, type SampleEnvironment } from './iam-samples.js';
import { repoRoot, templateFiles } from './templates.js';
import { environmentPolicies, workloadRoles } from './workload-roles.js';
import { stackResolveOptions, type WorkloadStack, workloadStacks } from './workload-stacks.js';

/** The templates whose stacks the deploy role creates through CloudFormation: all but the bootstrap, which a person deploys. */
export const workloadTemplateFiles = templateFiles.filter((file) => file !== 'bootstrap.yml');

const handlerNames = ['create', 'read', 'update', 'delete', 'list'] as const satisfies readonly Phase[];

const providerSchema = z.object({
  typeName: z.string(),
  handlers: z.optional(z.record(z.string(), z.object({ permissions: z.optional(z.array(z.string())) }))),
  tagging: z.optional(z.object({ taggable: z.optional(z.boolean()), tagOnCreate: z.optional(z.boolean()) })),
});
export type ProviderSchema = z.infer<typeof providerSchema>;

function schemaDirectory(): string {
  const [found] = globSync('.venv/lib/python3*/site-packages/cfnlint/data/schemas', { cwd: repoRoot });
  if (found === undefined) {
    throw new Error('cfn-lint is not installed in .venv: run `bash scripts/setup.sh all` (npm test does).');
  }
  return `${repoRoot}${found}`;
}

/** The resource provider schema cfn-lint ships for a type (providers/us-east-1.json names its file). */
export function providerSchemaOf(type: string): ProviderSchema {
  const directory = schemaDirectory();
  const index = z
    .record(z.string(), z.string())
    .parse(JSON.parse(readFileSync(`${directory}/providers/us-east-1.json`, 'utf8')));
  const file = index[type];
  if (file === undefined) throw new Error(`cfn-lint has no provider schema for ${type} in us-east-1.`);
  return providerSchema.parse(JSON.parse(readFileSync(`${directory}/resources/${file}.json`, 'utf8')));
}

/** Every resource type the templates declare, with the logical ids that have it. */
export function resourceTypes(templates: Record<string, CfnTemplate>): Map<string, string[]> {
  const types = new Map<string, string[]>();
  for (const [file, template] of Object.entries(templates)) {
    for (const [id, resource] of Object.entries(template.Resources)) {
      types.set(resource.Type, [...(types.get(resource.Type) ?? []), `${file} ${id}`]);
    }
  }
  return types;
}

/** The service-linked role each type's handler may create, and its role name. */
export const serviceLinkedRoles: Record<string, { service: string; role: string }> = {
  'AWS::ECS::Cluster': { service: 'ecs.amazonaws.com', role: 'AWSServiceRoleForECS' },
  'AWS::ApplicationAutoScaling::ScalableTarget': {
    service: 'ecs.application-autoscaling.amazonaws.com',
    role: 'AWSServiceRoleForApplicationAutoScaling_ECSService',
  },
  'AWS::AutoScaling::AutoScalingGroup': {
    service: 'autoscaling.amazonaws.com',
    role: 'AWSServiceRoleForAutoScaling',
  },
  'AWS::ECS::CapacityProvider': { service: 'ecs.amazonaws.com', role: 'AWSServiceRoleForECS' },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': {
    service: 'elasticloadbalancing.amazonaws.com',
    role: 'AWSServiceRoleForElasticLoadBalancing',
  },
};

/**
 * The roles a type's handler passes (iam:PassRole), to which service: the role's logical id in the
 * service stacks. A CODE_DEPLOY service's deployment group hands its CodeDeploy role to CodeDeploy.
 */
const passedRoles: Record<string, { service: string; file: string; roleId: string }> = {
  'AWS::CodeDeploy::DeploymentGroup': {
    service: 'codedeploy.amazonaws.com',
    file: 'service.yml',
    roleId: 'CodeDeployRole',
  },
  // The launch template names the instance profile, whose role EC2 instances assume.
  'AWS::AutoScaling::AutoScalingGroup': {
    service: 'ec2.amazonaws.com',
    file: 'ec2-capacity.yml',
    roleId: 'InstanceRole',
  },
  'AWS::IAM::InstanceProfile': { service: 'ec2.amazonaws.com', file: 'ec2-capacity.yml', roleId: 'InstanceRole' },
};

/**
 * The resources a type's handler acts on that the environment's samples (iam-samples.ts) do not
 * hold, because only this type has them: the EC2 capacity stack's group, launch template, instance
 * profile, capacity provider, and the AMI and its public SSM parameter. Each permission is checked
 * on those of them that are of its resource types (else on the samples).
 */
function ownResources(type: string, env: SampleEnvironment): string[] | undefined {
  const at = (service: string) => `arn:${env.partition}:${service}:${env.region}:${env.account}`;
  const group = `${at('autoscaling')}:autoScalingGroup:8f4c2a10-1b2c-11ef-9a3b-0a1b2c3d4e5f:autoScalingGroupName/${env.name}-ec2-capacity-AutoScalingGroup-1A2B3C4D5E6F`;
  const launchTemplate = `${at('ec2')}:launch-template/lt-0a1b2c3d4e5f60718`;
  const image = `arn:${env.partition}:ec2:${env.region}::image/ami-0a1b2c3d4e5f60718`;
  const parameter = `arn:${env.partition}:ssm:${env.region}::parameter/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id`;
  const subnet = `${at('ec2')}:subnet/subnet-0a1b2c3d4e5f60718`;
  const securityGroup = `${at('ec2')}:security-group/sg-0a1b2c3d4e5f60718`;
  const resources: Record<string, string[]> = {
    'AWS::AutoScaling::AutoScalingGroup': [group, launchTemplate, image, subnet, securityGroup, parameter],
    'AWS::EC2::LaunchTemplate': [launchTemplate],
    'AWS::IAM::InstanceProfile': [
      `arn:${env.partition}:iam::${env.account}:instance-profile/${env.name}/${env.name}-ec2-capacity-InstanceProfile-1A2B3C4D5E6F`,
    ],
    'AWS::ECS::CapacityProvider': [`${at('ecs')}:capacity-provider/${env.name}-ec2`, group, clusterArn(env)],
  };
  return resources[type];
}

export function serviceLinkedRoleArn(env: SampleEnvironment, service: string, role: string): string {
  return `arn:${env.partition}:iam::${env.account}:role/aws-service-role/${service}/${role}`;
}

/** How a type's handler reaches KMS: through the service (the repositories' and tables' AWS managed keys). */
function viaService(type: string, env: SampleEnvironment): string | undefined {
  if (type.startsWith('AWS::ECR::')) return `ecr.${env.region}.amazonaws.com`;
  if (type.startsWith('AWS::DynamoDB::')) return `dynamodb.${env.region}.amazonaws.com`;
  return undefined;
}

const taggingActions = /:(CreateTags|AddTags|TagResource)$/;

/**
 * The managed policies a type's handler attaches or detaches (iam:PolicyARN of Attach/DetachRolePolicy):
 * a role's handler those of its ManagedPolicyArns, a managed policy's handler the policy itself.
 */
function attachedPolicyArns(type: string, stacks: WorkloadStack[], env: SampleEnvironment): string[] {
  const arns =
    type === 'AWS::IAM::ManagedPolicy'
      ? environmentPolicies(stacks, env).map((policy) => policy.arn)
      : workloadRoles(stacks, env).flatMap((role) => role.managedPolicyArns);
  return [...new Set(arns)];
}

/**
 * Each permission the handlers of the templates' resource types list, as a need of the deploy role.
 * Every resource type counts, whatever its Condition (a fork may configure any service either way);
 * values that depend on parameters (the policies a role attaches) come from the stacks.
 */
export function cloudFormationNeeds(
  templates: Record<string, CfnTemplate>,
  env: SampleEnvironment,
  stacks: WorkloadStack[] = workloadStacks(templates, env),
): Need[] {
  const needs: Need[] = [];
  for (const type of resourceTypes(templates).keys()) {
    const schema = providerSchemaOf(type);
    for (const phase of handlerNames) {
      const permissions = schema.handlers?.[phase]?.permissions ?? [];
      const createAction = permissions
        .map((permission) => permission.split(':'))
        .find(([, name]) => /^(Create|Allocate|Register)/.test(name ?? '') && !/Tags?$/.test(name ?? ''))?.[1];
      for (const action of permissions) {
        const need: Need = { source: `${type} ${phase}`, owner: type, action, phase };
        if (schema.tagging?.taggable === false) need.untagged = true;
        if (phase === 'create' && taggingActions.test(action) && createAction) need.createAction = createAction;
        const own = ownResources(type, env);
        if (own !== undefined) need.resources = own;
        const via = viaService(type, env);
        if (action.startsWith('kms:') && via) need.context = { 'kms:ViaService': via };
        const linked = serviceLinkedRoles[type];
        if (action === 'iam:CreateServiceLinkedRole' && linked) {
          need.context = { 'iam:AWSServiceName': linked.service };
          need.resources = [serviceLinkedRoleArn(env, linked.service, linked.role)];
        }
        const passed = passedRoles[type];
        if (action === 'iam:PassRole' && passed) {
          // The role's ARN in every stack of its template, whether or not that stack has the role.
          need.context = { 'iam:PassedToService': passed.service };
          need.resources = stacks
            .filter((stack) => stack.file === passed.file)
            .map((stack) => stackResolveOptions(stack, stacks, env).resourceValue(passed.roleId, 'Arn'));
        }
        if (/^iam:(Attach|Detach)RolePolicy$/.test(action)) {
          for (const policy of attachedPolicyArns(type, stacks, env))
            needs.push({ ...need, context: { 'iam:PolicyARN': policy } });
          continue;
        }
        needs.push(need);
      }
    }
  }
  return needs;
}
