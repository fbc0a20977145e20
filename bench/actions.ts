import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { actionMain } from '../actions/shared/test/support/run-bundle.js';
import { actionNames, actionsOutdir, buildActionsInMemory, loadedAtStart } from '../scripts/build-actions.ts';
import { repoRoot } from './lib/child.js';
import { round, type Spread, spread } from './lib/stats.js';

export interface ActionBenchResult {
  name: string;
  /**
   * MB (10^6 bytes) node reads before the action runs: its entry in actions/dist and the shared
   * chunks it imports statically; goal ≤ 1.
   */
  sizeMb: number;
  /** `node <runs.main>` with no INPUT_* → exit with its input error, ms; goal ≤ 200. */
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

/** Bytes of everything in actions/dist (every action's entry and the chunks they share), in MB. */
export function actionsBundleMb(): number {
  const files = readdirSync(actionsOutdir, { recursive: true, withFileTypes: true }).filter((file) => file.isFile());
  return round(files.reduce((sum, file) => sum + statSync(join(file.parentPath, file.name)).size, 0) / 1e6, 2);
}

/** Every action's runs.main: what it loads at start and its cold start to the input error. */
export async function benchActions(runs: number): Promise<ActionBenchResult[]> {
  // The import graph from a build in memory; the bytes and the runs from the files on disk.
  const { metafile } = await buildActionsInMemory();
  const results: ActionBenchResult[] = [];
  for (const name of await actionNames()) {
    const bundle = actionMain(name);
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run 'node scripts/build.mjs actions' first`);
    const loaded = loadedAtStart(metafile, relative(repoRoot, bundle));
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
      sizeMb: round(loaded.reduce((sum, file) => sum + statSync(join(repoRoot, file)).size, 0) / 1e6, 2),
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
