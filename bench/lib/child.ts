import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface TsChild<Ready> {
  child: ChildProcess;
  ready: Ready;
  /** Sends a message and resolves with the child's next message (request/response over IPC). */
  ask<Answer>(message: unknown, timeoutMs?: number): Promise<Answer>;
  /** SIGTERM, SIGKILL after 5 s; resolves once the process is gone. */
  stop(): Promise<void>;
}

export interface StartTsChildOptions {
  /** Path under bench/, e.g. `servers/dynalite-server.ts`. */
  script: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * Runs a bench helper in its own process (through tsx), so the load generator, dynalite and the
 * services do not share one event loop, and waits for the child's first IPC message ("ready").
 */
export async function startTsChild<Ready>({
  script,
  env = {},
  timeoutMs = 20_000,
}: StartTsChildOptions): Promise<TsChild<Ready>> {
  const child = fork(fileURLToPath(new URL(`../${script}`, import.meta.url)), [], {
    cwd: repoRoot,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const nextMessage = <T>(ms: number, what: string) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${script}: expected ${what} within ${ms} ms, got none.`)), ms);
      child.once('message', (message) => {
        clearTimeout(timer);
        resolve(message as T);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${script} exited with code ${code} before sending ${what}; its output is above.`));
      });
    });
  const ready = await nextMessage<Ready>(timeoutMs, 'a ready message');
  return {
    child,
    ready,
    ask: <Answer>(message: unknown, ms = 120_000) => {
      const answer = nextMessage<Answer>(ms, 'an answer');
      child.send(message as object);
      return answer;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resident memory of a process from /proc: now (VmRSS) and its peak so far (VmHWM), in MB. */
export interface MemoryReading {
  rssMb: number;
  peakRssMb: number;
}

export function readMemory(pid: number): MemoryReading {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => {
    const match = status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    if (!match) throw new Error(`Expected a ${field} line in /proc/${pid}/status, found none (is this Linux?).`);
    return Number(match[1]);
  };
  return { rssMb: Math.round(kb('VmRSS') / 102.4) / 10, peakRssMb: Math.round(kb('VmHWM') / 102.4) / 10 };
}

/** Samples a process's RSS every `intervalMs` until stopped; returns the largest reading. */
export function sampleMemory(pid: number, intervalMs = 200): { stop(): MemoryReading } {
  let max: MemoryReading = readMemory(pid);
  const timer = setInterval(() => {
    const now = readMemory(pid);
    max = { rssMb: Math.max(max.rssMb, now.rssMb), peakRssMb: Math.max(max.peakRssMb, now.peakRssMb) };
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const last = readMemory(pid);
      return { rssMb: Math.max(max.rssMb, last.rssMb), peakRssMb: Math.max(max.peakRssMb, last.peakRssMb) };
    },
  };
}
