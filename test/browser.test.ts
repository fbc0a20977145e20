import { existsSync } from 'node:fs';
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

describe('the web page in Chromium, behind the edge router', () => {
  let stack: LocalStack;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const likeServiceLines: string[] = [];

  beforeAll(async () => {
    const executablePath = chromiumPath();
    // Both at once to save time; whichever started is assigned so afterAll stops it if the other failed.
    const [started, launched] = await Promise.allSettled([
      startLocalStack({
        port: 0,
        tableName: 'mysfits-browser-test',
        log: (line) => {
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
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(5_000);
    // A CSP violation or a script error shows up here; the last test asserts there were none.
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
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
