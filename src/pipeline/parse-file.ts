/**
 * One file, from disk to prepared renditions, with no database access: this is the CPU-heavy
 * part of ingest (decoding, parsing, folding, segmentation), so it can run in worker threads
 * while the main thread writes to the store.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { FormatParser, ParseResult, ParseWarning, SourceFile } from '../model.js';
import { detectFormat, parserByName } from '../formats/index.js';
import { decodeBytes } from '../text/decode.js';
import type { FileRecord, PreparedRendition } from '../store/write.js';
import { hashOf, prepareDocuments, type PrepareContext } from './prepare.js';

/** Lines longer than this are not prose: minified data, a dump, or a binary in disguise (text formats only). */
export const MAX_LINE_CHARS = 1_000_000;

/**
 * The largest file read, per format family: a file is read whole and parsed in memory (peak
 * memory is a small multiple of its size, see the README), so its size is what bounds memory.
 * Structured data (JSON) is one long line by nature and gets its own, larger limit.
 */
export interface SizeLimits {
  textBytes: number;
  jsonBytes: number;
}

export const DEFAULT_LIMITS: SizeLimits = { textBytes: 16 * 2 ** 20, jsonBytes: 64 * 2 ** 20 };

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
  limits: SizeLimits;
}

export type ParseOutcome =
  | { kind: 'unchanged'; record: FileRecord }
  | { kind: 'failed'; record: FileRecord; line?: number; reason: string }
  | { kind: 'parsed'; record: FileRecord; format: string; renditions: PreparedRendition[]; warnings: ParseWarning[] };

/** `follows`: texts the library holds already (see `PrepareContext.follows`). */
export function parseFile(job: ParseJob, follows?: PrepareContext['follows']): ParseOutcome {
  const base = { absPath: job.absPath, root: job.root, relPath: job.relPath, mtimeMs: job.mtimeMs };
  const read = readBounded(job.absPath, job.limits);
  if (!read.ok) return { kind: 'failed', record: { ...base, size: read.size, contentHash: '' }, reason: read.reason };
  const { bytes, family } = read;
  const record: FileRecord = { ...base, size: bytes.length, contentHash: hashOf([bytes]) };
  if (job.previousHash === record.contentHash) return { kind: 'unchanged', record };
  const fail = (reason: string, line?: number): ParseOutcome => ({ kind: 'failed', record, reason, line });

  const decoded = decodeBytes(bytes);
  if (!decoded.ok) return fail(decoded.reason);
  const longLine = family === 'text' ? findLongLine(decoded.text) : undefined;
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
  if (result.documents.length === 0 && !result.nothingToRead) {
    const why = result.warnings[0];
    return fail(`${parser.name}: no documents found${why ? ` (${why.message})` : ''}`, why?.line);
  }
  const ctx = { format: parser.name, fallbackSource: job.fallbackSource, fileText: decoded.text, singleDocument: result.documents.length === 1, follows };
  const renditions = prepareDocuments(result.documents, ctx);
  return { kind: 'parsed', record, format: parser.name, renditions, warnings: [...decoded.warnings, ...result.warnings] };
}

type Family = 'text' | 'json';

const FLAGS: Record<Family, string> = { text: '--max-text-mb', json: '--max-json-mb' };

type ReadOutcome = { ok: true; bytes: Buffer; family: Family } | { ok: false; reason: string; size: number };

/**
 * Reads a regular file whole, up to its family's size limit. Opened without blocking and
 * checked on the open descriptor, so a FIFO or device is refused by type (never waited on or
 * read forever), and a file that grows while being read stops at the limit.
 */
export function readBounded(absPath: string, limits: SizeLimits): ReadOutcome {
  let fd: number;
  try {
    fd = openSync(absPath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return { ok: false, size: 0, reason: `cannot read: ${(e as Error).message}` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, size: 0, reason: 'not a regular file (FIFO, device or socket): skipped' };
    const head = Buffer.alloc(64);
    const family: Family = looksLikeJson(head.subarray(0, readSync(fd, head, 0, head.length, 0))) ? 'json' : 'text';
    const limit = family === 'json' ? limits.jsonBytes : limits.textBytes;
    const tooBig = (size: number, grew = false): ReadOutcome => ({
      ok: false, size,
      reason: `${grew ? 'file grew while being read' : `file is ${formatSize(size)}`}, over the ${formatSize(limit)} limit for ${family} files: skipped (raise it with ${FLAGS[family]})`,
    });
    if (st.size > limit) return tooBig(st.size);
    // Read to the end, whatever fstat said (the file may be growing), but never past the limit.
    let buf = Buffer.alloc(Math.min(limit + 1, st.size + 1));
    let length = 0;
    for (;;) {
      if (length === buf.length) {
        if (length > limit) return tooBig(length, true);
        const grown = Buffer.alloc(Math.min(limit + 1, buf.length * 2));
        buf.copy(grown, 0, 0, length);
        buf = grown;
      }
      const n = readSync(fd, buf, length, buf.length - length, length);
      if (n === 0) return { ok: true, bytes: buf.subarray(0, length), family };
      length += n;
    }
  } catch (e) {
    return { ok: false, size: 0, reason: `cannot read: ${(e as Error).message}` };
  } finally {
    closeSync(fd);
  }
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

/** Starts like a JSON object or array (after a BOM and white space), not like Markdown `[text](url)`. */
function looksLikeJson(head: Buffer): boolean {
  const text = head.toString('utf8').replace(/^\uFEFF/, '').trimStart();
  return /^(\{\s*("|\}|$)|\[\s*([[{"\]\d-]|true|false|null|$))/.test(text);
}

function formatSize(bytes: number): string {
  const n = bytes / 2 ** 20;
  if (n < 1) return `${Math.round(bytes / 1024)} KB`;
  return `${n >= 10 ? Math.round(n) : n.toFixed(1)} MB`;
}

/** Data formats the Markdown fallback must not swallow as prose. */
function structuredDataKind(text: string): string | undefined {
  const head = text.trimStart().slice(0, 200);
  if (/^[{[]/.test(head)) return 'JSON';
  if (/^<\?xml|^<(rss|feed|svg|html|!doctype)/i.test(head)) return 'XML/HTML';
  return undefined;
}
