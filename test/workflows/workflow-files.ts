import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface WorkflowStep {
  uses?: string;
  name?: string;
  run?: string;
}

export interface WorkflowJob {
  needs?: string | string[];
  steps?: WorkflowStep[];
  permissions?: Record<string, string> | string;
  environment?: string | { name: string };
}

export interface Workflow {
  on: unknown;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, WorkflowJob>;
}

/** Parses `.github/workflows/<name>`. */
export function readWorkflow(name: string): Workflow {
  return parse(readFileSync(`${repoRoot}.github/workflows/${name}`, 'utf8')) as Workflow;
}

/** Job ids in dependency order (`needs` first); ties keep the file's order. */
export function jobsInDependencyOrder(workflow: Workflow): string[] {
  const ids = Object.keys(workflow.jobs);
  const needs = (id: string) => [workflow.jobs[id]?.needs ?? []].flat();
  const ordered: string[] = [];
  while (ordered.length < ids.length) {
    const next = ids.find((id) => !ordered.includes(id) && needs(id).every((need) => ordered.includes(need)));
    if (!next) throw new Error(`jobs ${ids.filter((id) => !ordered.includes(id)).join(', ')} have a needs cycle`);
    ordered.push(next);
  }
  return ordered;
}

/** The project actions (`uses: ./actions/<name>`) each job runs, in job-dependency order; jobs without any are left out. */
export function projectActionSequence(workflow: Workflow): Array<{ job: string; actions: string[] }> {
  return jobsInDependencyOrder(workflow)
    .map((job) => ({
      job,
      actions: (workflow.jobs[job]?.steps ?? [])
        .map((step) => /^\.\/actions\/([a-z0-9-]+)$/.exec(step.uses ?? '')?.[1])
        .filter((name): name is string => name !== undefined),
    }))
    .filter((entry) => entry.actions.length > 0);
}
