import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The page's real files, as the monolith serves them and as they would be copied to a bucket. */
const publicDir = fileURLToPath(new URL('../../services/monolith/src/public/', import.meta.url));
const emptyApiMeta = '<meta name="mysfits-api" content="">';
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** One copy of the page on the host: what its `mysfits-api` meta says, and the CSP it is served with. */
export interface PageSite {
  api: string;
  csp?: string;
}

export interface PageFile {
  status: number;
  contentType: string;
  body: Buffer | string;
  headers: Record<string, string>;
}

const escapeAttribute = (value: string) =>
  value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');

/**
 * A file of the page at `path` (relative to the site, '' for index.html), with index.html's meta
 * set to `site.api` as someone hosting the page elsewhere would set it.
 * @throws Error when index.html no longer has the empty meta this host rewrites.
 */
export async function pageFile(path: string, site: PageSite): Promise<PageFile> {
  const name = path === '' ? 'index.html' : path;
  const file = normalize(join(publicDir, name));
  const type = contentTypes[extname(file)];
  if (!file.startsWith(publicDir) || file.includes(`${sep}.`) || type === undefined) {
    return { status: 404, contentType: 'text/plain', body: 'not found', headers: {} };
  }
  let body: Buffer | string;
  try {
    body = await readFile(file);
  } catch {
    return { status: 404, contentType: 'text/plain', body: 'not found', headers: {} };
  }
  if (name === 'index.html') {
    const html = body.toString('utf8');
    if (!html.includes(emptyApiMeta)) {
      throw new Error(`Expected ${emptyApiMeta} in ${file}, the one place the page reads the API's origin from.`);
    }
    body = html.replace(emptyApiMeta, `<meta name="mysfits-api" content="${escapeAttribute(site.api)}">`);
  }
  return { status: 200, contentType: type, body, headers: site.csp ? { 'Content-Security-Policy': site.csp } : {} };
}

export interface PageHost {
  /** `http://127.0.0.1:<port>`: another origin than the API's. */
  origin: string;
  /** Where a site's copy of the page opens. */
  url(site: string): string;
  close(): Promise<void>;
}

/**
 * A static host on another loopback port, like an S3 website: each site is a copy of the page under
 * `/<site>/`, so the page's own asset paths are proven relative too.
 */
export async function startPageHost(sites: Record<string, PageSite>): Promise<PageHost> {
  const server = createServer((request, response) => {
    const [, siteName = '', ...rest] = (request.url ?? '/').split('?')[0]?.split('/') ?? [];
    const site = sites[siteName];
    const answer = site
      ? pageFile(rest.join('/'), site)
      : Promise.resolve({ status: 404, contentType: 'text/plain', body: 'no such site', headers: {} });
    answer.then(
      (file) => {
        response.writeHead(file.status, { 'Content-Type': file.contentType, ...file.headers });
        response.end(file.body);
      },
      (error: unknown) => {
        response.writeHead(500, { 'Content-Type': 'text/plain' });
        response.end(error instanceof Error ? error.message : String(error));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (site) => `${origin}/${site}/`,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
