/**
 * Renditions engram generates — a cleaned transcript, an LLM summary, an extractive summary —
 * are stored like any rendition (passages, full-text index, shown as a tab), with two
 * differences (migration 2):
 * - they hang on one reserved files row, `engram:generated`, which no ingest ever replaces, so
 *   re-ingesting the document's files keeps them; when a document loses every rendition that
 *   came from a file, store/write.ts removes its generated ones with it;
 * - `renditions.generated` holds their provenance (`Provenance`): what made them, from what,
 *   with which model and prompt versions, how many tokens, when, and what the gates found.
 * A document has at most one generated rendition per format and status: a new success
 * replaces the old one (and any recorded failure); a failure is recorded next to an earlier
 * success, never over it, with its reason and no passages.
 */
import type { DB } from './db.js';
import { stmt } from './statements.js';
import { insertUnsharedRendition } from './texts.js';
import { prepareDocument } from '../pipeline/prepare.js';
import type { ParsedPassage, RenditionKind } from '../model.js';
import type { SummaryLang } from '../text/language.js';

/** The reserved files row generated renditions belong to. */
export const GENERATED_FILE = 'engram:generated';

/** What a generated rendition is: a tidied transcript, an LLM summary, an extractive summary. */
export type GeneratedTask = 'tidy' | 'summary' | 'extractive';

/** Rendition formats of generated renditions (shown in the web app and `show`). */
export const GENERATED_FORMAT: Record<GeneratedTask, string> = {
  tidy: 'engram-tidy',
  summary: 'engram-summary',
  extractive: 'engram-extractive',
};

/** One gate's verdict on an answer (see pipeline/summarize-gates.ts). */
export interface GateRecord {
  gate: string;
  /** `pass`; `fixed` (the gate repaired the answer); `flagged` (kept, with a warning); `fail`. */
  outcome: 'pass' | 'fixed' | 'flagged' | 'fail';
  detail?: string;
}

export interface Provenance {
  task: GeneratedTask;
  status: 'ok' | 'failed';
  /** Why it failed (status `failed`). */
  reason?: string;
  /** `llm`, or `extractive` for the offline method. */
  method: 'llm' | 'extractive';
  /** The model as the server named it. */
  model?: string;
  /** Prompt files used, `name@version` (`(library)` when the library overrides it). */
  prompts?: string[];
  tokens?: { prompt: number; completion: number; estimated: boolean; calls: number };
  /** ISO timestamp of generation. */
  date: string;
  lang: SummaryLang;
  /** The rendition it was made from and that rendition's content hash (stale when it changes). */
  input: { renditionId: number; hash: string };
  gates: GateRecord[];
}

export interface GeneratedRendition {
  documentId: number;
  kind: RenditionKind;
  task: GeneratedTask;
  /** Markdown for display ("Original formatting"); for a failure, what went wrong. */
  body: string;
  passages: ParsedPassage[];
  provenance: Provenance;
}

export interface GeneratedInfo {
  id: number;
  kind: RenditionKind;
  format: string;
  provenance: Provenance;
}

/** The reserved files row's ID, created on first use. */
function generatedFileId(db: DB): number {
  return stmt(db,
    `INSERT INTO files (abs_path, root, rel_path, size, mtime_ms, content_hash, format, status, ingested_at)
     VALUES (?, '', 'engram', 0, 0, '', 'generated', 'ok', '')
     ON CONFLICT(abs_path) DO UPDATE SET abs_path = excluded.abs_path RETURNING id`,
  ).pluck().get(GENERATED_FILE) as number;
}

export function parseProvenance(json: string | null | undefined): Provenance | undefined {
  if (!json) return undefined;
  try {
    return JSON.parse(json) as Provenance;
  } catch {
    return undefined;
  }
}

/** Remove generated renditions of a document in one format (all, or only those of one status). */
function removeGenerated(db: DB, documentId: number, format: string, status?: 'ok' | 'failed'): void {
  const where = `document_id = ? AND format = ? AND generated IS NOT NULL${status ? ` AND json_extract(generated, '$.status') = '${status}'` : ''}`;
  stmt(db, `DELETE FROM passages_fts WHERE rowid IN (SELECT p.id FROM passages p WHERE p.rendition_id IN (SELECT id FROM renditions WHERE ${where}))`).run(documentId, format);
  stmt(db, `DELETE FROM passages WHERE rendition_id IN (SELECT id FROM renditions WHERE ${where})`).run(documentId, format);
  stmt(db, `DELETE FROM renditions WHERE ${where}`).run(documentId, format);
}

/** Store a generated rendition (see the rules above); returns its ID. */
export function saveGenerated(db: DB, g: GeneratedRendition): number {
  const format = GENERATED_FORMAT[g.task];
  return db.transaction(() => {
    const failed = g.provenance.status === 'failed';
    removeGenerated(db, g.documentId, format, failed ? 'failed' : undefined);
    const prepared = prepareDocument(
      { key: '', kind: g.kind, metadata: {}, passages: failed ? [] : g.passages, body: g.body },
      { format, fallbackSource: '', fileText: g.body, singleDocument: true },
    );
    const id = insertUnsharedRendition(db, g.documentId, generatedFileId(db), prepared);
    stmt(db, 'UPDATE renditions SET generated = ? WHERE id = ?').run(JSON.stringify(g.provenance), id);
    return id;
  })();
}

/** A document's generated renditions, newest first. */
export function generatedRenditions(db: DB, documentId: number): GeneratedInfo[] {
  const rows = stmt(db, 'SELECT id, kind, format, generated FROM renditions WHERE document_id = ? AND generated IS NOT NULL ORDER BY id DESC')
    .all(documentId) as { id: number; kind: RenditionKind; format: string; generated: string }[];
  return rows.map((r) => ({ id: r.id, kind: r.kind, format: r.format, provenance: parseProvenance(r.generated)! }));
}
