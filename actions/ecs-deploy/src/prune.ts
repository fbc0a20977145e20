import * as core from '@actions/core';
import {
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  type ECSClient,
  paginateListTaskDefinitions,
} from '@aws-sdk/client-ecs';
import { errorMessage } from '../../shared/src/errors.js';
import { findRevisionsInUse, type KeptRevision, revisionKey } from './prune-in-use.js';

export type { KeptRevision } from './prune-in-use.js';

/** What to prune; no DeployContext, so the cleanup action can call it too. */
export interface PruneOptions {
  ecs: ECSClient;
  cluster: string;
  /** The one family whose revisions are pruned; no other family is ever touched. */
  family: string;
  /** How many of the newest ACTIVE revisions stay (at least 1). */
  keep: number;
  /** Report what would go, change nothing. */
  dryRun: boolean;
  /** Services of the cluster whose revisions stay (see findRevisionsInUse). */
  services: string[];
  /** Further revisions that stay, e.g. the task definition a rollback would go back to. */
  protect?: KeptRevision[];
  signal?: AbortSignal;
}

/** One revision that went, or would have gone. */
export interface PrunedRevision {
  arn: string;
  /** Its status before the prune: ACTIVE ones are deregistered first, INACTIVE ones only deleted. */
  was: 'ACTIVE' | 'INACTIVE';
  outcome: 'deleted' | 'would be deleted' | 'deregistered, not deleted' | 'not pruned';
  /** Why it was not (fully) pruned: the failure ECS reported. */
  problem?: string;
}

export interface PruneResult {
  family: string;
  keep: number;
  dryRun: boolean;
  /** The newest `keep` ACTIVE revisions, newest first. */
  newest: string[];
  /** Older revisions that stay because they are in use or protected. */
  inUse: KeptRevision[];
  pruned: PrunedRevision[];
  /** Set when the prune stopped or some revisions could not be pruned. */
  error?: string;
}

interface Revision {
  arn: string;
  revision: number;
}

/** The family's revisions in one status, newest first (sorted here too: moto ignores `sort`). */
async function listRevisions(ecs: ECSClient, family: string, status: 'ACTIVE' | 'INACTIVE'): Promise<Revision[]> {
  const found: Revision[] = [];
  for await (const page of paginateListTaskDefinitions(
    { client: ecs },
    { familyPrefix: family, status, sort: 'DESC' },
  )) {
    for (const arn of page.taskDefinitionArns ?? []) {
      const [name, revision] = revisionKey(arn).split(':');
      if (name === family && revision) found.push({ arn, revision: Number(revision) });
    }
  }
  return found.sort((a, b) => b.revision - a.revision);
}

function checkSignal(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Error('the job was cancelled; the remaining revisions were left as they are');
}

/**
 * Prunes one family: keeps the newest `keep` ACTIVE revisions and every revision in use or
 * protected; deregisters the other ACTIVE ones (DeregisterTaskDefinition, one per call), then
 * deletes them together with the family's unused INACTIVE revisions older than the kept ones
 * (left by an earlier prune whose delete failed, or deregistered by hand), at most 10 ARNs per
 * DeleteTaskDefinitions call. One revision's failure does not stop the others; it is reported in
 * `error` and its `problem`.
 * @throws Error when the revisions or what is in use cannot be listed (then nothing was changed).
 */
export async function pruneTaskDefinitions(options: PruneOptions): Promise<PruneResult> {
  const { ecs, family, keep, dryRun, signal } = options;
  if (!Number.isInteger(keep) || keep < 1)
    throw new Error(`expected to keep at least 1 revision of ${family}, found keep=${keep}`);
  const kept = new Map<string, string>();
  for (const k of [...(options.protect ?? []), ...(await findRevisionsInUse(options))]) {
    const key = revisionKey(k.arn);
    if (key.startsWith(`${family}:`) && !kept.has(key)) kept.set(key, k.reason);
  }
  const active = await listRevisions(ecs, family, 'ACTIVE');
  const inactive = await listRevisions(ecs, family, 'INACTIVE');
  const newest = active.slice(0, keep);
  const oldestKept = newest.at(-1)?.revision ?? 0;
  const result: PruneResult = { family, keep, dryRun, newest: newest.map((r) => r.arn), inUse: [], pruned: [] };
  const candidates = [...active.slice(keep), ...inactive.filter((r) => r.revision < oldestKept)];
  for (const r of candidates) {
    const reason = kept.get(revisionKey(r.arn));
    if (reason) result.inUse.push({ arn: r.arn, reason });
  }
  const toPrune = candidates.filter((r) => !kept.has(revisionKey(r.arn)));
  const inactiveArns = new Set(inactive.map((r) => r.arn));
  result.pruned = toPrune.map((r) => ({
    arn: r.arn,
    was: inactiveArns.has(r.arn) ? 'INACTIVE' : 'ACTIVE',
    outcome: dryRun ? 'would be deleted' : 'not pruned',
  }));
  core.info(
    `${family}: keeping the newest ${newest.length} (${newest.map((r) => r.revision).join(', ') || 'none'}) and ${result.inUse.length} in use; ${dryRun ? 'would prune' : 'pruning'} ${toPrune.length}.`,
  );
  for (const k of result.inUse) core.info(`Keeping ${revisionKey(k.arn)}: ${k.reason}`);
  if (dryRun) {
    for (const p of result.pruned)
      core.info(`Dry run: would ${p.was === 'ACTIVE' ? 'deregister and ' : ''}delete ${p.arn}`);
    return result;
  }
  try {
    await deregisterThenDelete(ecs, result.pruned, signal);
  } catch (err) {
    result.error = errorMessage(err);
  }
  const failed = result.pruned.filter((p) => p.outcome !== 'deleted');
  if (failed.length > 0 && !result.error)
    result.error = `${failed.length} of ${result.pruned.length} revision(s) could not be pruned: ${failed.map((p) => `${revisionKey(p.arn)} (${p.problem ?? p.outcome})`).join('; ')}`;
  return result;
}

async function deregisterThenDelete(ecs: ECSClient, entries: PrunedRevision[], signal?: AbortSignal): Promise<void> {
  const deletable: PrunedRevision[] = [];
  for (const entry of entries) {
    if (entry.was === 'INACTIVE') {
      deletable.push(entry);
      continue;
    }
    checkSignal(signal);
    try {
      await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: entry.arn }), { abortSignal: signal });
      entry.outcome = 'deregistered, not deleted';
      deletable.push(entry);
      core.info(`Deregistered ${entry.arn}`);
    } catch (err) {
      entry.problem = `DeregisterTaskDefinition: ${errorMessage(err)}`;
      core.warning(`Could not deregister ${entry.arn}: ${errorMessage(err)}`);
    }
  }
  // DeleteTaskDefinitions takes at most 10 task definitions per call (ECS API reference).
  for (let i = 0; i < deletable.length; i += 10) {
    checkSignal(signal);
    const batch = deletable.slice(i, i + 10);
    try {
      const response = await ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: batch.map((e) => e.arn) }), {
        abortSignal: signal,
      });
      const deleted = new Set((response.taskDefinitions ?? []).map((d) => revisionKey(d.taskDefinitionArn ?? '')));
      const failures = new Map(
        (response.failures ?? []).map((f) => [revisionKey(f.arn ?? ''), `${f.reason ?? ''} ${f.detail ?? ''}`.trim()]),
      );
      for (const entry of batch) {
        const key = revisionKey(entry.arn);
        if (deleted.has(key)) entry.outcome = 'deleted';
        else entry.problem = `DeleteTaskDefinitions: ${failures.get(key) || 'not in the reply'}`;
      }
      core.info(
        `Deleted ${batch.filter((e) => e.outcome === 'deleted').length} of ${batch.length} revision(s) in this batch.`,
      );
    } catch (err) {
      for (const entry of batch) entry.problem = `DeleteTaskDefinitions: ${errorMessage(err)}`;
      core.warning(`Could not delete ${batch.map((e) => e.arn).join(', ')}: ${errorMessage(err)}`);
    }
  }
}
