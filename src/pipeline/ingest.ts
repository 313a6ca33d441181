/**
 * Ingest: files → parse (decode, detect, parse, prepare; see parse-file.ts) → store.
 *
 * A bad file is reported (file, line, reason) and skipped; the rest goes on; what the library
 * already holds from that file stays. Parsing runs in worker threads for large ingests while
 * this thread writes, in file order. A file that names no media item is written after the
 * other files of its folder, so an episode folder's files (transcript, raw transcript,
 * summary) become one document even when only one of them names the episode.
 */
import { dirname, posix } from 'node:path';
import { availableParallelism } from 'node:os';
import type { DB } from '../store/db.js';
import type { ParseWarning } from '../model.js';
import { parserByName } from '../formats/index.js';
import { loadedDictionaries } from '../text/segment.js';
import { walk, folderSource, isGone, type FoundFile } from '../sources/folder.js';
import {
  documentKeysOfFile, fileState, gaveOtherSource, keyedSiblings, pruneSources, recordFailure, rekeyMovedFile, replaceFile,
  type FileRecord, type PreparedRendition,
} from '../store/write.js';
import { filesAt, forgetFiles, goneFiles, movedFrom, type Forgotten } from '../store/files.js';
import { compactFullText, fullTextWrites, worthCompacting } from '../store/fts-layout.js';
import { inlinePool, workerPool, storedText, type ParsePool, type ScannedOutcome } from './pool.js';
import { folderJoin } from './folder-join.js';
import { boundHeapGrowth } from './heap.js';
import { DEFAULT_LIMITS, type SizeLimits } from './parse-file.js';
import {
  beginTermsRuns, defaultTermsContext, documentIdsOf, endTermsRuns, runTermsSlice, runTermsStageForKeys, TermsTally,
  type TermsContext, type TermsReport,
} from './terms.js';
import { checkSummariesAside } from '../quotes/refresh-thread.js';
import type { PackedScans } from '../terms/packed-scans.js';

export { MAX_LINE_CHARS, DEFAULT_LIMITS, type SizeLimits } from './parse-file.js';

/**
 * Files are committed in batches of about this much input: a batch is atomic, so each file is
 * either fully old or fully new, and a kill loses at most the last batch, which the next run
 * redoes; readers (a running `engram serve`) see a batch when it commits. Every commit writes
 * FTS5's pending terms out as a new segment, which later merges rewrite, so one commit per file
 * would spend much of the ingest flushing small segments (~40 batches for the 41 MB corpus).
 * Counted in bytes, not time, so the same files give the same index layout (and the same
 * search speed) run after run; `COMMIT_AT_MOST_MS` bounds a batch on a slow machine.
 */
const COMMIT_EVERY_BYTES = 2 ** 20;
const COMMIT_AT_MOST_MS = 10_000;
/** Below this much input, starting worker threads costs more than it saves. */
const WORKERS_FROM_BYTES = 4_000_000;
/**
 * Files parsed ahead of the writer, at most this many and this many bytes: their parsed form
 * (~50× the input) waits on the writer's heap, the largest thing it holds (6 MB: 10× peak RSS
 * 1,166 MB against 1,385 MB at 16 MB, no slower).
 */
const READ_AHEAD = 64;
const READ_AHEAD_BYTES = 6 * 2 ** 20;
/**
 * The terms stage runs before the end of the ingest once the passage scans it keeps reach this
 * many, over the documents written so far, so what it keeps is bounded however large the
 * ingest. A document written again after such a run is done again.
 */
const TERMS_EVERY_PASSAGES = 150_000;
/**
 * The endgame: near its end, an ingest hands every file left to the parse workers, and while
 * the next file is not parsed yet the writer does the terms stage's per-document part for
 * documents already written (`runTermsSlice`, a few at a time) instead of parsing: the stage
 * overlaps the last files' parsing, where it used to follow it with the second core idle
 * (~3 s of a 26 s whole-corpus ingest). It starts once the input not yet started would keep
 * a worker busy about as long as the stage's part still to do: doing a kept passage takes the
 * writer about as long as a worker takes to parse this many bytes of input.
 */
const STAGE_BYTES_PER_PASSAGE = 80;
/** Documents in one slice: the writer looks for parsed files between slices. */
const SLICE_DOCUMENTS = 8;

export interface IngestOptions {
  /** Parse every file with this format instead of detecting it. */
  format?: string;
  /** Source name for documents whose files do not name one (default: first folder under the root). */
  source?: string;
  /** Parser threads: default one per core beyond the writer's when the input is large; 0 parses inline. */
  workers?: number;
  /** Largest file read per format family (default `DEFAULT_LIMITS`). */
  limits?: Partial<SizeLimits>;
  /** Forget files recorded under the paths that are gone from disk (deleted, or moved out of reach). */
  prune?: boolean;
  onProgress?: (p: IngestProgress) => void;
  /** Correction and entity linking after the files are written (default on; see terms.ts). */
  terms?: boolean | TermsContext;
  /** Run the terms stage whenever this many passage scans are kept (default `TERMS_EVERY_PASSAGES`): bounds memory. */
  termsEvery?: number;
  /** Start the endgame once the input not yet started is at most this many bytes per kept passage (default `STAGE_BYTES_PER_PASSAGE`; Infinity: at once). */
  endgameBytesPerPassage?: number;
  /** Commit whenever this much input was written since the last commit (default `COMMIT_EVERY_BYTES`). */
  commitEvery?: number;
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
  /** `removed`: documents left with nothing when a file no longer gave them (an entry deleted from an archive). */
  documents: { added: number; updated: number; unchanged: number; removed: number };
  /** Renditions stored with their text. */
  renditions: number;
  /** Renditions whose identical text the document already held (stored once; the file is one more origin). */
  shared: number;
  passages: number;
  boilerplate: number;
  failures: IngestFailure[];
  warnings: IngestFailure[];
  /** Entries left out on purpose (a link to a file or folder already found). */
  skipped: IngestFailure[];
  /** Files that named no media item and joined the one their folder is about, and why. */
  joinedByFolder: { file: string; document: string; why: string }[];
  /** Files found at a new path whose old path is gone: the old record was replaced (absolute paths). */
  moved: { from: string; to: string }[];
  /** With `prune`: files recorded under the paths that are gone, forgotten. */
  forgotten: Forgotten;
  /** Without `prune`: how many files recorded under the paths are gone (still in the library). */
  gone: number;
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
  /** No file was recorded at this path before (it may have moved here). */
  isNew: boolean;
  /** Its renditions' passage scans for the terms stage (by rendition; see pool.ts). */
  scans?: (PackedScans | undefined)[];
}

export async function ingest(db: DB, paths: string[], opts: IngestOptions = {}): Promise<IngestReport> {
  // The writer's heap grows as a worker's does while the ingest runs, not with its length (heap.ts).
  const release = boundHeapGrowth();
  try {
    return await ingestFiles(db, paths, opts);
  } catch (e) {
    // One that fails leaves the index taking writes as usual, not in bulk mode (fts-layout.ts):
    // `engram update`'s next file must not wait for a merge that only a whole ingest runs.
    try {
      if (db.open && !db.inTransaction) fullTextWrites(db, 'normal');
    } catch {
      /* the library cannot be written now: the next ingest sets them */
    }
    throw e;
  } finally {
    release();
  }
}

async function ingestFiles(db: DB, paths: string[], opts: IngestOptions): Promise<IngestReport> {
  const t0 = performance.now();
  if (opts.format && !parserByName(opts.format)) throw new Error(`unknown format "${opts.format}"`);
  // The library may live inside a folder being ingested ($ENGRAM_HOME under ~/media): its own files are not media.
  const { files, failures, skipped } = walk(paths, db.memory ? [] : [{ path: dirname(db.name), why: "the library's own folder" }]);
  const report: IngestReport = {
    files: files.length, bytes: 0, documents: { added: 0, updated: 0, unchanged: 0, removed: 0 },
    renditions: 0, shared: 0, passages: 0, boilerplate: 0,
    failures: failures.map((m) => ({ file: m.path, reason: m.reason })), warnings: [],
    skipped: skipped.map((m) => ({ file: m.path, reason: m.reason })), joinedByFolder: [], moved: [],
    forgotten: { files: [], documentsRemoved: 0, documentsUpdated: 0 }, gone: 0, elapsedMs: 0, workers: 0,
  };
  const added = new Set<string>();
  const updated = new Set<string>();
  const unchanged = new Set<string>();
  const removed = new Set<string>();
  /** Documents written since the terms stage last ran. */
  const touched = new Set<string>();
  const bytesTotal = files.reduce((n, f) => n + f.size, 0);
  let filesDone = 0;
  let documentsSeen = 0; // for the progress line: documents read so far (written a folder at a time)
  const progress = (current: string) =>
    opts.onProgress?.({
      filesDone, filesTotal: files.length, bytesDone: report.bytes, bytesTotal,
      documents: documentsSeen, elapsedMs: performance.now() - t0, current,
    });

  // One thread per core: the writer's, which parses too when it would wait (pool.ts), and workers.
  // They start first, loading their modules and the segmenter while this thread builds the
  // terms stage's context, whose scanner then goes with the parsers (terms/scan.ts).
  const workers = opts.workers ?? (bytesTotal >= WORKERS_FROM_BYTES ? Math.max(1, Math.min(4, availableParallelism() - 1)) : 0);
  const pool: ParsePool = workers > 0 ? workerPool(workers, { dictionaries: [...loadedDictionaries()] }) : inlinePool();
  const terms = await termsContext(db, opts.terms).catch(async (e: unknown) => {
    await pool.close();
    throw e;
  });
  if (terms?.scanner) pool.scanWith(terms.scanner);
  report.workers = pool.threads;
  if (terms) beginTermsRuns(db, terms);
  // Into an empty library, the index is written in bulk mode: it is merged once at the end.
  fullTextWrites(db, db.prepare('SELECT 1 FROM passages LIMIT 1').get() === undefined ? 'bulk' : 'normal');
  const batch = commitBatches(db, opts.commitEvery ?? COMMIT_EVERY_BYTES);

  // Jobs are started ahead of the writer (READ_AHEAD files, READ_AHEAD_BYTES); results are consumed in file order.
  const limits: SizeLimits = { textBytes: opts.limits?.textBytes ?? DEFAULT_LIMITS.textBytes, jsonBytes: opts.limits?.jsonBytes ?? DEFAULT_LIMITS.jsonBytes };
  const pending: Promise<ScannedOutcome>[] = [];
  /** Files whose parse has finished (answered), by position. */
  const ready = new Set<number>();
  let started = 0;
  let bytesAhead = 0;
  let bytesUnstarted = bytesTotal;
  /** Start the next file's job. */
  const startOne = () => {
    const f = files[started]!;
    bytesAhead += f.size;
    bytesUnstarted -= f.size;
    const previous = fileState(db, f.absPath);
    // An unchanged file is skipped, unless `--source` now names another source for what it gave.
    const skipIfSame = previous?.status === 'ok' && !(opts.source && gaveOtherSource(db, previous.id, opts.source));
    const at = started++;
    pending[at] = pool.parse({
      absPath: f.absPath, root: f.root, relPath: f.relPath, mtimeMs: f.mtimeMs,
      previousHash: skipIfSame ? previous.contentHash : undefined,
      format: opts.format, fallbackSource: opts.source ?? folderSource(f), limits,
    });
    pending[at]!.then(() => ready.add(at), () => ready.add(at));
  };
  /**
   * Start jobs from file `next` on, within the read-ahead bounds (file `next` itself always).
   * Once the first are with the workers, this thread loads what the terms stage needs (its
   * lexicon index, the word lists: ~0.6 s), which it used to do while the workers waited.
   */
  let warm = pool.threads > 0 ? terms?.warm : undefined;
  const startAhead = (next: number) => {
    while (started < files.length && started < next + READ_AHEAD && (started <= next || bytesAhead < READ_AHEAD_BYTES)) startOne();
    warm?.();
    warm = undefined;
  };
  /** Start every job left (the endgame). */
  const startAll = () => {
    while (started < files.length) startOne();
  };

  const seen = { added, updated, unchanged, removed, touched };
  const tally = new TermsTally();
  /** Documents slices did since the stage last ran (their library-wide part is the run's). */
  let sliced: number[] = [];
  /** Run the terms stage over the documents written since it last ran (committed first: it runs in its own transaction). */
  const termsStage = async () => {
    if (!terms) return;
    batch.commit();
    // Mid-ingest, the files queued for parsing go to the workers now: this thread takes none until the run is over.
    pool.lend();
    progress(`correcting terms and linking entities in ${touched.size} documents…`);
    tally.add(await runTermsStageForKeys(db, touched, terms, sliced));
    touched.clear();
    sliced = [];
  };
  let endgame = false;
  const bytesPerPassage = opts.endgameBytesPerPassage ?? STAGE_BYTES_PER_PASSAGE;
  /** In the endgame, until file `i` is parsed: slices of the oldest documents written (the least likely to be written again). */
  const sliceUntilParsed = async (i: number) => {
    while (terms && !ready.has(i) && touched.size > 0) {
      progress(`correcting terms and linking entities while the last files are parsed…`);
      const keys = [...take(touched, SLICE_DOCUMENTS)];
      let run: ReturnType<typeof runTermsSlice>;
      try {
        run = runTermsSlice(db, documentIdsOf(db, keys), terms);
      } catch (e) {
        // A slice that failed half-way must not commit half its rows: drop the batch, as a
        // failed write does (the next run redoes its files, and every document: the stage's
        // runs never ended).
        batch.rollback();
        throw e;
      }
      if (!run) {
        // What the stage depends on changed: only its whole run at the end starts over.
        keys.forEach((k) => touched.add(k));
        endgame = false;
        return;
      }
      tally.add(run);
      sliced.push(...run.processed);
      await new Promise(setImmediate); // the workers' answers come in
    }
  };
  const keyless: ParsedFile[] = [];
  /** The texts a file brought are handed to the terms stage with their scans, made where the file was parsed (pool.ts). */
  const keepScans = (pf: ParsedFile, stored: PreparedRendition[]) => {
    const scanner = terms?.scanner;
    if (!scanner || !pf.scans) return;
    for (const r of stored) {
      const scans = pf.scans[pf.renditions.indexOf(r)];
      if (scans) scanner.keep(r.textHash, scans, r.passages.map((p) => p.terms));
    }
  };
  const write = (pf: ParsedFile) => {
    batch.begin();
    try {
      const stored = writeFile(db, pf, report, seen);
      keepScans(pf, stored);
      // Files parsed from now on skip the work for texts their document holds already (pool.ts).
      pool.stored(stored.map((r) => [storedText(r), r.kind] as const));
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
        startAhead(i);
        if (!endgame && terms && pool.threads > 0 && (bytesPerPassage === Infinity || bytesUnstarted <= (terms.scanner?.keptPassages ?? 0) * bytesPerPassage)) {
          endgame = true;
          startAll();
          pool.lend();
        }
        if (endgame) await sliceUntilParsed(i);
        progress(found.relPath);
        const outcome = await pool.wait(pending[i]!);
        delete pending[i];
        i++;
        report.bytes += found.size;
        bytesAhead -= found.size;
        filesDone++;
        if (outcome.kind === 'unchanged') {
          const prev = fileState(db, found.absPath);
          const keys = prev ? documentKeysOfFile(db, prev.id) : [];
          keys.forEach((k) => unchanged.add(k));
          documentsSeen += keys.length;
        } else if (outcome.kind === 'failed') {
          report.failures.push({ file: found.relPath, line: outcome.line, reason: outcome.reason });
          // A file removed while the ingest ran leaves no record (what it gave before stays until forgotten).
          if (!isGone(found.absPath)) recordFailure(db, outcome.record, outcome.line ? `line ${outcome.line}: ${outcome.reason}` : outcome.reason);
        } else {
          documentsSeen += outcome.renditions.length;
          const pf: ParsedFile = {
            found, record: outcome.record, format: outcome.format, renditions: outcome.renditions, warnings: outcome.warnings, scans: outcome.scans,
            isNew: fileState(db, found.absPath) === undefined,
          };
          // A file that names no media item waits for its folder's other files (it may join theirs).
          if (isKeyless(pf)) keyless.push(pf);
          else write(pf);
        }
        if ((terms?.scanner?.keptPassages ?? 0) >= (opts.termsEvery ?? TERMS_EVERY_PASSAGES)) await termsStage();
        batch.maybeCommit(found.size);
      }
      keyless.forEach(write);
      keyless.length = 0;
      progress('');
      batch.maybeCommit(0);
    }
  } catch (e) {
    batch.commit();
    await pool.close();
    throw e;
  }
  batch.commit();
  // The workers exit (~0.2 s) while the stage's last run and the index merge go on.
  const closed = pool.close();
  try {
    const gone = goneFiles(paths.flatMap((p) => filesAt(db, p)));
    if (opts.prune) report.forgotten = forgetFiles(db, gone);
    else report.gone = gone.length;
    pruneSources(db);
    // Summaries' quotes found in their transcripts, what summary passages link to (quotes/times.ts):
    // checked in a thread of its own while the terms stage runs here.
    const summaryTimes = checkSummariesAside(db, pool.threads > 0);
    await termsStage();
    if (terms) endTermsRuns(db);
    report.terms = tally.report(db);
    progress("checking summaries' quotes against their transcripts…");
    await summaryTimes.store();
    // After a bulk write the index is merged into one segment: queries seek into every segment.
    if (worthCompacting(db, report.passages)) {
      progress('merging the full-text index…');
      compactFullText(db);
    }
    fullTextWrites(db, 'normal');
    // A key removed and given again later in the run (an entry moved to another file) is not removed.
    const exists = db.prepare('SELECT 1 FROM documents WHERE key = ?').pluck();
    for (const k of removed) if (exists.get(k) !== undefined) removed.delete(k);
    for (const k of added) { updated.delete(k); unchanged.delete(k); }
    for (const k of updated) unchanged.delete(k);
    for (const k of removed) { updated.delete(k); unchanged.delete(k); }
    report.documents = { added: added.size, updated: updated.size, unchanged: unchanged.size, removed: removed.size };
  } finally {
    await closed;
  }
  report.elapsedMs = performance.now() - t0;
  return report;
}

/** The terms stage's context: none when turned off, the caller's, or the library's own (terms.ts). */
async function termsContext(db: DB, terms: IngestOptions['terms']): Promise<TermsContext | undefined> {
  if (terms === false) return undefined;
  return typeof terms === 'object' ? terms : defaultTermsContext(db);
}

/**
 * Write one parsed file; a file that names no media item may join the one its folder is about
 * (folder-join.ts). Returns the renditions stored with their text.
 */
function writeFile(
  db: DB, pf: ParsedFile, report: IngestReport,
  seen: { added: Set<string>; updated: Set<string>; unchanged: Set<string>; removed: Set<string>; touched: Set<string> },
): PreparedRendition[] {
  if (isKeyless(pf)) {
    const dir = posix.dirname(pf.found.relPath);
    const join = folderJoin(pf.found.relPath, keyedSiblings(db, pf.found.root, dir === '.' ? '' : dir, pf.found.relPath));
    if (join) {
      pf.renditions[0]!.key = join.key;
      report.joinedByFolder.push({ file: pf.found.relPath, document: join.key, why: join.why });
    }
  }
  const out = replaceFile(db, pf.record, pf.format, pf.warnings, pf.renditions);
  for (const k of out.added) {
    seen.added.add(k);
    seen.touched.add(k);
  }
  for (const k of out.updated) {
    seen.updated.add(k);
    seen.touched.add(k);
  }
  out.unchanged.forEach((k) => seen.unchanged.add(k));
  out.removed.forEach((k) => seen.removed.add(k));
  report.renditions += pf.renditions.length - out.shared;
  report.shared += out.shared;
  report.passages += out.passages;
  report.boilerplate += out.boilerplate;
  for (const w of pf.warnings) report.warnings.push({ file: pf.found.relPath, line: w.line, reason: w.message });
  // A new path with content the library holds from a path that is gone: the file moved here.
  if (pf.isNew) {
    const moved = movedFrom(db, pf.record.contentHash, pf.record.absPath);
    forgetFiles(db, moved);
    for (const m of moved) {
      report.moved.push({ from: m.absPath, to: pf.record.absPath });
      // Its documents are known by where it is now: a new file at the old path is another note.
      rekeyMovedFile(db, m.absPath, pf.record.absPath);
    }
  }
  return out.withText;
}

/** Kinds that belong to a media item; only these join an episode folder's document. */
const EPISODE_KINDS = new Set(['transcript', 'raw-transcript', 'summary']);

function isKeyless(pf: ParsedFile): boolean {
  const only = pf.renditions.length === 1 ? pf.renditions[0]! : undefined;
  return Boolean(only && only.key.startsWith('file:') && EPISODE_KINDS.has(only.kind));
}

/** Up to `n` of a set's first items, taken out of it. */
function* take<T>(set: Set<T>, n: number): Generator<T> {
  for (const x of set) {
    if (n-- <= 0) return;
    set.delete(x);
    yield x;
  }
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

function commitBatches(db: DB, everyBytes: number): { begin(): void; maybeCommit(bytes: number): void; commit(): void; rollback(): void } {
  let since = 0;
  let bytes = 0;
  return {
    begin() {
      if (db.inTransaction) return;
      db.exec('BEGIN');
      since = performance.now();
      bytes = 0;
    },
    /** After a file of `bytes`: commit once the batch holds enough input, or has been open long enough. */
    maybeCommit(more) {
      bytes += more;
      if (db.inTransaction && (bytes >= everyBytes || performance.now() - since > COMMIT_AT_MOST_MS)) db.exec('COMMIT');
    },
    commit() {
      if (db.inTransaction) db.exec('COMMIT');
    },
    rollback() {
      if (db.inTransaction) db.exec('ROLLBACK');
    },
  };
}
