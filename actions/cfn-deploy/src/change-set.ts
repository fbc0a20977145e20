import {
  type Change,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  type DescribeChangeSetCommandOutput,
  ExecuteChangeSetCommand,
  paginateDescribeChangeSet,
} from '@aws-sdk/client-cloudformation';
import { waitUntil } from '../../shared/src/index.js';
import type { DeployContext, StackSpec } from './context.js';

/** A change set once CloudFormation has finished computing it. */
export interface ChangeSetResult {
  id: string;
  stackId: string;
  /** True when CloudFormation found nothing to change (the change set is then already deleted). */
  empty: boolean;
  changes: Change[];
}

// CloudFormation reports "nothing to change" as a FAILED change set with one of these reasons.
const NO_CHANGES = /didn't contain changes|No updates are to be performed/i;

/** A change set CloudFormation accepted and is computing. */
export interface StartedChangeSet {
  id: string;
  /** For a CREATE change set: the REVIEW_IN_PROGRESS stack CloudFormation made for it. */
  stackId: string;
}

/**
 * Creates a change set (UPDATE for an existing stack, CREATE for a preview of a new one), waits until
 * it is computed and lists every change (paginated). An empty change set is deleted right away.
 * @throws with CloudFormation's reason when the change set fails for any other reason.
 */
export async function createChangeSet(
  ctx: DeployContext,
  spec: StackSpec,
  type: 'UPDATE' | 'CREATE',
): Promise<ChangeSetResult> {
  const started = await startChangeSet(ctx, spec, type);
  if (!started) return { id: '', stackId: spec.stackName, empty: true, changes: [] };
  return awaitChangeSet(ctx, spec, started);
}

/**
 * Sends CreateChangeSet.
 * @returns the change set, or undefined when CloudFormation refused it for having nothing to change.
 */
export async function startChangeSet(
  ctx: DeployContext,
  spec: StackSpec,
  type: 'UPDATE' | 'CREATE',
): Promise<StartedChangeSet | undefined> {
  const created = await ctx.client
    .send(
      new CreateChangeSetCommand({
        StackName: spec.stackName,
        ChangeSetName: `cfn-deploy-${Date.now()}`,
        ChangeSetType: type,
        ...spec.template,
        Parameters: spec.parameters,
        Capabilities: spec.capabilities,
        // CreateChangeSet/UpdateStack: an empty Tags list removes every stack tag, an absent one keeps them.
        ...(spec.tags && { Tags: spec.tags }),
        Description:
          `cfn-deploy ${process.env.GITHUB_REPOSITORY ?? ''} run ${process.env.GITHUB_RUN_ID ?? 'local'}`.trim(),
      }),
    )
    .catch((err: unknown) => {
      // CloudFormation answers "nothing to change" with a FAILED change set; moto (and UpdateStack)
      // answer with this ValidationError instead. Either way there is nothing to execute or delete.
      if (err instanceof Error && err.name === 'ValidationError' && NO_CHANGES.test(err.message)) return undefined;
      throw err;
    });
  if (!created) return undefined;
  return { id: created.Id ?? '', stackId: created.StackId ?? spec.stackName };
}

/**
 * Waits until a started change set is computed and lists its changes; an empty one is deleted.
 * @throws with CloudFormation's reason when the change set fails for any other reason.
 */
export async function awaitChangeSet(
  ctx: DeployContext,
  spec: StackSpec,
  started: StartedChangeSet,
): Promise<ChangeSetResult> {
  const { id } = started;
  const described = await waitUntil<DescribeChangeSetCommandOutput>({
    description: `change set for ${spec.stackName} to be computed`,
    intervalMs: ctx.intervalMs,
    deadline: ctx.deadline,
    signal: ctx.signal,
    check: async () => {
      const result = await ctx.client.send(
        new DescribeChangeSetCommand({ ChangeSetName: id, StackName: spec.stackName }),
      );
      const status = result.Status ?? 'UNKNOWN';
      if (status === 'CREATE_COMPLETE' || status === 'FAILED') return { done: true, value: result };
      return { done: false, progress: status };
    },
  });
  const stackId = described.StackId ?? started.stackId;
  if (described.Status === 'FAILED') {
    const reason = described.StatusReason ?? 'no reason given';
    if (NO_CHANGES.test(reason)) {
      await ctx.client.send(new DeleteChangeSetCommand({ ChangeSetName: id, StackName: stackId }));
      return { id, stackId, empty: true, changes: [] };
    }
    throw new Error(
      `The change set for ${spec.stackName} failed: ${reason.replace(/\.$/, '')}. Fix the template or parameters and rerun.`,
    );
  }
  return { id, stackId, empty: false, changes: await listChanges(ctx, id, spec.stackName) };
}

async function listChanges(ctx: DeployContext, id: string, stackName: string): Promise<Change[]> {
  const changes: Change[] = [];
  for await (const page of paginateDescribeChangeSet(
    { client: ctx.client },
    { ChangeSetName: id, StackName: stackName },
  )) {
    changes.push(...(page.Changes ?? []));
  }
  return changes;
}

/** Deletes a change set that will not be executed (preview-only). */
export async function deleteChangeSet(ctx: DeployContext, changeSet: ChangeSetResult): Promise<void> {
  await ctx.client.send(new DeleteChangeSetCommand({ ChangeSetName: changeSet.id, StackName: changeSet.stackId }));
}

/** Starts executing a computed change set; every event of the update carries `token`. */
export async function executeChangeSet(ctx: DeployContext, changeSet: ChangeSetResult, token: string): Promise<void> {
  await ctx.client.send(
    new ExecuteChangeSetCommand({
      ChangeSetName: changeSet.id,
      StackName: changeSet.stackId,
      ClientRequestToken: token,
    }),
  );
}

/** The change table's rows: action, logical id, type, replacement. */
export function changeRows(changes: Change[]): string[][] {
  return changes.map((change) => {
    const rc = change.ResourceChange;
    return [
      rc?.Action ?? change.Type ?? '?',
      rc?.LogicalResourceId ?? '?',
      rc?.ResourceType ?? '?',
      rc?.Replacement ?? '-',
    ];
  });
}

/** Column titles matching {@link changeRows}. */
export const CHANGE_COLUMNS = ['Action', 'Logical ID', 'Type', 'Replacement'];
