import * as core from '@actions/core';
import {
  CloudFormationClient,
  type Stack,
  type Tag,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import {
  awsClientConfig,
  cancellationSignal,
  errorMessage,
  resolveRegion,
  runAction,
  startDeadline,
} from '../../shared/src/index.js';
import { createChangeSet, executeChangeSet } from './change-set.js';
import type { DeployContext, StackSpec } from './context.js';
import { StackEventPrinter, startOperation } from './events.js';
import { type DeployInput, readDeployInput } from './inputs.js';
import { createStack, prepareStack } from './lifecycle.js';
import { checkResets, loadParameters } from './parameters.js';
import { previewStack } from './preview.js';
import { parametersForUpdate } from './previous-parameters.js';
import { logChanges, type ReportOptions, setStepOutputs, writeReport } from './report.js';
import { prepareTemplate } from './template.js';
import { waitForStack } from './wait-stack.js';

/** Seconds between DescribeStacks polls; CloudFormation itself reports at about this pace. */
const POLL_INTERVAL_MS = 5_000;

/** The action's entry point: deploys the stack and fails the step on any error. */
export async function run(): Promise<void> {
  await runAction(deploy);
}

async function deploy(): Promise<void> {
  const input = readDeployInput();
  const region = resolveRegion(input.region);
  const ctx: DeployContext = {
    client: new CloudFormationClient(awsClientConfig({ region })),
    region,
    deadline: startDeadline(input.timeout),
    signal: cancellationSignal(),
    intervalMs: POLL_INTERVAL_MS,
  };
  const report: ReportOptions = { stackName: input['stack-name'], region, startedAt: Date.now(), operation: 'prepare' };
  try {
    const spec = await buildSpec(input, region);
    const existing = await core.group('Check the stack', () => prepareStack(ctx, spec.stackName));
    report.stack = existing;
    const result = input['preview-only']
      ? await preview(ctx, spec, existing, report)
      : existing
        ? await update(ctx, spec, existing, report)
        : await create(ctx, spec, report);
    report.stack = result.stack;
    report.outputs = setStepOutputs(result.stack, result.hasChanges);
  } catch (err) {
    report.error = errorMessage(err);
    throw err;
  } finally {
    await writeReport(report);
  }
}

async function buildSpec(input: DeployInput, region: string): Promise<StackSpec> {
  const parameters = await loadParameters({ file: input['parameters-file'], lines: input.parameters });
  checkResets(parameters, input['reset-parameters']);
  const template = await prepareTemplate({
    path: input.template,
    stackName: input['stack-name'],
    bucket: input['template-bucket'],
    region,
  });
  return {
    stackName: input['stack-name'],
    template,
    parameters,
    resetParameters: input['reset-parameters'],
    capabilities: input.capabilities,
    tags: tagsOf(input.tags),
    terminationProtection: input['termination-protection'],
  };
}

interface Outcome {
  stack: Stack | undefined;
  hasChanges: boolean;
}

async function create(ctx: DeployContext, spec: StackSpec, report: ReportOptions): Promise<Outcome> {
  report.operation = 'create';
  const stack = await core.group(`Create ${spec.stackName}`, () => createStack(ctx, spec));
  return { stack, hasChanges: true };
}

async function update(ctx: DeployContext, spec: StackSpec, existing: Stack, report: ReportOptions): Promise<Outcome> {
  report.operation = 'update';
  const changeSet = await core.group('Compute the change set', async () =>
    createChangeSet(ctx, { ...spec, parameters: await parametersForUpdate(ctx, spec, existing) }, 'UPDATE'),
  );
  report.changes = changeSet.changes;
  let stack: Stack | undefined = existing;
  if (changeSet.empty) {
    core.info(`No changes to ${spec.stackName}; the empty change set was deleted.`);
  } else {
    logChanges(spec.stackName, changeSet.changes);
    stack = await core.group(`Update ${spec.stackName}`, async () => {
      const stackId = existing.StackId ?? spec.stackName;
      const operation = startOperation();
      const printer = new StackEventPrinter(ctx.client, stackId, operation);
      await executeChangeSet(ctx, changeSet, operation.token);
      const final = await waitForStack(ctx, { stackId, printer, description: `${spec.stackName} to be updated` });
      if (final?.StackStatus === 'UPDATE_COMPLETE') return final;
      const failure = printer.firstFailure();
      const why = failure
        ? `${failure.logicalId} (${failure.type}) ${failure.status}: ${failure.reason}`
        : (final?.StackStatusReason ?? 'no reason given');
      throw new Error(`Updating stack ${spec.stackName} ended in ${final?.StackStatus ?? 'no stack'}: ${why}`);
    });
  }
  await applyTerminationProtection(ctx, spec, stack ?? existing);
  return { stack, hasChanges: !changeSet.empty };
}

function tagsOf(lines: Record<string, string>): Tag[] | undefined {
  const tags = Object.entries(lines).map(([Key, Value]) => ({ Key, Value }));
  return tags.length > 0 ? tags : undefined;
}

async function applyTerminationProtection(ctx: DeployContext, spec: StackSpec, stack: Stack): Promise<void> {
  if (spec.terminationProtection === undefined) return;
  if (Boolean(stack.EnableTerminationProtection) === spec.terminationProtection) return;
  await ctx.client.send(
    new UpdateTerminationProtectionCommand({
      StackName: stack.StackId ?? spec.stackName,
      EnableTerminationProtection: spec.terminationProtection,
    }),
  );
  stack.EnableTerminationProtection = spec.terminationProtection;
  core.info(`Termination protection of ${spec.stackName} is now ${spec.terminationProtection ? 'on' : 'off'}.`);
}

async function preview(
  ctx: DeployContext,
  spec: StackSpec,
  existing: Stack | undefined,
  report: ReportOptions,
): Promise<Outcome> {
  report.operation = 'preview';
  const result = await previewStack(ctx, spec, existing);
  report.changes = result.changes;
  return { stack: existing, hasChanges: result.hasChanges };
}
