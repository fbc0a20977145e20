import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../services/local/src/local-stack.js';
import { type PageHost, pageFile, startPageHost } from './browser/page-host.js';

const pauly = '2b473002-36f8-4b87-954e-9a377e0ccbec';
const gary = 'c1a3b4f6-51a2-4c7e-8d59-0b7e2f3c9d10';
const screenshotPath = '/tmp/mysfits-browser-test.png';

/** Debian's `chromium` here, Google Chrome on GitHub's runners, or whatever CHROMIUM_PATH names. */
function chromiumPath(): string {
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`CHROMIUM_PATH is '${chosen}', which does not exist; fix or unset it.`);
    return chosen;
  }
  const found = ['/usr/bin/chromium', '/usr/bin/google-chrome'].find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(
      'No Chromium found at /usr/bin/chromium or /usr/bin/google-chrome. ' +
        "Run 'bash scripts/setup.sh all' to install Debian's chromium, or set CHROMIUM_PATH.",
    );
  }
  return found;
}

const cards = (page: Page) => page.locator('#mysfit-list > li');

async function waitForCardCount(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (expected) =>
      document.querySelectorAll('#mysfit-list > li').length === expected && !document.querySelector('[aria-busy]'),
    count,
    { timeout: 5_000 },
  );
}

let stack: LocalStack;
let browser: Browser;
const likeServiceLines: string[] = [];
const stackLines: string[] = [];

// One stack and one Chromium for the whole file: starting them is most of its time.
beforeAll(async () => {
  const executablePath = chromiumPath();
  // Both at once to save time; whichever started is assigned so afterAll stops it if the other failed.
  const [started, launched] = await Promise.allSettled([
    startLocalStack({
      port: 0,
      tableName: 'mysfits-browser-test',
      log: (line) => {
        stackLines.push(line);
        if (line.startsWith('like ')) likeServiceLines.push(line);
      },
    }),
    chromium.launch({
      executablePath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    }),
  ]);
  if (started.status === 'fulfilled') stack = started.value;
  if (launched.status === 'fulfilled') browser = launched.value;
  if (started.status === 'rejected') throw started.reason;
  if (launched.status === 'rejected') throw launched.reason;
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A page that collects script errors and console errors (CSP and CORS violations land there). */
async function watchedPage(problems: string[], viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(5_000);
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return page;
}

describe('the web page in Chromium, behind the edge router', () => {
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    page = await watchedPage(problems);
  });

  afterAll(async () => {
    await page?.close();
  });

  it('should render the 12 mysfits', async () => {
    await page.goto(stack.url);
    await waitForCardCount(page, 12);
    expect(await cards(page).count()).toBe(12);
    await expect(page.locator('#list-count').textContent()).resolves.toBe('Showing 12 mysfits.');
    await expect(page.getByRole('img', { name: 'Pauly, a Cyclops' }).isVisible()).resolves.toBe(true);
  });

  it('should narrow the list with the filters and widen it again on Clear filters', async () => {
    await page.getByLabel('Good or evil').selectOption('Good');
    await waitForCardCount(page, 4);
    const metas = await page.locator('#mysfit-list .card-meta').allTextContents();
    expect(metas.every((meta) => meta.includes(' · Good '))).toBe(true);

    await page.getByLabel('Lawful or chaotic').selectOption('Neutral');
    await waitForCardCount(page, 2);
    expect(await page.locator('#mysfit-list .card-title').allTextContents()).toEqual(['CoCo', 'Twilight Glitter']);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await waitForCardCount(page, 12);
  });

  it('should open a profile and increment the shown like count through the like service', async () => {
    await page.getByRole('link', { name: 'Pauly', exact: true }).click();
    await page.getByRole('heading', { name: 'Pauly', level: 1 }).waitFor();
    expect(await page.locator('#profile-age').textContent()).toBe('2 years');
    expect(await page.locator('#profile-description').textContent()).toContain('one enormous eye');
    const before = Number(await page.locator('#profile-likes').textContent());

    await page.getByRole('button', { name: /^Like Pauly/ }).click();
    await page.waitForFunction(
      (expected) => document.querySelector('#profile-likes')?.textContent === expected,
      String(before + 1),
    );
    expect(await page.getByRole('status').textContent()).toBe(
      `You liked Pauly. Pauly now has ${before === 0 ? '1 like' : `${before + 1} likes`}.`,
    );
    expect(likeServiceLines.some((line) => line.includes('Like processed.') && line.includes(pauly))).toBe(true);
  });

  it('should show Adopted after Adopt, and still after a reload', async () => {
    await page.getByRole('button', { name: 'Adopt Pauly' }).click();
    const adopted = page.getByRole('button', { name: 'Adopted' });
    await adopted.waitFor();
    expect(await adopted.isDisabled()).toBe(true);
    expect(await page.locator('#profile-badge').isVisible()).toBe(true);
    await page.screenshot({ path: screenshotPath });

    await page.reload();
    await page.getByRole('heading', { name: 'Pauly', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Adopted' }).waitFor();
    expect(await page.locator('#profile-badge').isVisible()).toBe(true);

    await page.getByRole('link', { name: '← All mysfits' }).click();
    await waitForCardCount(page, 12);
    expect(await page.locator(`[data-mysfit-id="${pauly}"] .badge`).textContent()).toBe('Adopted');
  });

  it('should say so kindly when someone else adopted the mysfit first (409)', async () => {
    await page.getByRole('link', { name: 'Gary', exact: true }).click();
    await page.getByRole('button', { name: 'Adopt Gary' }).waitFor();
    // Another person adopts Gary while this page still offers him.
    expect((await fetch(`${stack.url}/mysfits/${gary}/adopt`, { method: 'POST' })).status).toBe(200);

    await page.getByRole('button', { name: 'Adopt Gary' }).click();
    await page.getByRole('button', { name: 'Adopted' }).waitFor();
    expect(await page.getByRole('status').textContent()).toBe('Gary has already found a home with someone else.');
  });

  it('should show an error for a mysfit that does not exist', async () => {
    await page.goto(`${stack.url}/#/mysfits/00000000-0000-4000-8000-000000000000`);
    await page.waitForFunction(() => document.querySelector('#message')?.getAttribute('data-kind') === 'error');
    expect(await page.getByRole('status').textContent()).toBe(
      'That mysfit is not at the agency. Pick one from the list.',
    );
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Mysfit not found');
    expect(await page.locator('#like-button').isVisible()).toBe(false);
  });

  it('should run without script errors or Content-Security-Policy violations', () => {
    // Chromium logs the expected 409 and 404 answers above as failed resource loads.
    const expected =
      /^Failed to load resource: the server responded with a status of (404 \(Not Found\)|409 \(Conflict\))$/;
    expect(problems.filter((problem) => !expected.test(problem))).toEqual([]);
  });
});

describe('the real page copied to another origin (the workshop page in S3)', () => {
  const hasselhoff = 'b41ff031-141e-4a8d-bb56-158a22bea0b3';
  const jake = '3f0f196c-4a7b-43af-9e29-6522a715342d';
  const snowflake = '7d1a6ae2-4a4c-4b5c-9e49-7ef8d0a5a7a1';
  const unknownId = '00000000-0000-4000-8000-000000000000';
  let host: PageHost;
  let page: Page;
  const problems: string[] = [];
  /** The preflights a service answered (Chromium sends them without showing them to the page's events). */
  const preflightsTo = (service: 'monolith' | 'like', path: string) =>
    stackLines.filter(
      (line) =>
        line.startsWith(`${service} `) && line.includes('"method":"OPTIONS"') && line.includes(`"path":"${path}"`),
    );
  const likesShown = async () => Number(await page.locator('#profile-likes').textContent());
  const storedMysfit = async (id: string) =>
    (await (await fetch(`${stack.url}/mysfits/${id}`)).json()) as { likes: number; adopted: boolean };
  const isLike = (id: string) => (request: { url(): string; method(): string }) =>
    request.method() === 'POST' && request.url() === `${stack.url}/mysfits/${id}/like`;

  beforeAll(async () => {
    host = await startPageHost({
      // The policy the monolith sends, widened by the API's origin: what a host with a CSP needs.
      agency: {
        api: stack.url,
        csp: `default-src 'self'; connect-src 'self' ${stack.url}; img-src 'self' data: ${stack.url}; frame-ancestors 'none'`,
      },
    });
    // Tall enough that none of the twelve lazy images stays unloaded below the fold.
    page = await watchedPage(problems, { width: 1280, height: 3000 });
  });

  afterAll(async () => {
    await page?.close();
    await host?.close();
  });

  it('should list the 12 mysfits with their images decoded from the API origin', async () => {
    expect(host.origin).not.toBe(new URL(stack.url).origin);
    await page.goto(host.url('agency'));
    await waitForCardCount(page, 12);
    // A blocked image (CORP same-origin, CSP) fails to load and stays 0 wide: every one must have decoded.
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('#mysfit-list img')].every((img) => img.complete),
    );
    const images = await page
      .locator('#mysfit-list img')
      .evaluateAll((all) =>
        all.map((image) => ({ src: (image as HTMLImageElement).src, width: (image as HTMLImageElement).naturalWidth })),
      );
    expect(images).toHaveLength(12);
    expect(images.filter(({ width }) => width === 0)).toEqual([]);
    expect(images.filter(({ src }) => !src.startsWith(`${stack.url}/images/`))).toEqual([]);
    // The page's own files came from its host, by relative paths that work under a bucket prefix.
    const styles = await page.evaluate(() => getComputedStyle(document.querySelector('.card') as Element).display);
    expect(styles).not.toBe('inline');
  });

  it('should narrow the list with both filters and widen it again', async () => {
    await page.getByLabel('Good or evil').selectOption('Good');
    await waitForCardCount(page, 4);
    await page.getByLabel('Lawful or chaotic').selectOption('Neutral');
    await waitForCardCount(page, 2);
    expect(await page.locator('#mysfit-list .card-title').allTextContents()).toEqual(['CoCo', 'Twilight Glitter']);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await waitForCardCount(page, 12);
  });

  it('should like through the like service, sending an Idempotency-Key the API records', async () => {
    await page.getByRole('link', { name: 'Hasselhoff', exact: true }).click();
    await page.getByRole('heading', { name: 'Hasselhoff', level: 1 }).waitFor();
    const profileImage = await page
      .locator('#profile-image')
      .evaluate((image: HTMLImageElement) =>
        image.decode().then(() => ({ src: image.src, width: image.naturalWidth })),
      );
    expect(profileImage).toEqual({ src: `${stack.url}/images/hasselhoff.svg`, width: expect.any(Number) });
    expect(profileImage.width).toBeGreaterThan(0);
    const before = await likesShown();

    const sent = page.waitForRequest(isLike(hasselhoff));
    await page.getByRole('button', { name: /^Like Hasselhoff/ }).click();
    const key = (await sent).headers()['idempotency-key'];
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    await page.waitForFunction(
      (expected) => document.querySelector('#profile-likes')?.textContent === expected,
      String(before + 1),
    );
    expect(likeServiceLines.some((line) => line.includes('Like processed.') && line.includes(hasselhoff))).toBe(true);
    // A custom header makes the like preflighted; the like service answered that preflight.
    expect(preflightsTo('like', `/mysfits/${hasselhoff}/like`)).toHaveLength(1);

    // The same key again is a replay: the monolith recorded the key the browser sent.
    const replay = await fetch(`${stack.url}/mysfits/${hasselhoff}/like`, {
      method: 'POST',
      headers: { 'Idempotency-Key': key as string },
    });
    expect(await replay.json()).toEqual({ mysfitId: hasselhoff, likes: before + 1 });
  });

  it('should send a lost like again with the same key, so it counts once, and a new like with a new key', async () => {
    const before = await likesShown();
    const keys: string[] = [];
    // The like reaches the API and counts, but its answer never reaches the page.
    await page.route(`${stack.url}/mysfits/${hasselhoff}/like`, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.getByRole('button', { name: /^Like Hasselhoff/ }).click();
    await page.waitForFunction(() => document.querySelector('#message')?.getAttribute('data-kind') === 'error');
    expect(await page.getByRole('status').textContent()).toBe(
      'The agency could not be reached. Check your connection and try again.',
    );
    expect((await storedMysfit(hasselhoff)).likes).toBe(before + 1);
    await page.unroute(`${stack.url}/mysfits/${hasselhoff}/like`);

    const retried = page.waitForRequest(isLike(hasselhoff));
    await page.getByRole('button', { name: /^Like Hasselhoff/ }).click();
    keys.push((await retried).headers()['idempotency-key'] ?? '');
    await page.getByRole('status').filter({ hasText: 'You liked Hasselhoff.' }).waitFor();
    expect(await likesShown()).toBe(before + 1);
    expect((await storedMysfit(hasselhoff)).likes).toBe(before + 1);

    const fresh = page.waitForRequest(isLike(hasselhoff));
    await page.getByRole('button', { name: /^Like Hasselhoff/ }).click();
    keys.push((await fresh).headers()['idempotency-key'] ?? '');
    await page.waitForFunction(
      (expected) => document.querySelector('#profile-likes')?.textContent === expected,
      String(before + 2),
    );
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('should adopt, and still show Adopted after a reload', async () => {
    await page.getByRole('button', { name: 'Adopt Hasselhoff' }).click();
    await page.getByRole('button', { name: 'Adopted' }).waitFor();
    expect((await storedMysfit(hasselhoff)).adopted).toBe(true);
    await page.reload();
    await page.getByRole('heading', { name: 'Hasselhoff', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Adopted' }).waitFor();
    expect(await page.locator('#profile-badge').isVisible()).toBe(true);
  });

  it('should read the error answers it acts on across origins: 409, 404 and 400', async () => {
    // Without CORS headers on an error, fetch only throws and the page would say it could not reach the agency.
    await page.goto(`${host.url('agency')}#/mysfits/${jake}`);
    await page.getByRole('button', { name: 'Adopt Jake' }).waitFor();
    expect((await fetch(`${stack.url}/mysfits/${jake}/adopt`, { method: 'POST' })).status).toBe(200);
    await page.getByRole('button', { name: 'Adopt Jake' }).click();
    await page.getByRole('button', { name: 'Adopted' }).waitFor();
    expect(await page.getByRole('status').textContent()).toBe('Jake has already found a home with someone else.');

    await page.goto(`${host.url('agency')}#/mysfits/${unknownId}`);
    await page.getByRole('heading', { name: 'Mysfit not found', level: 1 }).waitFor();
    expect(await page.getByRole('status').textContent()).toBe(
      'That mysfit is not at the agency. Pick one from the list.',
    );

    await page.goto(`${host.url('agency')}#/mysfits/not-an-id`);
    await page.getByRole('heading', { name: 'This mysfit could not be loaded', level: 1 }).waitFor();
    expect(await page.getByRole('status').textContent()).toBe('A mysfit id is a lower-case UUID; found "not-an-id".');
  });

  it('should let other clients on this origin send JSON bodies and X-Request-Id, and read X-Request-Id back', async () => {
    // The page itself sends neither; a browser client of the API may.
    const requestId = `cross-origin-${Date.now()}`;
    const answer = await page.evaluate(
      async ([url, id]) => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Request-Id': id },
          body: '{}',
        });
        return { status: response.status, requestId: response.headers.get('x-request-id') };
      },
      [`${stack.url}/mysfits/${snowflake}/adopt`, requestId] as const,
    );
    expect(answer).toEqual({ status: 200, requestId });
    expect(preflightsTo('monolith', `/mysfits/${snowflake}/adopt`)).toHaveLength(1);
  });

  it('should meet no CORS, resource-policy or Content-Security-Policy refusals on the way', () => {
    // Only the failures the tests above provoked, once each: the lost like, then the 409, 404 and 400 answers.
    expect(problems).toEqual([
      'Failed to load resource: net::ERR_CONNECTION_RESET',
      'Failed to load resource: the server responded with a status of 409 (Conflict)',
      'Failed to load resource: the server responded with a status of 404 (Not Found)',
      'Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);
  });
});

describe('the real page with its API origin set wrong', () => {
  /** Opens the page, waits until it reports a set-up problem, and answers the message and the calls it made elsewhere. */
  async function messageOf(url: string): Promise<{ text: string | null; calls: string[] }> {
    const page = await watchedPage([]);
    const calls: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).origin !== new URL(url).origin) calls.push(request.url());
    });
    try {
      await page.goto(url);
      // The page disables its controls once it has found a set-up problem (an error alone could be a failed call).
      await page.waitForFunction(() => document.querySelector<HTMLSelectElement>('#filter-goodevil')?.disabled);
      return {
        text: await page.getByRole('status').textContent(),
        calls,
      };
    } finally {
      await page.close();
    }
  }
  let host: PageHost;

  beforeAll(async () => {
    host = await startPageHost({
      'no-scheme': { api: new URL(stack.url).host },
      'with-path': { api: `${stack.url}/api` },
      // A host whose policy was copied from the monolith's, without the API's origin added.
      'csp-without-api': { api: stack.url, csp: "default-src 'self'; img-src 'self' data:" },
    });
  });

  afterAll(async () => {
    await host?.close();
  });

  it('should say what is wrong with a base that is not an origin, and call nothing', async () => {
    for (const [site, raw] of [
      ['no-scheme', new URL(stack.url).host],
      ['with-path', `${stack.url}/api`],
    ] as const) {
      const shown = await messageOf(host.url(site));
      expect(shown.text, site).toContain(`“${raw}”`);
      expect(shown.text, site).toContain('<meta name="mysfits-api">');
      expect(shown.calls, site).toEqual([]);
    }
  });

  it('should refuse an http API from an https page, which the browser would block as mixed content', async () => {
    const pageOrigin = 'https://mysfits-page.example';
    const page = await browser.newPage();
    const site = { api: 'http://api.example.com' };
    await page.route(`${pageOrigin}/**`, async (route) => {
      const file = await pageFile(new URL(route.request().url()).pathname.slice(1), site);
      await route.fulfill({
        status: file.status,
        contentType: file.contentType,
        body: file.body,
        headers: file.headers,
      });
    });
    try {
      await page.goto(`${pageOrigin}/`);
      await page.waitForFunction(() => document.querySelector('#message')?.getAttribute('data-kind') === 'error');
      expect(await page.getByRole('status').textContent()).toContain(
        'served over https but is set up to call the agency at http://api.example.com over http',
      );
    } finally {
      await page.close();
    }
  });

  it('should name the Content-Security-Policy when it blocks the API origin', async () => {
    const shown = await messageOf(host.url('csp-without-api'));
    expect(shown.text).toBe(
      `This page’s Content-Security-Policy blocks the agency at ${stack.url} (connect-src). ` +
        `Add ${stack.url} to connect-src and img-src in the policy this page is served with.`,
    );
  });
});
