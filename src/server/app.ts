/**
 * The web app: server-rendered pages that read fine without JavaScript, a JSON API, and the
 * in-memory assets. Every response carries security headers (a CSP that allows no inline
 * script) and a Server-Timing header with the time spent in the app.
 */
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { DB } from '../store/db.js';
import { apiRoutes } from './api.js';
import { asset } from './assets.js';
import { loopbackHostGuard, tokenAuth } from './auth.js';
import { displayFrom, isScript, isTheme, PREF_COOKIES } from './display.js';
import { HttpError, intParam, textParam } from './params.js';
import { documentPage } from './pages/document.js';
import { entitiesPage, entityPage } from './pages/entity.js';
import { errorPage } from './pages/errors.js';
import { homePage } from './pages/home.js';
import { layout, type Page, type PageContext } from './pages/layout.js';
import { searchPage } from './pages/search.js';
import { sourcePage } from './pages/source.js';
import { locatePassage } from '../store/read.js';
import { passageHref } from './pages/parts.js';


export interface AppOptions {
  db: DB;
  /** Require this token on every request (Bearer header or the cookie `/?token=` sets). */
  token?: string;
  /**
   * Without a token, answer only requests whose Host is a loopback name (default true):
   * stops DNS-rebinding pages from reading a library served on 127.0.0.1.
   */
  loopbackOnly?: boolean;
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

const isApi = (c: Context) => new URL(c.req.url).pathname.startsWith('/api/') || new URL(c.req.url).pathname === '/api';

/** A same-site path to go back to (never another origin: `//evil` and `/\evil` are refused). */
function safeBack(raw: string | undefined): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\') || /[\r\n]/.test(raw)) return '/';
  return raw;
}

export function createApp(opts: AppOptions): Hono {
  const { db } = opts;
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

  app.get('/search', (c) =>
    page(c, searchPage(db, context(c), {
      q: textParam(c.req.query('q'), 'q'),
      source: textParam(c.req.query('source'), 'source'),
      year: textParam(c.req.query('year'), 'year'),
      speaker: textParam(c.req.query('speaker'), 'speaker'),
      entity: textParam(c.req.query('entity'), 'entity'),
      page: intParam(c.req.query('page'), 'page', 1, 1, 1_000_000),
    })),
  );

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
    return c.redirect(safeBack(c.req.query('back')), 303);
  });

  app.get('/assets/:name', (c) => {
    const a = asset(c.req.param('name'));
    if (!a) throw new HttpError(404, 'no such asset');
    c.header('Cache-Control', 'private, max-age=31536000, immutable');
    return c.body(a.body, 200, { 'Content-Type': a.type });
  });

  app.route('/api', apiRoutes(db));

  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    if (isApi(c)) return c.json({ error: { status: 404, message: `no API endpoint ${c.req.method} ${path}` } }, 404);
    return page(c, errorPage(404, `There is no page at ${path}.`));
  });

  app.onError((err, c) => {
    const status = err instanceof HttpError ? err.status : 500;
    if (status === 500) process.stderr.write(`engram serve: ${c.req.method} ${c.req.url}: ${err.stack ?? err.message}\n`);
    const message = status === 500 ? `internal error: ${err.message}` : err.message;
    if (isApi(c)) return c.json({ error: { status, message } }, status);
    const html = status === 401 || status === 403 ? 400 : status;
    return page(c, errorPage(html as 400 | 404 | 500, message));
  });

  return app;
}
