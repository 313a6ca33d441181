/**
 * Who may talk to the server. On loopback without a token, only this machine can connect;
 * the Host check stops a web page from reaching it through DNS rebinding. Beyond loopback a
 * token is required: `Authorization: Bearer <token>`, or an HttpOnly cookie that a browser
 * gets by opening `/?token=<token>` once (the token is then stripped from the address).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { escapeHtml } from './html.js';
import { isMachinePath } from './params.js';
import { sameSitePath } from './redirect.js';

export const TOKEN_COOKIE = 'engram_token';

/** Shorter tokens can be guessed; 16 characters of a generated token carry 96 bits. */
export const MIN_TOKEN_LENGTH = 16;

/** A fresh random token: 32 URL-safe characters (192 bits). */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Why `token` is too weak to guard a library, or undefined when it will do. */
export function weakToken(token: string): string | undefined {
  if (token.length >= MIN_TOKEN_LENGTH) return undefined;
  return (
    `the token is ${token.length} character${token.length === 1 ? '' : 's'} long; it needs at least ${MIN_TOKEN_LENGTH}. ` +
    `Pass --new-token to have one generated, or use one like ${newToken()}`
  );
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost`. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.replace(/^::ffff:/, '');
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** Why binding to `host` is refused, or undefined when it is allowed. */
export function bindRefusal(host: string, token: string | undefined): string | undefined {
  if (isLoopback(host)) return undefined;
  if (token) return undefined;
  return (
    `refusing to serve on ${host}: that address is reachable from other machines, and the library ` +
    `would be open to anyone who can connect. Pass --token SECRET (or set ENGRAM_TOKEN) to require it ` +
    `on every request, or leave --host at the default 127.0.0.1.`
  );
}

/** The host part of a Host header (`[::1]:3647` → `::1`, `localhost:3647` → `localhost`). */
function hostOf(header: string): string {
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(header);
  if (m) return m[1]!;
  return header.replace(/:\d+$/, '');
}

/** Without a token: only requests addressed to a loopback name (defeats DNS rebinding). */
export function loopbackHostGuard(): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('host');
    if (header && !isLoopback(hostOf(header))) {
      return deny(c, 403, `this server only answers requests addressed to localhost, not "${header}"`);
    }
    return next();
  };
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** Constant-time comparison (hashing first makes the lengths equal). */
function sameToken(given: string, token: string): boolean {
  return timingSafeEqual(digest(given), digest(token));
}

export function tokenAuth(token: string): MiddlewareHandler {
  const weak = weakToken(token);
  if (weak) throw new Error(weak);
  return async (c, next) => {
    const url = new URL(c.req.url);
    const fromQuery = url.searchParams.get('token');
    if (fromQuery !== null) {
      if (!sameToken(fromQuery, token)) return deny(c, 401, 'the token in the address is not the one this server was started with');
      setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 60 * 60 * 24 * 30 });
      url.searchParams.delete('token');
      // Strip the token from the address bar and history (to this site only: `//evil.example/?token=…`).
      return c.redirect(sameSitePath(url.pathname + url.search), 303);
    }
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const cookie = getCookie(c, TOKEN_COOKIE);
    if ((bearer !== undefined && sameToken(bearer, token)) || (cookie !== undefined && sameToken(cookie, token))) return next();
    return deny(c, 401, bearer !== undefined ? 'wrong token' : 'this library needs a token: send "Authorization: Bearer <token>" or open /?token=<token> once in the browser');
  };
}

/** JSON for the API, a plain page for browsers. */
function deny(c: Context, status: 401 | 403, message: string): Response {
  if (status === 401) c.header('WWW-Authenticate', 'Bearer realm="engram"');
  if (isMachinePath(new URL(c.req.url).pathname)) return c.json({ error: { status, message } }, status);
  const title = status === 401 ? '401 · token required' : '403 · forbidden';
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title></head>` +
      `<body><h1>${title}</h1><p>${escapeHtml(message)}</p></body></html>`,
    status,
  );
}
