// Where the page finds the agency's API, and how it talks to it. The page is plain files: the monolith
// serves them beside the API (same origin), and they can be copied to any static host (the workshop's
// S3 bucket) that then calls the load balancer cross-origin. The one setting is a meta tag in
// index.html: <meta name="mysfits-api" content="https://api.example.com">; empty means this page's
// own origin.

const example = 'https://api.example.com';
const fix =
  'Fix the content of <meta name="mysfits-api"> in index.html, or leave it empty to call this page’s own origin.';
// Browsers treat these as secure even over http, so an https page may call them (local testing).
const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Reads and checks the `mysfits-api` meta tag.
 * @returns `{ origin }` ('' for this page's own origin) or `{ problem }`, a sentence that says what
 *   was expected, what was found and what to do.
 */
export function readApiBase(doc, pageLocation) {
  const raw = (doc.querySelector('meta[name="mysfits-api"]')?.getAttribute('content') ?? '').trim();
  if (raw === '') return { origin: '' };
  let url;
  try {
    url = new URL(raw);
  } catch {
    return {
      problem: `This page is set up to call the agency at “${raw}”, which is not an address such as ${example}. ${fix}`,
    };
  }
  // An origin only: the API's paths (and the image paths in its answers) start at the root.
  const isOrigin =
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.username === '' &&
    url.password === '' &&
    url.pathname === '/' &&
    url.search === '' &&
    url.hash === '';
  if (!isOrigin) {
    return {
      problem:
        `This page is set up to call the agency at “${raw}”, but it needs an origin only: http or https, ` +
        `a host and an optional port, no path, query or credentials (such as ${example}). ${fix}`,
    };
  }
  if (pageLocation.protocol === 'https:' && url.protocol === 'http:' && !loopbackHosts.has(url.hostname)) {
    return {
      problem:
        `This page is served over https but is set up to call the agency at ${url.origin} over http, ` +
        `which browsers block as mixed content. Give the load balancer an https listener and use https://${url.host}, ` +
        'or serve this page over http.',
    };
  }
  return { origin: url.origin };
}

/** An API failure, with the status (0 when the server could not be reached) and a sentence for people. */
export class ApiProblem extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * The API client for one base: `call(path, init)` answers the JSON body or throws an ApiProblem;
 * `resolve(uri)` makes a path from the API's answers (an image URI) absolute against the base.
 */
export function apiClient(origin) {
  const resolve = (uri) => (origin === '' ? uri : new URL(uri, origin).href);
  async function call(path, init = {}) {
    let response;
    try {
      response = await fetch(resolve(path), { ...init, headers: { accept: 'application/json', ...init.headers } });
    } catch {
      throw new ApiProblem(0, 'network', 'The agency could not be reached. Check your connection and try again.');
    }
    let body = null;
    try {
      body = await response.json();
    } catch {
      // Not JSON (a proxy's error page, say); the status below still tells the person something.
    }
    if (!response.ok) {
      const text = body?.error?.message ?? `The agency answered with an unexpected error (HTTP ${response.status}).`;
      throw new ApiProblem(response.status, body?.error?.code ?? 'http_error', text);
    }
    if (body === null)
      throw new ApiProblem(response.status, 'bad_response', 'The agency sent an answer this page cannot read.');
    return body;
  }
  return { call, resolve };
}

/**
 * A fresh Idempotency-Key: 32 hex digits. crypto.randomUUID exists only in secure contexts, and an
 * S3 website endpoint serves plain http; getRandomValues works everywhere.
 */
export function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
