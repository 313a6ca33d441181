/**
 * Feeds of the library for feed readers: `/feed.xml` (every source) and
 * `/sources/NAME/feed.xml` (one source), Atom by default, RSS 2.0 with `?format=rss`.
 * The newest 50 documents, rendered by the digest feed renderers (publish/feed.ts), with links
 * and IDs on the address the reader used.
 */
import { Hono, type Context } from 'hono';
import type { DB } from '../store/db.js';
import { selectEntries } from '../publish/entries.js';
import { renderDigest } from '../publish/digest.js';
import { listSources } from '../store/read.js';
import { HttpError } from './params.js';

export const FEED_ENTRIES = 50;

export function feedRoutes(db: DB): Hono {
  const feeds = new Hono();

  const serve = async (c: Context, source?: string) => {
    const format = c.req.query('format') ?? 'atom';
    if (format !== 'atom' && format !== 'rss') throw new HttpError(400, `"format" must be atom or rss, not "${format}"`);
    const url = new URL(c.req.url);
    const entries = selectEntries(db, { source, limit: FEED_ENTRIES });
    const [file] = await renderDigest(format, { title: source ?? 'engram', source, generated: new Date(), entries }, {
      baseUrl: url.origin,
      selfUrl: url.origin + url.pathname + (format === 'rss' ? '?format=rss' : ''),
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
