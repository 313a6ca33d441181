/**
 * Static assets live in memory under content-hashed names, so they can be cached forever and
 * no request path ever reaches the filesystem (no traversal to guard against).
 */
import { createHash } from 'node:crypto';
import { css } from './assets/style.js';
import { js } from './assets/client.js';
import { askCss } from './assets/ask-style.js';
import { askJs } from './assets/ask-client.js';

interface Asset {
  body: string;
  type: string;
}

const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#2f62c9"/><stop offset="1" stop-color="#7b5cd6"/></linearGradient></defs><rect width="32" height="32" rx="8" fill="url(#g)"/><path d="M10 9h12M10 16h9M10 23h12M10 9v14" stroke="#fff" stroke-width="3" stroke-linecap="round" fill="none"/></svg>`;

function hashed(stem: string, ext: string, body: string): string {
  return `${stem}.${createHash('sha256').update(body).digest('hex').slice(0, 10)}.${ext}`;
}

/** Public URL of each asset (pages link these). */
export const URLS = {
  css: '',
  js: '',
  icon: '',
  askCss: '',
  askJs: '',
};

const ASSETS = new Map<string, Asset>();
for (const [key, stem, ext, type, body] of [
  ['css', 'app', 'css', 'text/css; charset=utf-8', css],
  ['js', 'app', 'js', 'text/javascript; charset=utf-8', js],
  ['icon', 'icon', 'svg', 'image/svg+xml', ICON],
  ['askCss', 'ask', 'css', 'text/css; charset=utf-8', askCss],
  ['askJs', 'ask', 'js', 'text/javascript; charset=utf-8', askJs],
] as const) {
  const name = hashed(stem, ext, body);
  ASSETS.set(name, { body, type });
  URLS[key] = `/assets/${name}`;
}

export function asset(name: string): Asset | undefined {
  return ASSETS.get(name);
}
