import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, waitForHttp } from './free-port.js';

const motoBin = fileURLToPath(new URL('../../.venv/bin/moto_server', import.meta.url));

export interface MotoServer {
  /** Endpoint for AWS_ENDPOINT_URL / the SDK's `endpoint`. */
  endpoint: string;
  /** Environment for a child process (a built action bundle) that talks to this server. */
  env: Record<string, string>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a private moto server on a free loopback port (one per test file, so files never share state). */
export async function startMoto(): Promise<MotoServer> {
  if (!existsSync(motoBin))
    throw new Error(`moto_server not found at ${motoBin}: run 'npm test' (its pretest installs .venv)`);
  const port = await freePort();
  const child: ChildProcess = spawn(motoBin, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
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
