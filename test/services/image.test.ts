import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDeployConfig } from '../../deploy/config.js';
import { parseRuntimeStage, type RuntimeStage, serviceDockerfile, serviceRuntimeStage } from '../support/dockerfile.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';
import { spawnBundle } from '../support/services.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** Lays the runtime stage out in an empty directory, mapping the build stage's /src to this checkout. */
async function layOut(stage: RuntimeStage): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'image-'));
  for (const copy of stage.copies) {
    expect(copy.from, 'the runtime stage copies only from the build stage').toBe('build');
    expect(copy.source.startsWith('/src/')).toBe(true);
    await cp(join(repo, copy.source.slice('/src/'.length)), join(dir, copy.dest === './' ? '' : copy.dest), {
      recursive: true,
    });
  }
  return dir;
}

describe('services/Dockerfile', () => {
  it('should refuse a COPY path whose build argument is not given', () => {
    expect(() =>
      parseRuntimeStage('FROM node:24-alpine\nCOPY --from=build /src/services/$\u007BSERVICE}/dist/ ./\n'),
    ).toThrow('Expected a value for the build argument SERVICE');
  });

  it('should be the only Dockerfile: no service keeps a copy of its own', async () => {
    const files = await readdir(join(repo, 'services'), { recursive: true });
    expect(files.filter((file) => file.endsWith('Dockerfile') && !file.includes('node_modules'))).toEqual([
      'Dockerfile',
    ]);
    expect((await readFile(serviceDockerfile, 'utf8')).match(/\$\{SERVICE\}/g)?.length).toBeGreaterThanOrEqual(2);
  });
});

describe.each(Object.keys(loadDeployConfig().services))('the %s image', (service) => {
  let stage: RuntimeStage;
  let dir: string;
  let dynamo: LocalDynamo;

  beforeAll(async () => {
    stage = serviceRuntimeStage(service);
    dir = await layOut(stage);
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('should run Node 24 on alpine as a non-root user, with nothing but the bundle', async () => {
    expect(stage.from).toBe('node:24-alpine');
    expect(stage.user).toBe('node');
    expect(stage.cmd).toEqual(['node', 'server.js']);
    const files = await readdir(dir, { recursive: true });
    expect(files.some((file) => file.includes('node_modules'))).toBe(false);
    expect(files.filter((file) => file.endsWith('.js') && !file.startsWith('public'))).toEqual(['server.js']);
  });

  it('should answer /health when started from an empty directory the way the image starts it', async () => {
    const tableName = `image-${service}`;
    if (service === 'monolith') await dynamo.createTable(tableName);
    const env = {
      ...stage.env,
      ...dynamo.env,
      DDB_TABLE_NAME: tableName,
      MONOLITH_URL: 'monolith.invalid:8080',
      LOG_LEVEL: 'silent',
    };
    delete (env as Record<string, string>).PORT;
    if (service === 'monolith') {
      const seeding = await spawnBundle({ cwd: dir, env, args: ['seed'] });
      expect(await seeding.exited).toBe(0);
    }
    const running = await spawnBundle({ cwd: dir, env });
    try {
      const health = await fetch(`${running.url}/health`);
      expect(await health.json()).toEqual({ status: 'ok' });
      if (service === 'monolith') {
        const list = (await (await fetch(`${running.url}/mysfits`)).json()) as { mysfits: unknown[] };
        expect(list.mysfits).toHaveLength(12);
        const page = await fetch(`${running.url}/`);
        expect(page.headers.get('content-type')).toContain('text/html');
      }
    } finally {
      await running.close();
    }
  });
});

describe('the monolith without its table name', () => {
  it('should exit non-zero and say what to set', async () => {
    const dir = fileURLToPath(new URL('../../services/monolith/dist/', import.meta.url));
    const process = await spawnBundle({ cwd: dir, env: { PORT: '0', LOG_LEVEL: '' }, args: ['serve'] });
    expect(await process.exited).toBe(1);
    expect(process.output()).toContain('DDB_TABLE_NAME is not set');
  });
});
