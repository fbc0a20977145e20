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

/**
 * Adds the outcome of a finished (not dry) run to the job summary. A kept table is also a notice in
 * the log: it outlives the environment, and blocks creating the platform stack again under that name.
 */
export function summarizeSuccess(options: {
  environment: string;
  region: string;
  plan: CleanupPlan;
  keepData: boolean;
}): void {
  const { plan, region, environment } = options;
  const table = plan.table?.name;
  const protectedTable = Boolean(plan.table?.deletionProtection);
  const done = `✅ Environment ${environment} deleted.`;
  if (!table) {
    core.summary.addRaw(`<p>${escapeHtml(done)}</p>`, true);
    return;
  }
  if (!options.keepData) {
    core.summary.addRaw(
      `<p>${escapeHtml(`${done} Table ${table} deleted with its data (keep-data is false).`)}</p>`,
      true,
    );
    return;
  }
  const note = keptTableNote({ environment, table, deletionProtection: protectedTable });
  const url = dynamoDbTableUrl({ region, table });
  core.notice(`${note} Console: ${url}`);
  core.summary.addRaw(`<p>${escapeHtml(`${done} ${note}`)}</p>`, true);
  addSummaryLink(`Open table ${table} in the AWS console`, url);
}

/** What a user must know about a table that outlived its environment. */
function keptTableNote(options: { environment: string; table: string; deletionProtection: boolean }): string {
  const protection = options.deletionProtection ? 'deletion protection on' : 'deletion protection off';
  return (
    `Table ${options.table} was kept with its data (keep-data is true; ${protection}). ` +
    `It must be deleted — or imported into the new stack — before the platform stack of ${options.environment} can be created again under the same name; ` +
    'cleanup with keep-data false deletes it.'
  );
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
