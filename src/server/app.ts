/**
 * The web app: server-rendered pages that read fine without JavaScript, a JSON API, and the
 * in-memory assets. Every response carries security headers (a CSP that allows no inline
 * script) and a Server-Timing header with the time spent in the app. Searches go to the
 * `Searcher` (worker threads when served by server.ts); everything else is cheap enough for
 * the main thread.
 */
import { dirname } from 'node:path';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { DB } from '../store/db.js';
import { apiRoutes } from './api.js';
import { feedRoutes } from './feeds.js';
import { askPageFor, askRoutes, libraryLlm, type Asking } from './ask.js';
import type { Llm } from '../providers/llm.js';
import { asset } from './assets.js';
import { loopbackHostGuard, tokenAuth } from './auth.js';
import { displayFrom, isScript, isTheme, PREF_COOKIES } from './display.js';
import { dateRangeParams, HttpError, intParam, isMachinePath, queryParam, textParam, type ErrorStatus } from './params.js';
import { documentPage } from './pages/document.js';
import { entitiesPage, entityPage } from './pages/entity.js';
import { errorPage } from './pages/errors.js';
import { homePage } from './pages/home.js';
import { layout, type Page, type PageContext } from './pages/layout.js';
import { searchPage } from './pages/search.js';
import { sourcePage, sourcesPage } from './pages/source.js';
import { locatePassage } from '../store/read.js';
import { passageHref } from './pages/parts.js';
import { sameSitePath } from './redirect.js';
import { SearchRefused } from './search-pool.js';
import { inlineSearcher, type Searcher } from '../search/searcher.js';
import { mcpHandler } from '../mcp/http.js';
import { parsePublicUrl } from './public-url.js';

export interface AppOptions {
  db: DB;
  /** Require this token on every request (Bearer header or the cookie `/?token=` sets). */
  token?: string;
  /**
   * Without a token, answer only requests whose Host is a loopback name (default true):
   * stops DNS-rebinding pages from reading a library served on 127.0.0.1.
   */
  loopbackOnly?: boolean;
  /** Where searches run (default: on the calling thread). */
  searcher?: Searcher;
  /** The chat model for /ask: null for none (offline answers); default: the library's settings. */
  llm?: Llm | null;
  /**
   * The address readers reach the server at (`--public-url`; behind a reverse proxy, the
   * proxy's): feeds build their links and IDs on it, and /mcp accepts requests from a page on it.
   * Without it, the request's own origin (Host header) is used.
   */
  publicUrl?: string;
}

export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // Thumbnails in original-formatting views come from the web over https; nothing inline.
  "img-src 'self' https:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(c: Context): void {
  c.header('Content-Security-Policy', CSP);
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Frame-Options', 'DENY');
  c.header('Cross-Origin-Opener-Policy', 'same-origin');
  c.header('Cross-Origin-Resource-Policy', 'same-origin');
  c.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
}

const isApi = (c: Context) => isMachinePath(new URL(c.req.url).pathname);

/**
 * Paths that exist answer other methods with 405 and an `Allow` header (OPTIONS with 204),
 * not 404. Registered after every route, so each path's own handlers come first.
 */
function answerOtherMethods(app: Hono): void {
  const allowed = new Map<string, Set<string>>();
  for (const r of app.routes) {
    if (r.method === 'ALL') continue;
    const methods = allowed.get(r.path) ?? new Set<string>();
    methods.add(r.method);
    if (r.method === 'GET') methods.add('HEAD');
    allowed.set(r.path, methods);
  }
  for (const [path, methods] of allowed) {
    const allow = [...methods, 'OPTIONS'].join(', ');
    app.all(path, (c) => {
      c.header('Allow', allow);
      if (c.req.method === 'OPTIONS') return c.body(null, 204);
      throw new HttpError(405, `${c.req.method} is not allowed at ${new URL(c.req.url).pathname}; it answers ${allow}`);
    });
  }
}

export function createApp(opts: AppOptions): Hono {
  const { db } = opts;
  const searcher = opts.searcher ?? inlineSearcher(db);
  const publicUrl = opts.publicUrl === undefined ? undefined : parsePublicUrl(opts.publicUrl);
  const app = new Hono();

  app.use('*', async (c, next) => {
    const t0 = performance.now();
    await next();
    securityHeaders(c);
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
    c.header('Server-Timing', `app;dur=${(performance.now() - t0).toFixed(1)}`);
  });
  if (opts.token) app.use('*', tokenAuth(opts.token));
  else if (opts.loopbackOnly !== false) app.use('*', loopbackHostGuard());

  const context = (c: Context): PageContext => {
    const url = new URL(c.req.url);
    return { display: displayFrom(getCookie(c)), here: url.pathname + url.search };
  };
  const page = (c: Context, p: Page) => {
    c.header('Vary', 'Cookie');
    return c.html(layout(context(c), p), p.status ?? 200);
  };

  app.get('/', (c) => page(c, homePage(db, context(c))));

  // Asking retrieves through the search threads, like /search: never on this thread.
  const asking: Asking = { db, llm: opts.llm === undefined ? libraryLlm(db) : opts.llm ?? undefined, searcher, libraryDir: dirname(db.name) };
  app.get('/ask', async (c) => page(c, await askPageFor(asking, context(c), c)));
  app.route('/', askRoutes(asking));

  app.get('/search', async (c) =>
    page(c, await searchPage(db, searcher, context(c), {
      q: queryParam(c.req.query('q')),
      source: textParam(c.req.query('source'), 'source'),
      year: textParam(c.req.query('year'), 'year'),
      ...dateRangeParams((name) => c.req.query(name)),
      speaker: textParam(c.req.query('speaker'), 'speaker'),
      entity: textParam(c.req.query('entity'), 'entity'),
      page: intParam(c.req.query('page'), 'page', 1, 1, 1_000_000),
    })),
  );

  app.get('/sources', (c) => page(c, sourcesPage(db, context(c), intParam(c.req.query('page'), 'page', 1, 1, 1_000_000))));
  app.get('/entities', (c) => page(c, entitiesPage(db, context(c), textParam(c.req.query('type'), 'type'))));
  app.get('/entities/:slug', (c) => page(c, entityPage(db, context(c), c.req.param('slug'))));

  app.get('/sources/:name', (c) => page(c, sourcePage(db, context(c), c.req.param('name'), intParam(c.req.query('page'), 'page', 1, 1, 1_000_000))));

  app.get('/documents/:id', (c) => {
    const id = intParam(c.req.param('id'), 'id', 0, 1, Number.MAX_SAFE_INTEGER);
    const rendition = c.req.query('rendition');
    const passage = c.req.query('p');
    return page(c, documentPage(db, context(c), id, {
      rendition: rendition ? intParam(rendition, 'rendition', 0, 1, Number.MAX_SAFE_INTEGER) : undefined,
      passage: passage ? intParam(passage, 'p', 0, 1, Number.MAX_SAFE_INTEGER) : undefined,
      page: intParam(c.req.query('page'), 'page', 1, 1, 1_000_000),
      view: c.req.query('view') === 'original' ? 'original' : 'passages',
      hl: (textParam(c.req.query('hl'), 'hl') ?? '').split(/\s+/).filter(Boolean).slice(0, 12),
    }));
  });

  /** A stable address for any passage: redirects to its document, tab, page and anchor. */
  app.get('/passages/:id', (c) => {
    const id = intParam(c.req.param('id'), 'id', 0, 1, Number.MAX_SAFE_INTEGER);
    const at = locatePassage(db, id);
    if (!at) throw new HttpError(404, `no passage ${id} in the library`);
    return c.redirect(passageHref(at.documentId, at.renditionId, id), 302);
  });

  /** Display preferences without JavaScript: set the cookie, go back. */
  app.get('/prefs', (c) => {
    const script = c.req.query('script');
    const theme = c.req.query('theme');
    if (script !== undefined && !isScript(script)) throw new HttpError(400, `"script" must be original, hans or hant, not "${script}"`);
    if (theme !== undefined && !isTheme(theme)) throw new HttpError(400, `"theme" must be auto, light or dark, not "${theme}"`);
    const year = 60 * 60 * 24 * 365;
    if (script) setCookie(c, PREF_COOKIES.script, script, { path: '/', maxAge: year, sameSite: 'Lax' });
    if (theme) setCookie(c, PREF_COOKIES.theme, theme, { path: '/', maxAge: year, sameSite: 'Lax' });
    return c.redirect(sameSitePath(c.req.query('back')), 303);
  });

  app.get('/assets/:name', (c) => {
    const a = asset(c.req.param('name'));
    if (!a) throw new HttpError(404, 'no such asset');
    c.header('Cache-Control', 'private, max-age=31536000, immutable');
    return c.body(a.body, 200, { 'Content-Type': a.type });
  });

  app.route('/api', apiRoutes(db, searcher));
  app.route('/', feedRoutes(db, { publicUrl }));
  /** The Model Context Protocol (Streamable HTTP, stateless): the tools `engram mcp` offers. */
  app.post('/mcp', mcpHandler(asking, { publicUrl }));
  answerOtherMethods(app);

  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    if (isApi(c)) return c.json({ error: { status: 404, message: `no API endpoint ${c.req.method} ${path}` } }, 404);
    return page(c, errorPage(404, `There is no page at ${path}.`));
  });

  app.onError((err, c) => {
    const status: ErrorStatus = err instanceof HttpError ? err.status : err instanceof SearchRefused ? 503 : 500;
    if (status === 500) process.stderr.write(`engram serve: ${c.req.method} ${c.req.url}: ${err.stack ?? err.message}\n`);
    if (status === 503) c.header('Retry-After', '2');
    const message = status === 500 ? `internal error: ${err.message}` : err.message;
    if (isApi(c)) return c.json({ error: { status, message } }, status);
    return page(c, errorPage(status === 401 || status === 403 ? 400 : status, message));
  });

  return app;
}
