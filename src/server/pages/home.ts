/** Home: a search box, what the library holds, its newest documents and its sources. */
import type { DB } from '../../store/db.js';
import { libraryStats, listSources, recentDocuments } from '../../store/read.js';
import { html } from '../html.js';
import { Lru, writeState } from '../cache.js';
import { searchBox, type Page, type PageContext } from './layout.js';
import { docItem, plural, qs, sourceHref } from './parts.js';
import { followedBlock } from './follow-status.js';

const RECENT = 15;

function range(first: string | null, last: string | null): string {
  if (!first && !last) return 'undated';
  if (first === last || !last) return first ?? '';
  return `${first} – ${last}`;
}

function years(first: string, last: string | null) {
  const a = first.slice(0, 4);
  const b = (last ?? first).slice(0, 4);
  return a === b ? html`<span>from <b>${a}</b></span>` : html`<span><b>${a}</b>–<b>${b}</b></span>`;
}

/** What the home page shows, recomputed only after the library changes (the counts scan every passage). */
const overviews = new WeakMap<DB, Lru<Overview>>();
interface Overview {
  stats: ReturnType<typeof libraryStats>;
  sources: ReturnType<typeof listSources>;
  recent: ReturnType<typeof recentDocuments>;
  examples: string[];
}

function overview(db: DB): Overview {
  let cache = overviews.get(db);
  if (!cache) overviews.set(db, (cache = new Lru<Overview>(1)));
  return cache.get(writeState(db), () => {
    const stats = libraryStats(db);
    return { stats, sources: listSources(db), recent: recentDocuments(db, { limit: RECENT }), examples: stats.documents ? sampleTerms(db) : [] };
  });
}

export function homePage(db: DB, ctx: PageContext): Page {
  const d = ctx.display;
  const { stats, sources, recent, examples } = overview(db);

  if (stats.documents === 0) {
    return {
      title: 'engram',
      ownSearchBox: true,
      body: html`<section class="hero"><h1>Your library is empty</h1>
<p>Add videos, podcasts, summaries, posts and notes with <code>engram ingest PATH</code>, or follow channels and feeds with <code>engram source add URL</code> and <code>engram update</code>, then reload this page.</p></section>${followedBlock(db, d)}`,
    };
  }

  return {
    title: 'engram · your library',
    ownSearchBox: true,
    body: html`<section class="hero">
  <h1>Your library</h1>
  <p>Search across every transcript, summary, post and note — in Simplified, Traditional or English.</p>
  ${searchBox(undefined, { autofocus: true })}
  ${examples.length ? html`<div class="try">Try ${examples.map((t) => html`<a href="/search${qs({ q: t })}">${d.t(t)}</a>`)}</div>` : ''}
  <div class="stats">
    <span><b>${stats.documents.toLocaleString('en-US')}</b> documents</span>
    <span><b>${stats.passages.toLocaleString('en-US')}</b> passages</span>
    <span><b>${stats.sources.toLocaleString('en-US')}</b> sources</span>
    ${stats.firstDate ? years(stats.firstDate, stats.lastDate) : ''}
  </div>
</section>
<div class="grid">
  <section aria-labelledby="latest">
    <h2 class="section-title" id="latest">Latest</h2>
    <ul class="doclist">${recent.documents.map((doc) => docItem(d, doc))}</ul>
  </section>
  <aside aria-labelledby="srcs">
    <h2 class="section-title" id="srcs">Sources</h2>
    <ul class="sources card">${sources.map(
      (s) => html`<li><a href="${sourceHref(s.name)}"><span class="name">${d.t(s.name)}<span class="range">${range(s.firstDate, s.lastDate)}</span></span><span class="count">${plural(s.documents, 'doc')}</span></a></li>`,
    )}</ul>
    ${followedBlock(db, d)}
  </aside>
</div>`,
  };
}

/** A few keywords from recent documents, as one-click example searches. */
function sampleTerms(db: DB): string[] {
  const rows = db
    .prepare(
      `SELECT json_extract(metadata, '$.keywords') AS k FROM documents
        WHERE json_type(metadata, '$.keywords') = 'array' ORDER BY date DESC LIMIT 12`,
    )
    .pluck()
    .all() as string[];
  // One keyword per document, so the examples span different topics.
  const seen = new Set<string>();
  for (const r of rows) {
    const k = (JSON.parse(r) as unknown[]).find((k): k is string => typeof k === 'string' && k.length >= 2 && k.length <= 12 && !seen.has(k));
    if (k) seen.add(k);
    if (seen.size >= 4) break;
  }
  return [...seen];
}
