// Runs a real workflow file with nektos/act in host mode against moto: every pinned third-party
// action mapped to its stand-in (stand-ins/<owner>/<name>), `gh` and `docker` stubs first on the
// PATH, Node 24 next, no AWS variable inherited, every node process guarded to loopback
// (guard/loopback.mjs) and every other client sent to a closed loopback proxy. act's --json log is
// parsed into per-job results with durations measured as the lines arrive.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';

export const actDir = fileURLToPath(new URL('./', import.meta.url));
export const standInsDir = join(actDir, 'stand-ins');
const actBin = fileURLToPath(new URL('../../.tools/bin/act', import.meta.url));

/** One `uses: owner/name[/path]@ref` of a workflow. */
export interface PinnedAction {
  uses: string;
  repository: string;
  ref: string;
}

/** Every third-party action the workflow files pin (local `./` actions excluded), once each. */
export function pinnedActions(workflowsDir: string): PinnedAction[] {
  const found = new Map<string, PinnedAction>();
  for (const file of readdirSync(workflowsDir).filter((name) => /\.ya?ml$/.test(name))) {
    const text = readFileSync(join(workflowsDir, file), 'utf8');
    for (const match of text.matchAll(/^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)/gm)) {
      const uses = match[1] ?? '';
      if (uses.startsWith('./') || uses.startsWith('docker://')) continue;
      const [path = '', ref = ''] = uses.split('@');
      const repository = path.split('/').slice(0, 2).join('/');
      found.set(uses, { uses, repository, ref });
    }
  }
  return [...found.values()];
}

/** The stand-in directory of an action repository, or undefined when there is none. */
export function standInOf(repository: string): string | undefined {
  const dir = join(standInsDir, repository);
  return existsSync(join(dir, 'action.yml')) ? dir : undefined;
}

/**
 * One earlier run of the workflow as GitHub's REST API lists it (GET
 * /repos/{owner}/{repo}/actions/workflows/{workflow}/runs) with its jobs (GET
 * /repos/{owner}/{repo}/actions/runs/{run_id}/jobs), for the `gh` stub.
 */
export interface GhRun {
  id: number;
  head_sha: string;
  event: 'push' | 'workflow_dispatch';
  status: 'completed' | 'in_progress' | 'queued';
  conclusion: 'success' | 'failure' | 'cancelled' | null;
  /** Named as GitHub names them: `changes`, and `<caller job> / <job>` for a reusable workflow's (`staging / verify`). */
  jobs: Array<{ name: string; conclusion: string | null }>;
}

/** One job (one matrix leg) as act ran it. */
export interface JobRun {
  /** act's job name, e.g. `deploy/build-1` or `deploy/changes`. */
  name: string;
  /** The job's id in the workflow (`build`). */
  id: string;
  matrix: Record<string, string>;
  /** The leg's own result (see actResult). */
  result: 'success' | 'failure' | 'skipped' | 'cancelled';
  /** What act reported: for a matrix leg, the whole job's result so far. */
  actResult: 'success' | 'failure' | 'skipped' | 'cancelled';
  startedMs: number;
  endedMs: number;
  durationMs: number;
  /** The job's raw output lines (its steps' stdout and stderr). */
  output: string[];
  steps: Array<{ name: string; result: string }>;
}

export interface ActRun {
  code: number | null;
  jobs: JobRun[];
  /** Every parsed log line, for a failure message. */
  log: string[];
  /** Job summaries the steps wrote, by job id (act logs each step's). */
  summaries: Array<{ job: string; text: string }>;
  /** Connection attempts the loopback guard refused. */
  refused: string[];
  artifactsDir: string;
  ghCalls: string[][];
  /** Every node process of the run: its version and script. */
  nodeProcesses: Array<{ version: string; script: string }>;
  durationMs: number;
}

export interface ActOptions {
  /** The repository act runs in (a scratch copy, see scratch-repo.ts). */
  repo: string;
  /** `.github/workflows/<file>` */
  workflow: string;
  event: 'push' | 'workflow_dispatch' | 'pull_request';
  /** workflow_dispatch inputs; booleans go into the event file as strings, as act needs. */
  inputs?: Record<string, string | boolean>;
  /** The moto server configure-aws-credentials' stand-in points the jobs at (none: such a step fails). */
  motoEndpoint?: string;
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
  /** Only this job (act's -j). */
  job?: string;
  /** The workflow's earlier runs the `gh` stub answers from, newest first (none: a first run). */
  runs?: GhRun[];
  /** The check runs the `gh` stub lists per commit (GET /repos/{owner}/{repo}/commits/{ref}/check-runs). */
  checkRuns?: Record<string, Array<{ name: string; status: string; conclusion: string | null }>>;
  /** Extra environment of every job. */
  env?: Record<string, string>;
  timeoutMs: number;
}

/** tmpfs when the machine has it (act copies the repository into every job), else the temp dir. */
export function scratchRoot(): string {
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

/** The PATH of the jobs: the stubs, then Node 24 (act runs node actions with the first node). */
function jobPath(): string {
  const node24 = dirname(process.execPath);
  const rest = (process.env.PATH ?? '/usr/bin:/bin').split(':').filter((dir) => dir && !dir.includes('node_modules'));
  return [join(actDir, 'bin'), node24, ...rest.filter((dir) => dir !== node24)].join(':');
}

/** Runs act once; resolves when it exits (or kills it at the time limit and rejects). */
export async function runAct(options: ActOptions): Promise<ActRun> {
  if (!existsSync(actBin))
    throw new Error(`act not found at ${actBin}: run 'bash scripts/setup.sh all' (npm test's pretest)`);
  const work = mkdtempSync(join(scratchRoot(), 'act-run-'));
  const artifactsDir = join(work, 'artifacts');
  mkdirSync(artifactsDir);
  // act's job workspaces (copies of the repository) and every job's `npm ci` on tmpfs when there
  // is one: on this machine's disk the same run takes twice as long.
  const cacheHome = join(work, 'cache');
  mkdirSync(cacheHome);
  const guardLog = join(work, 'refused.log');
  writeFileSync(guardLog, '');
  const nodeLog = join(work, 'node.jsonl');
  writeFileSync(nodeLog, '');
  const ghState = join(work, 'gh.json');
  writeFileSync(ghState, JSON.stringify({ runs: options.runs ?? [], checkRuns: options.checkRuns ?? {}, calls: [] }));
  const eventPath = join(work, 'event.json');
  const inputs = Object.fromEntries(Object.entries(options.inputs ?? {}).map(([k, v]) => [k, String(v)]));
  writeFileSync(
    eventPath,
    JSON.stringify(
      options.event === 'workflow_dispatch' ? { inputs, ref: 'refs/heads/main' } : { ref: 'refs/heads/main' },
    ),
  );
  // A port nothing listens on: a client that honours the proxy variables fails there at once.
  const closedProxy = 'http://127.0.0.1:9';
  const env: Record<string, string> = {
    HOME: process.env.HOME ?? '/root',
    PATH: jobPath(),
    LANG: 'C.UTF-8',
    // act asks api.nektosact.com for notices on every run (the closed proxy would refuse it).
    ACT_DISABLE_VERSION_CHECK: '1',
    NODE_OPTIONS: `--import=${pathToFileURL(join(actDir, 'guard', 'loopback.mjs')).href}`,
    XDG_CACHE_HOME: cacheHome,
    // The npm cache stays where `npm ci` filled it on this machine.
    npm_config_cache: process.env.npm_config_cache ?? join(process.env.HOME ?? '/root', '.npm'),
    HTTP_PROXY: closedProxy,
    HTTPS_PROXY: closedProxy,
    http_proxy: closedProxy,
    https_proxy: closedProxy,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    // `npm ci` in a job installs from ~/.npm (the machine has no registry to ask).
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    ...(options.motoEndpoint ? { ACT_MOTO_ENDPOINT: options.motoEndpoint } : {}),
    ACT_STAND_INS: standInsDir,
    ACT_REPOSITORY_DIR: options.repo,
    ACT_ARTIFACTS_DIR: artifactsDir,
    ACT_GUARD_LOG: guardLog,
    ACT_GH_STATE: ghState,
    ACT_NODE_LOG: nodeLog,
    ...options.env,
  };
  const args = [
    options.event,
    '-W',
    options.workflow,
    '-e',
    eventPath,
    '-P',
    'ubuntu-24.04=-self-hosted',
    '--no-cache-server',
    '--artifact-server-addr',
    '127.0.0.1',
    '--json',
    '-v',
    '-s',
    'GITHUB_TOKEN=act-dummy-token',
  ];
  for (const pin of pinnedActions(join(options.repo, '.github', 'workflows'))) {
    const dir = standInOf(pin.repository);
    if (!dir) throw new Error(`${pin.uses} has no stand-in: add test/act/stand-ins/${pin.repository}/action.yml`);
    args.push('--local-repository', `${pin.repository}@${pin.ref}=${dir}`);
  }
  for (const [name, value] of Object.entries(options.vars ?? {})) args.push('--var', `${name}=${value}`);
  for (const [name, value] of Object.entries(options.secrets ?? {})) args.push('-s', `${name}=${value}`);
  if (options.job) args.push('-j', options.job);

  const started = Date.now();
  const jobs = new Map<string, JobRun>();
  const summaries: ActRun['summaries'] = [];
  const log: string[] = [];
  const child: ChildProcess = spawn(actBin, args, {
    cwd: options.repo,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let buffered = '';
  const onLine = (line: string) => {
    if (!line.trim()) return;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      log.push(line);
      return;
    }
    const name = typeof entry.job === 'string' ? entry.job.trim() : '';
    const msg = String(entry.msg ?? '');
    if (entry.level === 'debug' && entry.jobResult === undefined) return;
    log.push(name ? `[${name}] ${msg.trimEnd()}` : msg.trimEnd());
    if (!name) return;
    const now = Date.now() - started;
    let job = jobs.get(name);
    if (!job) {
      job = {
        name,
        id: String(entry.jobID ?? ''),
        matrix: (entry.matrix as Record<string, string>) ?? {},
        result: 'cancelled',
        actResult: 'cancelled',
        startedMs: now,
        endedMs: now,
        durationMs: 0,
        output: [],
        steps: [],
      };
      jobs.set(name, job);
    }
    if (entry.raw_output) job.output.push(msg.trimEnd());
    if (entry.command === 'summary' && typeof entry.content === 'string')
      summaries.push({ job: job.id, text: entry.content });
    if (typeof entry.stepResult === 'string' && typeof entry.step === 'string') {
      job.steps.push({ name: entry.step, result: entry.stepResult });
    }
    if (typeof entry.jobResult === 'string') {
      job.actResult = entry.jobResult as JobRun['result'];
      // act keeps one result per job, shared by its matrix legs: once one leg fails, every leg
      // still running reports "Job failed". A leg's own result is its steps'.
      job.result =
        job.actResult === 'failure' && Object.keys(job.matrix).length > 0 && job.steps.length > 0
          ? job.steps.some((step) => step.result === 'failure')
            ? 'failure'
            : 'success'
          : job.actResult;
      job.endedMs = now;
      job.durationMs = now - job.startedMs;
    }
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      // The whole process group: act and every job's processes.
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
      reject(
        new Error(
          `act ran ${options.workflow} for more than ${options.timeoutMs} ms and was killed. Last lines:\n${log.slice(-40).join('\n')}\n${stderr}`,
        ),
      );
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  rmSync(cacheHome, { recursive: true, force: true });
  onLine(buffered);
  for (const line of stderr.split('\n')) if (line.trim()) onLine(line);
  const refused = readFileSync(guardLog, 'utf8').split('\n').filter(Boolean);
  const ghCalls = (JSON.parse(readFileSync(ghState, 'utf8')) as { calls: string[][] }).calls;
  return {
    code,
    jobs: [...jobs.values()],
    log,
    summaries,
    refused,
    artifactsDir,
    ghCalls,
    nodeProcesses: readFileSync(nodeLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { version: string; script: string }),
    durationMs: Date.now() - started,
  };
}

/** The jobs of one workflow job id (every matrix leg), e.g. `jobsOf(run, 'deploy')`. */
export function jobsOf(run: ActRun, id: string): JobRun[] {
  return run.jobs.filter((job) => job.id === id);
}

/** `job → result` for an assertion message. */
export function resultTable(run: ActRun): string {
  return run.jobs.map((job) => `${job.name}: ${job.result} (${(job.durationMs / 1000).toFixed(1)} s)`).join('\n');
}

/**
 * The critical path as measured: from the job that ended last, back through the job that ended
 * last before each one started (the one it waited for).
 */
export function criticalPath(run: ActRun): JobRun[] {
  const ran = run.jobs.filter((job) => job.result !== 'skipped');
  const path: JobRun[] = [];
  let current = [...ran].sort((a, b) => b.endedMs - a.endedMs)[0];
  while (current) {
    path.unshift(current);
    const start = current.startedMs;
    current = ran
      .filter((job) => job.endedMs <= start + 50 && job !== current)
      .sort((a, b) => b.endedMs - a.endedMs)[0];
  }
  return path;
}

/** Reads a workflow file (for job ids and needs). */
export function readWorkflow(path: string): { jobs: Record<string, { needs?: string | string[] }> } {
  return parse(readFileSync(path, 'utf8')) as { jobs: Record<string, { needs?: string | string[] }> };
}

/** The jobs whose act name matches `name` and that ran (not skipped). */
export function ran(run: ActRun, name: RegExp): JobRun[] {
  return run.jobs.filter((job) => name.test(job.name) && job.result !== 'skipped');
}
