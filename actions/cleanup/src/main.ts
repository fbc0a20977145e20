import * as core from '@actions/core';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import {
  addSummaryTable,
  awsClientConfig,
  cancellationSignal,
  formatTextTable,
  resolveRegion,
  runAction,
  startDeadline,
  writeSummary,
} from '../../shared/src/index.js';
import type { CleanupContext, CleanupPlan, StackTarget, TableTarget } from './context.js';
import { deleteTable, setTableProtection } from './data.js';
import { discover } from './discover.js';
import { deleteImages } from './ecr.js';
import { deleteServices, deleteTaskDefinitions } from './ecs.js';
import { type CleanupInput, readCleanupInput } from './inputs.js';
import { type PlanRow, planRows } from './plan.js';
import { summarizeFailure, summarizeSuccess } from './report.js';
import { deleteChangeSets, deleteStack, formatFailure, StackDeleteFailedError } from './stacks.js';

const POLL_INTERVAL_MS = 5_000;

/** The action's entry point: deletes one environment and fails the step on any error. */
export async function run(): Promise<void> {
  await runAction(cleanup);
}

async function cleanup(): Promise<void> {
  const input = readCleanupInput();
  const region = resolveRegion(input.region);
  const config = awsClientConfig({ region });
  const ctx: CleanupContext = {
    cfn: new CloudFormationClient(config),
    ecs: new ECSClient(config),
    ecr: new ECRClient(config),
    dynamodb: new DynamoDBClient(config),
    region,
    deadline: startDeadline(input.timeout),
    signal: cancellationSignal(),
    intervalMs: POLL_INTERVAL_MS,
  };
  const plan = await core.group('Discover', () =>
    discover(ctx, { environment: input.environment, bootstrapStack: input['bootstrap-stack'] }),
  );
  const rows = planRows(plan, input['keep-data']);
  const verb = input['dry-run'] ? 'would' : 'will';
  core.info(
    rows.length === 0
      ? `Nothing to delete: environment ${input.environment} is already clean.`
      : `Cleanup of ${input.environment} ${verb} do:\n${formatTextTable(['Kind', 'Name', 'Action'], rows.map(cells))}`,
  );
  core.setOutput('resources', JSON.stringify(rows));
  core.setOutput('count', String(rows.length));
  addSummaryTable({
    heading: `cleanup: ${input.environment}${input['dry-run'] ? ' (dry run: nothing changed)' : ''}`,
    columns: ['Kind', 'Name', 'Action'],
    rows: rows.map(cells),
    emptyText: 'Nothing to delete: the environment is already clean.',
  });
  try {
    if (!input['dry-run']) {
      await execute(ctx, plan, input);
      summarizeSuccess({ environment: input.environment, region, plan, keepData: input['keep-data'] });
    }
  } catch (err) {
    summarizeFailure(err, region);
    throw err;
  } finally {
    await writeSummary();
  }
}

function cells(row: PlanRow): string[] {
  return [row.kind, row.name, row.action];
}

async function execute(ctx: CleanupContext, plan: CleanupPlan, input: CleanupInput): Promise<void> {
  if (plan.cluster && plan.services.length + plan.drainingServices.length > 0) {
    const cluster = plan.cluster;
    await core.group('Services', () =>
      deleteServices(ctx, cluster, { active: plan.services, draining: plan.drainingServices }),
    );
  }
  if (plan.taskDefinitions.length > 0) {
    await core.group('Task definitions', () => deleteTaskDefinitions(ctx, plan.taskDefinitions));
  }
  await core.group('Images', () => deleteImages(ctx, plan.images));
  await core.group('Change sets', () => deleteChangeSets(ctx, plan.changeSets));
  const { table } = plan;
  const keepData = input['keep-data'];
  if (table?.stack && keepData) {
    // platform.yml retains the table, so deleting its stack leaves it alone. A stack deployed from an
    // older template would delete it instead; with protection on, that deletion fails and the data stays.
    await core.group(`Table ${table.name}`, () => setTableProtection(ctx, table, true));
  }
  for (const stack of plan.stacks) {
    const kept = keepData && table?.stack === stack.name ? table : undefined;
    await core.group(`Stack ${stack.name}`, () => removeStack(ctx, stack, kept));
  }
  if (table && !keepData) await core.group(`Table ${table.name}`, () => deleteTable(ctx, table));
}

async function removeStack(ctx: CleanupContext, stack: StackTarget, keptTable: TableTarget | undefined): Promise<void> {
  const result = await deleteStack(ctx, stack);
  if (result.deleted) return;
  for (const failure of result.failures) core.error(`${stack.name}: ${formatFailure(failure)}`);
  const tableFailed = result.failures.some((f) => f.type === 'AWS::DynamoDB::Table');
  const advice =
    keptTable && tableFailed
      ? `The stack tried to delete table ${keptTable.name} (keep-data is true; its deletion protection stopped it): the stack was deployed before platform.yml retained the table. Deploy the platform stack with the current platform.yml (DeletionPolicy Retain), then rerun the cleanup.`
      : undefined;
  throw new StackDeleteFailedError(stack, result.failures, advice);
}
