import { request } from 'node:http';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';
import { type RunningService, seededStore, startLike, startMonolith } from '../support/services.js';

const id = '4e53920c-505a-4a90-a694-b9300791f0ae';

interface Malformed {
  name: string;
  target: 'monolith' | 'like';
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Sends the path byte for byte (fetch would normalise the tricks away). */
function rawRequest(base: string, req: Malformed): Promise<{ status: number; contentType: string; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers: req.headers },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type']), body }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

const json = { 'Content-Type': 'application/json' };
const big = 'x'.repeat(64 * 1024);

const cases: Malformed[] = [
  // Bad ids.
  { name: 'id not a uuid', target: 'monolith', method: 'GET', path: '/mysfits/evangeline' },
  { name: 'upper-case uuid', target: 'monolith', method: 'GET', path: `/mysfits/${id.toUpperCase()}` },
  { name: 'uuid with suffix', target: 'monolith', method: 'POST', path: `/mysfits/${id}x/like` },
  { name: 'uuid with injection', target: 'monolith', method: 'POST', path: `/mysfits/${id}';DROP/adopt` },
  { name: 'like with bad id (monolith)', target: 'monolith', method: 'POST', path: '/mysfits/1/like' },
  { name: 'like with bad id (like)', target: 'like', method: 'POST', path: '/mysfits/1/like' },
  { name: 'fulfill-like with bad id', target: 'monolith', method: 'POST', path: '/mysfits/%7B%7D/fulfill-like' },
  {
    name: 'unknown id like',
    target: 'monolith',
    method: 'POST',
    path: '/mysfits/00000000-0000-4000-8000-000000000000/like',
  },
  {
    name: 'unknown id via like service',
    target: 'like',
    method: 'POST',
    path: '/mysfits/00000000-0000-4000-8000-000000000000/like',
  },
  {
    name: 'unknown id adopt',
    target: 'monolith',
    method: 'POST',
    path: '/mysfits/00000000-0000-4000-8000-000000000000/adopt',
  },
  // Bad JSON and bodies.
  {
    name: 'broken JSON to like',
    target: 'monolith',
    method: 'POST',
    path: `/mysfits/${id}/like`,
    headers: json,
    body: '{"a":',
  },
  {
    name: 'broken JSON to adopt',
    target: 'monolith',
    method: 'POST',
    path: `/mysfits/${id}/adopt`,
    headers: json,
    body: 'nope',
  },
  {
    name: 'JSON array body',
    target: 'monolith',
    method: 'POST',
    path: `/mysfits/${id}/adopt`,
    headers: json,
    body: '[1,2]',
  },
  {
    name: 'JSON string body',
    target: 'like',
    method: 'POST',
    path: `/mysfits/${id}/like`,
    headers: json,
    body: '"like"',
  },
  {
    name: 'broken JSON to like service',
    target: 'like',
    method: 'POST',
    path: `/mysfits/${id}/like`,
    headers: json,
    body: '{',
  },
  {
    name: 'oversized body (monolith)',
    target: 'monolith',
    method: 'POST',
    path: `/mysfits/${id}/like`,
    headers: json,
    body: big,
  },
  {
    name: 'oversized body (like)',
    target: 'like',
    method: 'POST',
    path: `/mysfits/${id}/like`,
    headers: json,
    body: big,
  },
  { name: 'oversized body to adopt', target: 'monolith', method: 'POST', path: `/mysfits/${id}/adopt`, body: big },
  // Wrong methods.
  { name: 'GET like', target: 'monolith', method: 'GET', path: `/mysfits/${id}/like` },
  { name: 'DELETE mysfit', target: 'monolith', method: 'DELETE', path: `/mysfits/${id}` },
  { name: 'PUT list', target: 'monolith', method: 'PUT', path: '/mysfits', headers: json, body: '{}' },
  { name: 'PATCH adopt', target: 'monolith', method: 'PATCH', path: `/mysfits/${id}/adopt` },
  { name: 'GET like on like service', target: 'like', method: 'GET', path: `/mysfits/${id}/like` },
  { name: 'POST health', target: 'like', method: 'POST', path: '/health' },
  // Unknown filters.
  { name: 'unknown filter', target: 'monolith', method: 'GET', path: '/mysfits?filter=Age&value=3' },
  { name: 'filter without value', target: 'monolith', method: 'GET', path: '/mysfits?filter=GoodEvil' },
  {
    name: 'value of the other filter',
    target: 'monolith',
    method: 'GET',
    path: '/mysfits?filter=GoodEvil&value=Lawful',
  },
  { name: 'lower-case value', target: 'monolith', method: 'GET', path: '/mysfits?filter=GoodEvil&value=good' },
  {
    name: 'injection in value',
    target: 'monolith',
    method: 'GET',
    path: "/mysfits?filter=LawChaos&value=Lawful'%20OR%201=1",
  },
  // Path tricks.
  {
    name: 'encoded traversal to a file',
    target: 'monolith',
    method: 'GET',
    path: '/images/..%2f..%2f..%2fpackage.json',
  },
  { name: 'dot-dot traversal', target: 'monolith', method: 'GET', path: '/images/../../../../etc/passwd' },
  { name: 'encoded slash in id', target: 'monolith', method: 'POST', path: `/mysfits/${id}%2Flike` },
  { name: 'double slash', target: 'monolith', method: 'POST', path: '/mysfits//like' },
  { name: 'extra segment', target: 'monolith', method: 'POST', path: `/mysfits/${id}/like/again` },
  { name: 'NUL byte', target: 'monolith', method: 'GET', path: `/mysfits/${id}%00` },
  { name: 'encoded internal route', target: 'monolith', method: 'POST', path: `/mysfits/${id}/fulfill%2Dlike` },
  { name: 'encoded letter', target: 'monolith', method: 'POST', path: `/mysfits/${id}/%66ulfill-like` },
  { name: 'dot segment before the route', target: 'monolith', method: 'POST', path: `/./mysfits/${id}/fulfill-like` },
  {
    name: 'dot-dot segment before the route',
    target: 'monolith',
    method: 'POST',
    path: `/x/../mysfits/${id}/fulfill-like`,
  },
  { name: 'encoded like on like service', target: 'like', method: 'POST', path: `/mysfits/${id}/%6Cike` },
  { name: 'unknown route on like service', target: 'like', method: 'POST', path: `/mysfits/${id}/adopt` },
  {
    name: 'fulfill-like with a bad key',
    target: 'monolith',
    method: 'POST',
    path: `/mysfits/${id}/fulfill-like`,
    headers: { 'Idempotency-Key': '../../etc' },
  },
  {
    name: 'like with a bad key',
    target: 'like',
    method: 'POST',
    path: `/mysfits/${id}/like`,
    headers: { 'Idempotency-Key': 'x'.repeat(65) },
  },
];

describe('malformed requests', () => {
  let dynamo: LocalDynamo;
  let tableName: string;
  let monolith: RunningService;
  let like: RunningService;
  const snapshot = async () =>
    (await dynamo.client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))).Items?.sort((a, b) =>
      String(a.mysfitId?.S).localeCompare(String(b.mysfitId?.S)),
    );

  beforeAll(async () => {
    dynamo = await startDynalite();
    const seeded = await seededStore(dynamo);
    tableName = seeded.tableName;
    monolith = await startMonolith(seeded);
    like = await startLike({ monolithUrl: monolith.url });
  });
  afterAll(async () => {
    await like.close();
    await monolith.close();
    await dynamo.stop();
  });

  it('should have at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it('should answer every case with a JSON 4xx and change nothing in the table', async () => {
    const before = await snapshot();
    const failures: string[] = [];
    for (const testCase of cases) {
      const response = await rawRequest(testCase.target === 'monolith' ? monolith.url : like.url, testCase);
      let code: unknown;
      try {
        code = (JSON.parse(response.body) as { error?: { code?: unknown } }).error?.code;
      } catch {
        code = undefined;
      }
      if (
        response.status < 400 ||
        response.status >= 500 ||
        !response.contentType.includes('application/json') ||
        typeof code !== 'string'
      ) {
        failures.push(
          `${testCase.name}: ${testCase.method} ${testCase.path.slice(0, 80)} → ${response.status} ${response.body.slice(0, 120)}`,
        );
      }
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });
});
