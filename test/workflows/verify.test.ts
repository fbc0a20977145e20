import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDeployment } from '../../deploy/verify.js';
import { type LocalStack, startLocalStack } from '../../services/local/src/local-stack.js';

describe('deploy/verify.ts (the verify job)', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, tableName: 'mysfits-verify-test', log: () => {} });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('should pass all four checks against the local stack behind its ALB-rule router', async () => {
    const results = await verifyDeployment({ baseUrl: stack.url });
    expect(results.map((r) => [r.name, r.ok])).toEqual([
      ['GET /health answers 200', true],
      ['GET /mysfits lists 12 mysfits', true],
      ['POST /mysfits/<id>/like increments (like service)', true],
      ['POST /mysfits/<id>/fulfill-like from outside gets 404', true],
    ]);
    expect(results[2]?.detail).toMatch(/^likes \d+ → \d+$/);
  });

  it('should fail the fulfill-like check when the internal route is reachable from outside', async () => {
    // The monolith without the router: fulfill-like answers 200, as it would without the ALB rule.
    const results = await verifyDeployment({ baseUrl: stack.upstreams.monolith ?? '' });
    const fulfill = results.find((r) => r.name.includes('fulfill-like'));
    expect(fulfill).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^expected 404 from the load balancer rule, found HTTP \d+$/),
    });
  });

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
