import { readServerEnv, type ServerEnv } from '@mysfits/kit/server-env';

/** The like service's settings, from the environment. */
export interface LikeConfig extends ServerEnv {
  /** Base URL of the monolith, e.g. http://monolith:8080 (Service Connect) or http://127.0.0.1:8081. */
  monolithUrl: URL;
}

/** `MONOLITH_URL` may be a bare host (`monolith:8080`, as in the workshop) or a full http(s) URL. */
export function parseMonolithUrl(raw: string | undefined): URL {
  const value = raw?.trim();
  if (!value)
    throw new Error(
      'MONOLITH_URL is not set: set it to the monolith address, e.g. "http://monolith:8080" or "monolith:8080".',
    );
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`MONOLITH_URL "${value}" is not a host or URL; expected e.g. "http://monolith:8080".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`MONOLITH_URL must use http or https, found "${url.protocol}".`);
  }
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return url;
}

/** Reads and checks the environment; throws with what is wrong and how to fix it. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): LikeConfig {
  return { ...readServerEnv(env), monolithUrl: parseMonolithUrl(env.MONOLITH_URL) };
}
