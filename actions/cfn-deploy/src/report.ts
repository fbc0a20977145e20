import * as core from '@actions/core';
import type { Change, Stack } from '@aws-sdk/client-cloudformation';
import {
  addSummaryLink,
  addSummaryTable,
  cloudFormationStackUrl,
  formatDuration,
  formatTextTable,
  writeSummary,
} from '../../shared/src/index.js';
import { CHANGE_COLUMNS, changeRows } from './change-set.js';

// Our own outputs win over a stack output of the same name; the stack's value is still in `outputs`.
const RESERVED_OUTPUTS = new Set(['outputs', 'has-changes', 'stack-id', 'status']);

/** Prints the change table to the log and keeps it for the summary. */
export function logChanges(stackName: string, changes: Change[]): void {
  core.info(`Changes to ${stackName}:\n${formatTextTable(CHANGE_COLUMNS, changeRows(changes))}`);
}

/** Sets every stack output as a step output, plus `outputs` (JSON), `has-changes`, `stack-id`, `status`. */
export function setStepOutputs(stack: Stack | undefined, hasChanges: boolean): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const output of stack?.Outputs ?? []) {
    if (output.OutputKey) outputs[output.OutputKey] = output.OutputValue ?? '';
  }
  for (const [key, value] of Object.entries(outputs)) {
    if (RESERVED_OUTPUTS.has(key))
      core.warning(`Stack output '${key}' is only in the 'outputs' JSON: the name is taken.`);
    else core.setOutput(key, value);
  }
  core.setOutput('outputs', JSON.stringify(outputs));
  core.setOutput('has-changes', String(hasChanges));
  core.setOutput('stack-id', stack?.StackId ?? '');
  core.setOutput('status', stack?.StackStatus ?? 'NONE');
  return outputs;
}

/** What the summary shows about one run. */
export interface ReportOptions {
  stackName: string;
  region: string;
  startedAt: number;
  operation: string;
  stack?: Stack | undefined;
  changes?: Change[] | undefined;
  outputs?: Record<string, string> | undefined;
  error?: string | undefined;
}

/** Writes the job summary: a result table, the change table, the outputs and a console link. */
export async function writeReport(options: ReportOptions): Promise<void> {
  const result = options.error ? `❌ ${options.error}` : '✅ success';
  addSummaryTable({
    heading: `cfn-deploy: ${options.stackName}`,
    columns: ['Stack', 'Operation', 'Status', 'Duration', 'Result'],
    rows: [
      [
        options.stackName,
        options.operation,
        options.stack?.StackStatus ?? 'NONE',
        formatDuration(Date.now() - options.startedAt),
        result,
      ],
    ],
  });
  if (options.changes) {
    addSummaryTable({
      heading: 'Changes',
      columns: CHANGE_COLUMNS,
      rows: changeRows(options.changes),
      emptyText: 'No changes.',
    });
  }
  if (options.outputs) {
    addSummaryTable({
      heading: 'Outputs',
      columns: ['Output', 'Value'],
      rows: Object.entries(options.outputs),
      emptyText: 'The stack has no outputs.',
    });
  }
  const stack = options.stack?.StackId ?? options.stackName;
  addSummaryLink('Open the stack in the AWS console', cloudFormationStackUrl({ region: options.region, stack }));
  await writeSummary();
}
