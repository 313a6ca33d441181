/**
 * The time a passage of a summary links to. A summary another tool wrote (read from a file)
 * claims times for its points and quotes (`[00:12:34]`), and they are often wrong: for quotes
 * found in the transcript, |claimed − found| has a median of 7 s but a p90 of about an hour
 * (docs/benchmarks.md). So such a passage's time is where the transcript has its quote — the
 * first of its quotes found there, verbatim or lightly edited — and a passage whose quote was
 * not found (or that quotes nobody) has no time: what it claims is kept as `claimedStart`, and
 * its text still says it as the summary wrote it.
 *
 * The checks are made when the library is written (quotes/refresh.ts) and stored
 * (`summary_checks`, `summary_times`): reading them costs a query, never a check. A check made
 * against other transcripts than the document has now (or never made: a library from before)
 * gives no time until the next ingest makes it again. engram's own summaries give the
 * transcript's times already (their quotes were located when they were written), and
 * transcripts and notes give their own: both are left as they are.
 *
 * Light on purpose: search threads import it; the checker itself is in refresh.ts.
 */
import type { DB } from '../store/db.js';
import { stmt } from '../store/statements.js';
import type { QuoteDecision } from './check.js';
import { deepLink } from '../formats/media.js';

/** Renditions that are transcripts, cleaned first; generated ones only when they succeeded. */
export const TRANSCRIPT_RENDITIONS = `SELECT id FROM renditions WHERE document_id = ? AND kind IN ('transcript', 'raw-transcript')
  AND (generated IS NULL OR json_extract(generated, '$.status') = 'ok')
  ORDER BY kind = 'raw-transcript', generated IS NOT NULL, id`;

/** Which transcripts a document has now: their IDs and content hashes. */
export function transcriptsVersion(db: DB, documentId: number): string {
  return (stmt(db, `SELECT group_concat(id || '.' || content_hash) FROM (${TRANSCRIPT_RENDITIONS.replace('SELECT id', 'SELECT id, content_hash')})`).pluck().get(documentId) as string | null) ?? '';
}

/** What a summary's check was made against: the summary's own content and the document's transcripts. */
export function checkVersion(summaryHash: string, transcripts: string): string {
  return `${summaryHash}|${transcripts}`;
}

/**
 * The quote a summary passage links to, from the checks of its quotes (in order): the first
 * the transcript has, verbatim or approximately, at a time; undefined when none.
 */
export function linkingQuote<Q extends Pick<QuoteDecision, 'verified' | 'start'>>(checks: readonly Q[]): (Q & { start: number }) | undefined {
  return checks.find((q): q is Q & { start: number } => q.verified && q.start != null);
}

/** A summary passage's time as checked. */
export interface CheckedTime {
  /** Seconds where the transcript has the passage's quote; null when none was found (or not checked yet). */
  start: number | null;
  /** The time the summary itself gives, null when it gives none. */
  claimedStart: number | null;
}

interface Row {
  id: number;
  claimed: number | null;
  document: number;
  hash: string;
  version: string | null;
  verified: number | null;
}

/**
 * The checked times of those of `passageIds` that belong to summaries read from files (other
 * passages are not in the map: their own times hold).
 */
export function summaryPassageTimes(db: DB, passageIds: readonly number[]): Map<number, CheckedTime> {
  const out = new Map<number, CheckedTime>();
  if (passageIds.length === 0) return out;
  const rows = stmt(db,
    `SELECT p.id, p.start AS claimed, r.document_id AS document, r.content_hash AS hash, sc.version, st.start AS verified
       FROM passages p JOIN renditions r ON r.id = p.rendition_id
       LEFT JOIN summary_checks sc ON sc.rendition_id = r.id
       LEFT JOIN summary_times st ON st.passage_id = p.id
      WHERE p.id IN (SELECT value FROM json_each(?)) AND r.kind = 'summary' AND r.generated IS NULL`,
  ).all(JSON.stringify(passageIds)) as Row[];
  const versions = new Map<number, string>();
  for (const r of rows) {
    let transcripts = versions.get(r.document);
    if (transcripts === undefined) versions.set(r.document, (transcripts = transcriptsVersion(db, r.document)));
    const current = r.version !== null && r.version === checkVersion(r.hash, transcripts);
    out.set(r.id, { start: current ? r.verified : null, claimedStart: r.claimed });
  }
  return out;
}

/**
 * Passages (as readers hold them: `start`, `end`, `link`) with their checked times applied:
 * a summary passage read from a file links to where the transcript has its quote, or to no moment.
 * `link(seconds)` makes the deep link. Every passage gets `claimedStart` (null but for those).
 */
export function withCheckedTimes<P extends { id: number; start: number | null; end: number | null }>(
  db: DB, passages: readonly P[], link: (seconds: number | null) => string | null,
): (P & { claimedStart: number | null; link: string | null })[] {
  const times = summaryPassageTimes(db, passages.map((p) => p.id));
  return passages.map((p) => {
    const t = times.get(p.id);
    if (!t) return { ...p, claimedStart: null, link: link(p.start) };
    return { ...p, start: t.start, end: null, claimedStart: t.claimedStart, link: link(t.start) };
  });
}

/**
 * The same, in place, for passages that do not carry `claimedStart` (ask's citations, entity
 * pages' passages): a summary passage read from a file gets the checked `start` (or none), no
 * `end`, and the link to it on its document's `url`.
 */
export function applyCheckedTimes<P extends { id: number; start: number | null; end?: number | null; link: string | null }>(
  db: DB, passages: readonly P[], isSummary: (p: P) => boolean, url: (p: P) => string | null | undefined,
): void {
  const times = summaryPassageTimes(db, passages.filter(isSummary).map((p) => p.id));
  for (const p of passages) {
    const t = times.get(p.id);
    if (!t) continue;
    p.start = t.start;
    if (p.end !== undefined) p.end = null;
    p.link = deepLink(url(p), t.start);
  }
}
