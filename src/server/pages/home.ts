/** Home: a search box, what the library holds, its newest documents and its sources. */
import type { DB } from '../../store/db.js';
import { recentDocuments } from '../../store/read.js';
import { html } from '../html.js';
import { untilChanged } from '../../store/until-changed.js';
import { sources as allSources, stats as libraryStats } from '../overview.js';
import { searchBox, type Page, type PageContext } from './layout.js';
import { docItem, plural, qs, sourceList } from './parts.js';
import { followedBlock } from './follow-status.js';

const RECENT = 15;
/** The largest sources; the rest are one click away on /sources (a library can have thousands). */
export const HOME_SOURCES = 12;

function years(first: string, last: string | null) {
  const a = first.slice(0, 4);
  const b = (last ?? first).slice(0, 4);
  return a === b ? html`<span>from <b>${a}</b></span>` : html`<span><b>${a}</b>–<b>${b}</b></span>`;
}

export function homePage(db: DB, ctx: PageContext): Page {
  const d = ctx.display;
  const stats = libraryStats(db);
  const sources = allSources(db);
  const recent = untilChanged(db, 'home-recent', () => recentDocuments(db, { limit: RECENT }));
  const examples = untilChanged(db, 'home-examples', () => (stats.documents ? sampleTerms(db) : []));

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
    ${sourceList(sources.slice(0, HOME_SOURCES), d)}
    ${sources.length > HOME_SOURCES ? html`<p class="more"><a href="/sources">All ${plural(sources.length, 'source')} →</a></p>` : ''}
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
