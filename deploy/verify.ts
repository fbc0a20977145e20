// The deploy workflow's verify job: smoke tests through the load balancer's public URL. Read-only:
// it runs on every deploy against production data.
//   node deploy/verify.ts "$PUBLIC_URL"   (the platform stack's PublicUrl output)
// Runs with plain Node 24 (types stripped, no dependencies); writes a table to the job summary.
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One smoke check and what it found. */
export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

interface Mysfit {
  mysfitId: string;
  name?: string;
  goodevil?: string;
}

interface ErrorBody {
  error?: { code?: string; message?: string };
}

/** How many checks a complete run reports; fewer means a check was skipped after a failure. */
export const CHECK_COUNT = 7;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function request(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: unknown; text: string; contentType: string }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the message
  }
  return { status: response.status, body, text, contentType: response.headers.get('content-type') ?? '' };
}

/** `HTTP 404 {"error":…}`, the body cut short: what a failed check found. */
function found(status: number, text: string): string {
  const body = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return `HTTP ${status} ${body}`.trim();
}

function errorOf(body: unknown): { code?: string; message?: string } {
  return (typeof body === 'object' && body !== null ? (body as ErrorBody).error : undefined) ?? {};
}

/** The monolith's answer for an unknown mysfit (services/monolith/src/store.ts), and no one else's. */
export function monolithNotFoundMessage(id: string): string {
  return `No mysfit has the id ${id}.`;
}

/** The message of the listener rule's fixed 404 for fulfill-like (cloudformation/platform.yml). */
export const LOAD_BALANCER_NOT_FOUND_MESSAGE = 'Not found.';

/**
 * Runs the smoke checks in order, none of which writes anything: /health (retried while the load
 * balancer warms up), the list of 12 mysfits, a filter, one mysfit by id, the page, the like path
 * (like service → monolith, proved with an id no mysfit has) and fulfill-like refused by the load
 * balancer. Never throws for a failed check; each result says what was expected and found.
 */
export async function verifyDeployment(options: {
  baseUrl: string;
  healthAttempts?: number;
  retryDelayMs?: number;
}): Promise<CheckResult[]> {
  const base = options.baseUrl.replace(/\/+$/, '');
  const results: CheckResult[] = [];
  const check = async (name: string, run: () => Promise<string>): Promise<boolean> => {
    try {
      results.push({ name, ok: true, detail: await run() });
      return true;
    } catch (error) {
      results.push({ name, ok: false, detail: error instanceof Error ? error.message : String(error) });
      return false;
    }
  };
  const healthy = await check('GET /health answers 200', async () => {
    const attempts = options.healthAttempts ?? 12;
    let last = '';
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        const { status } = await request(`${base}/health`);
        if (status === 200) return `200 after ${attempt} attempt(s)`;
        last = `HTTP ${status}`;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      if (attempt < attempts) await sleep(options.retryDelayMs ?? 5_000);
    }
    throw new Error(`expected 200 from ${base}/health, found ${last} after ${attempts} attempts`);
  });
  if (!healthy) return results;
  let mysfits: Mysfit[] = [];
  await check('GET /mysfits lists 12 mysfits', async () => {
    const { status, body } = await request(`${base}/mysfits`);
    mysfits = (body as { mysfits?: Mysfit[] }).mysfits ?? [];
    if (status !== 200 || mysfits.length !== 12) {
      throw new Error(
        `expected 200 with 12 mysfits, found HTTP ${status} with ${mysfits.length}: is the table seeded?`,
      );
    }
    return `12 mysfits, first ${mysfits[0]?.name ?? mysfits[0]?.mysfitId}`;
  });
  const target = mysfits[0];
  if (!target) return results;
  await check('GET /mysfits?filter=GoodEvil lists only those mysfits', async () => {
    const value = target.goodevil ?? '';
    const { status, body, text } = await request(`${base}/mysfits?filter=GoodEvil&value=${encodeURIComponent(value)}`);
    const listed = (body as { mysfits?: Mysfit[] }).mysfits ?? [];
    const expected = mysfits.filter((m) => m.goodevil === value).length;
    const wrong = listed.filter((m) => m.goodevil !== value);
    if (status !== 200 || listed.length !== expected || wrong.length > 0) {
      throw new Error(`expected 200 with the ${expected} ${value} mysfits of the list, found ${found(status, text)}`);
    }
    return `${listed.length} ${value}`;
  });
  await check('GET /mysfits/<id> answers that mysfit', async () => {
    const { status, body, text } = await request(`${base}/mysfits/${target.mysfitId}`);
    if (status !== 200 || (body as Mysfit).mysfitId !== target.mysfitId) {
      throw new Error(`expected 200 with mysfit ${target.mysfitId}, found ${found(status, text)}`);
    }
    return (body as Mysfit).name ?? target.mysfitId;
  });
  await check('GET / serves the page', async () => {
    const { status, text, contentType } = await request(`${base}/`);
    if (status !== 200 || !contentType.startsWith('text/html') || !text.includes('<title>Mythical Mysfits</title>')) {
      throw new Error(`expected 200 text/html with the Mythical Mysfits title, found HTTP ${status} ${contentType}`);
    }
    return `200 ${contentType}`;
  });
  // An id no mysfit has: no like is counted, and only the monolith knows that it does not exist. It
  // still claims the like's idempotency key and frees it again on finding no such mysfit: two
  // writes to the like-requests table that leave nothing behind.
  let unknown = crypto.randomUUID();
  while (mysfits.some((m) => m.mysfitId === unknown)) unknown = crypto.randomUUID();
  await check('POST /mysfits/<unknown id>/like travels like service → monolith', () => likePath(base, unknown));
  await check('POST /mysfits/<unknown id>/fulfill-like from outside gets the load balancer 404', async () => {
    const { status, body, text } = await request(`${base}/mysfits/${unknown}/fulfill-like`, { method: 'POST' });
    // The rule's fixed response, not a service's 404: a monolith reached here would count likes of a real id.
    const { code, message } = errorOf(body);
    if (status !== 404 || code !== 'not_found' || message !== LOAD_BALANCER_NOT_FOUND_MESSAGE) {
      throw new Error(`expected the load balancer rule's fixed 404, found ${found(status, text)}`);
    }
    return '404 (the internal route is not public)';
  });
  return results;
}

/**
 * Proves, leaving nothing written, that POST /mysfits/<id>/like reaches the like service and that the like
 * service reaches the monolith. The like service itself rejects a malformed Idempotency-Key (the
 * monolith's own /like route, which the load balancer would reach without the like rule, ignores
 * that header); and for a well-formed like of an unknown id it passes the monolith's 404 on. That
 * 404 says "No mysfit has the id <id>."; the load balancer's fixed 404 says "Not found.", a missing
 * route "No route for …", and a like service that cannot reach the monolith answers 503.
 */
async function likePath(base: string, unknown: string): Promise<string> {
  const url = `${base}/mysfits/${unknown}/like`;
  const refused = await request(url, { method: 'POST', headers: { 'Idempotency-Key': 'not a key!' } });
  if (refused.status !== 400 || errorOf(refused.body).code !== 'invalid_idempotency_key') {
    throw new Error(
      `expected the like service's 400 invalid_idempotency_key for a malformed Idempotency-Key (is the like rule routing /like to the like service?), found ${found(refused.status, refused.text)}`,
    );
  }
  const liked = await request(url, { method: 'POST' });
  const { code, message } = errorOf(liked.body);
  if (liked.status !== 404 || code !== 'not_found' || message !== monolithNotFoundMessage(unknown)) {
    throw new Error(
      `expected the monolith's 404 not_found "${monolithNotFoundMessage(unknown)}" passed on by the like service, found ${found(liked.status, liked.text)}`,
    );
  }
  return `like service answered, monolith's 404 for ${unknown} came back; nothing counted`;
}

function summaryTable(baseUrl: string, results: CheckResult[]): string {
  const rows = results.map((r) => `| ${r.ok ? '✅' : '❌'} | ${r.name} | ${r.detail.replace(/\|/g, '\\|')} |`);
  return [`### Verify: ${baseUrl}`, '', '| | Check | Result |', '| --- | --- | --- |', ...rows, ''].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const baseUrl = process.argv[2] ?? '';
  if (!/^https?:\/\//.test(baseUrl)) {
    console.error(`::error::usage: node deploy/verify.ts <public URL>, found '${baseUrl}'`);
    process.exitCode = 1;
  } else {
    const results = await verifyDeployment({ baseUrl });
    for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name}: ${r.detail}`);
    if (process.env.GITHUB_STEP_SUMMARY)
      appendFileSync(process.env.GITHUB_STEP_SUMMARY, summaryTable(baseUrl, results));
    const failed = results.filter((r) => !r.ok);
    if (failed.length > 0 || results.length < CHECK_COUNT) {
      console.error(
        `::error::verify: ${failed.map((r) => `${r.name}: ${r.detail}`).join('; ') || 'checks were skipped'}`,
      );
      process.exitCode = 1;
    }
  }
}
