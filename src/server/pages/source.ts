/**
 * Sources: every source, most documents first (`/sources`), and one source's documents,
 * newest first with archive numbers where they exist (`/sources/NAME`). Both paged.
 */
import type { DB } from '../../store/db.js';
import { recentDocuments } from '../../store/read.js';
import { html } from '../html.js';
import { HttpError } from '../params.js';
import { source as findSource, sources as allSources } from '../overview.js';
import type { Page, PageContext } from './layout.js';
import { docItem, pager, plural, qs, sourceHref, sourceList } from './parts.js';
import { followedStatusOf } from './follow-status.js';

export const SOURCE_PAGE_SIZE = 50;
export const SOURCES_PAGE_SIZE = 100;

export function sourcesPage(db: DB, ctx: PageContext, page: number): Page {
  const all = allSources(db);
  const pages = Math.max(1, Math.ceil(all.length / SOURCES_PAGE_SIZE));
  if (page > pages) throw new HttpError(404, `there ${pages === 1 ? 'is 1 page' : `are ${pages} pages`} of sources, not ${page}`);
  const from = (page - 1) * SOURCES_PAGE_SIZE;
  const shown = all.slice(from, from + SOURCES_PAGE_SIZE);
  const info = all.length ? `${from + 1}–${from + shown.length} of ${all.length.toLocaleString('en-US')}` : undefined;
  return {
    title: 'Sources · engram',
    body: html`<div class="pagehead">
  <div class="crumbs"><a href="/">Library</a> / Sources</div>
  <h1>Sources</h1>
  <div class="meta"><span>${plural(all.length, 'source')}, most documents first</span></div>
</div>
<div class="doc">
  ${shown.length ? sourceList(shown, ctx.display) : html`<p class="empty">No sources yet.</p>`}
  ${pager(page, pages, (p) => `/sources${qs({ page: p > 1 ? p : undefined })}`, info)}
</div>`,
  };
}

export function sourcePage(db: DB, ctx: PageContext, name: string, page: number): Page {
  const d = ctx.display;
  const source = findSource(db, name);
  if (!source) throw new HttpError(404, `no source "${name}" in the library`);
  const pages = Math.max(1, Math.ceil(source.documents / SOURCE_PAGE_SIZE));
  if (page > pages) throw new HttpError(404, `"${name}" has ${pages} page${pages === 1 ? '' : 's'} of documents, not ${page}`);
  const { documents } = recentDocuments(db, { source: name, limit: SOURCE_PAGE_SIZE, offset: (page - 1) * SOURCE_PAGE_SIZE });
  const from = (page - 1) * SOURCE_PAGE_SIZE + 1;
  const to = from + documents.length - 1;
  const href = (p: number) => `${sourceHref(name)}${qs({ page: p > 1 ? p : undefined })}`;
  return {
    title: `${d.t(name)} · engram`,
    body: html`<div class="pagehead">
  <div class="crumbs"><a href="/">Library</a> / <a href="/sources">Sources</a></div>
  <h1>${d.t(name)}</h1>
  <div class="meta"><span>${plural(source.documents, 'document')}</span>${
    source.firstDate ? html`<span>${source.firstDate}${source.lastDate && source.lastDate !== source.firstDate ? ` – ${source.lastDate}` : ''}</span>` : ''
  }<a href="/search${qs({ source: name })}">Search in this source</a></div>
  ${followedStatusOf(db, name, d)}
</div>
<div class="doc">
  <ul class="doclist">${documents.map((doc) => docItem(d, doc, { showSource: false }))}</ul>
  ${pager(page, pages, href, `${from}–${to} of ${source.documents.toLocaleString('en-US')}`)}
</div>`,
  };
}
