import { type CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';

/**
 * The stack by name or id, or undefined when it does not exist (or is DELETE_COMPLETE, which only
 * a lookup by id returns).
 */
export async function describeStack(client: CloudFormationClient, stack: string): Promise<Stack | undefined> {
  try {
    const result = await client.send(new DescribeStacksCommand({ StackName: stack }));
    const found = result.Stacks?.[0];
    return found && found.StackStatus !== 'DELETE_COMPLETE' ? found : undefined;
  } catch (err) {
    if (err instanceof Error && /does not exist/.test(err.message)) return undefined;
    throw err;
  }
}

/** What the action must do with a stack in a given state before it can deploy. */
export type StackCondition =
  | 'missing' // CreateStack
  | 'updatable' // change set
  | 'busy' // another operation runs: wait, then look again
  | 'recreate' // ROLLBACK_COMPLETE / REVIEW_IN_PROGRESS: nothing usable is left, delete then create
  | 'stuck'; // needs a human (ROLLBACK_FAILED, DELETE_FAILED, UPDATE_ROLLBACK_FAILED …)

/** Classifies a stack status (undefined = no stack). */
export function classifyStack(status: string | undefined): StackCondition {
  if (status === undefined) return 'missing';
  if (status === 'ROLLBACK_COMPLETE' || status === 'REVIEW_IN_PROGRESS') return 'recreate';
  if (status.endsWith('_IN_PROGRESS')) return 'busy';
  if (status.endsWith('_FAILED')) return 'stuck';
  return 'updatable';
}

/** Why a stuck stack needs a human, and what to do. */
export function stuckAdvice(stack: Stack): string {
  const status = stack.StackStatus ?? 'unknown';
  const reason = stack.StackStatusReason ? ` (${stack.StackStatusReason})` : '';
  const todo =
    status === 'UPDATE_ROLLBACK_FAILED'
      ? 'Fix the resource that blocked the rollback, then run `aws cloudformation continue-update-rollback`'
      : 'Delete the stack by hand (retaining the resources that fail to delete), then rerun this job';
  return `Stack ${stack.StackName} is in ${status}${reason}; expected a stack that can be updated. ${todo}.`;
}
