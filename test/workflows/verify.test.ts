import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_COUNT, type CheckResult, verifyDeployment } from '../../deploy/verify.js';
import { createEdgeRouter } from '../../services/local/src/edge-router.js';
import { freePort } from '../../services/local/src/free-port.js';
import { loadListenerRules } from '../../services/local/src/listener-rules.js';
import { type LocalStack, startLocalStack } from '../../services/local/src/local-stack.js';
import { type ServiceProcess, spawnService } from '../../services/local/src/service-process.js';
import { likeRequestsTableName } from '../../services/local/src/table.js';
import { waitForHttp } from '../../services/local/src/wait-http.js';

const LIKE_CHECK = 'POST /mysfits/<unknown id>/like travels like service → monolith';
const likeDist = fileURLToPath(new URL('../../services/like/dist', import.meta.url));

/** Every item of both tables, sorted, to show that verify wrote nothing. */
async function snapshot(stack: LocalStack): Promise<unknown[]> {
  const client = new DynamoDBClient({
    endpoint: stack.dynamoEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const items: string[] = [];
  for (const table of [stack.tableName, likeRequestsTableName(stack.tableName)]) {
    const { Items } = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
    for (const item of Items ?? []) items.push(`${table} ${JSON.stringify(item, Object.keys(item).sort())}`);
  }
  client.destroy();
  return items.sort();
}

/**
 * The stack's monolith behind the ALB-rule router, with a like service of its own whose MONOLITH_URL
 * is `monolithUrl`: a like path broken between the like service and the monolith.
 */
async function routerWithLike(
  stack: LocalStack,
  monolithUrl: string,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const likePort = await freePort();
  const like: ServiceProcess = spawnService({
    name: 'like',
    distDir: likeDist,
    env: { MONOLITH_URL: monolithUrl, PORT: String(likePort) },
    log: () => {},
  });
  await waitForHttp(`http://127.0.0.1:${likePort}/health`, { timeoutMs: 20_000 });
  const router = createEdgeRouter({
    listener: loadListenerRules(),
    upstreams: { monolith: stack.upstreams.monolith ?? '', like: `http://127.0.0.1:${likePort}` },
  });
  const server = await new Promise<Server>((resolve) => {
    const created = serve({ fetch: router.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(created as Server));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await like.stop();
    },
  };
}

function byName(results: CheckResult[], name: string): CheckResult | undefined {
  return results.find((r) => r.name === name);
}

describe('deploy/verify.ts (the verify job)', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, tableName: 'mysfits-verify-test', log: () => {} });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('should pass every check against the local stack behind its ALB-rule router, writing nothing', async () => {
    const before = await snapshot(stack);

    const results = await verifyDeployment({ baseUrl: stack.url });

    expect(results.map((r) => [r.name, r.ok, r.ok ? '' : r.detail])).toEqual([
      ['GET /health answers 200', true, ''],
      ['GET /mysfits lists 12 mysfits', true, ''],
      ['GET /mysfits?filter=GoodEvil lists only those mysfits', true, ''],
      ['GET /mysfits/<id> answers that mysfit', true, ''],
      ['GET / serves the page', true, ''],
      [LIKE_CHECK, true, ''],
      ['POST /mysfits/<unknown id>/fulfill-like from outside gets the load balancer 404', true, ''],
    ]);
    expect(results).toHaveLength(CHECK_COUNT);
    expect(byName(results, LIKE_CHECK)?.detail).toMatch(
      /^like service answered, monolith's 404 for [0-9a-f-]{36} came back/,
    );
    expect(await snapshot(stack)).toEqual(before);
    expect(before.length).toBeGreaterThanOrEqual(12);
  });

  it('should fail the like and fulfill-like checks when /like and fulfill-like reach the monolith directly', async () => {
    // The monolith without the router: as if the like rule and the fulfill-like rule were missing.
    const results = await verifyDeployment({ baseUrl: stack.upstreams.monolith ?? '' });

    expect(byName(results, LIKE_CHECK)).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^expected the like service's 400 invalid_idempotency_key .* found HTTP 404 /),
    });
    const fulfill = results.find((r) => r.name.includes('fulfill-like'));
    expect(fulfill).toMatchObject({
      ok: false,
      detail: expect.stringMatching(
        /^expected the load balancer rule's fixed 404, found HTTP 404 .*No mysfit has the id/,
      ),
    });
  });

  it('should fail the like check when the like service cannot reach the monolith', async () => {
    const router = await routerWithLike(stack, `127.0.0.1:${await freePort()}`);
    try {
      const results = await verifyDeployment({ baseUrl: router.url });

      expect(results.filter((r) => !r.ok).map((r) => r.name)).toEqual([LIKE_CHECK]);
      expect(byName(results, LIKE_CHECK)?.detail).toMatch(
        /^expected the monolith's 404 not_found "No mysfit has the id [0-9a-f-]{36}\." passed on by the like service, found HTTP 503 .*monolith_unavailable/,
      );
    } finally {
      await router.stop();
    }
  }, 30_000);

  it("should fail the like check on a 404 that is not the monolith's answer for an unknown mysfit", async () => {
    // The like service reaches the monolith on a wrong path: the monolith's "no route" 404 comes back.
    const router = await routerWithLike(stack, `${stack.upstreams.monolith}/v2/`);
    try {
      const results = await verifyDeployment({ baseUrl: router.url });

      expect(byName(results, LIKE_CHECK)).toMatchObject({
        ok: false,
        detail: expect.stringMatching(
          /found HTTP 404 \{"error":\{"code":"not_found","message":"No route for POST \/v2\/mysfits\//,
        ),
      });
    } finally {
      await router.stop();
    }
  }, 30_000);

  it('should stop after a bounded number of health attempts when nothing answers', async () => {
    const server: Server = createServer((_req, res) => res.writeHead(503).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const results = await verifyDeployment({
        baseUrl: `http://127.0.0.1:${port}`,
        healthAttempts: 3,
        retryDelayMs: 10,
      });
      expect(results).toEqual([
        {
          name: 'GET /health answers 200',
          ok: false,
          detail: `expected 200 from http://127.0.0.1:${port}/health, found HTTP 503 after 3 attempts`,
        },
      ]);
    } finally {
      server.close();
    }
  });
});
