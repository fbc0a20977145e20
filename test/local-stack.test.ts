import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEdgeRouter } from '../services/local/src/edge-router.js';
import { loadListenerRules } from '../services/local/src/listener-rules.js';
import { type LocalStack, startLocalStack } from '../services/local/src/local-stack.js';
import { freePort } from './support/free-port.js';
import { listeningSockets, socketInodesOf } from './support/listening-sockets.js';

const pauly = '2b473002-36f8-4b87-954e-9a377e0ccbec';

async function likesOf(base: string, id: string): Promise<number> {
  const response = await fetch(`${base}/mysfits/${id}`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { likes: number };
  return body.likes;
}

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return false;
  } catch {
    return true;
  }
}

describe('npm start: the local stack behind the edge router', () => {
  let stack: LocalStack;
  const lines: string[] = [];

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, tableName: 'mysfits-stack-test', log: (line) => lines.push(line) });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('should list the 12 seeded mysfits through the router', async () => {
    const response = await fetch(`${stack.url}/mysfits`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { mysfits: unknown[] };
    expect(body.mysfits).toHaveLength(12);
  });

  it('should serve the web page and its assets from the monolith at /', async () => {
    const page = await fetch(`${stack.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<title>Mythical Mysfits</title>');
    for (const asset of ['/app.js', '/styles.css', '/images/pauly-thumb.svg', '/images/pauly.svg']) {
      expect((await fetch(`${stack.url}${asset}`)).status, asset).toBe(200);
    }
  });

  it('should send /mysfits/<id>/like to the like service, which increments through the monolith', async () => {
    const before = await likesOf(stack.url, pauly);
    const requestId = `stack-test-${Date.now()}`;
    const response = await fetch(`${stack.url}/mysfits/${pauly}/like`, {
      method: 'POST',
      headers: { 'x-request-id': requestId },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ mysfitId: pauly, likes: before + 1 });
    expect(await likesOf(stack.url, pauly)).toBe(before + 1);
    const likeLines = lines.filter((line) => line.startsWith('like ') && line.includes(requestId));
    expect(likeLines.some((line) => line.includes('Like processed.'))).toBe(true);
    // The like service reached the monolith's internal route with the same request id.
    expect(
      lines.some((line) => line.startsWith('monolith') && line.includes(requestId) && line.includes('fulfill-like')),
    ).toBe(true);
  });

  it('should answer /mysfits/<id>/fulfill-like from outside with the JSON 404 and count nothing', async () => {
    const before = await likesOf(stack.url, pauly);
    const requestId = `stack-test-fulfill-${Date.now()}`;
    const response = await fetch(`${stack.url}/mysfits/${pauly}/fulfill-like`, {
      method: 'POST',
      headers: { 'x-request-id': requestId },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    expect(await likesOf(stack.url, pauly)).toBe(before);
    expect(lines.some((line) => line.includes(requestId))).toBe(false);
  });

  it('should listen on loopback only: every socket of the service processes, the router and dynalite', () => {
    const sockets = listeningSockets();
    const where = (socket: { address: string; port: number }) => `${socket.address}:${socket.port}`;
    for (const [name, pid] of Object.entries(stack.pids)) {
      expect(pid, name).toBeTypeOf('number');
      const inodes = socketInodesOf(pid as number);
      const own = sockets.filter((socket) => inodes.has(socket.inode));
      // Each service listens on at least its port; none of its sockets may face the network.
      expect(own.length, `listening sockets of the ${name} process`).toBeGreaterThan(0);
      expect(own.filter((socket) => !socket.loopback).map(where), `${name} bound beyond loopback`).toEqual([]);
    }
    // The router and dynalite live in this process, next to the test runner's own sockets: find them by port.
    for (const url of [stack.url, stack.dynamoEndpoint, ...Object.values(stack.upstreams)]) {
      const port = Number(new URL(url).port);
      const onPort = sockets.filter((socket) => socket.port === port);
      expect(onPort.length, url).toBeGreaterThan(0);
      expect(onPort.filter((socket) => !socket.loopback).map(where), `${url} bound beyond loopback`).toEqual([]);
    }
  });

  it('should stop every process and the router on stop()', async () => {
    await stack.stop();
    expect(await refused(`${stack.url}/health`)).toBe(true);
    expect(await refused(`${stack.upstreams.monolith}/health`)).toBe(true);
    expect(await refused(`${stack.upstreams.like}/health`)).toBe(true);
  });
});

describe('the local stack supervising its services', () => {
  it('should fail with what to run when a service bundle is missing', async () => {
    await expect(startLocalStack({ port: 0, servicesDir: '/nonexistent/services', log: () => {} })).rejects.toThrow(
      "The monolith bundle was expected at /nonexistent/services/monolith/dist/server.js but is missing. Build it with 'node scripts/build.mjs services'",
    );
  });

  it('should stop everything and report it when a service dies unexpectedly', async () => {
    let reported: Error | undefined;
    const stack = await startLocalStack({
      port: 0,
      tableName: 'mysfits-crash-test',
      log: () => {},
      onUnexpectedExit: (error) => {
        reported = error;
      },
    });
    try {
      expect(stack.pids.like).toBeTypeOf('number');
      process.kill(stack.pids.like as number, 'SIGKILL');
      const deadline = Date.now() + 15_000;
      while (!reported && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(reported?.message).toBe('The like service was killed by SIGKILL unexpectedly; stopping the stack.');
      expect(await refused(`${stack.upstreams.monolith}/health`)).toBe(true);
      expect(await refused(`${stack.url}/health`)).toBe(true);
    } finally {
      await stack.stop();
    }
  });
});

describe('edge router', () => {
  let upstream: Server;
  let upstreamUrl: string;

  beforeAll(async () => {
    // Echoes what it received, so the test sees exactly what the router forwarded.
    const echo = new Hono().all('*', async (c) =>
      c.json({ method: c.req.method, url: c.req.url, headers: c.req.header(), body: await c.req.text() }, 201),
    );
    upstream = await new Promise<Server>((resolve) => {
      const server = serve({ fetch: echo.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(server as Server));
    });
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => upstream?.close(resolve));
  });

  it('should forward method, path, query, headers and body, adding the headers the ALB adds', async () => {
    const router = createEdgeRouter({
      listener: loadListenerRules(),
      upstreams: { monolith: upstreamUrl, like: 'http://127.0.0.1:9' },
      listenerPort: 8080,
    });
    const response = await router.request('/mysfits?filter=GoodEvil&value=Good', {
      method: 'PUT',
      headers: { 'x-request-id': 'abc-123', 'x-forwarded-for': '203.0.113.7', 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(response.status).toBe(201);
    const echoed = (await response.json()) as {
      method: string;
      url: string;
      headers: Record<string, string>;
      body: string;
    };
    expect(echoed.method).toBe('PUT');
    expect(new URL(echoed.url).pathname + new URL(echoed.url).search).toBe('/mysfits?filter=GoodEvil&value=Good');
    expect(echoed.body).toBe('hello');
    expect(echoed.headers).toMatchObject({
      'x-request-id': 'abc-123',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-proto': 'http',
      'x-forwarded-port': '8080',
    });
    expect(echoed.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  });

  it('should append the client address to X-Forwarded-For when serving real connections', async () => {
    const router = createEdgeRouter({
      listener: loadListenerRules(),
      upstreams: { monolith: upstreamUrl, like: upstreamUrl },
    });
    const server = await new Promise<Server>((resolve) => {
      const created = serve({ fetch: router.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(created as Server));
    });
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mysfits/x/like`, {
        method: 'POST',
        headers: { 'x-forwarded-for': '198.51.100.1' },
      });
      const echoed = (await response.json()) as { headers: Record<string, string> };
      expect(echoed.headers['x-forwarded-for']).toBe('198.51.100.1, 127.0.0.1');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('should answer a JSON 502 naming the service when its upstream is unreachable', async () => {
    const closedPort = await freePort();
    const router = createEdgeRouter({
      listener: loadListenerRules(),
      upstreams: { monolith: upstreamUrl, like: `http://127.0.0.1:${closedPort}` },
    });
    const response = await router.request('/mysfits/abc/like', { method: 'POST' });
    expect(response.status).toBe(502);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('bad_gateway');
    expect(body.error.message).toContain('like service could not be reached');
  });

  it('should match the rules on the undecoded path as the ALB does, so encoded paths reach the default action', async () => {
    const router = createEdgeRouter({
      listener: loadListenerRules(),
      upstreams: { monolith: upstreamUrl, like: upstreamUrl },
    });
    const blocked = await router.request('/mysfits/abc/fulfill-like', { method: 'POST' });
    expect(blocked.status).toBe(404);
    // The ALB does not decode either: this reaches the monolith, which must guard its internal route itself.
    const encoded = await router.request('/mysfits/abc/fulfill%2Dlike', { method: 'POST' });
    expect(encoded.status).toBe(201);
  });
});
