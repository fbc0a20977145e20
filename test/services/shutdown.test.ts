import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';
import { type BundleProcess, serviceDist, spawnBundle } from '../support/services.js';

const slowId = '4e53920c-505a-4a90-a694-b9300791f0ae';
const fastId = '2b473002-36f8-4b87-954e-9a377e0ccbec';

/** An HTTP server in front of `handle` that counts the requests it has received. */
async function countingServer(
  handle: (body: string, path: string, headers: Record<string, string>) => Promise<{ status: number; body: string }>,
) {
  let received = 0;
  const server: Server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      received += 1;
      const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)]));
      void handle(body, req.url ?? '', headers).then((answer) => {
        res.writeHead(answer.status, { 'Content-Type': 'application/json' });
        res.end(answer.body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One request on its own connection (no keep-alive reuse), so each is accepted on its own. */
function post(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/**
 * Sends 10 slow and 20 fast requests, waits until the upstream has seen all of them (so the
 * service has accepted every one), then sends SIGTERM and checks the drain.
 */
async function drainUnderLoad(
  service: BundleProcess,
  slowPath: string,
  fastPath: string,
  upstreamSeen: () => number,
  method: 'GET' | 'POST',
) {
  const send = method === 'GET' ? get : post;
  const inFlight = [
    ...Array.from({ length: 10 }, () => send(`${service.url}${slowPath}`)),
    ...Array.from({ length: 20 }, () => send(`${service.url}${fastPath}`)),
  ];
  const deadline = Date.now() + 5_000;
  while (upstreamSeen() < 30 && Date.now() < deadline) await sleep(10);
  expect(upstreamSeen()).toBeGreaterThanOrEqual(30);

  const signalled = Date.now();
  service.child.kill('SIGTERM');
  await sleep(100);
  expect(await connectionRefused(service.port)).toBe(true);
  const statuses = await Promise.all(inFlight);
  expect(statuses).toEqual(Array.from({ length: 30 }, () => 200));
  expect(await service.exited).toBe(0);
  expect(Date.now() - signalled).toBeLessThan(10_000);
}

describe('SIGTERM drain', () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startDynalite();
    await dynamo.createTable('drain');
    const seed = await spawnBundle({
      cwd: serviceDist('monolith'),
      env: { ...dynamo.env, DDB_TABLE_NAME: 'drain', LOG_LEVEL: 'silent' },
      args: ['seed'],
    });
    expect(await seed.exited).toBe(0);
  });
  afterAll(async () => {
    await dynamo.stop();
  });

  it('should let the monolith finish accepted requests, refuse new connections and exit within 10 s', async () => {
    // A DynamoDB endpoint that answers profile reads slowly (2 s) and scans quickly (100 ms).
    const slowDynamo = await countingServer(async (body, _path, headers) => {
      await sleep(headers['x-amz-target']?.endsWith('.GetItem') ? 2_000 : 100);
      const { host: _host, 'content-length': _length, ...forwarded } = headers;
      const response = await fetch(dynamo.endpoint, { method: 'POST', headers: forwarded, body });
      return { status: response.status, body: await response.text() };
    });
    const monolith = await spawnBundle({
      cwd: serviceDist('monolith'),
      env: { ...dynamo.env, DDB_ENDPOINT: slowDynamo.url, DDB_TABLE_NAME: 'drain', LOG_LEVEL: 'silent' },
    });
    try {
      await drainUnderLoad(monolith, `/mysfits/${slowId}`, '/mysfits', slowDynamo.received, 'GET');
    } finally {
      await monolith.close();
      await slowDynamo.close();
    }
  });

  it('should let the like service finish accepted likes, refuse new connections and exit within 10 s', async () => {
    const monolith = await countingServer(async (_body, path) => {
      await sleep(path.includes(slowId) ? 800 : 50);
      return { status: 200, body: JSON.stringify({ likes: 1 }) };
    });
    const like = await spawnBundle({
      cwd: serviceDist('like'),
      env: { MONOLITH_URL: monolith.url, LOG_LEVEL: 'silent' },
    });
    try {
      await drainUnderLoad(like, `/mysfits/${slowId}/like`, `/mysfits/${fastId}/like`, monolith.received, 'POST');
    } finally {
      await like.close();
      await monolith.close();
    }
  });
});
