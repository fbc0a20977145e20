import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ServiceName } from './bundles.js';
import { repoRoot } from './child.js';

/** Where a service's process is put so it has the memory limit its Fargate task has. */
export interface TaskMemory {
  /** The task definition's memory, in MiB. */
  limitMiB: number;
  /** cgroup v1 memory directory the process joins, or undefined when this machine has none to use. */
  cgroupDir: string | undefined;
  note: string;
}

const cgroupRoot = '/sys/fs/cgroup/memory';

/**
 * Fargate runs each task under its task definition's memory limit, and Node sizes V8's heap from
 * that limit. Giving the bench's service process the same limit (a cgroup, as root) measures what
 * the task would use instead of what a process may use on this 24 GB machine.
 */
export function taskMemory(service: ServiceName): TaskMemory {
  const file = join(repoRoot, 'services', service, 'deploy', 'task-definition.yml');
  const limitMiB = Number((parse(readFileSync(file, 'utf8')) as { memory?: string | number }).memory);
  if (!Number.isFinite(limitMiB) || limitMiB <= 0)
    throw new Error(`${file}: expected a numeric task memory, found none`);
  const cgroupDir = join(cgroupRoot, `mysfits-bench-${service}`);
  try {
    mkdirSync(cgroupDir, { recursive: true });
    writeFileSync(join(cgroupDir, 'memory.limit_in_bytes'), String(limitMiB * 1024 * 1024));
    return { limitMiB, cgroupDir, note: `${limitMiB} MiB memory limit (cgroup), as its Fargate task` };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { limitMiB, cgroupDir: undefined, note: `no memory limit (cgroup v1 not writable here: ${reason})` };
  }
}
