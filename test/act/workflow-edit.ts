// Edits of a workflow file in a scratch repository that a scenario needs, kept small and named.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

interface JobShape {
  needs?: string | string[];
  steps?: Array<{ run?: string }>;
}

/**
 * Removes the jobs with a step whose `run:` matches `pattern` (ci.yml's `npm test` job: the act
 * tests are part of it, and running it under act would run them again). Fails if a kept job needs
 * a removed one. Returns the removed job ids.
 */
export function removeJobsRunning(repoDir: string, workflow: string, pattern: RegExp): string[] {
  const path = join(repoDir, workflow);
  const document = parseDocument(readFileSync(path, 'utf8'));
  const jobs = document.toJS().jobs as Record<string, JobShape>;
  const removed = Object.entries(jobs)
    .filter(([, job]) => (job.steps ?? []).some((step) => pattern.test(step.run ?? '')))
    .map(([id]) => id);
  for (const [id, job] of Object.entries(jobs)) {
    if (removed.includes(id)) continue;
    const needs = [job.needs ?? []].flat();
    const lost = needs.filter((need) => removed.includes(need));
    if (lost.length > 0) throw new Error(`${workflow}: job ${id} needs ${lost.join(', ')}, which runs ${pattern}`);
  }
  for (const id of removed) document.deleteIn(['jobs', id]);
  writeFileSync(path, document.toString());
  return removed;
}
