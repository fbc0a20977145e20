import * as core from '@actions/core';
import {
  addSummaryLink,
  addSummaryTable,
  cloudFormationStackUrl,
  dynamoDbTableUrl,
  errorMessage,
  escapeHtml,
} from '../../shared/src/index.js';
import type { CleanupPlan } from './context.js';
import { StackDeleteFailedError } from './stacks.js';

/** Adds the outcome of a finished (not dry) run to the job summary, and where the kept table is. */
export function summarizeSuccess(options: {
  environment: string;
  region: string;
  plan: CleanupPlan;
  keepData: boolean;
}): void {
  const { plan, region } = options;
  const kept = options.keepData && plan.table ? plan.table.name : undefined;
  const text = `✅ Environment ${options.environment} deleted.${kept ? ` Table ${kept} kept with deletion protection on (keep-data).` : ''}`;
  core.summary.addRaw(`<p>${escapeHtml(text)}</p>`, true);
  if (kept) addSummaryLink(`Open table ${kept} in the AWS console`, dynamoDbTableUrl({ region, table: kept }));
}

/**
 * Adds why the run stopped to the job summary: for a stack that ended DELETE_FAILED, a table of
 * each failed resource and its reason plus a link to the stack's events; otherwise the message.
 */
export function summarizeFailure(err: unknown, region: string): void {
  if (err instanceof StackDeleteFailedError) {
    addSummaryTable({
      heading: `❌ Stack ${err.target.name} ended in DELETE_FAILED`,
      columns: ['Logical id', 'Type', 'Reason'],
      rows: err.failures.map((f) => [f.logicalId, f.type, f.reason]),
      emptyText: 'CloudFormation reported no failed resource; see the stack events.',
    });
    addSummaryLink(
      `Open ${err.target.name} in the AWS console`,
      cloudFormationStackUrl({ region, stack: err.target.id }),
    );
    return;
  }
  core.summary.addRaw(`<p>${escapeHtml(`❌ ${errorMessage(err)}`)}</p>`, true);
}
