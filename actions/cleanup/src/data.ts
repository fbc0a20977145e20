import * as core from '@actions/core';
import { DeleteTableCommand, DescribeTableCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { waitUntil } from '../../shared/src/index.js';
import type { CleanupContext, TableTarget } from './context.js';

/** Sets DynamoDB deletion protection on the table to `enabled` when it differs. */
export async function setTableProtection(ctx: CleanupContext, table: TableTarget, enabled: boolean): Promise<void> {
  if (table.deletionProtection === enabled) return;
  await ctx.dynamodb.send(new UpdateTableCommand({ TableName: table.name, DeletionProtectionEnabled: enabled }));
  table.deletionProtection = enabled;
  core.info(`Deletion protection of table ${table.name} is now ${enabled ? 'on' : 'off'}.`);
}

/**
 * Deletes the table (deletion protection turned off first) and waits until DynamoDB no longer knows
 * it. A table already gone, or already DELETING after an interrupted run, is not an error.
 */
export async function deleteTable(ctx: CleanupContext, table: TableTarget): Promise<void> {
  const status = await tableStatus(ctx, table.name);
  if (status === undefined) {
    core.info(`Table ${table.name} is already gone.`);
    return;
  }
  if (status !== 'DELETING') {
    await setTableProtection(ctx, table, false);
    await ctx.dynamodb.send(new DeleteTableCommand({ TableName: table.name }));
  }
  await waitUntil<true>({
    description: `table ${table.name} to be deleted`,
    intervalMs: ctx.intervalMs,
    deadline: ctx.deadline,
    signal: ctx.signal,
    check: async () => {
      const current = await tableStatus(ctx, table.name);
      return current === undefined ? { done: true, value: true } : { done: false, progress: current };
    },
  });
  core.info(`Deleted table ${table.name}.`);
}

/** The table's status, or undefined when it does not exist. */
async function tableStatus(ctx: CleanupContext, name: string): Promise<string | undefined> {
  try {
    const { Table } = await ctx.dynamodb.send(new DescribeTableCommand({ TableName: name }));
    return Table?.TableStatus ?? 'UNKNOWN';
  } catch (err) {
    if (err instanceof Error && err.name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}
