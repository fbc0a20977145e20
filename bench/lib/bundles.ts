import { type ChildProcess, spawn } from 'node:child_process';
import { serviceRuntimeStage } from '../../test/support/dockerfile.js';
import { freePort } from '../../test/support/free-port.js';
import { serviceDist } from '../../test/support/services.js';
import { taskMemory } from './task-memory.js';

export type ServiceName = 'monolith' | 'like';

export interface StartedBundle {
  service: ServiceName;
  child: ChildProcess;
  pid: number;
  url: string;
  /** Process spawn → first 200 from /health, in ms (polled every `pollMs`). */
  startMs: number;
  /** The memory limit the process runs under, in words. */
  memory: string;
  output(): string;
  stop(): Promise<void>;
}

export interface StartBundleOptions {
  service: ServiceName;
  env: Record<string, string>;
  /** Extra node flags before server.js (investigations: --trace-gc, --max-semi-space-size). */
  nodeArgs?: string[];
  pollMs?: number;
  timeoutMs?: number;
}

/**
 * Starts a service bundle as its image does (`node server.js` in dist/, the image's ENV, the given
 * env and PATH) with LOG_LEVEL=silent, under its task's memory limit where possible, and times how long it takes to answer /health.
 */
export async function startBundle({
  service,
  env,
  nodeArgs = [],
  pollMs = 5,
  timeoutMs = 15_000,
}: StartBundleOptions): Promise<StartedBundle> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const memory = taskMemory(service);
  // The image's own ENV (NODE_ENV, NODE_OPTIONS), as `docker run` would set it.
  const imageEnv = serviceRuntimeStage(service).env;
  const command = [process.execPath, ...nodeArgs, 'server.js'];
  // Joining the cgroup first, then exec: the measured process is still `node server.js` itself.
  const child = spawn(
    memory.cgroupDir ? 'sh' : process.execPath,
    memory.cgroupDir
      ? ['-c', `echo $$ > '${memory.cgroupDir}/cgroup.procs' && exec "$@"`, 'sh', ...command]
      : command.slice(1),
    {
      cwd: serviceDist(service),
      // Loopback only: the bench's services are never meant to be reachable from the network.
      env: {
        PATH: process.env.PATH ?? '',
        ...imageEnv,
        LOG_LEVEL: 'silent',
        ...env,
        HOST: '127.0.0.1',
        PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = started + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`The ${service} bundle exited with code ${child.exitCode} before answering /health: ${output}`);
    }
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.ok) {
        const startMs = performance.now() - started;
        return { service, child, pid: child.pid ?? 0, url, startMs, memory: memory.note, output: () => output, stop };
      }
    } catch {
      // Not listening yet: poll again.
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  await stop();
  throw new Error(`The ${service} bundle did not answer 200 on ${url}/health within ${timeoutMs} ms: ${output}`);
}
