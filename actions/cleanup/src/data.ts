import * as core from '@actions/core';
import { paginateListStackResources } from '@aws-sdk/client-cloudformation';
import { UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import type { CleanupContext } from './context.js';

/** Sets DynamoDB deletion protection on the table to `enabled` when it differs. */
export async function setTableProtection(
  ctx: CleanupContext,
  table: { name: string; deletionProtection: boolean },
  enabled: boolean,
): Promise<void> {
  if (table.deletionProtection === enabled) return;
  await ctx.dynamodb.send(new UpdateTableCommand({ TableName: table.name, DeletionProtectionEnabled: enabled }));
  table.deletionProtection = enabled;
  core.info(`Deletion protection of table ${table.name} is now ${enabled ? 'on' : 'off'}.`);
}

/** The logical id of the table inside its stack (for DeleteStack's RetainResources). */
export async function tableLogicalId(ctx: CleanupContext, stackId: string, table: string): Promise<string | undefined> {
  for await (const page of paginateListStackResources({ client: ctx.cfn }, { StackName: stackId })) {
    const found = page.StackResourceSummaries?.find(
      (r) => r.ResourceType === 'AWS::DynamoDB::Table' && r.PhysicalResourceId === table,
    );
    if (found?.LogicalResourceId) return found.LogicalResourceId;
  }
  return undefined;
}
