/**
 * The JSON API: the shapes the CLI prints with --json (`search --json` results, `show --json`
 * documents, `stats --json` numbers and sources), paged so no answer is unbounded.
 * Errors are `{error: {status, message}}`.
 */
import { Hono } from 'hono';
import type { DB } from '../store/db.js';
import { findEntity, getEntity, listEntities } from '../entities/read.js';
import { findDocumentId, getDocument, recentDocuments } from '../store/read.js';
import { hitJson } from '../search/hit-json.js';
import type { Searcher } from '../search/searcher.js';
import { source as findSource, sources, stats } from './overview.js';
import { dateRangeParams, entityTypeParam, flagParam, HttpError, intParam, queryParam, textParam } from './params.js';
import { qs } from './pages/parts.js';
import { API_BODY_CHARS, MAX_API_BODY_CHARS, MAX_API_PASSAGES, MAX_BODY_BYTES, megabytes, PASSAGES_PER_PAGE } from './paging.js';
import { followedStatus } from '../store/follow.js';

export function apiRoutes(db: DB, searcher: Searcher): Hono {
  const api = new Hono();

  api.get('/stats', (c) => c.json(stats(db)));

  api.get('/sources', (c) => {
    const limit = intParam(c.req.query('limit'), 'limit', 100, 1, 1000);
    const offset = intParam(c.req.query('offset'), 'offset', 0, 0, 10_000_000);
    const all = sources(db);
    return c.json({ total: all.length, sources: all.slice(offset, offset + limit), followed: followedStatus(db) });
  });

  api.get('/sources/:name', (c) => {
    const name = c.req.param('name');
    const source = findSource(db, name);
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

  /**
   * A document, a page at a time: each rendition's passages `offset`..`offset+limit` (or only
   * those of `rendition`), `passagesNext` the address of the next page; bodies only with
   * `bodies=1`, a window of `body_limit` characters from `body_offset`, `bodyNext` the next one.
   */
  api.get('/documents/:ref', (c) => {
    const ref = c.req.param('ref');
    const id = findDocumentId(db, ref);
    if (id === undefined) throw new HttpError(404, `no document "${ref}" in the library (an ID, media URL, YouTube video ID or key)`);
    const rendition = c.req.query('rendition');
    const renditionId = rendition === undefined ? undefined : intParam(rendition, 'rendition', 0, 1, Number.MAX_SAFE_INTEGER);
    const offset = intParam(c.req.query('offset'), 'offset', 0, 0, 100_000_000);
    const limit = intParam(c.req.query('limit'), 'limit', PASSAGES_PER_PAGE, 1, MAX_API_PASSAGES);
    const passages = flagParam(c.req.query('passages'), 'passages', true);
    const bodies = flagParam(c.req.query('bodies'), 'bodies', false);
    const bodyOffset = intParam(c.req.query('body_offset'), 'body_offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const bodyLimit = intParam(c.req.query('body_limit'), 'body_limit', API_BODY_CHARS, 1, MAX_API_BODY_CHARS);
    const doc = getDocument(db, id, {
      passages, renditionId, passageOffset: offset, passageLimit: limit,
      bodies: bodies && { offset: bodyOffset, limit: bodyLimit }, maxBodyBytes: MAX_BODY_BYTES,
    });
    if (!doc) throw new HttpError(404, `no document "${ref}" in the library`);
    if (renditionId !== undefined && !doc.renditions.some((r) => r.id === renditionId)) {
      throw new HttpError(404, `document ${id} has no rendition ${renditionId}`);
    }
    const here = (params: Record<string, number | undefined>) => `/api/documents/${id}${qs(params)}`;
    return c.json({
      ...doc,
      renditions: doc.renditions.map(({ bodyMore, ...r }) => {
        const out: Record<string, unknown> = { ...r };
        if (r.passages) {
          const next = offset + limit;
          out.passagesNext = next < r.passageCount ? here({ rendition: r.id, offset: next, limit }) : null;
        }
        if (bodies && (renditionId === undefined || renditionId === r.id)) {
          if (r.bodyBytes > MAX_BODY_BYTES) {
            out.bodyOmitted = `this text is ${megabytes(r.bodyBytes)}, over the ${megabytes(MAX_BODY_BYTES)} the API sends: read it as passages`;
          } else {
            out.bodyNext = bodyMore ? here({ rendition: r.id, passages: 0, bodies: 1, body_offset: bodyOffset + bodyLimit, body_limit: bodyLimit }) : null;
          }
        }
        return out;
      }),
    });
  });

  api.get('/entities', (c) => c.json({ entities: listEntities(db, { type: entityTypeParam(c.req.query('type')), limit: 500 }) }));
  api.get('/entities/:ref', (c) => {
    const id = findEntity(db, c.req.param('ref'));
    const e = id === undefined ? undefined : getEntity(db, id);
    if (!e) throw new HttpError(404, `no entity "${c.req.param('ref')}" in the library`);
    return c.json(e);
  });

  api.get('/search', async (c) => {
    const q = queryParam(c.req.query('q'));
    if (!q) throw new HttpError(400, 'search needs a query: /api/search?q=WORDS');
    const year = textParam(c.req.query('year'), 'year');
    if (year !== undefined && !/^\d{4}$/.test(year)) throw new HttpError(400, `"year" must be a year like 2025, not "${year}"`);
    const r = await searcher.search(q, {
      limit: intParam(c.req.query('limit'), 'limit', 10, 1, 100),
      offset: intParam(c.req.query('offset'), 'offset', 0, 0, 10_000),
      source: textParam(c.req.query('source'), 'source'),
      speaker: textParam(c.req.query('speaker'), 'speaker'),
      entity: textParam(c.req.query('entity'), 'entity'),
      ...dateRangeParams((name) => c.req.query(name) ?? year),
      facets: flagParam(c.req.query('facets'), 'facets', true),
    });
    return c.json({
      query: r.query,
      terms: r.terms,
      total: r.total,
      took_ms: Math.round(r.tookMs * 100) / 100,
      results: r.hits.map(hitJson),
      ...(r.facets ? { facets: r.facets } : {}),
    });
  });

  return api;
}
