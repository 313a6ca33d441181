/**
 * Where files get parsed: inline on the main thread (small ingests, where starting workers
 * costs more than it saves), or in a few worker threads that parse while the main thread
 * writes. Either way callers get a promise per job, and results come back per job.
 *
 * When the terms stage runs, the thread that parses a file also scans its passages
 * (terms/scan.ts) while their text is at hand, so no text crosses threads twice and the stage
 * at the end of the ingest only applies what needs the whole document.
 *
 * The writer tells the pool which texts each document holds (`stored`): a rendition whose
 * document holds its text already (the summary file an archive entry was made from) will
 * follow it, so its passages are neither segmented nor scanned (store/texts.ts segments them
 * should it hold the text after all).
 */
import type { Worker } from 'node:worker_threads';
import { compiledScript, startWorker } from '../threads.js';
import { parseFile, type ParseJob, type ParseOutcome } from './parse-file.js';
import type { TermEntry } from '../terms/term-index.js';
import { isCorrected } from '../terms/scan.js';
import { packScans, type PackedScans } from '../terms/packed-scans.js';
import type { PassageScanner } from './terms.js';
import type { PreparedRendition } from '../store/write.js';
import { KIND_PRIORITY } from '../store/texts.js';
import type { RenditionKind } from '../model.js';

/** A parsed file, with its renditions' passage scans (by rendition; none where the document holds the text already, or no scanner runs). */
export type ScannedOutcome = ParseOutcome & { scans?: (PackedScans | undefined)[] };

export interface ParsePool {
  /** Worker threads parsing (0: inline on the main thread). */
  readonly threads: number;
  /** Jobs parsed on the caller's thread so far. */
  readonly parsedHere: number;
  parse(job: ParseJob): Promise<ScannedOutcome>;
  /**
   * Wait for a parse, working meanwhile: if no worker has started it, it is done on the
   * caller's thread; while a worker parses it, the caller parses queued jobs.
   */
  wait(parse: Promise<ScannedOutcome>): Promise<ScannedOutcome>;
  /** The writer stored these texts (`storedText`) with renditions of these kinds: the same text in the same document will follow them. */
  stored(texts: readonly StoredText[]): void;
  /**
   * Hand every queued job to the workers, beyond their usual share: the caller is about to be
   * busy for a while without taking answers or jobs (the terms stage), and a worker with
   * nothing in hand would sit idle until it is done.
   */
  lend(): void;
  /**
   * Scan the passages of files parsed from now on with this scanner (the terms stage's):
   * set once, before the first parse, so the pool's threads can start (load their modules
   * and the segmenter) while the caller builds it.
   */
  scanWith(scanner: PassageScanner): void;
  close(): Promise<void>;
}

/** What parsers need besides the file: the user dictionaries, and the terms stage's scanner when it runs. */
export interface ParseSetup {
  dictionaries: string[];
  scanner?: PassageScanner;
  /** Old-generation heap of each worker thread, MB (default `WORKER_HEAP_MB`). */
  workerHeapMb?: number;
  /** Node options of each worker thread (default: the process's that a worker takes, `workerExecArgv`). */
  execArgv?: string[];
}

/**
 * Each parse worker's heap is capped: left alone, V8 lets a busy thread's heap grow with the
 * garbage it makes, and an ingest's memory grew with its length (three threads' heaps). What a
 * worker keeps between files (dictionaries, lexicon index, caches) is well under this; a file
 * too big to parse within it is parsed again on the writer's thread, which has no cap.
 */
export const WORKER_HEAP_MB = 256;

/** What a worker thread gets to set itself up (worker.ts). */
export interface WorkerSetup {
  dictionaries: string[];
}

/**
 * A message to a worker: a file to parse (answered); texts the writer stored, or the lexicon
 * entries of the scanner to build (not answered: the scanner travels as its entries).
 */
export type WorkerTask = { parse: ParseJob } | { stored: readonly StoredText[] } | { lexicon: readonly TermEntry[] };

type Scan = PassageScanner['scan'];

/** A text as stored in a document (the document's key and the text's hash), and the kind of the rendition holding it. */
export type StoredText = readonly [text: string, kind: RenditionKind];
export const storedText = (r: Pick<PreparedRendition, 'key' | 'textHash'>) => `${r.key}\u0000${r.textHash}`;

/** Texts the writer stored, by document, and the best rank (`KIND_PRIORITY`) of a rendition holding each. */
export class StoredTexts {
  private readonly rank = new Map<string, number>();
  add(texts: readonly StoredText[]): void {
    for (const [text, kind] of texts) this.rank.set(text, Math.min(this.rank.get(text) ?? Infinity, KIND_PRIORITY[kind]));
  }
  /** Whether a rendition will follow the one holding its text (`PrepareContext.follows`). */
  readonly follows = (r: Pick<PreparedRendition, 'key' | 'kind' | 'textHash'>): boolean => KIND_PRIORITY[r.kind] >= (this.rank.get(storedText(r)) ?? Infinity);
}

/** A file that could not be parsed, with the reason (what it gave before stays in the library). */
export function failedParse(job: ParseJob, reason: string): ParseOutcome {
  return { kind: 'failed', record: { absPath: job.absPath, root: job.root, relPath: job.relPath, mtimeMs: job.mtimeMs, size: 0, contentHash: '' }, reason };
}

/**
 * Parse a file, and scan the passages of its renditions except those that will follow the
 * one holding their text (`stored`). The passages' folded text (`simplified`) was kept for the
 * scan only: it is dropped, so it never crosses threads. Never throws: a bug met on one file
 * fails that file, on whichever thread it was parsed.
 */
export function parseAndScan(job: ParseJob, scan: Scan | undefined, stored: StoredTexts): ScannedOutcome {
  let outcome: ParseOutcome;
  try {
    outcome = parseFile(job, stored.follows);
  } catch (e) {
    return failedParse(job, `internal error: ${(e as Error).message}`);
  }
  if (outcome.kind !== 'parsed') return outcome;
  let scans: (PackedScans | undefined)[] | undefined;
  try {
    scans = scan ? outcome.renditions.map((r) => (stored.follows(r) ? undefined : scanRendition(r, scan))) : undefined;
  } catch {
    // Never lose the file over a scan: the terms stage scans what has no scan, and reports its error there.
    scans = undefined;
  }
  for (const r of outcome.renditions) for (const p of r.passages) delete p.simplified;
  return scans ? { ...outcome, scans } : outcome;
}

function scanRendition(r: PreparedRendition, scan: Scan): PackedScans {
  const alikes = isCorrected(r.kind, r.format);
  return packScans(r.passages.map((p) => scan(p.text, alikes && p.role !== 'boilerplate', p.simplified ?? p.text)), r.passages.map((p) => p.role === 'boilerplate'));
}

export function inlinePool(options: Pick<ParseSetup, 'scanner'> = {}): ParsePool {
  const setup = { ...options };
  const stored = new StoredTexts();
  let parsedHere = 0;
  return {
    threads: 0,
    get parsedHere() {
      return parsedHere;
    },
    parse: async (job) => {
      parsedHere++;
      return parseAndScan(job, setup.scanner?.scan, stored);
    },
    wait: (parse) => parse,
    stored: (texts) => stored.add(texts),
    lend: () => {},
    scanWith(scanner) {
      setup.scanner = scanner;
    },
    close: async () => {},
  };
}

/**
 * Files a worker holds at once; the rest wait in the pool's queue. A worker is handed more only
 * when the writer's thread is free to read its answers, and the writer is often busy for a
 * while at a stretch (parsing a file itself, writing a large one, committing): holding two,
 * a worker sat idle ~4.5 s of a 26 s ingest; holding four, ~1-2 s. Holding more, the writer
 * runs out of queued files to parse while it waits for one the worker holds: in profiles of
 * whole-corpus ingests, both threads sat idle 1.9 s in all holding four, 1.3 s holding six and
 * 2.0 s holding eight (the writer idle 1.2 s of it).
 */
const IN_FLIGHT = 6;

/** A job in the pool: queued until a worker takes it (or the thread waiting for results parses it). */
interface Job {
  job: ParseJob;
  done: (r: ScannedOutcome) => void;
  fail: (e: Error) => void;
  worker?: Worker;
}

/**
 * Workers take queued jobs as they finish others (at most `IN_FLIGHT` each), so the thread
 * that waits for a result (`wait`) can take queued jobs too: the writer parses files instead
 * of idling while the workers are behind. With one worker fewer than cores, every core is busy
 * and none runs two busy threads (which cost a fifth more CPU for the same work).
 */
export function workerPool(size: number, setup: ParseSetup): ParsePool {
  const script = compiledScript(new URL('./worker.js', import.meta.url));
  const inline = inlinePool(setup);
  if (!script || size < 1) return inline;
  const workerData: WorkerSetup = { dictionaries: setup.dictionaries };
  const resourceLimits = { maxOldGenerationSizeMb: setup.workerHeapMb ?? WORKER_HEAP_MB };
  const queue: Job[] = [];
  /** Jobs sent and not answered, by message id. */
  const sent = new Map<number, Job>();
  const byPromise = new WeakMap<Promise<ScannedOutcome>, Job>();
  const dead = new Set<Worker>();
  const load = new Map<Worker, number>();
  let next = 0;

  /** Parse on this thread: when no worker is left, when a worker ran out of its capped heap, or while waiting (`wait`). */
  const here = (j: Job) => void inline.parse(j.job).then(j.done, j.fail);

  const send = (w: Worker, j: Job) => {
    const id = next++;
    j.worker = w;
    sent.set(id, j);
    load.set(w, load.get(w)! + 1);
    w.postMessage({ id, task: { parse: j.job } });
  };
  /** Hand queued jobs to live workers with room, in order; with none alive, parse them here. */
  const pump = () => {
    const alive = workers.filter((w) => !dead.has(w));
    if (alive.length === 0) {
      queue.splice(0).forEach(here);
      return;
    }
    for (const w of alive) while (queue.length > 0 && load.get(w)! < IN_FLIGHT) send(w, queue.shift()!);
  };

  const workers = Array.from({ length: size }, () => {
    const w = startWorker(script, { workerData, resourceLimits, ...(setup.execArgv ? { execArgv: setup.execArgv } : {}) });
    load.set(w, 0);
    if (setup.scanner) w.postMessage({ task: { lexicon: setup.scanner.entries } });
    w.on('message', ({ id, result, error }: { id: number; result: ScannedOutcome; error?: string }) => {
      const j = sent.get(id);
      sent.delete(id);
      load.set(w, load.get(w)! - 1);
      if (error !== undefined) j?.fail(new Error(error));
      else j?.done(result);
      pump();
    });
    w.on('error', () => {
      // A crashed worker's jobs are parsed on this thread instead, and the ingest goes on:
      // whether it ran out of its capped heap (a huge file), could not start, or met an error
      // outside any one file's parse (which fails just that file, on either thread). A file it
      // held is not at fault for that; if it is bad, parsing it here says why. (Those files used
      // to fail with "parser worker crashed" once the worker had answered a job.)
      dead.add(w);
      for (const [id, j] of sent) if (j.worker === w) {
        sent.delete(id);
        here(j);
      }
      pump();
    });
    return w;
  });

  return {
    threads: size,
    get parsedHere() {
      return inline.parsedHere;
    },
    parse(job) {
      let j!: Job;
      const promise = new Promise<ScannedOutcome>((done, fail) => (j = { job, done, fail }));
      byPromise.set(promise, j);
      queue.push(j);
      pump();
      return promise;
    },
    async wait(promise) {
      const j = byPromise.get(promise);
      const at = j ? queue.indexOf(j) : -1;
      if (at !== -1) {
        queue.splice(at, 1);
        here(j!);
        return promise;
      }
      let settled = false;
      promise.then(() => (settled = true), () => (settled = true));
      // One queued job at a time, letting the workers' answers in between.
      while (!settled && queue.length > 0) {
        here(queue.shift()!);
        await new Promise(setImmediate);
      }
      return promise;
    },
    lend() {
      const alive = workers.filter((w) => !dead.has(w));
      // Round robin, in file order: the caller takes answers in file order when it is back.
      for (let k = 0; queue.length > 0 && alive.length > 0; k++) send(alive[k % alive.length]!, queue.shift()!);
    },
    stored(texts) {
      if (texts.length === 0) return;
      inline.stored(texts);
      for (const w of workers) if (!dead.has(w)) w.postMessage({ task: { stored: texts } });
    },
    scanWith(scanner) {
      inline.scanWith(scanner);
      // Before any file it is sent: a worker takes its messages in order.
      for (const w of workers) if (!dead.has(w)) w.postMessage({ task: { lexicon: scanner.entries } });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
