/**
 * Checking the quotes of summaries read from files when the library is written, so readers
 * (search, the web app, `show`, MCP, ask) link a summary passage to where the transcript has
 * its quote — not to the time the summary claims (quotes/times.ts) — at the cost of a query.
 *
 * `refreshSummaryTimes` checks every such summary whose check is missing or was made against
 * other transcripts (or another text) than the document has now, and only those: run after
 * every write, it costs a query per summary when nothing changed. The decisions are the ones
 * `engram quotes` and the document page make (quotes/check.ts), without tying translations to
 * passages (a translation is never verified, tied or not).
 */
import type { DB } from '../store/db.js';
import { stmt } from '../store/statements.js';
import { extractQuotes } from './extract.js';
import { checkQuotes, prepareTranscripts, type QuoteDecision } from './check.js';
import { documentTranscripts } from './library.js';
import { checkVersion, linkingQuote, transcriptsVersion } from './times.js';

export interface SummaryTimesReport {
  /** Summaries checked now (their check was missing or out of date). */
  summaries: number;
  /** Their passages that link to where the transcript has their quote. */
  timed: number;
  elapsedMs: number;
}

/** A summary whose check is missing or out of date, and what its check is made against now (`checkVersion`). */
export interface StaleSummary {
  id: number;
  document: number;
  version: string;
  /** Whether the document has a transcript to check against. */
  transcripts: boolean;
}

/** A summary's check: its passages whose quote the transcript has, where (`[passage id, seconds, status]`). */
export interface SummaryCheck {
  id: number;
  version: string;
  times: [passage: number, start: number, status: string][];
}

/**
 * Check the summaries read from files whose check is missing or out of date (of `documents`
 * only, when given) and store where the transcript has their passages' quotes. Runs in a
 * transaction of its own (or the caller's).
 */
export function refreshSummaryTimes(db: DB, documents?: readonly number[], onProgress?: CheckProgress): SummaryTimesReport {
  const t0 = performance.now();
  const checks = checkSummaries(db, staleSummaries(db, documents), onProgress);
  return { ...storeSummaryChecks(db, checks), elapsedMs: performance.now() - t0 };
}

/** The summaries read from files (of `documents` only, when given) whose check is missing or was made against other texts. */
export function staleSummaries(db: DB, documents?: readonly number[]): StaleSummary[] {
  const only = documents ? ' AND r.document_id IN (SELECT value FROM json_each(?))' : '';
  const summaries = stmt(db,
    `SELECT r.id, r.document_id AS document, r.content_hash AS hash, sc.version
       FROM renditions r LEFT JOIN summary_checks sc ON sc.rendition_id = r.id
      WHERE r.kind = 'summary' AND r.generated IS NULL AND r.same_text_as IS NULL AND r.passages_count > 0${only}
      ORDER BY r.document_id, r.id`,
  ).all(...(documents ? [JSON.stringify(documents)] : [])) as { id: number; document: number; hash: string; version: string | null }[];
  const versions = new Map<number, string>();
  const stale: StaleSummary[] = [];
  for (const s of summaries) {
    let transcripts = versions.get(s.document);
    if (transcripts === undefined) versions.set(s.document, (transcripts = transcriptsVersion(db, s.document)));
    const current = checkVersion(s.hash, transcripts);
    if (s.version !== current) stale.push({ id: s.id, document: s.document, version: current, transcripts: transcripts !== '' });
  }
  return stale;
}

/** Called after each summary is checked: how many are done, of how many. */
export type CheckProgress = (done: number, total: number) => void;

/**
 * Check these summaries' quotes against their documents' transcripts: reads only, so it can
 * run on a connection of its own in another thread (quotes/refresh-thread.ts).
 */
export function checkSummaries(db: DB, stale: readonly StaleSummary[], onProgress?: CheckProgress): SummaryCheck[] {
  const passagesOf = stmt(db, "SELECT id, text FROM passages WHERE rendition_id = ? AND role <> 'boilerplate' ORDER BY seq");
  // A document's transcripts are indexed once for all its summaries, and let go after them.
  let prepared: { document: number; transcripts: ReturnType<typeof prepareTranscripts> } | undefined;
  return stale.map((s, n) => {
    const check: SummaryCheck = { id: s.id, version: s.version, times: [] };
    const passages = passagesOf.all(s.id) as { id: number; text: string }[];
    const quotes = extractQuotes(passages.map((p) => p.text));
    if (quotes.length && s.transcripts) {
      if (prepared?.document !== s.document) prepared = { document: s.document, transcripts: prepareTranscripts(documentTranscripts(db, s.document)) };
      const byPassage = new Map<number, QuoteDecision[]>();
      for (const d of checkQuotes(prepared.transcripts, quotes, { ties: false })) byPassage.set(d.summaryPassage, [...(byPassage.get(d.summaryPassage) ?? []), d]);
      for (const [i, decisions] of byPassage) {
        const found = linkingQuote(decisions);
        if (found) check.times.push([passages[i]!.id, found.start, found.status]);
      }
    }
    onProgress?.(n + 1, stale.length);
    return check;
  });
}

/**
 * Store checks. One made against texts the library no longer has (a summary or transcript
 * written again since it was read) is left out: the next refresh makes it again.
 */
export function storeSummaryChecks(db: DB, checks: readonly SummaryCheck[]): Omit<SummaryTimesReport, 'elapsedMs'> {
  const report = { summaries: 0, timed: 0 };
  if (checks.length === 0) return report;
  const run = () => {
    const current = new Map(staleSummaries(db, [...new Set(checks.map((c) => documentOf.get(c.id) as number))]).map((s) => [s.id, s.version]));
    const forget = stmt(db, 'DELETE FROM summary_times WHERE passage_id IN (SELECT id FROM passages WHERE rendition_id = ?)');
    const keep = stmt(db, 'INSERT OR REPLACE INTO summary_times (passage_id, start, status) VALUES (?, ?, ?)');
    const checked = stmt(db, 'INSERT OR REPLACE INTO summary_checks (rendition_id, version) VALUES (?, ?)');
    for (const c of checks) {
      if (current.get(c.id) !== c.version) continue;
      forget.run(c.id);
      for (const t of c.times) keep.run(...t);
      checked.run(c.id, c.version);
      report.summaries++;
      report.timed += c.times.length;
    }
  };
  const documentOf = stmt(db, 'SELECT document_id FROM renditions WHERE id = ?').pluck();
  if (db.inTransaction) run();
  else db.transaction(run)();
  return report;
}
