/**
 * Feeds of the library for feed readers: `/feed.xml` (every source) and
 * `/sources/NAME/feed.xml` (one source), Atom by default, RSS 2.0 with `?format=rss`.
 * The newest 50 documents, rendered by the digest feed renderers (publish/feed.ts). Links and
 * IDs are on the server's public address (`--public-url`, public-url.ts) when one is set;
 * without one, on the origin the request names (its Host header), as before: on loopback that
 * is one of this machine's names; with a token, whatever Host the (authenticated) reader sent,
 * which behind a reverse proxy is the proxy's upstream unless it passes the Host through.
 */
import { Hono, type Context } from 'hono';
import type { DB } from '../store/db.js';
import { selectEntries } from '../publish/entries.js';
import { renderDigest } from '../publish/digest.js';
import { listSources } from '../store/read.js';
import { HttpError } from './params.js';

export const FEED_ENTRIES = 50;

export interface FeedOptions {
  /** The server's public origin (`https://kb.example.com`, validated): links and IDs are built on it. */
  publicUrl?: string;
}

export function feedRoutes(db: DB, opts: FeedOptions = {}): Hono {
  const feeds = new Hono();

  const serve = async (c: Context, source?: string) => {
    const format = c.req.query('format') ?? 'atom';
    if (format !== 'atom' && format !== 'rss') throw new HttpError(400, `"format" must be atom or rss, not "${format}"`);
    const origin = opts.publicUrl ?? new URL(c.req.url).origin;
    // The feed's own path spelled one way, however the request encoded it: it is the feed's ID.
    const path = source === undefined ? '/feed.xml' : `/sources/${encodeURIComponent(source)}/feed.xml`;
    const entries = selectEntries(db, { source, limit: FEED_ENTRIES });
    const [file] = await renderDigest(format, { title: source ?? 'engram', source, generated: new Date(), entries }, {
      baseUrl: origin,
      selfUrl: origin + path + (format === 'rss' ? '?format=rss' : ''),
    });
    c.header('Cache-Control', 'private, max-age=300');
    return c.body(file!.content, 200, { 'Content-Type': `${file!.type}; charset=utf-8` });
  };

  feeds.get('/feed.xml', (c) => serve(c));
  feeds.get('/sources/:name/feed.xml', (c) => {
    const name = c.req.param('name');
    const source = listSources(db).find((s) => s.name === name);
    if (!source) throw new HttpError(404, `no source "${name}" in the library`);
    return serve(c, source.name);
  });
  return feeds;
}
