/** The page shell: head, header (brand, search, 原/简/繁 and theme controls), footer. */
import { URLS } from '../assets.js';
import type { Display, Script, Theme } from '../display.js';
import { html, type Child, type Html } from '../html.js';

export interface PageContext {
  display: Display;
  /** Path and query of this page, for the no-JS preference links to come back to. */
  here: string;
}

export interface Page {
  title: string;
  body: Html;
  /** Prefill for the header search box. */
  query?: string;
  /** Home and search show their own large search box instead of the header's. */
  ownSearchBox?: boolean;
  status?: 200 | 400 | 404 | 405 | 500 | 503;
}

const SCRIPT_LABELS: [Script, string, string][] = [
  ['original', '原', 'Show text as written'],
  ['hans', '简', 'Show in Simplified Chinese'],
  ['hant', '繁', 'Show in Traditional Chinese'],
];

const THEME_ORDER: Theme[] = ['auto', 'light', 'dark'];
const THEME_LABELS: Record<Theme, string> = { auto: '◐ Auto', light: '☀ Light', dark: '☾ Dark' };

function prefHref(name: 'script' | 'theme', value: string, here: string): string {
  return `/prefs?${name}=${value}&back=${encodeURIComponent(here)}`;
}

export function searchBox(query: string | undefined, opts: { autofocus?: boolean; label?: string; hidden?: Record<string, string | undefined> } = {}): Html {
  const hidden = Object.entries(opts.hidden ?? {}).filter(([, v]) => v);
  return html`<form class="searchbox" action="/search" method="get" role="search">${hidden.map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
  <input type="search" name="q" value="${query ?? ''}" placeholder="${opts.label ?? 'Search titles, transcripts, summaries…'}" aria-label="Search the library" autocomplete="off" spellcheck="false" data-search${opts.autofocus ? html` autofocus` : ''}>
  <kbd title="Press / to search">/</kbd><button type="submit">Search</button>
</form>`;
}

function controls(ctx: PageContext): Html {
  const { script, theme } = ctx.display;
  const nextTheme = THEME_ORDER[(THEME_ORDER.indexOf(theme) + 1) % THEME_ORDER.length]!;
  return html`<div class="controls" data-controls>
  <a class="theme" href="/ask" title="Ask the library a question">Ask</a>
  <nav class="seg" aria-label="Display script">${SCRIPT_LABELS.map(
    ([value, label, title]) =>
      html`<a href="${prefHref('script', value, ctx.here)}" data-pref="script" data-value="${value}" title="${title}" lang="zh" aria-current="${script === value ? 'true' : 'false'}">${label}</a>`,
  )}</nav>
  <a class="theme" href="${prefHref('theme', nextTheme, ctx.here)}" data-pref="theme" data-value="${nextTheme}" data-label-auto="${THEME_LABELS.auto}" data-label-light="${THEME_LABELS.light}" data-label-dark="${THEME_LABELS.dark}" title="Theme: ${theme} (click for ${nextTheme})">${THEME_LABELS[theme]}</a>
</div>`;
}

export function layout(ctx: PageContext, page: Page): string {
  const theme = ctx.display.theme === 'auto' ? '' : ctx.display.theme;
  const body: Child = page.body;
  return (
    '<!doctype html>\n' +
    html`<html lang="${ctx.display.lang}"${theme ? html` data-theme="${theme}"` : ''}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${page.title}</title>
<link rel="icon" href="${URLS.icon}" type="image/svg+xml">
<link rel="stylesheet" href="${URLS.css}">
<script src="${URLS.js}" defer></script>
</head>
<body>
<a class="skip" href="#content">Skip to content</a>
<header class="top"><div class="top-in">
  <a class="brand" href="/"><span class="brand-mark" aria-hidden="true">e</span>engram</a>
  ${page.ownSearchBox ? '' : searchBox(page.query)}
  ${controls(ctx)}
</div></header>
<main id="content">
${body}
</main>
<footer>engram · your library, served from this computer · <a href="/entities">Entities</a> · <a href="/api/stats">API</a></footer>
</body>
</html>`.value
  );
}
