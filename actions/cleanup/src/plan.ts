import type { CleanupPlan } from './context.js';

/** One line of what the cleanup deletes (or keeps). */
export interface PlanRow {
  kind: string;
  name: string;
  action: string;
}

/**
 * Lists the plan in execution order, exactly what a run deletes, and the table it keeps from its
 * stack (a dry run prints this and stops).
 */
export function planRows(plan: CleanupPlan, keepData: boolean): PlanRow[] {
  const rows: PlanRow[] = [];
  const last = (arn: string) => arn.split('/').pop() ?? arn;
  for (const arn of plan.services) rows.push({ kind: 'ECS service', name: last(arn), action: 'delete (force)' });
  for (const arn of plan.drainingServices) {
    rows.push({ kind: 'ECS service', name: last(arn), action: 'wait until INACTIVE (already deleted, DRAINING)' });
  }
  for (const td of plan.taskDefinitions) {
    rows.push({ kind: 'Task definition', name: last(td.arn), action: td.active ? 'deregister, delete' : 'delete' });
  }
  for (const [repository, digests] of Object.entries(plan.images)) {
    for (const digest of digests) rows.push({ kind: 'ECR image', name: `${repository}@${digest}`, action: 'delete' });
  }
  for (const cs of plan.changeSets) rows.push({ kind: 'Change set', name: cs.name, action: 'delete' });
  for (const stack of plan.stacks) {
    const protection = stack.terminationProtection ? ' (termination protection off first)' : '';
    rows.push({ kind: 'Stack', name: stack.name, action: `delete${protection}` });
  }
  const { table } = plan;
  if (table && !keepData) {
    const protection = table.deletionProtection ? ' (deletion protection off first)' : '';
    rows.push({ kind: 'DynamoDB table', name: table.name, action: `delete after the stacks${protection}` });
  } else if (table?.stack) {
    // A table that already outlived its stack is not listed: keeping it again changes nothing.
    const protection = table.deletionProtection ? '' : ', deletion protection on first';
    rows.push({ kind: 'DynamoDB table', name: table.name, action: `keep (its stack retains it${protection})` });
  }
  return rows;
}
