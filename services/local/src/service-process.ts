import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface ServiceProcessOptions {
  /** Prefix for its log lines and name in error messages: the service's name, or `seed`. */
  name: string;
  /** The service's dist directory; the process runs `node server.js` there, as its image does. */
  distDir: string;
  args?: string[];
  env: Record<string, string>;
  /** Receives every output line, already prefixed with the name. */
  log: (line: string) => void;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** Settles when the process has exited, for whatever reason. */
  exited: Promise<ExitInfo>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<ExitInfo>;
}

/** Describes an exit for a person: "exited with code 1" / "was killed by SIGKILL". */
export function describeExit({ code, signal }: ExitInfo): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

/** Starts `node server.js [args]` in `distDir` with only the given environment (plus PATH), like a container. */
export function spawnService({ name, distDir, args = [], env, log }: ServiceProcessOptions): ServiceProcess {
  const entry = join(distDir, 'server.js');
  if (!existsSync(entry)) {
    throw new Error(
      `The ${name} bundle was expected at ${entry} but is missing. Build it with 'node scripts/build.mjs services' ` +
        `('npm start' does this before starting).`,
    );
  }
  const child = spawn(process.execPath, ['server.js', ...args], {
    cwd: distDir,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => log(`${name.padEnd(8)} | ${line}`));
  }
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // A spawn failure (ENOENT, EACCES) emits 'error' and never 'exit'.
    child.once('error', (error) => {
      log(`${name.padEnd(8)} | could not start: ${error.message}`);
      resolve({ code: null, signal: null });
    });
  });
  return {
    name,
    child,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const info = await exited;
      clearTimeout(timer);
      return info;
    },
  };
}

/** Runs a one-off command of a service bundle (such as `seed`) and fails unless it exits 0 in time. */
export async function runToCompletion(options: ServiceProcessOptions, timeoutMs = 30_000): Promise<void> {
  const command = spawnService(options);
  const timer = setTimeout(() => command.child.kill('SIGKILL'), timeoutMs);
  const info = await command.exited;
  clearTimeout(timer);
  if (info.code !== 0) {
    const args = (options.args ?? []).join(' ');
    throw new Error(
      `'node server.js ${args}' of ${options.name} ${describeExit(info)} (expected exit code 0 within ${timeoutMs} ms); ` +
        'its output is above.',
    );
  }
}
