import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lib/child.js';
import { round, type Spread, spread } from './lib/stats.js';

export interface ActionBenchResult {
  name: string;
  /** Size of dist/index.js in MB (10^6 bytes); goal ≤ 1. */
  sizeMb: number;
  /** `node dist/index.js` with no INPUT_* → exit with its input error, ms; goal ≤ 200. */
  coldStartMs: Spread;
  exitCode: number | null;
  /** The first line the bundle printed, to show the error really was about inputs. */
  firstError: string;
}

function runOnce(bundle: string): Promise<{ ms: number; code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // Only PATH and an empty RUNNER_TEMP-free environment: what the runner gives before inputs are set.
    const child = spawn(process.execPath, [bundle], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, code, output });
    });
  });
}

/** Every actions/<name>/dist/index.js that exists now: its size and its cold start to the input error. */
export async function benchActions(runs: number): Promise<ActionBenchResult[]> {
  const actionsDir = join(repoRoot, 'actions');
  const results: ActionBenchResult[] = [];
  for (const name of readdirSync(actionsDir).sort()) {
    const bundle = join(actionsDir, name, 'dist', 'index.js');
    if (!existsSync(bundle)) continue;
    const times: number[] = [];
    let last = { ms: 0, code: null as number | null, output: '' };
    for (let run = 0; run < runs; run += 1) {
      last = await runOnce(bundle);
      times.push(last.ms);
    }
    if (last.code === 0) {
      throw new Error(`Expected ${bundle} to fail without inputs (exit code ≠ 0), found exit code 0: ${last.output}`);
    }
    results.push({
      name,
      sizeMb: round(statSync(bundle).size / 1e6, 2),
      coldStartMs: spread(times, 0),
      exitCode: last.code,
      firstError: (last.output.split('\n').find((line) => line.trim() !== '') ?? '').slice(0, 160),
    });
  }
  return results;
}

/** How long `node` itself takes to start and exit here: the floor under every cold start above. */
export async function nodeFloorMs(runs: number): Promise<Spread> {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await new Promise<void>((resolve) => spawn(process.execPath, ['-e', '0']).once('exit', () => resolve()));
    times.push(performance.now() - started);
  }
  return spread(times, 0);
}
