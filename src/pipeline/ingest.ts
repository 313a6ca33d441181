/**
 * Ingest: files → decoded text → format parser → prepared renditions → store.
 *
 * A bad file is reported (file, line, reason) and skipped; the rest goes on; what the library
 * already holds from that file stays. Files are handled folder by folder so the files of one
 * episode folder (transcript, raw transcript, summary) can be joined into one document even
 * when only one of them names the media item.
 */
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import type { DB } from '../store/db.js';
import type { FormatParser, ParseResult, ParseWarning, SourceFile } from '../model.js';
import { detectFormat, parserByName } from '../formats/index.js';
import { decodeBytes } from '../text/decode.js';
import { walk, folderSource, type FoundFile } from '../sources/folder.js';
import {
  documentKeysOfFile, fileState, pruneSources, recordFailure, replaceFile, siblingMediaKey,
  type FileRecord, type PreparedRendition,
} from '../store/write.js';
import { hashOf, prepareDocument, type PrepareStats } from './prepare.js';

/** Lines longer than this are not prose: minified data, a dump, or a binary in disguise. */
export const MAX_LINE_CHARS = 1_000_000;

export interface IngestOptions {
  /** Parse every file with this format instead of detecting it. */
  format?: string;
  /** Source name for documents whose files do not name one (default: first folder under the root). */
  source?: string;
  onProgress?: (p: IngestProgress) => void;
}

export interface IngestProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  documents: number;
  elapsedMs: number;
  current: string;
}

export interface IngestFailure {
  file: string;
  line?: number;
  reason: string;
}

export interface IngestReport {
  files: number;
  bytes: number;
  documents: { added: number; updated: number; unchanged: number };
  renditions: number;
  passages: number;
  boilerplate: number;
  failures: IngestFailure[];
  warnings: IngestFailure[];
  elapsedMs: number;
}

interface ParsedFile {
  found: FoundFile;
  record: FileRecord;
  parser: FormatParser;
  renditions: PreparedRendition[];
  warnings: ParseWarning[];
}

export function ingest(db: DB, paths: string[], opts: IngestOptions = {}): IngestReport {
  const t0 = performance.now();
  const forced = opts.format ? parserByName(opts.format) : undefined;
  if (opts.format && !forced) throw new Error(`unknown format "${opts.format}"`);
  const { files, missing } = walk(paths);
  const report: IngestReport = {
    files: files.length, bytes: 0, documents: { added: 0, updated: 0, unchanged: 0 },
    renditions: 0, passages: 0, boilerplate: 0,
    failures: missing.map((m) => ({ file: m.path, reason: m.reason })), warnings: [], elapsedMs: 0,
  };
  const added = new Set<string>();
  const updated = new Set<string>();
  const unchanged = new Set<string>();
  const stats: PrepareStats = { boilerplate: 0 };
  const bytesTotal = files.reduce((n, f) => n + f.size, 0);
  let filesDone = 0;
  const progress = (current: string) =>
    opts.onProgress?.({
      filesDone, filesTotal: files.length, bytesDone: report.bytes, bytesTotal,
      documents: added.size + updated.size + unchanged.size, elapsedMs: performance.now() - t0, current,
    });

  for (const group of byFolder(files)) {
    const parsed: ParsedFile[] = [];
    for (const found of group) {
      progress(found.relPath);
      const outcome = parseFile(db, found, forced, opts.source, stats);
      report.bytes += found.size;
      filesDone++;
      if (outcome.kind === 'unchanged') outcome.keys.forEach((k) => unchanged.add(k));
      else if (outcome.kind === 'failed') {
        report.failures.push({ file: displayPath(found), ...outcome.failure });
        recordFailure(db, outcome.record, outcome.failure.line ? `line ${outcome.failure.line}: ${outcome.failure.reason}` : outcome.failure.reason);
      } else parsed.push(outcome.file);
    }
    // Files that name their media item first, so a keyless sibling can join it.
    parsed.sort((a, b) => Number(isKeyless(a)) - Number(isKeyless(b)));
    for (const pf of parsed) {
      if (isKeyless(pf)) {
        const dir = posix.dirname(pf.found.relPath);
        const key = siblingMediaKey(db, pf.found.root, dir === '.' ? '' : dir, pf.found.relPath);
        if (key) pf.renditions[0]!.key = key;
      }
      const out = replaceFile(db, pf.record, pf.parser.name, pf.warnings, pf.renditions);
      out.added.forEach((k) => added.add(k));
      out.updated.forEach((k) => updated.add(k));
      out.unchanged.forEach((k) => unchanged.add(k));
      report.renditions += pf.renditions.length;
      report.passages += pf.renditions.reduce((n, r) => n + r.passages.length, 0);
      for (const w of pf.warnings) report.warnings.push({ file: displayPath(pf.found), line: w.line, reason: w.message });
    }
    progress('');
  }
  pruneSources(db);
  for (const k of added) { updated.delete(k); unchanged.delete(k); }
  for (const k of updated) unchanged.delete(k);
  report.documents = { added: added.size, updated: updated.size, unchanged: unchanged.size };
  report.boilerplate = stats.boilerplate;
  report.elapsedMs = performance.now() - t0;
  return report;
}

type FileOutcome =
  | { kind: 'unchanged'; keys: string[] }
  | { kind: 'failed'; record: FileRecord; failure: { line?: number; reason: string } }
  | { kind: 'parsed'; file: ParsedFile };

function parseFile(db: DB, found: FoundFile, forced: FormatParser | undefined, source: string | undefined, stats: PrepareStats): FileOutcome {
  let bytes: Buffer;
  try {
    bytes = readFileSync(found.absPath);
  } catch (e) {
    const record = { ...found, contentHash: '' };
    return { kind: 'failed', record, failure: { reason: `cannot read: ${(e as Error).message}` } };
  }
  const record: FileRecord = { absPath: found.absPath, root: found.root, relPath: found.relPath, size: bytes.length, mtimeMs: found.mtimeMs, contentHash: hashOf(bytes) };
  const previous = fileState(db, found.absPath);
  if (previous?.status === 'ok' && previous.contentHash === record.contentHash) {
    return { kind: 'unchanged', keys: documentKeysOfFile(db, previous.id) };
  }
  const fail = (reason: string, line?: number): FileOutcome => ({ kind: 'failed', record, failure: { reason, line } });

  const decoded = decodeBytes(bytes);
  if (!decoded.ok) return fail(decoded.reason);
  const longLine = findLongLine(decoded.text);
  if (longLine) return fail(`line is ${(longLine.length / 1e6).toFixed(1)} M characters long: not a text document engram can read (minified or generated data?)`, longLine.line);

  const file: SourceFile = { relPath: found.relPath, absPath: found.absPath, text: decoded.text };
  const parser = forced ?? detectFormat(file);
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
  const ctx = { format: parser.name, fallbackSource: source ?? folderSource(found), fileText: decoded.text, singleDocument: result.documents.length === 1 };
  const renditions = result.documents.map((d) => prepareDocument(d, ctx, stats));
  const warnings = [...decoded.warnings, ...result.warnings];
  return { kind: 'parsed', file: { found, record, parser, renditions, warnings } };
}

/** Kinds that belong to a media item; only these join an episode folder's document. */
const EPISODE_KINDS = new Set(['transcript', 'raw-transcript', 'summary']);

function isKeyless(pf: ParsedFile): boolean {
  const only = pf.renditions.length === 1 ? pf.renditions[0]! : undefined;
  return Boolean(only && only.key.startsWith('file:') && EPISODE_KINDS.has(only.kind));
}

function* byFolder(files: FoundFile[]): Generator<FoundFile[]> {
  let group: FoundFile[] = [];
  let dir = '';
  for (const f of files) {
    const d = f.root + '\u0000' + posix.dirname(f.relPath);
    if (d !== dir && group.length) {
      yield group;
      group = [];
    }
    dir = d;
    group.push(f);
  }
  if (group.length) yield group;
}

function findLongLine(text: string): { line: number; length: number } | undefined {
  if (text.length < MAX_LINE_CHARS) return undefined;
  let line = 1;
  let from = 0;
  while (from <= text.length) {
    const nl = text.indexOf('\n', from);
    const end = nl === -1 ? text.length : nl;
    if (end - from > MAX_LINE_CHARS) return { line, length: end - from };
    if (nl === -1) break;
    from = nl + 1;
    line++;
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

function displayPath(f: FoundFile): string {
  return f.relPath;
}
