/**
 * The server's public address: where readers reach `engram serve` (behind a reverse proxy, the
 * proxy's address). Absolute URLs the server emits (feed links and IDs) are built on it rather
 * than on the request's Host header, which a proxy rewrites to its upstream and any client can
 * set. Taken like every setting (config.ts): `--public-url`, else ENGRAM_PUBLIC_URL, else
 * `"publicUrl"` in LIBRARY/config.json. `engram digest --base-url` falls back to the same.
 */
import { configPath, readLibraryConfig } from '../config.js';

export const PUBLIC_URL_ENV = 'ENGRAM_PUBLIC_URL';
export const PUBLIC_URL_KEY = 'publicUrl';

/** An unusable public address; the message says what is wrong (and, from resolvePublicUrl, where it was set). */
export class PublicUrlError extends Error {}

const EXAMPLE = 'such as https://engram.example.com';

/**
 * The origin of a public address (`https://kb.example.com`, `http://host:8080`; lower-cased,
 * default port and trailing slash dropped). It must be an absolute http(s) URL without a path
 * (the web app's own links are root-relative, so it is served from the root of its address),
 * credentials, query or fragment.
 */
export function parsePublicUrl(raw: unknown): string {
  if (typeof raw !== 'string') throw new PublicUrlError(`must be a string, an address ${EXAMPLE}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PublicUrlError(`"${raw}" is not an absolute URL: give the address readers use, ${EXAMPLE}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PublicUrlError(`"${raw}" is not an http:// or https:// address (${EXAMPLE})`);
  if (url.username || url.password) throw new PublicUrlError(`"${raw}" holds a user name or password: give the address alone (${url.origin})`);
  if (url.search || url.hash || /[?#]/.test(raw)) throw new PublicUrlError(`"${raw}" has a query or fragment: give the address alone (${url.origin})`);
  if (url.pathname !== '/') {
    throw new PublicUrlError(`"${raw}" has a path (${url.pathname}): engram is served from the root of its address, so give the origin alone (${url.origin})`);
  }
  return url.origin;
}

/**
 * The public address from `flag` (its name and value), else ENGRAM_PUBLIC_URL, else `"publicUrl"`
 * in `libraryDir`'s config.json (read only when neither is given). As with service settings, the
 * first one given wins and an empty one means none. The origin, or undefined when none is set;
 * an invalid value is a PublicUrlError naming the flag, variable or file it came from.
 */
export function resolvePublicUrl(sources: { flag?: { name: string; value: string | undefined }; env?: NodeJS.ProcessEnv; libraryDir?: string }): string | undefined {
  const env = sources.env ?? process.env;
  let value: unknown;
  let from: string;
  if (sources.flag?.value !== undefined) {
    value = sources.flag.value;
    from = sources.flag.name;
  } else if (env[PUBLIC_URL_ENV] !== undefined) {
    value = env[PUBLIC_URL_ENV];
    from = PUBLIC_URL_ENV;
  } else if (sources.libraryDir !== undefined) {
    value = readLibraryConfig(sources.libraryDir)[PUBLIC_URL_KEY];
    from = `${configPath(sources.libraryDir)} "${PUBLIC_URL_KEY}"`;
  } else {
    return undefined;
  }
  if (value === undefined || value === null || value === '') return undefined;
  try {
    return parsePublicUrl(value);
  } catch (e) {
    if (e instanceof PublicUrlError) throw new PublicUrlError(`${from}: ${e.message}`);
    throw e;
  }
}
