/**
 * What a summary is made from: the document's best transcript (a cleaned transcript from a
 * file, else engram's tidied one, else the raw transcript, else any text), written out as
 * timed lines for a prompt, and cut into windows that fit a call's token budget — by time,
 * at passage boundaries, so nothing past the context window is silently dropped.
 */
import type { DB } from '../store/db.js';
import { stmt } from '../store/statements.js';
import { estimateTokens } from '../providers/llm.js';
import type { TimedText } from '../quotes/locate.js';
import type { RenditionKind } from '../model.js';

export interface SummaryInput {
  documentId: number;
  title: string | null;
  url: string | null;
  /** The rendition the text comes from, and its content hash (provenance; stale when it changes). */
  renditionId: number;
  kind: RenditionKind;
  hash: string;
  passages: TimedText[];
}

/** Preference among a document's renditions as summary input: cleaned transcripts first. */
const INPUT_ORDER = `CASE WHEN kind = 'transcript' AND generated IS NULL THEN 0 WHEN kind = 'transcript' THEN 1
  WHEN kind = 'raw-transcript' THEN 2 WHEN kind IN ('text', 'post', 'note') THEN 3 ELSE 9 END`;

/** The document's best text to summarize, or undefined when it has none (only a summary, say). */
export function summaryInput(db: DB, documentId: number, kinds?: RenditionKind[]): SummaryInput | undefined {
  const doc = stmt(db, 'SELECT id, title, url FROM documents WHERE id = ?').get(documentId) as { id: number; title: string | null; url: string | null } | undefined;
  if (!doc) return undefined;
  const rows = stmt(db,
    `SELECT id, kind, content_hash AS hash FROM renditions WHERE document_id = ? AND kind <> 'summary'
       AND (generated IS NULL OR json_extract(generated, '$.status') = 'ok') ORDER BY ${INPUT_ORDER}, id`,
  ).all(documentId) as { id: number; kind: RenditionKind; hash: string }[];
  for (const r of rows) {
    if (kinds && !kinds.includes(r.kind)) continue;
    const passages = stmt(db, "SELECT text, start, end, speaker FROM passages WHERE rendition_id = ? AND role = 'content' ORDER BY seq").all(r.id) as TimedText[];
    if (passages.some((p) => p.text.trim())) {
      return { documentId, title: doc.title, url: doc.url, renditionId: r.id, kind: r.kind, hash: r.hash, passages };
    }
  }
  return undefined;
}

/** `HH:MM:SS`, always with hours: the form prompts and summaries write times in. */
export function hms(seconds: number): string {
  const t = Math.max(0, Math.floor(seconds));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(t / 3600))}:${pad(Math.floor((t % 3600) / 60))}:${pad(t % 60)}`;
}

/** One passage as a prompt line: `[00:12:34] Speaker: text`. */
export function promptLine(p: TimedText): string {
  const time = p.start != null ? `[${hms(p.start)}] ` : '';
  const who = p.speaker ? `${p.speaker}: ` : '';
  return `${time}${who}${p.text.replace(/\s*\n\s*/g, ' ')}`;
}

export interface Window {
  /** Index of the first passage and one past the last. */
  from: number;
  to: number;
  lines: string[];
  tokens: number;
  /** `00:00:00–00:41:10`, or `passages 1–120` for untimed text. */
  span: string;
}

/**
 * Consecutive passages grouped into windows of at most `budget` tokens each. A single
 * passage longer than the budget is cut at sentence ends (never dropped).
 */
export function windows(passages: readonly TimedText[], budget: number): Window[] {
  if (budget <= 0) throw new Error('no token budget left for the transcript: the context window is too small for the prompt');
  const out: Window[] = [];
  let cur: Window | undefined;
  const close = () => {
    if (cur?.lines.length) out.push({ ...cur, span: spanOf(passages, cur.from, cur.to) });
    cur = undefined;
  };
  passages.forEach((p, i) => {
    for (const line of fitLine(promptLine(p), budget)) {
      const t = estimateTokens(line) + 1;
      if (cur && cur.tokens + t > budget) close();
      cur ??= { from: i, to: i, lines: [], tokens: 0, span: '' };
      cur.lines.push(line);
      cur.tokens += t;
      cur.to = i + 1;
    }
  });
  close();
  return out;
}

/** A line that alone exceeds the budget, cut at sentence ends (or hard) into pieces that fit. */
function fitLine(line: string, budget: number): string[] {
  if (estimateTokens(line) + 1 <= budget) return [line];
  const pieces: string[] = [];
  let rest = line;
  while (estimateTokens(rest) + 1 > budget) {
    // Characters that fit: conservative, since a character costs at most ~1.1 tokens.
    const room = Math.max(1, Math.floor((budget - 1) / 1.1));
    const window = rest.slice(0, room);
    const cut = Math.max(window.lastIndexOf('。'), window.lastIndexOf('. '), window.lastIndexOf('？'), window.lastIndexOf('！'), window.lastIndexOf(' '));
    const at = cut > room / 2 ? cut + 1 : room;
    pieces.push(rest.slice(0, at).trim());
    rest = rest.slice(at);
  }
  if (rest.trim()) pieces.push(rest.trim());
  return pieces;
}

export function spanOf(passages: readonly TimedText[], from: number, to: number): string {
  const first = passages.slice(from, to).find((p) => p.start != null)?.start;
  const lastP = passages.slice(from, to).reverse().find((p) => p.start != null);
  if (first == null || !lastP) return `passages ${from + 1}–${to}`;
  const end = lastP.end ?? lastP.start!;
  return `${hms(first)}–${hms(end)}`;
}
