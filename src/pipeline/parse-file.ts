/**
 * One file, from disk to prepared renditions, with no database access: this is the CPU-heavy
 * part of ingest (decoding, parsing, folding, segmentation), so it can run in worker threads
 * while the main thread writes to the store.
 */
import { readFileSync } from 'node:fs';
import type { FormatParser, ParseResult, ParseWarning, SourceFile } from '../model.js';
import { detectFormat, parserByName } from '../formats/index.js';
import { decodeBytes } from '../text/decode.js';
import type { FileRecord, PreparedRendition } from '../store/write.js';
import { hashOf, prepareDocument } from './prepare.js';

/** Lines longer than this are not prose: minified data, a dump, or a binary in disguise. */
export const MAX_LINE_CHARS = 1_000_000;

export interface ParseJob {
  absPath: string;
  root: string;
  relPath: string;
  mtimeMs: number;
  /** Content hash the library holds for this file, if it was ingested fine before. */
  previousHash?: string;
  /** Parser forced with `--format`. */
  format?: string;
  /** Source for documents whose file names none. */
  fallbackSource: string;
}

export type ParseOutcome =
  | { kind: 'unchanged'; record: FileRecord }
  | { kind: 'failed'; record: FileRecord; line?: number; reason: string }
  | { kind: 'parsed'; record: FileRecord; format: string; renditions: PreparedRendition[]; warnings: ParseWarning[]; boilerplate: number };

export function parseFile(job: ParseJob): ParseOutcome {
  let bytes: Buffer;
  const base = { absPath: job.absPath, root: job.root, relPath: job.relPath, mtimeMs: job.mtimeMs };
  try {
    bytes = readFileSync(job.absPath);
  } catch (e) {
    return { kind: 'failed', record: { ...base, size: 0, contentHash: '' }, reason: `cannot read: ${(e as Error).message}` };
  }
  const record: FileRecord = { ...base, size: bytes.length, contentHash: hashOf(bytes) };
  if (job.previousHash === record.contentHash) return { kind: 'unchanged', record };
  const fail = (reason: string, line?: number): ParseOutcome => ({ kind: 'failed', record, reason, line });

  const decoded = decodeBytes(bytes);
  if (!decoded.ok) return fail(decoded.reason);
  const longLine = findLongLine(decoded.text);
  if (longLine) {
    return fail(`line is ${(longLine.length / 1e6).toFixed(1)} M characters long: not a text document engram can read (minified or generated data?)`, longLine.line);
  }

  const file: SourceFile = { relPath: job.relPath, absPath: job.absPath, text: decoded.text };
  const forced = job.format ? parserByName(job.format) : undefined;
  const parser: FormatParser | undefined = forced ?? detectFormat(file);
  if (!parser) return fail('unknown format: no parser recognizes this content (use --format NAME to force one)');
  const unknown = parser.name === 'markdown' && !forced ? structuredDataKind(decoded.text) : undefined;
  if (unknown) return fail(`unknown format: looks like ${unknown}, which engram does not read (use --format NAME to force one)`);

  let result: ParseResult;
  try {
    result = parser.parse(file);
  } catch (e) {
    const err = e as Error & { line?: number };
    return fail(`${parser.name} parser: ${err.message}`, err.line);
  }
  if (result.documents.length === 0) {
    const why = result.warnings[0];
    return fail(`${parser.name}: no documents found${why ? ` (${why.message})` : ''}`, why?.line);
  }
  const stats = { boilerplate: 0 };
  const ctx = { format: parser.name, fallbackSource: job.fallbackSource, fileText: decoded.text, singleDocument: result.documents.length === 1 };
  const renditions = result.documents.map((d) => prepareDocument(d, ctx, stats));
  return { kind: 'parsed', record, format: parser.name, renditions, warnings: [...decoded.warnings, ...result.warnings], boilerplate: stats.boilerplate };
}

function findLongLine(text: string): { line: number; length: number } | undefined {
  if (text.length < MAX_LINE_CHARS) return undefined;
  let line = 1;
  for (let from = 0; from <= text.length; line++) {
    const nl = text.indexOf('\n', from);
    const end = nl === -1 ? text.length : nl;
    if (end - from > MAX_LINE_CHARS) return { line, length: end - from };
    if (nl === -1) break;
    from = nl + 1;
  }
  return undefined;
}

/** Data formats the Markdown fallback must not swallow as prose. */
function structuredDataKind(text: string): string | undefined {
  const head = text.trimStart().slice(0, 200);
  if (/^[{[]/.test(head)) return 'JSON';
  if (/^<\?xml|^<(rss|feed|svg|html|!doctype)/i.test(head)) return 'XML/HTML';
  return undefined;
}
