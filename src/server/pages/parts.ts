/** Pieces every page shares: labels, document list items, pagers, highlighted text. */
import { formatTimecode } from '../../formats/media.js';
import type { RenditionKind } from '../../model.js';
import type { DocumentSummary, SourceSummary } from '../../store/read.js';
import type { Display } from '../display.js';
import { html, type Child, type Html } from '../html.js';

export const KIND_LABELS: Record<RenditionKind, string> = {
  summary: 'Summary',
  transcript: 'Transcript',
  'raw-transcript': 'Raw transcript',
  post: 'Post',
  note: 'Note',
  text: 'Text',
};

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind as RenditionKind] ?? kind;
}

export const sourceHref = (name: string) => `/sources/${encodeURIComponent(name)}`;
export const documentHref = (id: number) => `/documents/${id}`;

/** Where a passage lives: its rendition tab, the page holding it (the server works it out from `p`), scrolled to its anchor. */
export function passageHref(documentId: number, renditionId: number, passageId: number, hl?: readonly string[]): string {
  return `${documentHref(documentId)}${qs({ rendition: renditionId, p: passageId, hl: hl?.length ? hl.join(' ') : undefined })}#p${passageId}`;
}

/** Query string from defined, non-empty values (in the given order). */
export function qs(params: Record<string, string | number | null | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

export function untitled(title: string | null | undefined, d: Display): string {
  return title ? d.t(title) : '(untitled)';
}

export function timecode(seconds: number): string {
  return formatTimecode(seconds);
}

/** `12 documents`, `1 document`. */
export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

export function docItem(d: Display, doc: DocumentSummary, opts: { showSource?: boolean } = {}): Html {
  return html`<li>
  <a class="title" href="${documentHref(doc.id)}">${untitled(doc.title, d)}</a>
  <div class="meta">${doc.number != null ? html`<span class="num">#${doc.number}</span>` : ''}${doc.date ? html`<time datetime="${doc.date}">${doc.date}</time>` : html`<span class="faint">undated</span>`}${
    opts.showSource !== false && doc.source ? html`<a href="${sourceHref(doc.source)}">${d.t(doc.source)}</a>` : ''
  }${doc.kinds.map((k) => html`<span class="badge">${kindLabel(k)}</span>`)}</div>
</li>`;
}

function dateRange(first: string | null, last: string | null): string {
  if (!first && !last) return 'undated';
  if (first === last || !last) return first ?? '';
  return `${first} – ${last}`;
}

/** Sources with their dates and document counts (home and /sources). */
export function sourceList(sources: readonly SourceSummary[], d: Display): Html {
  return html`<ul class="sources card">${sources.map(
    (s) => html`<li><a href="${sourceHref(s.name)}"><span class="name">${d.t(s.name)}<span class="range">${dateRange(s.firstDate, s.lastDate)}</span></span><span class="count">${plural(s.documents, 'doc')}</span></a></li>`,
  )}</ul>`;
}

/** Page links: first, last, and a window around the current page. */
export function pager(page: number, pages: number, href: (page: number) => string, info?: Child): Html {
  if (pages <= 1) return info ? html`<nav class="pager" aria-label="Pages"><span class="info">${info}</span></nav>` : html``;
  const shown = new Set([1, pages, page - 2, page - 1, page, page + 1, page + 2].filter((p) => p >= 1 && p <= pages));
  const nums = [...shown].sort((a, b) => a - b);
  const items: Child[] = [];
  let last = 0;
  for (const p of nums) {
    if (p - last > 1) items.push(html`<span class="gap">…</span>`);
    items.push(p === page ? html`<span class="cur" aria-current="page">${p}</span>` : html`<a href="${href(p)}">${p}</a>`);
    last = p;
  }
  return html`<nav class="pager" aria-label="Pages">${info ? html`<span class="info">${info}</span>` : ''}${
    page > 1 ? html`<a href="${href(page - 1)}" rel="prev">← Previous</a>` : ''
  }${items}${page < pages ? html`<a href="${href(page + 1)}" rel="next">Next →</a>` : ''}</nav>`;
}

const URL_RE = /https?:\/\/[^\s<>"'\u3000-\u303f\uff08\uff09\uff0c\uff1b\uff1a\u3001）】]+/g;

/**
 * Library text with `<mark>`ed ranges ([start, end) offsets into the original text) and bare
 * http(s) URLs as links. Each piece is converted to the display script separately, so the
 * offsets, computed on the original, stay right.
 */
export function richText(text: string, marks: readonly [number, number][], d: Display, opts: { links?: boolean } = {}): Html {
  const urls: [number, number][] = [];
  if (opts.links !== false) {
    for (const m of text.matchAll(URL_RE)) {
      const url = m[0].replace(/[.,;:!?)\]]+$/, '');
      urls.push([m.index!, m.index! + url.length]);
    }
  }
  const spans: { from: number; to: number; kind: 'url' | 'mark' }[] = [
    ...urls.map(([from, to]) => ({ from, to, kind: 'url' as const })),
    ...marks.filter(([s, e]) => e > s && !urls.some(([us, ue]) => s < ue && e > us)).map(([from, to]) => ({ from, to, kind: 'mark' as const })),
  ].sort((a, b) => a.from - b.from);
  const out: Child[] = [];
  let at = 0;
  for (const s of spans) {
    if (s.from < at) continue;
    out.push(d.t(text.slice(at, s.from)));
    const piece = text.slice(s.from, s.to);
    out.push(s.kind === 'url' ? html`<a href="${piece}" rel="noopener noreferrer nofollow" target="_blank">${piece}</a>` : html`<mark>${d.t(piece)}</mark>`);
    at = s.to;
  }
  out.push(d.t(text.slice(at)));
  return html`${out}`;
}
