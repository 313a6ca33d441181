/**
 * Ingest: files → parse (decode, detect, parse, prepare; see parse-file.ts) → store.
 *
 * A bad file is reported (file, line, reason) and skipped; the rest goes on; what the library
 * already holds from that file stays. Parsing runs in worker threads for large ingests while
 * this thread writes, in file order. A file that names no media item is written after the
 * other files of its folder, so an episode folder's files (transcript, raw transcript,
 * summary) become one document even when only one of them names the episode.
 */
import { posix } from 'node:path';
import { availableParallelism } from 'node:os';
import type { DB } from '../store/db.js';
import type { ParseWarning } from '../model.js';
import { parserByName } from '../formats/index.js';
import { loadedDictionaries } from '../text/segment.js';
import { walk, folderSource, type FoundFile } from '../sources/folder.js';
import {
  documentKeysOfFile, fileState, pruneSources, recordFailure, replaceFile, siblingMediaKey,
  type FileRecord, type PreparedRendition,
} from '../store/write.js';
import { inlinePool, workerPool, type ParsePool } from './pool.js';
import type { ParseOutcome } from './parse-file.js';
import { defaultTermsContext, runTermsStageForKeys, type TermsContext, type TermsReport } from './terms.js';

export { MAX_LINE_CHARS } from './parse-file.js';

/**
 * Files are committed in batches about this long: a batch is atomic, so each file is either
 * fully old or fully new, and a kill loses at most the last batch, which the next run redoes.
 * One commit per file would spend much of the ingest flushing small FTS5 segments.
 */
const COMMIT_EVERY_MS = 1000;
/** Below this much input, starting worker threads costs more than it saves. */
const WORKERS_FROM_BYTES = 4_000_000;
/** Files parsed ahead of the writer (bounds memory on huge folders). */
const READ_AHEAD = 64;

export interface IngestOptions {
  /** Parse every file with this format instead of detecting it. */
  format?: string;
  /** Source name for documents whose files do not name one (default: first folder under the root). */
  source?: string;
  /** Parser threads: default one per core beyond the writer's when the input is large; 0 parses inline. */
  workers?: number;
  onProgress?: (p: IngestProgress) => void;
  /** Correction and entity linking after the files are written (default on; see terms.ts). */
  terms?: boolean | TermsContext;
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
  /** Worker threads that parsed (0: parsed inline). */
  workers: number;
  /** What the terms stage did (absent when turned off). */
  terms?: TermsReport;
}

interface ParsedFile {
  found: FoundFile;
  record: FileRecord;
  format: string;
  renditions: PreparedRendition[];
  warnings: ParseWarning[];
}

export async function ingest(db: DB, paths: string[], opts: IngestOptions = {}): Promise<IngestReport> {
  const t0 = performance.now();
  if (opts.format && !parserByName(opts.format)) throw new Error(`unknown format "${opts.format}"`);
  const { files, missing } = walk(paths);
  const report: IngestReport = {
    files: files.length, bytes: 0, documents: { added: 0, updated: 0, unchanged: 0 },
    renditions: 0, passages: 0, boilerplate: 0,
    failures: missing.map((m) => ({ file: m.path, reason: m.reason })), warnings: [], elapsedMs: 0, workers: 0,
  };
  const added = new Set<string>();
  const updated = new Set<string>();
  const unchanged = new Set<string>();
  const bytesTotal = files.reduce((n, f) => n + f.size, 0);
  let filesDone = 0;
  let documentsSeen = 0; // for the progress line: documents read so far (written a folder at a time)
  const progress = (current: string) =>
    opts.onProgress?.({
      filesDone, filesTotal: files.length, bytesDone: report.bytes, bytesTotal,
      documents: documentsSeen, elapsedMs: performance.now() - t0, current,
    });

  const workers = opts.workers ?? (bytesTotal >= WORKERS_FROM_BYTES ? Math.max(1, Math.min(4, availableParallelism())) : 0);
  const pool: ParsePool = workers > 0 ? workerPool(workers, [...loadedDictionaries()]) : inlinePool();
  report.workers = pool.threads;
  const batch = commitBatches(db);

  // Jobs are started READ_AHEAD files ahead of the writer; results are consumed in file order.
  const pending: Promise<ParseOutcome>[] = [];
  let started = 0;
  const startUpTo = (n: number) => {
    for (; started < Math.min(n, files.length); started++) {
      const f = files[started]!;
      const previous = fileState(db, f.absPath);
      pending[started] = pool.parse({
        absPath: f.absPath, root: f.root, relPath: f.relPath, mtimeMs: f.mtimeMs,
        previousHash: previous?.status === 'ok' ? previous.contentHash : undefined,
        format: opts.format, fallbackSource: opts.source ?? folderSource(f),
      });
    }
  };

  const seen = { added, updated, unchanged };
  const keyless: ParsedFile[] = [];
  const write = (pf: ParsedFile) => {
    batch.begin();
    try {
      writeFile(db, pf, report, seen);
    } catch (e) {
      // A failed write must not commit half a file: drop the batch (the next run redoes it).
      batch.rollback();
      throw e;
    }
  };

  try {
    let i = 0;
    for (const group of byFolder(files)) {
      batch.begin();
      for (const found of group) {
        startUpTo(i + READ_AHEAD);
        progress(found.relPath);
        const outcome = await pending[i]!;
        delete pending[i];
        i++;
        report.bytes += found.size;
        filesDone++;
        if (outcome.kind === 'unchanged') {
          const prev = fileState(db, found.absPath);
          const keys = prev ? documentKeysOfFile(db, prev.id) : [];
          keys.forEach((k) => unchanged.add(k));
          documentsSeen += keys.length;
        } else if (outcome.kind === 'failed') {
          report.failures.push({ file: found.relPath, line: outcome.line, reason: outcome.reason });
          recordFailure(db, outcome.record, outcome.line ? `line ${outcome.line}: ${outcome.reason}` : outcome.reason);
        } else {
          report.boilerplate += outcome.boilerplate;
          documentsSeen += outcome.renditions.length;
          const pf: ParsedFile = { found, record: outcome.record, format: outcome.format, renditions: outcome.renditions, warnings: outcome.warnings };
          // A file that names no media item waits for its folder's other files (it may join theirs).
          if (isKeyless(pf)) keyless.push(pf);
          else write(pf);
        }
        batch.maybeCommit();
      }
      keyless.forEach(write);
      keyless.length = 0;
      progress('');
      batch.maybeCommit();
    }
  } finally {
    batch.commit();
    await pool.close();
  }
  pruneSources(db);
  if (opts.terms !== false) {
    report.terms = await runTermsStageForKeys(db, [...added, ...updated], typeof opts.terms === 'object' ? opts.terms : await defaultTermsContext(db));
  }
  for (const k of added) { updated.delete(k); unchanged.delete(k); }
  for (const k of updated) unchanged.delete(k);
  report.documents = { added: added.size, updated: updated.size, unchanged: unchanged.size };
  report.elapsedMs = performance.now() - t0;
  return report;
}

/** Write one parsed file; a file that names no media item joins the one its folder's other files name. */
function writeFile(
  db: DB, pf: ParsedFile, report: IngestReport,
  seen: { added: Set<string>; updated: Set<string>; unchanged: Set<string> },
): void {
  if (isKeyless(pf)) {
    const dir = posix.dirname(pf.found.relPath);
    const key = siblingMediaKey(db, pf.found.root, dir === '.' ? '' : dir, pf.found.relPath);
    if (key) pf.renditions[0]!.key = key;
  }
  const out = replaceFile(db, pf.record, pf.format, pf.warnings, pf.renditions);
  out.added.forEach((k) => seen.added.add(k));
  out.updated.forEach((k) => seen.updated.add(k));
  out.unchanged.forEach((k) => seen.unchanged.add(k));
  report.renditions += pf.renditions.length;
  report.passages += pf.renditions.reduce((n, r) => n + r.passages.length, 0);
  for (const w of pf.warnings) report.warnings.push({ file: pf.found.relPath, line: w.line, reason: w.message });
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

function commitBatches(db: DB): { begin(): void; maybeCommit(): void; commit(): void; rollback(): void } {
  let since = 0;
  return {
    begin() {
      if (db.inTransaction) return;
      db.exec('BEGIN');
      since = performance.now();
    },
    maybeCommit() {
      if (db.inTransaction && performance.now() - since > COMMIT_EVERY_MS) db.exec('COMMIT');
    },
    commit() {
      if (db.inTransaction) db.exec('COMMIT');
    },
    rollback() {
      if (db.inTransaction) db.exec('ROLLBACK');
    },
  };
}
