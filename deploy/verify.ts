// The deploy workflow's verify job: smoke tests through the load balancer's public URL.
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
  likes: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function request(url: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the message
  }
  return { status: response.status, body };
}

async function likesOf(base: string, id: string): Promise<number> {
  const { status, body } = await request(`${base}/mysfits/${id}`);
  if (status !== 200) throw new Error(`GET /mysfits/${id}: expected 200, found ${status}`);
  return (body as Mysfit).likes;
}

/**
 * Runs the smoke checks in order: /health (retried while the load balancer warms up), the list of
 * 12 mysfits, a like through the public path that increments, and fulfill-like refused from outside.
 * Never throws for a failed check; each result says what was expected and found.
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
  let first: Mysfit | undefined;
  await check('GET /mysfits lists 12 mysfits', async () => {
    const { status, body } = await request(`${base}/mysfits`);
    const mysfits = (body as { mysfits?: Mysfit[] }).mysfits ?? [];
    if (status !== 200 || mysfits.length !== 12) {
      throw new Error(
        `expected 200 with 12 mysfits, found HTTP ${status} with ${mysfits.length}: is the table seeded?`,
      );
    }
    first = mysfits[0];
    return `12 mysfits, first ${first?.name ?? first?.mysfitId}`;
  });
  const target = first;
  if (!target) return results;
  await check(`POST /mysfits/<id>/like increments (like service)`, async () => {
    const before = await likesOf(base, target.mysfitId);
    const { status } = await request(`${base}/mysfits/${target.mysfitId}/like`, { method: 'POST' });
    const after = await likesOf(base, target.mysfitId);
    // Others may like at the same time: at least one more, not exactly one.
    if (status !== 200 || after < before + 1) {
      throw new Error(`expected 200 and likes ≥ ${before + 1}, found HTTP ${status} and likes ${after}`);
    }
    return `likes ${before} → ${after}`;
  });
  await check('POST /mysfits/<id>/fulfill-like from outside gets 404', async () => {
    const { status } = await request(`${base}/mysfits/${target.mysfitId}/fulfill-like`, { method: 'POST' });
    if (status !== 404) throw new Error(`expected 404 from the load balancer rule, found HTTP ${status}`);
    return '404 (the internal route is not public)';
  });
  return results;
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
    if (failed.length > 0 || results.length < 4) {
      console.error(
        `::error::verify: ${failed.map((r) => `${r.name}: ${r.detail}`).join('; ') || 'checks were skipped'}`,
      );
      process.exitCode = 1;
    }
  }
}
