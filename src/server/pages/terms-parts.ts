/**
 * Page parts for terms and entities: corrected words shown with what was heard, entity
 * chips, related documents, and the small timeline chart of entity pages (inline SVG).
 */
import type { PassageView, DocumentView } from '../../store/read.js';
import type { Display } from '../display.js';
import { html, type Child, type Html } from '../html.js';
import { documentHref, richText, untitled } from './parts.js';

export const entityHref = (slug: string) => `/entities/${encodeURIComponent(slug)}`;

/**
 * A passage's text with its corrections: the corrected word, and what the recognizer heard
 * beside it (struck through, with the reason on hover). Highlight ranges still apply.
 */
export function correctedText(p: Pick<PassageView, 'text' | 'corrections'>, marks: readonly [number, number][], d: Display): Html {
  const fixes = p.corrections ?? [];
  if (fixes.length === 0) return richText(p.text, marks, d);
  const out: Child[] = [];
  let at = 0;
  const piece = (from: number, to: number) =>
    richText(p.text.slice(from, to), marks.filter(([s, e]) => e > from && s < to).map(([s, e]) => [Math.max(s, from) - from, Math.min(e, to) - from] as [number, number]), d);
  for (const c of fixes) {
    if (c.offset < at) continue;
    out.push(piece(at, c.offset));
    out.push(html`<span class="fix" title="${`Heard “${c.original}”, corrected (${Math.round(c.confidence * 100)}%): ${c.reason}`}">${d.t(c.corrected)}<s class="heard" aria-label="heard">${c.original}</s></span>`);
    at = c.offset + c.length;
  }
  out.push(piece(at, p.text.length));
  return html`${out}`;
}

/** Links to the people, companies, models and concepts a document mentions. */
export function entityChips(doc: Pick<DocumentView, 'entities'>, d: Display, limit = 16): Html | '' {
  const list = doc.entities.slice(0, limit);
  if (!list.length) return '';
  return html`<div class="chips entities" aria-label="Mentioned">${list.map((e) => html`<a class="chip ent ${e.type}" href="${entityHref(e.slug)}" title="${`${e.type}, ${e.count} mention${e.count === 1 ? '' : 's'}`}">${d.t(e.name)}</a>`)}</div>`;
}

/** The same media item in other sources. */
export function relatedDocuments(doc: Pick<DocumentView, 'related'>, d: Display): Html | '' {
  if (!doc.related.length) return '';
  return html`<p class="related">Also covered by: ${doc.related.map((r, i) => html`${i ? ', ' : ''}<a href="${documentHref(r.id)}" title="${r.reason}">${untitled(r.title, d)}</a> <span class="faint">(${r.source ? d.t(r.source) : ''}${r.date ? ` ${r.date}` : ''})</span>`)}</p>`;
}

/** Mentions by month as bars (months without mentions included, so gaps show). */
export function timelineChart(timeline: { month: string; count: number }[]): Html | '' {
  if (!timeline.length) return '';
  const months: { month: string; count: number }[] = [];
  const byMonth = new Map(timeline.map((t) => [t.month, t.count]));
  let [y, m] = timeline[0]!.month.split('-').map(Number) as [number, number];
  const [ly, lm] = timeline[timeline.length - 1]!.month.split('-').map(Number) as [number, number];
  while ((y < ly || (y === ly && m <= lm)) && months.length < 240) {
    const k = `${y}-${String(m).padStart(2, '0')}`;
    months.push({ month: k, count: byMonth.get(k) ?? 0 });
    if (++m > 12) { m = 1; y++; }
  }
  const max = Math.max(...months.map((x) => x.count));
  const w = 12, gap = 2, h = 60;
  const width = months.length * (w + gap);
  return html`<figure class="timeline"><svg viewBox="0 0 ${width} ${h + 14}" width="${Math.min(width, 720)}" height="${h + 14}" role="img" aria-label="Mentions by month">${months.map((x, i) => {
    const bh = x.count ? Math.max(2, Math.round((x.count / max) * h)) : 0;
    return html`<g><title>${x.month}: ${x.count}</title><rect x="${i * (w + gap)}" y="${h - bh}" width="${w}" height="${bh}" rx="1"></rect>${
      i === 0 || x.month.endsWith('-01') ? html`<text x="${i * (w + gap)}" y="${h + 12}">${x.month.slice(0, 4)}</text>` : ''
    }</g>`;
  })}</svg><figcaption class="faint">${timeline[0]!.month} – ${timeline[timeline.length - 1]!.month}, mentions by month</figcaption></figure>`;
}
