/**
 * Quote checks for documents in the library: every summary rendition's quotes (engram's own
 * and other tools') against the document's transcripts (cleaned first, then raw). Used by
 * `engram quotes`, the web app's document page and the summarize pipeline's report.
 */
import type { DB } from '../store/db.js';
import { stmt } from '../store/statements.js';
import { deepLink } from '../formats/media.js';
import { Lru } from '../server/cache.js';
import { extractQuotes } from './extract.js';
import { checkQuotes, prepareTranscripts, type QuoteDecision, type Transcripts } from './check.js';
import type { TimedText } from './locate.js';
import { TRANSCRIPT_RENDITIONS, transcriptsVersion } from './times.js';

export interface QuoteCheck extends QuoteDecision {
  /** ID of the summary passage holding the quote. */
  summaryPassageId: number;
  /** Link to the moment found at the source (YouTube `&t=`, `#t=`), when there is one. */
  link: string | null;
}

export interface SummaryQuoteChecks {
  renditionId: number;
  format: string;
  /** Engram generated this summary (else it came from a file). */
  generated: boolean;
  quotes: QuoteCheck[];
}

interface PassageRow extends TimedText {
  id: number;
}

const SUMMARIES = `SELECT id, format, generated IS NOT NULL AS generated, content_hash AS hash FROM renditions WHERE document_id = ? AND kind = 'summary'
  AND (generated IS NULL OR json_extract(generated, '$.status') = 'ok') ORDER BY id`;
const PASSAGES = `SELECT id, text, start, end, speaker FROM passages WHERE rendition_id = ? AND role <> 'boilerplate' ORDER BY seq`;

/** The passages of each transcript rendition of a document (cleaned transcripts first). */
export function documentTranscripts(db: DB, documentId: number): TimedText[][] {
  const ids = stmt(db, TRANSCRIPT_RENDITIONS).pluck().all(documentId) as number[];
  return ids.map((id) => stmt(db, PASSAGES).all(id) as PassageRow[]);
}

/** Transcripts are indexed once per document version (the web app checks on every view). */
const prepared = new Lru<Transcripts>(16);

function transcriptsFor(db: DB, documentId: number, version: string): Transcripts {
  return prepared.get(`${db.name}:${documentId}:${version}`, () => prepareTranscripts(documentTranscripts(db, documentId)));
}

/** Checks of one summary, kept while neither it nor the transcripts change (the web app shows them on every view). */
const checked = new Lru<SummaryQuoteChecks>(64);

/** Check the quotes of every summary of a document (or of one summary rendition). */
export function documentQuoteChecks(db: DB, documentId: number, renditionId?: number): SummaryQuoteChecks[] {
  const url = stmt(db, 'SELECT url FROM documents WHERE id = ?').pluck().get(documentId) as string | null | undefined;
  const summaries = (stmt(db, SUMMARIES).all(documentId) as { id: number; format: string; generated: number; hash: string }[])
    .filter((s) => renditionId === undefined || s.id === renditionId);
  if (summaries.length === 0) return [];
  const version = transcriptsVersion(db, documentId);
  return summaries.map((s) =>
    checked.get(`${db.name}:${s.id}:${s.hash}:${version}:${url ?? ''}`, () => {
      const passages = stmt(db, PASSAGES).all(s.id) as PassageRow[];
      const quotes = extractQuotes(passages.map((p) => p.text));
      // Most summaries quote nobody: their transcripts need no index.
      const decisions = quotes.length ? checkQuotes(transcriptsFor(db, documentId, version), quotes) : [];
      return {
        renditionId: s.id,
        format: s.format,
        generated: Boolean(s.generated),
        quotes: decisions.map((d) => ({ ...d, summaryPassageId: passages[d.summaryPassage]!.id, link: d.start != null ? deepLink(url, d.start) : null })),
      };
    }),
  );
}
