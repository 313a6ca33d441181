/**
 * What a digest lists: the documents of a period (and optionally one source), newest first,
 * each with what every format shows — title, date, link, thumbnail and a short summary.
 *
 * The summary is the document's stored summary rendition when it has one (an ingested
 * `summary.md`, or one `engram summarize` wrote), else an extractive one: the opening content
 * passages of its best rendition. Both are whole passages up to a character budget, so a
 * digest never cuts a sentence in the middle.
 */
import { stmt } from '../store/statements.js';
import type { DB } from '../store/db.js';
import { youtubeIdFromUrl } from '../formats/media.js';

export interface DigestEntry {
  /** Document ID in the library. */
  id: number;
  title: string;
  /** `YYYY-MM-DD`, or null for undated documents (only listed when no period is asked). */
  date: string | null;
  source: string | null;
  /** Canonical media URL (YouTube watch URL, episode page), or null. */
  url: string | null;
  /** YouTube video ID when the document is a YouTube video. */
  videoId: string | null;
  /** Thumbnail image URL (YouTube only: `img.youtube.com/vi/ID/hqdefault.jpg`, which always exists). */
  thumbnail: string | null;
  /** Number of the entry in its archive, category and keywords, when an archive gave them. */
  number: number | null;
  category: string | null;
  keywords: string[];
  /** Paragraphs of the summary, in order. */
  summary: string[];
  /** Where the summary came from: a stored summary rendition, or the document's opening passages. */
  summaryKind: 'stored' | 'extractive';
}

export interface Selection {
  /** Inclusive `YYYY-MM-DD` bounds on the document date; dated documents only when either is set. */
  since?: string;
  until?: string;
  /** Only this source (case-insensitive). */
  source?: string;
  /** At most this many entries (the newest). */
  limit?: number;
}

/** Characters of summary per entry: whole passages up to this (always at least one). */
export const SUMMARY_BUDGET = { stored: 1200, extractive: 480 } as const;

interface Row {
  id: number; title: string | null; date: string | null; url: string | null; source: string | null; metadata: string;
}

export function selectEntries(db: DB, sel: Selection = {}): DigestEntry[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (sel.since) { where.push('d.date >= ?'); params.push(sel.since); }
  if (sel.until) { where.push('d.date <= ?'); params.push(sel.until); }
  if (sel.source) { where.push('s.name = ? COLLATE NOCASE'); params.push(sel.source); }
  const rows = stmt(db,
    `SELECT d.id, d.title, d.date, d.url, d.metadata, s.name AS source
       FROM documents d LEFT JOIN sources s ON s.id = d.source_id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY d.date IS NULL, d.date DESC, json_extract(d.metadata, '$.number') DESC, d.id DESC
      LIMIT ?`,
  ).all(...params, sel.limit ?? -1) as Row[];
  return rows.map((r) => toEntry(db, r));
}

function toEntry(db: DB, r: Row): DigestEntry {
  const meta = JSON.parse(r.metadata) as { number?: unknown; category?: unknown; keywords?: unknown };
  const videoId = r.url ? youtubeIdFromUrl(r.url) ?? null : null;
  const stored = summaryPassages(db, r.id, 'stored');
  const summary = stored.length ? stored : summaryPassages(db, r.id, 'extractive');
  return {
    id: r.id,
    title: r.title?.trim() || '(untitled)',
    date: r.date,
    source: r.source,
    url: r.url,
    videoId,
    thumbnail: videoId ? `https://img.youtube.com/vi/${videoId}/hqdefault.jpg` : null,
    number: typeof meta.number === 'number' ? meta.number : null,
    category: typeof meta.category === 'string' ? meta.category : null,
    keywords: Array.isArray(meta.keywords) ? meta.keywords.filter((k): k is string => typeof k === 'string') : [],
    summary,
    summaryKind: stored.length ? 'stored' : 'extractive',
  };
}

/**
 * Content passages of the newest summary rendition ('stored'), or of the best other rendition
 * (cleaned transcript, then posts, notes, text, raw transcript: 'extractive'), up to the budget.
 */
function summaryPassages(db: DB, docId: number, kind: 'stored' | 'extractive'): string[] {
  const rendition = stmt(db,
    `SELECT r.id FROM renditions r
      WHERE r.document_id = ? AND ${kind === 'stored' ? "r.kind = 'summary'" : "r.kind <> 'summary'"}
        AND EXISTS (SELECT 1 FROM passages p WHERE p.rendition_id = r.id AND p.role = 'content')
      ORDER BY CASE r.kind WHEN 'transcript' THEN 0 WHEN 'post' THEN 1 WHEN 'note' THEN 2 WHEN 'text' THEN 3 ELSE 4 END, r.id DESC
      LIMIT 1`,
  ).pluck().get(docId) as number | undefined;
  if (rendition === undefined) return [];
  const texts = stmt(db, "SELECT text FROM passages WHERE rendition_id = ? AND role = 'content' ORDER BY seq LIMIT 40")
    .pluck().all(rendition) as string[];
  return takeWithin(texts.map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean), SUMMARY_BUDGET[kind]);
}

/** Whole paragraphs while they fit the budget (the first always). */
function takeWithin(paragraphs: string[], budget: number): string[] {
  const out: string[] = [];
  let used = 0;
  for (const p of paragraphs) {
    if (out.length && used + p.length > budget) break;
    out.push(p);
    used += p.length;
  }
  return out;
}
