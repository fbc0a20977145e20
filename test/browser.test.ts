import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../services/local/src/local-stack.js';

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
async function watchedPage(problems: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
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

describe('a page on another origin calling the API (the workshop page in S3)', () => {
  const hasselhoff = 'b41ff031-141e-4a8d-bb56-158a22bea0b3';
  const html = readFileSync(new URL('./browser/cross-origin-page.html', import.meta.url), 'utf8');
  let pageServer: Server;
  let pageOrigin: string;
  let page: Page;
  const problems: string[] = [];
  /** The preflights a service answered (Chromium sends them without showing them to the page's events). */
  const preflightsTo = (service: 'monolith' | 'like', path: string) =>
    stackLines.filter(
      (line) =>
        line.startsWith(`${service} `) && line.includes('"method":"OPTIONS"') && line.includes(`"path":"${path}"`),
    );
  const item = () => page.locator(`[data-mysfit-id="${hasselhoff}"]`);

  beforeAll(async () => {
    // A second origin: the same loopback address, another port.
    pageServer = createServer((request, response) => {
      const known = request.url?.startsWith('/cross-origin-page.html');
      response.writeHead(known ? 200 : 404, { 'Content-Type': known ? 'text/html; charset=utf-8' : 'text/plain' });
      response.end(known ? html : 'not found');
    });
    await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
    pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
    page = await watchedPage(problems);
  });

  afterAll(async () => {
    await page?.close();
    await new Promise((resolve) => pageServer?.close(resolve));
  });

  it('should list the 12 mysfits and show their images from the API origin', async () => {
    expect(new URL(pageOrigin).origin).not.toBe(new URL(stack.url).origin);
    await page.goto(`${pageOrigin}/cross-origin-page.html?api=${encodeURIComponent(stack.url)}`);
    await page.waitForFunction(() => document.querySelectorAll('#list > li').length === 12);
    // A blocked image (CORP same-origin) fails to load and stays 0 wide: every one must have decoded.
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('#list img')].every((img) => img.complete),
    );
    const widths = await page.locator('#list img').evaluateAll((images) =>
      images.map((image) => ({
        src: (image as HTMLImageElement).src,
        width: (image as HTMLImageElement).naturalWidth,
      })),
    );
    expect(widths).toHaveLength(12);
    expect(widths.filter(({ width }) => width === 0)).toEqual([]);
    expect(widths.every(({ src }) => src.startsWith(`${stack.url}/images/`))).toBe(true);
  });

  it('should filter the list', async () => {
    await page.locator('#goodevil').selectOption('Good');
    await page.waitForFunction(
      () => document.querySelectorAll('#list > li').length === 4 && !document.querySelector('[aria-busy]'),
    );
    expect(await page.locator('#list .name').allTextContents()).toEqual([
      'CoCo',
      'Hasselhoff',
      'Jake',
      'Twilight Glitter',
    ]);
  });

  it('should like through the like service with an Idempotency-Key and read the exposed X-Request-Id', async () => {
    const before = Number(await item().locator('.likes').textContent());
    await item().getByRole('button', { name: 'Like Hasselhoff' }).click();
    await page.waitForFunction(
      ([id, expected]) => document.querySelector(`[data-mysfit-id="${id}"] .likes`)?.textContent === expected,
      [hasselhoff, String(before + 1)] as const,
    );
    expect(await page.getByRole('status').textContent()).toMatch(
      /^liked Hasselhoff \(request cross-origin-[0-9a-f-]{36}\)$/,
    );
    expect(likeServiceLines.some((line) => line.includes('Like processed.') && line.includes(hasselhoff))).toBe(true);
    expect(preflightsTo('like', `/mysfits/${hasselhoff}/like`)).toHaveLength(1);
  });

  it('should adopt with a JSON body', async () => {
    await item().getByRole('button', { name: 'Adopt Hasselhoff' }).click();
    await item().getByRole('button', { name: 'Adopted' }).waitFor();
    expect(await page.getByRole('status').textContent()).toBe('adopted Hasselhoff');
    expect(preflightsTo('monolith', `/mysfits/${hasselhoff}/adopt`)).toHaveLength(1);
    const stored = (await (await fetch(`${stack.url}/mysfits/${hasselhoff}`)).json()) as { adopted: boolean };
    expect(stored.adopted).toBe(true);
  });

  it('should read the JSON body of an error answer', async () => {
    await page.evaluate(() => (window as unknown as { lookUp(id: string): Promise<void> }).lookUp('not-an-id'));
    expect(await page.getByRole('status').textContent()).toBe('400 invalid_id');
    await page.evaluate(() =>
      (window as unknown as { lookUp(id: string): Promise<void> }).lookUp('00000000-0000-4000-8000-000000000000'),
    );
    expect(await page.getByRole('status').textContent()).toBe('404 not_found');
  });

  it('should meet no CORS or resource-policy refusals on the way', () => {
    const expected =
      /^Failed to load resource: the server responded with a status of (400 \(Bad Request\)|404 \(Not Found\))$/;
    expect(problems.filter((problem) => !expected.test(problem))).toEqual([]);
  });
});
