/**
 * Where files get parsed: inline on the main thread (small ingests, where starting workers
 * costs more than it saves), or in a few worker threads that parse while the main thread
 * writes. Either way callers get a promise per job, and results come back per job.
 *
 * The same threads scan passages for the terms stage (terms/scan.ts): the writer sends the
 * texts it stored (an identical text stored once is scanned once), so the stage at the end
 * of the ingest only applies what needs the whole document.
 */
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseFile, type ParseJob, type ParseOutcome } from './parse-file.js';
import type { TermEntry } from '../terms/term-index.js';
import type { PassageScan } from '../terms/scan.js';
import type { PassageScanner } from './terms.js';

/** One passage to scan, as prepare.ts left it, and whether its sound-alike spans are wanted. */
export interface ScanJob {
  text: string;
  /** The text made Simplified and half-width, when that changed it (`PreparedPassage.simplified`). */
  simplified?: string;
  alikes: boolean;
}

export interface ParsePool {
  /** Worker threads parsing (0: inline on the main thread). */
  readonly threads: number;
  parse(job: ParseJob): Promise<ParseOutcome>;
  /** Scan passages with the setup's scanner (none: nothing to scan with, an error). */
  scan(passages: ScanJob[]): Promise<PassageScan[]>;
  close(): Promise<void>;
}

/** What parsers need besides the file: the user dictionaries, and the terms stage's scanner when it runs. */
export interface ParseSetup {
  dictionaries: string[];
  scanner?: PassageScanner;
}

/** What a worker thread gets to set itself up (worker.ts): the scanner travels as its lexicon entries. */
export interface WorkerSetup {
  dictionaries: string[];
  lexicon?: readonly TermEntry[];
}

/** A message to a worker, and what it answers. */
export type WorkerTask = { parse: ParseJob } | { scan: ScanJob[] };
export type WorkerResult = ParseOutcome | PassageScan[];

export function inlinePool(setup: Pick<ParseSetup, 'scanner'> = {}): ParsePool {
  return {
    threads: 0,
    parse: async (job) => parseFile(job),
    scan: async (passages) => {
      const scanner = setup.scanner;
      if (!scanner) throw new Error('no passage scanner: the ingest runs without the terms stage');
      return passages.map((p) => scanner.scan(p.text, p.alikes, p.simplified ?? p.text));
    },
    close: async () => {},
  };
}

/** The compiled worker script; undefined when running from TypeScript sources without a build. */
function workerScript(): string | undefined {
  const here = fileURLToPath(import.meta.url);
  const js = here.replace(/\.ts$/, '.js').replace(/([\\/])src([\\/]pipeline[\\/])pool\.js$/, '$1dist$2pool.js').replace(/pool\.js$/, 'worker.js');
  return existsSync(js) ? js : undefined;
}

export function workerPool(size: number, setup: ParseSetup): ParsePool {
  const script = workerScript();
  const inline = inlinePool(setup);
  if (!script || size < 1) return inline;
  const workerData: WorkerSetup = { dictionaries: setup.dictionaries, lexicon: setup.scanner?.entries };
  /** Jobs sent and not answered: how to answer them, and how to do them here if their worker dies. */
  const waiting = new Map<number, { worker: Worker; done: (r: WorkerResult) => void; fail: (e: Error) => void; instead: (crashed: string) => Promise<WorkerResult> }>();
  const workers = Array.from({ length: size }, () => {
    const w = new Worker(script, { workerData });
    w.on('message', ({ id, result, error }: { id: number; result: WorkerResult; error?: string }) => {
      const job = waiting.get(id);
      waiting.delete(id);
      load.set(w, load.get(w)! - 1);
      if (error !== undefined) job?.fail(new Error(error));
      else job?.done(result);
    });
    w.on('error', (e) => {
      // A crashed worker's jobs are done here instead (a parse fails with the reason); the ingest goes on.
      dead.add(w);
      for (const [id, job] of waiting) if (job.worker === w) {
        waiting.delete(id);
        job.instead(`parser worker crashed: ${e.message}`).then(job.done, job.fail);
      }
    });
    return w;
  });
  const load = new Map(workers.map((w) => [w, 0]));
  const dead = new Set<Worker>();
  let next = 0;
  /** Send a task to the least busy live worker; `instead` does it without one. */
  const send = <R extends WorkerResult>(task: WorkerTask, instead: (crashed?: string) => Promise<R>): Promise<R> => {
    const alive = workers.filter((w) => !dead.has(w));
    if (alive.length === 0) return instead();
    const w = alive.reduce((a, b) => (load.get(b)! < load.get(a)! ? b : a));
    const id = next++;
    load.set(w, load.get(w)! + 1);
    return new Promise<R>((resolve, reject) => {
      waiting.set(id, { worker: w, done: (r) => resolve(r as R), fail: reject, instead });
      w.postMessage({ id, task });
    });
  };
  return {
    threads: size,
    parse: (job) => send({ parse: job }, (crashed) => crashed
      ? Promise.resolve({ kind: 'failed', record: { absPath: job.absPath, root: job.root, relPath: job.relPath, mtimeMs: job.mtimeMs, size: 0, contentHash: '' }, reason: crashed })
      : inline.parse(job)),
    scan: (passages) => send({ scan: passages }, () => inline.scan(passages)),
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
