import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, waitForHttp } from './free-port.js';

const motoBin = fileURLToPath(new URL('../../.venv/bin/moto_server', import.meta.url));
const venvPython = fileURLToPath(new URL('../../.venv/bin/python', import.meta.url));

/** Options of {@link startMoto}; none for a plain moto_server. */
export interface MotoOptions {
  /** A Python file run with .venv's python instead of moto_server (it patches moto, then runs its main). */
  launcher?: string;
  /** Extra environment of the server process (e.g. MOTO_ECS_SERVICE_RUNNING). */
  env?: Record<string, string>;
}

export interface MotoServer {
  /** Endpoint for AWS_ENDPOINT_URL / the SDK's `endpoint`. */
  endpoint: string;
  /** Environment for a child process (a built action bundle) that talks to this server. */
  env: Record<string, string>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a private moto server on a free loopback port (one per test file, so files never share state). */
export async function startMoto(options: MotoOptions = {}): Promise<MotoServer> {
  if (!existsSync(motoBin))
    throw new Error(`moto_server not found at ${motoBin}: run 'npm test' (its pretest installs .venv)`);
  const port = await freePort();
  const args = ['-H', '127.0.0.1', '-p', String(port)];
  const child: ChildProcess = options.launcher
    ? spawn(venvPython, [options.launcher, ...args], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, ...options.env },
      })
    : spawn(motoBin, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...options.env } });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${endpoint}/moto-api/`, { timeoutMs: 30_000 });
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`moto_server did not start: ${error instanceof Error ? error.message : error}\n${stderr}`);
  }
  return {
    endpoint,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    },
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
