/**
 * One document: its header (title, date, source, speakers, link to the original), its
 * renditions as tabs, and the chosen rendition as addressable passages (`#p<id>`), a page of
 * PASSAGES_PER_PAGE at a time so a 160 KB transcript stays quick to serve and to scroll.
 * `?p=<passageId>` opens the tab and page holding that passage and marks it.
 * Boilerplate passages are set aside in a closed <details>, not shown as content.
 * "Original formatting" is paged too (ORIGINAL_PAGE_CHARS a page, cut at blank lines), and
 * not offered for texts over MAX_BODY_BYTES.
 */
import type { DB } from '../../store/db.js';
import { bodyLength, bodyWindow, getDocument, locatePassage, type DocumentView, type PassageView, type RenditionView } from '../../store/read.js';
import { highlightRanges } from '../../search/highlight.js';
import { youtubeIdFromUrl } from '../../formats/media.js';
import { MACHINE_SPEAKER } from '../../formats/diarized-transcript.js';
import type { Display } from '../display.js';
import { html, type Child, type Html } from '../html.js';
import { HttpError } from '../params.js';
import { renderMarkdown } from '../render.js';
import { Lru } from '../cache.js';
import { writeState } from '../../store/until-changed.js';
import { MAX_BODY_BYTES, megabytes, ORIGINAL_PAGE_CHARS, PASSAGES_PER_PAGE } from '../paging.js';
import type { Page, PageContext } from './layout.js';
import { documentHref, kindLabel, pager, plural, qs, richText, sourceHref, timecode, untitled } from './parts.js';
import { documentQuoteChecks, type QuoteCheck } from '../../quotes/library.js';
import { linkingQuote } from '../../quotes/times.js';
import { generatedLabel, provenanceInfo, quoteMarks } from './generated.js';
import { correctedText, entityChips, relatedDocuments } from './terms-parts.js';

export interface DocumentParams {
  rendition?: number;
  page?: number;
  /** A passage to land on (its tab and page are chosen to hold it). */
  passage?: number;
  view: 'passages' | 'original';
  /** Search terms to mark (as the search reported them). */
  hl: string[];
}

export function documentPage(db: DB, ctx: PageContext, id: number, params: DocumentParams): Page {
  const d = ctx.display;
  let renditionId = params.rendition;
  let page = params.page ?? 1;
  if (params.passage !== undefined) {
    const at = locatePassage(db, params.passage);
    if (!at || at.documentId !== id) throw new HttpError(404, `passage ${params.passage} is not in document ${id}`);
    renditionId = at.renditionId;
    page = Math.floor(at.seq / PASSAGES_PER_PAGE) + 1;
  }
  const window = { passageOffset: (page - 1) * PASSAGES_PER_PAGE, passageLimit: PASSAGES_PER_PAGE };
  if (renditionId === undefined) {
    // The first tab (summary, then transcript…) is the default; learn its ID, then fetch its passages.
    const head = getDocument(db, id, { passages: false });
    if (!head) throw new HttpError(404, `no document ${id} in the library`);
    renditionId = head.renditions[0]?.id;
  }
  const doc = getDocument(db, id, { ...window, renditionId: renditionId ?? -1, passages: params.view === 'passages' });
  if (!doc) throw new HttpError(404, `no document ${id} in the library`);
  const current = doc.renditions.find((r) => r.id === renditionId);
  if (renditionId !== undefined && !current) throw new HttpError(404, `document ${id} has no rendition ${renditionId}`);

  const original = params.view === 'original' && current ? originalPages(db, current) : undefined;
  const pages = original ?? (current ? Math.max(1, Math.ceil(current.passageCount / PASSAGES_PER_PAGE)) : 1);
  if (page > pages) throw new HttpError(404, `this rendition has ${pages} page${pages === 1 ? '' : 's'} of ${original === undefined ? 'passages' : 'original text'}, not ${page}`);
  // A summary's quotes, checked against the transcripts, marked under their passages.
  const quotes = new Map<number, QuoteCheck[]>();
  if (current?.kind === 'summary' && params.view === 'passages') {
    for (const q of documentQuoteChecks(db, id, current.id)[0]?.quotes ?? []) quotes.set(q.summaryPassageId, [...(quotes.get(q.summaryPassageId) ?? []), q]);
    // A summary another tool wrote: a passage's time is where the transcript has its quote, as
    // checked for this page (the stored check may be older than the transcripts), else none.
    if (!current.generated) {
      for (const p of current.passages ?? []) {
        const found = linkingQuote(quotes.get(p.id) ?? []);
        Object.assign(p, found ? { start: found.start, end: null, link: found.link } : { start: null, end: null, link: null });
      }
    }
  }

  return {
    title: `${untitled(doc.title, d)} · engram`,
    body: html`<article class="doc">
${header(doc, d)}
${doc.renditions.length ? tabs(doc, current) : html`<p class="empty">This document has no text.</p>`}
${current ? renditionBody(db, doc, current, d, { ...params, page, pages, quotes }) : ''}
</article>`,
  };
}

function header(doc: DocumentView, d: Display): Html {
  const m = doc.metadata;
  const named = doc.speakers.filter((s) => !MACHINE_SPEAKER.test(s));
  const speakers = named.length ? named.map((s) => d.t(s)).join(', ') : doc.speakers.length ? plural(doc.speakers.length, 'speaker') : '';
  const watch = doc.url ? (youtubeIdFromUrl(doc.url) ? 'Watch on YouTube' : 'Open the original') : '';
  const keywords = Array.isArray(m.keywords) ? m.keywords.filter((k): k is string => typeof k === 'string').slice(0, 12) : [];
  return html`<header class="pagehead">
  <div class="crumbs"><a href="/">Library</a>${doc.source ? html` / <a href="${sourceHref(doc.source)}">${d.t(doc.source)}</a>` : ''}</div>
  <h1>${untitled(doc.title, d)}</h1>
  <div class="meta">${typeof m.number === 'number' ? html`<span class="num">#${m.number}</span>` : ''}${
    doc.date ? html`<time datetime="${doc.date}">${doc.date}</time>` : html`<span class="faint">undated</span>`
  }${doc.source ? html`<a href="${sourceHref(doc.source)}">${d.t(doc.source)}</a>` : ''}${
    typeof m.category === 'string' ? html`<span>${d.t(m.category)}</span>` : ''
  }${speakers ? html`<span title="Speakers">with ${speakers}</span>` : ''}${
    doc.url ? html`<a class="btn" href="${doc.url}" rel="noopener noreferrer" target="_blank">${watch} ↗</a>` : ''
  }</div>
  ${keywords.length ? html`<div class="chips">${keywords.map((k) => html`<a class="chip" href="/search${qs({ q: k })}">${d.t(k)}</a>`)}</div>` : ''}
  ${entityChips(doc, d)}${relatedDocuments(doc, d)}
</header>`;
}

function tabs(doc: DocumentView, current: RenditionView | undefined): Html {
  const seen = new Map<string, number>();
  return html`<nav class="tabs" aria-label="Renditions">${doc.renditions.map((r) => {
    const n = (seen.get(r.kind) ?? 0) + 1;
    seen.set(r.kind, n);
    const label = r.generated ? generatedLabel(r.generated) : kindLabel(r.kind) + (n > 1 ? ` ${n}` : '');
    return html`<a href="${documentHref(doc.id)}${qs({ rendition: r.id })}" aria-current="${r.id === current?.id ? 'page' : 'false'}" title="${r.origin} (${r.format})">${label}<span class="n">${r.passageCount}</span></a>`;
  })}</nav>`;
}

interface BodyOptions extends DocumentParams {
  page: number;
  pages: number;
  /** Quote checks by summary passage ID. */
  quotes: Map<number, QuoteCheck[]>;
}

function renditionBody(db: DB, doc: DocumentView, r: RenditionView, d: Display, o: BodyOptions): Html {
  const base = (extra: Record<string, string | number | undefined>) =>
    `${documentHref(doc.id)}${qs({ rendition: r.id, hl: o.hl.length ? o.hl.join(' ') : undefined, ...extra })}`;
  const info = html`<div class="rinfo">
  <span class="origin" title="Where this text came from: ${r.origin}">${r.origin}</span><span>${r.format}</span>${r.metadata.model ? html`<span>model ${String(r.metadata.model)}</span>` : ''}
  <span class="views"><a href="${base({})}" aria-current="${o.view === 'passages' ? 'true' : 'false'}">Passages</a><a href="${base({ view: 'original' })}" aria-current="${o.view === 'original' ? 'true' : 'false'}">Original formatting</a></span>
</div>${r.generated ? provenanceInfo(r.generated) : ''}`;
  if (o.view === 'original') {
    if (r.bodyBytes > MAX_BODY_BYTES) {
      return html`${info}<p class="empty">This text is ${megabytes(r.bodyBytes)}: too large to show in its original formatting. Read it as <a href="${base({})}">passages</a>, ${PASSAGES_PER_PAGE} a page.</p>`;
    }
    const nav = pager(o.page, o.pages, (p) => base({ view: 'original', page: p > 1 ? p : undefined }), `Part ${o.page} of ${o.pages}`);
    return html`${info}${o.pages > 1 ? nav : ''}<div class="prose">${renderedOriginal(db, r, o.page, d)}</div>${o.pages > 1 ? nav : ''}`;
  }
  const from = (o.page - 1) * PASSAGES_PER_PAGE;
  const passages = r.passages ?? [];
  const nav = pager(o.page, o.pages, (p) => base({ page: p > 1 ? p : undefined }), o.pages > 1 ? `Passages ${from + 1}–${from + passages.length} of ${r.passageCount.toLocaleString('en-US')}` : undefined);
  const speakerClass = new Map(doc.speakers.map((s, i) => [s, `s${i % 8}`]));
  return html`${info}${o.pages > 1 ? nav : ''}
<div class="passages">${groupBoilerplate(passages).map((g) =>
    Array.isArray(g)
      ? html`<details class="aside"${g.some((p) => p.id === o.passage) ? html` open` : ''}><summary>Set aside: ${plural(g.length, 'passage')} of model preamble or editing notes</summary>${g.map((p) => passage(p, r, doc, d, o, speakerClass))}</details>`
      : passage(g as PassageView, r, doc, d, o, speakerClass),
  )}</div>
${passages.length === 0 ? html`<p class="empty">No passages in this rendition.</p>` : ''}
${o.pages > 1 ? nav : ''}`;
}

/**
 * LLM summaries mark their section titles as a bold paragraph (`**一、背景**`), which passages
 * keep as plain text: a short standalone line without closing punctuation reads as one.
 */
function isLeadLine(text: string): boolean {
  return text.length <= 40 && !/[\n。！？]/.test(text) && !/[.!?，,；;」』”"…）)\]]$/.test(text);
}

/** `壓縮分支： 把…` — a list item's short label before a colon (bold in the original Markdown). */
function itemLabel(text: string): string | undefined {
  const m = /^[^\s：:。，,]{1,16}[：:](?!\/\/)\s*/.exec(text);
  return m && m[0].length < text.length ? m[0] : undefined;
}

/** A passage's time, linked to that moment at the source when the document has a URL. */
function stamp(p: PassageView, cls: string): Html {
  const tc = timecode(p.start!);
  return p.link
    ? html`<a class="${cls}" href="${p.link}" rel="noopener noreferrer" target="_blank" title="Play from ${tc} at the source">${tc}</a>`
    : html`<span class="${cls}">${tc}</span>`;
}

/** Pages of the original text of a rendition (one for a text over MAX_BODY_BYTES: the notice). */
function originalPages(db: DB, r: RenditionView): number {
  // A character is at least one byte: a body within one page's worth of bytes is one page.
  if (r.bodyBytes <= ORIGINAL_PAGE_CHARS || r.bodyBytes > MAX_BODY_BYTES) return 1;
  const chars = lengths.get(`${r.id}:${writeState(db)}`, () => bodyLength(db, r.id));
  return Math.max(1, Math.ceil(chars / ORIGINAL_PAGE_CHARS));
}

const lengths = new Lru<number>(64);

/** How far past a page's nominal start to look for a blank line to cut at. */
const LOOK_AHEAD = 4000;

/**
 * Where page `n` (1-based) of the original text starts, in characters: at the first blank line
 * after its nominal start (else the first line end), so Markdown blocks are not cut in half.
 */
function pageStart(db: DB, renditionId: number, n: number): number {
  const nominal = (n - 1) * ORIGINAL_PAGE_CHARS;
  if (n === 1) return 0;
  const ahead = bodyWindow(db, renditionId, nominal, LOOK_AHEAD);
  const blank = ahead.indexOf('\n\n');
  const cut = blank >= 0 ? blank + 2 : ahead.indexOf('\n') + 1;
  return nominal + codePoints(ahead.slice(0, cut));
}

/** SQL counts characters as code points; JavaScript strings count UTF-16 units. */
function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Rendering 100,000 characters takes ~50 ms; readers flip between tabs and views, so keep a few. */
const originals = new Lru<Html>(12);

function renderedOriginal(db: DB, r: RenditionView, page: number, d: Display): Html {
  return originals.get(`${r.id}:${writeState(db)}:${page}:${d.script}`, () => {
    const from = pageStart(db, r.id, page);
    const last = page === originalPages(db, r);
    const text = last ? bodyWindow(db, r.id, from, Number.MAX_SAFE_INTEGER) : bodyWindow(db, r.id, from, pageStart(db, r.id, page + 1) - from);
    return renderMarkdown(d.t(text));
  });
}

/** Runs of boilerplate become one group (shown behind a toggle); other passages stand alone. */
function groupBoilerplate(passages: PassageView[]): (PassageView | PassageView[])[] {
  const out: (PassageView | PassageView[])[] = [];
  for (const p of passages) {
    const last = out[out.length - 1];
    if (p.role !== 'boilerplate') out.push(p);
    else if (Array.isArray(last)) last.push(p);
    else out.push([p]);
  }
  return out;
}

function passage(p: PassageView, r: RenditionView, doc: DocumentView, d: Display, o: BodyOptions, speakerClass: Map<string, string>): Html {
  const marks = o.hl.length ? highlightRanges(p.text, o.hl) : [];
  const text = correctedText(p, marks, d);
  const cls = ['psg', p.id === o.passage ? 'target' : ''];
  const anchor = html`<a class="anchor" href="${documentHref(doc.id)}${qs({ rendition: r.id, p: p.id })}#p${p.id}" aria-label="Link to this passage">#</a>`;
  let inner: Child;
  if (p.role === 'heading') {
    cls.push('h');
    const level = Math.min(4, Math.max(2, (p.depth ?? 1) + 1));
    inner = html`${anchor}${level === 2 ? html`<h2>${text}</h2>` : level === 3 ? html`<h3>${text}</h3>` : html`<h4>${text}</h4>`}`;
  } else if (p.start != null && (r.kind === 'transcript' || r.kind === 'raw-transcript')) {
    // Transcripts: a time column, the speaker over each passage.
    cls.push('timed');
    inner = html`${anchor}${stamp(p, 'ts')}<div>${p.speaker ? html`<span class="who ${speakerClass.get(p.speaker) ?? 's0'}">${d.t(p.speaker)}</span>` : ''}<p>${text}</p></div>`;
  } else {
    const item = p.depth != null && p.depth > 0;
    if (item) cls.push('item', `d${Math.min(3, p.depth!)}`);
    else if (p.start == null && p.claimedStart == null && isLeadLine(p.text)) cls.push('leadline');
    const label = item && marks.length === 0 ? itemLabel(p.text) : undefined;
    const body = label ? html`<span class="lead">${d.t(label)}</span>${richText(p.text.slice(label.length), [], d)}` : text;
    // Elsewhere (a summary quoting a moment) the time is a small link before the text.
    const time = p.start != null ? html`${stamp(p, 'ts-inline')} ` : '';
    inner = html`${anchor}${p.speaker ? html`<span class="who ${speakerClass.get(p.speaker) ?? 's0'}">${d.t(p.speaker)}</span>` : ''}<p>${time}${body}</p>`;
  }
  const checks = o.quotes.get(p.id);
  return html`<div class="${cls.filter(Boolean).join(' ')}" id="p${p.id}">${inner}${checks ? quoteMarks(checks, d) : ''}</div>`;
}
