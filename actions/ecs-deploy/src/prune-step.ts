import * as core from '@actions/core';
import { errorMessage } from '../../shared/src/errors.js';
import { addSummaryTable } from '../../shared/src/summary.js';
import type { DeployContext } from './context.js';
import { type PruneResult, pruneTaskDefinitions } from './prune.js';
import { revisionKey } from './prune-in-use.js';

/** The deploy that just succeeded, as the prune needs it. */
export interface DeployedRevision {
  family: string;
  taskDefinitionArn: string;
  /** What the service ran before: the target of a rollback. */
  previousTaskDefinition: string | undefined;
}

/**
 * With `prune-keep` > 0, prunes the deployed family after a successful service deploy. Never
 * throws: the deploy has succeeded, so a failed prune is a warning (and a line in the summary),
 * not a failed step, and must never reach the deploy's rollback.
 * @returns the result for the summary, or undefined when pruning is off.
 */
export async function pruneAfterDeploy(
  context: DeployContext,
  deployed: DeployedRevision,
): Promise<PruneResult | undefined> {
  const { inputs } = context;
  const keep = inputs['prune-keep'];
  if (keep === 0 || !inputs.service || !deployed.family) return undefined;
  const dryRun = inputs['prune-dry-run'];
  const protect = [{ arn: deployed.taskDefinitionArn, reason: 'just deployed' }];
  if (deployed.previousTaskDefinition)
    protect.push({ arn: deployed.previousTaskDefinition, reason: 'ran before this deploy (rollback target)' });
  return core.group(`Prune task definitions of ${deployed.family}${dryRun ? ' (dry run)' : ''}`, async () => {
    let result: PruneResult;
    try {
      result = await pruneTaskDefinitions({
        ecs: context.ecs,
        cluster: context.cluster,
        family: deployed.family,
        keep,
        dryRun,
        services: [inputs.service ?? ''],
        protect,
        signal: context.signal,
      });
    } catch (err) {
      result = { family: deployed.family, keep, dryRun, newest: [], inUse: [], pruned: [], error: errorMessage(err) };
    }
    if (result.error) {
      core.warning(
        `The deploy succeeded, but pruning old task definitions of ${deployed.family} did not: ${result.error}. ` +
          'Nothing in use was touched; the next deploy tries again (check ecs:DeregisterTaskDefinition/ecs:DeleteTaskDefinitions permissions if this repeats).',
      );
    }
    context.timeline.note(pruneLine(result));
    return result;
  });
}

function pruneLine(result: PruneResult): string {
  const gone = result.pruned.filter((p) => p.outcome === (result.dryRun ? 'would be deleted' : 'deleted')).length;
  const verb = result.dryRun ? 'would prune' : 'pruned';
  const failed = result.error ? ' (with problems, see the warning)' : '';
  return `Task definitions of ${result.family}: ${verb} ${gone}, kept the newest ${result.newest.length} and ${result.inUse.length} older in use${failed}`;
}

/** Adds the prune's table to the job summary buffer: what stayed and why, what went. */
export function addPruneSummary(result: PruneResult): void {
  const rows: string[][] = [];
  if (result.newest.length > 0) {
    const numbers = result.newest.map((arn) => revisionKey(arn).split(':')[1]).join(', ');
    rows.push([`${result.family}: ${numbers}`, 'kept', `newest ${result.keep}`]);
  }
  for (const k of result.inUse) rows.push([revisionKey(k.arn), 'kept', k.reason]);
  for (const p of result.pruned) {
    const how = result.dryRun
      ? `${p.was === 'ACTIVE' ? 'would be deregistered, then deleted' : 'INACTIVE, would be deleted'}`
      : `${p.was === 'ACTIVE' ? 'deregistered, then deleted' : 'was INACTIVE, deleted'}`;
    rows.push([revisionKey(p.arn), p.outcome, p.problem ?? how]);
  }
  if (result.error) rows.push(['-', 'warning', result.error]);
  addSummaryTable({
    heading: `Task definition prune${result.dryRun ? ' (dry run: nothing changed)' : ''}`,
    columns: ['Revision', 'Result', 'Why'],
    rows,
    emptyText: 'Nothing to prune.',
  });
}
