/**
 * What a digest lists: the documents of a period (and optionally one source), newest first,
 * each with what every format shows — title, date, link, thumbnail and a short summary.
 *
 * The summary is the document's stored summary rendition when it has one (an ingested
 * `summary.md`, or one `engram summarize` wrote), else an extractive one made here from its
 * best text (the key passages, as `engram summarize` makes offline). Both are whole passages
 * up to a character budget, so a digest never cuts a sentence in the middle.
 */
import { stmt } from '../store/statements.js';
import type { DB } from '../store/db.js';
import { youtubeIdFromUrl } from '../formats/media.js';
import { summaryInput } from '../pipeline/summarize-input.js';
import { keyPassages } from '../pipeline/summarize-extractive.js';

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
  /** Where the summary came from: a stored summary rendition, or key passages of its text. */
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

/** Characters of summary per entry: whole passages up to this (always at least one), 6 at most. */
export const SUMMARY_BUDGET = { stored: 700, extractive: 600 } as const;
const MAX_PARAGRAPHS = 6;
/** Key passages an extractive summary picks from a long text. */
const EXTRACTIVE_PASSAGES = 3;

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
  const stored = storedSummary(db, r.id);
  const summary = stored.length ? stored : extractiveSummary(db, r.id);
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

/** Content passages of the document's newest summary rendition (ingested or generated), within the budget. */
function storedSummary(db: DB, docId: number): string[] {
  const rendition = stmt(db,
    `SELECT r.id FROM renditions r
      WHERE r.document_id = ? AND r.kind = 'summary'
        AND EXISTS (SELECT 1 FROM passages p WHERE p.rendition_id = r.id AND p.role = 'content')
      ORDER BY r.id DESC LIMIT 1`,
  ).pluck().get(docId) as number | undefined;
  if (rendition === undefined) return [];
  const texts = stmt(db, "SELECT text FROM passages WHERE rendition_id = ? AND role = 'content' ORDER BY seq LIMIT 40")
    .pluck().all(rendition) as string[];
  return takeWithin(texts.map(oneLine).filter(Boolean), SUMMARY_BUDGET.stored);
}

/**
 * An extractive summary of the document's best text (summarize-input.ts picks it): the text
 * itself when it is short, else its key passages (summarize-extractive.ts: TextRank and MMR),
 * in time order, within the budget.
 */
function extractiveSummary(db: DB, docId: number): string[] {
  const input = summaryInput(db, docId);
  if (!input) return [];
  const texts = input.passages.map((p) => oneLine(p.text)).filter(Boolean);
  const short = texts.reduce((n, t) => n + t.length, 0) <= SUMMARY_BUDGET.extractive;
  return takeWithin(short ? texts : keyPassages(input.passages, EXTRACTIVE_PASSAGES).map((k) => oneLine(k.text)), SUMMARY_BUDGET.extractive);
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Whole paragraphs while they fit the budget (the first always). */
function takeWithin(paragraphs: string[], budget: number): string[] {
  const out: string[] = [];
  let used = 0;
  for (const p of paragraphs) {
    if (out.length && (used + p.length > budget || out.length === MAX_PARAGRAPHS)) break;
    out.push(p);
    used += p.length;
  }
  return out;
}
