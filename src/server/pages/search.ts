/**
 * Search results as the CLI gives them (each document once, its best passage with the matches
 * marked, "N more in this document"), with facets for source, year and speaker, and paging.
 * A result links to its passage: the document opens on the right tab and page, scrolled to it.
 * Wide screens show the facets in a column beside the results; narrow ones show the results
 * first, with the facets folded behind a "Refine" control above them (no script needed).
 */
import type { DB } from '../../store/db.js';
import type { Facet, SearchHit, SearchResult } from '../../search/search.js';
import type { Searcher } from '../../search/searcher.js';
import { locatePassage } from '../../store/read.js';
import type { Display } from '../display.js';
import { html, type Html } from '../html.js';
import { HttpError } from '../params.js';
import { searchBox, type Page, type PageContext } from './layout.js';
import { documentHref, kindLabel, pager, passageHref, plural, qs, richText, sourceHref, timecode, untitled } from './parts.js';

export const RESULTS_PER_PAGE = 10;
/** Deep pages of a ranking are never useful and cost time. */
const MAX_PAGE = 100;

export interface SearchParams {
  q?: string;
  source?: string;
  year?: string;
  /** Dates as `dateParam` reads them (the API's `since`/`until`); `year` narrows them further. */
  since?: string;
  until?: string;
  speaker?: string;
  /** An entity's slug: only documents that mention it. */
  entity?: string;
  page: number;
}

export async function searchPage(db: DB, searcher: Searcher, ctx: PageContext, p: SearchParams): Promise<Page> {
  const d = ctx.display;
  if (p.year !== undefined && !/^\d{4}$/.test(p.year)) throw new HttpError(400, `"year" must be a year like 2025, not "${p.year}"`);
  if (p.page > MAX_PAGE) throw new HttpError(400, `"page" goes up to ${MAX_PAGE}`);
  const filters = { source: p.source, year: p.year, since: p.since, until: p.until, speaker: p.speaker, entity: p.entity };
  const box = searchBox(p.q, { autofocus: !p.q, hidden: filters });
  const chips = activeFilters(p, d);
  if (!p.q) {
    return {
      title: 'Search · engram',
      ownSearchBox: true,
      query: p.q,
      body: html`<section class="hero">${box}${chips}<p class="try">Words in either Chinese script or English. Quote a phrase to match it exactly: <code>"densing law"</code>.</p></section>`,
    };
  }
  const r = await searcher.search(p.q, {
    limit: RESULTS_PER_PAGE,
    offset: (p.page - 1) * RESULTS_PER_PAGE,
    source: p.source,
    speaker: p.speaker,
    entity: p.entity,
    since: latest(p.since, p.year && `${p.year}-01-01`),
    until: earliest(p.until, p.year && `${p.year}-12-31`),
    facets: true,
  });
  const pages = Math.min(MAX_PAGE, Math.max(1, Math.ceil(r.total / RESULTS_PER_PAGE)));
  const href = (extra: Partial<SearchParams>) => `/search${qs({ q: p.q, ...filters, ...extra, page: extra.page && extra.page > 1 ? extra.page : undefined })}`;
  const refine = facetLists(r, p, href, d);
  return {
    title: `${p.q} · search · engram`,
    ownSearchBox: true,
    query: p.q,
    body: html`<div class="searchhead">${box}
  <p class="summary-line">${r.total ? `${plural(r.total, 'document')}` : 'No documents'} for “${p.q}”${chips}<span class="faint">${r.tookMs.toFixed(0)} ms</span></p>
</div>
<div class="search-grid">
  ${refine ? html`<aside class="facets wide" aria-label="Refine">${refine}</aside>` : ''}
  <section aria-label="Results">
    ${refine ? html`<details class="facets folded"><summary>Refine by source, year or speaker</summary>${refine}</details>` : ''}
    ${r.hits.length
      ? html`<ol class="results">${r.hits.map((h) => result(db, h, r.terms, d))}</ol>`
      : html`<div class="empty card"><p>Nothing matched “${p.q}”${chips ? ' with these filters' : ''}.</p><p class="small">Try fewer words, the other Chinese script, or ${chips ? html`<a href="${`/search${qs({ q: p.q })}`}">search everything</a>` : 'a shorter phrase'}.</p></div>`}
    ${pager(p.page, pages, (page) => href({ page }))}
  </section>
</div>`,
  };
}

const latest = (...dates: (string | undefined | '')[]) => dates.filter((x): x is string => Boolean(x)).sort().at(-1);
const earliest = (...dates: (string | undefined | '')[]) => dates.filter((x): x is string => Boolean(x)).sort()[0];

function activeFilters(p: SearchParams, d: Display): Html | '' {
  const active = (['source', 'year', 'since', 'until', 'speaker', 'entity'] as const).filter((k) => p[k]);
  if (!active.length) return '';
  const verbatim = new Set(['year', 'since', 'until']);
  return html`<span class="chips">${active.map((k) => {
    const rest = { q: p.q, source: p.source, year: p.year, since: p.since, until: p.until, speaker: p.speaker, entity: p.entity, [k]: undefined };
    return html`<a class="chip" href="/search${qs(rest)}" title="Remove this filter">${k}: ${verbatim.has(k) ? p[k]! : d.t(p[k]!)} ✕</a>`;
  })}</span>`;
}

/** The facet lists (shown in the wide column and in the folded control), or nothing. */
function facetLists(r: SearchResult, p: SearchParams, href: (x: Partial<SearchParams>) => string, d: Display): Html | undefined {
  const f = r.facets;
  if (!f || f.source.length + f.year.length + f.speaker.length + (f.entity?.length ?? 0) === 0) return undefined;
  return html`${facetList('Source', 'source', f.source, p, href, d)}${facetList('Year', 'year', f.year, p, href, d)}${facetList('Speaker', 'speaker', f.speaker, p, href, d)}${facetList('Mentions', 'entity', f.entity ?? [], p, href, d)}`;
}

function facetList(title: string, key: 'source' | 'year' | 'speaker' | 'entity', values: Facet[], p: SearchParams, href: (x: Partial<SearchParams>) => string, d: Display): Html | '' {
  if (values.length === 0) return '';
  return html`<section><h3>${title}</h3><ul>${values.slice(0, 12).map((f) => {
    const on = p[key] === f.value;
    return html`<li><a href="${href({ [key]: on ? undefined : f.value, page: 1 })}" aria-current="${on ? 'true' : 'false'}"><span class="v">${key === 'year' ? f.value : d.t(f.label ?? f.value)}</span><span class="c">${f.count}</span></a></li>`;
  })}</ul></section>`;
}

function result(db: DB, h: SearchHit, terms: string[], d: Display): Html {
  const doc = h.document;
  const p = h.passage;
  const at = p ? locatePassage(db, p.id) : undefined;
  const link = p && at ? passageHref(doc.id, at.renditionId, p.id, terms) : `${documentHref(doc.id)}${qs({ hl: terms.join(' ') })}`;
  const titleMarks = p ? [] : h.highlights;
  return html`<li class="card">
  <a class="title" href="${link}">${doc.title ? richText(doc.title, titleMarks, d, { links: false }) : untitled(null, d)}</a>
  <div class="meta">${doc.date ? html`<time datetime="${doc.date}">${doc.date}</time>` : ''}${
    doc.source ? html`<a href="${sourceHref(doc.source)}">${d.t(doc.source)}</a>` : ''
  }${p ? html`<span class="badge">${kindLabel(p.rendition)}</span>` : ''}${p?.speaker ? html`<span>${d.t(p.speaker)}</span>` : ''}</div>
  ${h.snippet ? html`<p class="snip">${richText(h.snippet.text, h.snippet.highlights, d, { links: false })}</p>` : ''}
  <div class="foot">
    <a href="${link}">Read in context →</a>
    ${h.more ? html`<a href="${documentHref(doc.id)}${qs({ rendition: at?.renditionId, hl: terms.join(' ') })}">${h.more} more in this document</a>` : ''}
    ${p?.link && p.start != null ? html`<a href="${p.link}" rel="noopener noreferrer" target="_blank">▶ ${timecode(p.start)} at the source</a>` : ''}
    ${p && p.start == null && p.claimedStart != null ? html`<span class="faint" title="The time the summary gives for this passage, not verified in the transcript: not linked">summary says ${timecode(p.claimedStart)} (unverified)</span>` : ''}
  </div>
</li>`;
}
