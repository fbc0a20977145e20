import { execFile, execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scaffoldService } from '../../scripts/new-service/scaffold.js';
import { repoRoot } from './workflow-files.js';

// A fork adds its first own service: `npm run new-service` in a temporary copy of this working
// tree (tracked and new files; node_modules and .venv linked, not copied), then everything a
// person would run there. One scaffold feeds every assertion below.
let copy: string;
let scaffoldOutput: string;

function run(command: string, args: string[], timeoutMs = 120_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: copy, timeout: timeoutMs, maxBuffer: 20_000_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}
const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);

beforeAll(async () => {
  copy = mkdtempSync(join(tmpdir(), 'new-service-'));
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
    .split('\0')
    // .venv and .tools are linked below (in a worktree they are untracked symlinks, not ignored).
    .filter((file) => file && !/^\.(venv|tools)(\/|$)/.test(file) && existsSync(join(repoRoot, file)));
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    copyFileSync(join(repoRoot, file), join(copy, file));
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(copy, 'node_modules'));
  symlinkSync(join(repoRoot, '.venv'), join(copy, '.venv'));
  // --skip-install: npm install would link the workspace into the shared node_modules.
  const scaffold = await run(bin('tsx'), ['scripts/new-service.ts', 'reviews', '--skip-install']);
  expect(scaffold.code, scaffold.out).toBe(0);
  scaffoldOutput = scaffold.out;
  // And an internal one: no target group, no listener rule, CPU scaling only.
  const internal = await run(bin('tsx'), ['scripts/new-service.ts', 'worker', '--internal', '--skip-install']);
  expect(internal.code, internal.out).toBe(0);
  const build = await run(process.execPath, ['scripts/build.mjs', 'services']);
  expect(build.code, build.out).toBe(0);
}, 120_000);

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('npm run new-service -- reviews, and -- worker --internal (in a copy of the repository)', {
  timeout: 120_000,
}, () => {
  it('should write the service folder and its config entry, and say what the next push does', () => {
    for (const file of ['src/app.ts', 'src/server.ts', 'test/reviews.test.ts', 'deploy/task-definition.yml']) {
      expect(existsSync(join(copy, 'services/reviews', file)), file).toBe(true);
    }
    const config = parse(readFileSync(join(copy, 'deploy/config.yml'), 'utf8')) as {
      services: Record<string, { paths?: string[]; priority?: number }>;
    };
    expect(Object.keys(config.services)).toEqual(['monolith', 'like', 'reviews', 'worker']);
    expect(config.services.worker).not.toHaveProperty('paths');
    expect(config.services.reviews).toMatchObject({ paths: ['/reviews', '/reviews/*'], priority: 30 });
    expect(scaffoldOutput).toContain('On the next push to main:');
    expect(scaffoldOutput).toContain('stack staging-service-reviews with ECR repository staging/reviews');
    expect(scaffoldOutput).toContain('ECS service reviews in staging-cluster');
  });

  it('should pass lint, typecheck and its own test', async () => {
    const lint = await run(bin('biome'), ['check', 'services/reviews', 'services/worker', 'deploy']);
    expect(lint.code, lint.out).toBe(0);
    const typecheck = await run(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
    expect(typecheck.code, typecheck.out).toBe(0);
    const test = await run(bin('vitest'), ['run', 'services/reviews', 'services/worker']);
    expect(test.code, test.out).toBe(0);
    expect(test.out).toContain('Tests: 6 passed, 0 failed');
  });

  it("should be started by npm start's local stack, its edge router sending /reviews to it", async () => {
    const probe = join(copy, 'probe.ts');
    writeFileSync(
      probe,
      `import { startLocalStack } from './services/local/src/local-stack.js';
const stack = await startLocalStack({ port: 0, tableName: 'mysfits-scaffold-test', log: () => {} });
try {
  const get = async (path: string) => { const r = await fetch(stack.url + path); return { status: r.status, body: await r.json() }; };
  console.log(JSON.stringify({ reviews: await get('/reviews'), worker: (await get('/worker')).status, mysfits: (await get('/mysfits')).status, pids: Object.keys(stack.pids) }));
} finally { await stack.stop(); }
`,
    );
    const result = await run(bin('tsx'), [probe], 60_000);
    expect(result.code, result.out).toBe(0);
    const line = result.out.split('\n').find((text) => text.startsWith('{"reviews"')) ?? '{}';
    expect(JSON.parse(line)).toEqual({
      reviews: { status: 200, body: { service: 'reviews', message: 'Hello from reviews.' } },
      // Internal: the router has no rule for it, so /worker falls to the monolith's /* (its 404).
      worker: 404,
      mysfits: 200,
      pids: ['monolith', 'like', 'reviews', 'worker'],
    });
  });
});

describe('scaffoldService', () => {
  it('should refuse a name the config or services/ already has, or one that cannot name a service, writing nothing', () => {
    expect(() => scaffoldService({ root: repoRoot, name: 'like' })).toThrow(
      "found 'like' already in deploy/config.yml",
    );
    expect(() => scaffoldService({ root: repoRoot, name: 'My-Api' })).toThrow(
      "Expected a service name of 2-24 lower-case letters and digits, starting with a letter, found 'My-Api'",
    );
    expect(() => scaffoldService({ root: repoRoot, name: 'jobs', internal: true, paths: ['/jobs/*'] })).toThrow(
      'Expected --path or --internal, found both',
    );
    expect(existsSync(join(repoRoot, 'services/jobs'))).toBe(false);
  });
});
