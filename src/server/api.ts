/**
 * The JSON API: the shapes the CLI prints with --json (`search --json` results, `show --json`
 * documents, `stats --json` numbers and sources). Errors are `{error: {status, message}}`.
 */
import { Hono } from 'hono';
import type { DB } from '../store/db.js';
import { findEntity, getEntity, listEntities } from '../entities/read.js';
import type { EntityType } from '../entities/names.js';
import { findDocumentId, getDocument, libraryStats, listSources, recentDocuments } from '../store/read.js';
import { search } from '../search/search.js';
import { toJson } from '../cli/commands/search.js';
import { dateParam, HttpError, intParam, textParam } from './params.js';

export function apiRoutes(db: DB): Hono {
  const api = new Hono();

  api.get('/stats', (c) => c.json(libraryStats(db)));

  api.get('/sources', (c) => c.json({ sources: listSources(db) }));

  api.get('/sources/:name', (c) => {
    const name = c.req.param('name');
    const source = listSources(db).find((s) => s.name === name);
    if (!source) throw new HttpError(404, `no source "${name}" in the library`);
    const limit = intParam(c.req.query('limit'), 'limit', 50, 1, 500);
    const offset = intParam(c.req.query('offset'), 'offset', 0, 0, 1_000_000);
    return c.json({ source, ...recentDocuments(db, { source: name, limit, offset }) });
  });

  api.get('/documents', (c) => {
    const limit = intParam(c.req.query('limit'), 'limit', 20, 1, 500);
    const offset = intParam(c.req.query('offset'), 'offset', 0, 0, 1_000_000);
    return c.json(recentDocuments(db, { limit, offset, source: textParam(c.req.query('source'), 'source') }));
  });

  api.get('/documents/:ref', (c) => {
    const ref = c.req.param('ref');
    const id = findDocumentId(db, ref);
    const rendition = c.req.query('rendition');
    const doc = id === undefined ? undefined : getDocument(db, id, {
      bodies: c.req.query('bodies') !== '0',
      renditionId: rendition === undefined ? undefined : intParam(rendition, 'rendition', 0, 1, Number.MAX_SAFE_INTEGER),
      passageOffset: intParam(c.req.query('offset'), 'offset', 0, 0, 10_000_000),
      passageLimit: c.req.query('limit') === undefined ? undefined : intParam(c.req.query('limit'), 'limit', 200, 1, 100_000),
    });
    if (!doc) throw new HttpError(404, `no document "${ref}" in the library (an ID, media URL, YouTube video ID or key)`);
    return c.json(doc);
  });

  api.get('/entities', (c) => c.json({ entities: listEntities(db, { type: (c.req.query('type') || undefined) as EntityType | undefined, limit: 500 }) }));
  api.get('/entities/:ref', (c) => {
    const id = findEntity(db, c.req.param('ref'));
    const e = id === undefined ? undefined : getEntity(db, id);
    if (!e) throw new HttpError(404, `no entity "${c.req.param('ref')}" in the library`);
    return c.json(e);
  });

  api.get('/search', (c) => {
    const q = textParam(c.req.query('q'), 'q');
    if (!q) throw new HttpError(400, 'search needs a query: /api/search?q=WORDS');
    const year = textParam(c.req.query('year'), 'year');
    if (year !== undefined && !/^\d{4}$/.test(year)) throw new HttpError(400, `"year" must be a year like 2025, not "${year}"`);
    const r = search(db, q, {
      limit: intParam(c.req.query('limit'), 'limit', 10, 1, 100),
      offset: intParam(c.req.query('offset'), 'offset', 0, 0, 10_000),
      source: textParam(c.req.query('source'), 'source'),
      speaker: textParam(c.req.query('speaker'), 'speaker'),
      entity: textParam(c.req.query('entity'), 'entity'),
      since: dateParam(c.req.query('since') ?? year, 'since', 'since'),
      until: dateParam(c.req.query('until') ?? year, 'until', 'until'),
      facets: c.req.query('facets') !== '0',
    });
    return c.json({
      query: r.query,
      terms: r.terms,
      total: r.total,
      took_ms: Math.round(r.tookMs * 100) / 100,
      results: r.hits.map(toJson),
      ...(r.facets ? { facets: r.facets } : {}),
    });
  });

  return api;
}
