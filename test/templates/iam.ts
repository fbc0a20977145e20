import type { CfnTemplate } from '@mysfits/cfn-template';
import { asList, loadTemplate, properties, templateFiles } from './templates.js';

/** One IAM policy statement as the templates write it (values may be intrinsic functions). */
export interface Statement {
  Sid?: string;
  Effect: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/**
 * Actions AWS only authorises on `Resource: "*"` (no resource-level permissions), with the reason.
 * A statement may use `*` only when every one of its actions is listed here.
 */
export const actionsOnlyOnStar: Record<string, string> = {
  'ecr:GetAuthorizationToken': 'returns a login for the whole registry',
  'cloudformation:ValidateTemplate': 'acts on a template body, not a stack',
  'cloudformation:ListStacks': 'list call without resource-level permissions',
  'cloudformation:ListExports': 'list call without resource-level permissions',
  'cloudformation:GetTemplateSummary': 'called with a template body before the stack exists',
  'ec2:Describe*': 'EC2 describe calls have no resource-level permissions',
  'elasticloadbalancing:Describe*': 'ELB describe calls have no resource-level permissions',
  'elasticloadbalancing:DescribeListeners': 'ELB describe calls have no resource-level permissions',
  'elasticloadbalancing:DescribeRules': 'ELB describe calls have no resource-level permissions',
  'elasticloadbalancing:DescribeTargetGroups': 'ELB describe calls have no resource-level permissions',
  'elasticloadbalancing:DescribeTargetHealth': 'ELB describe calls have no resource-level permissions',
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

/** The statements of one resource's policy documents (PolicyDocument, trust policy, inline Policies). */
export function resourceStatements(template: CfnTemplate, id: string): Statement[] {
  const props = properties(template.Resources[id]);
  const documents: unknown[] = [props.PolicyDocument, props.AssumeRolePolicyDocument];
  for (const policy of asList(props.Policies as Array<{ PolicyDocument: unknown }> | undefined)) {
    documents.push(policy.PolicyDocument);
  }
  return documents
    .filter((document) => document !== undefined)
    .flatMap((document) => asList((document as { Statement: Statement | Statement[] }).Statement));
}

/** Every policy statement of every template, labelled `<file> <logicalId>`. */
export function allStatements(): Array<{ where: string; statement: Statement }> {
  return templateFiles.flatMap((file) => {
    const template = loadTemplate(file);
    return Object.keys(template.Resources).flatMap((id) =>
      resourceStatements(template, id).map((statement) => ({ where: `${file} ${id}`, statement })),
    );
  });
}
