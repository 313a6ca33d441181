/**
 * Where files get parsed: inline on the main thread (small ingests, where starting workers
 * costs more than it saves), or in a few worker threads that parse while the main thread
 * writes. Either way callers get a promise per job, and results come back per job.
 */
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseFile, type ParseJob, type ParseOutcome } from './parse-file.js';

export interface ParsePool {
  /** Worker threads parsing (0: inline on the main thread). */
  readonly threads: number;
  parse(job: ParseJob): Promise<ParseOutcome>;
  close(): Promise<void>;
}

export function inlinePool(): ParsePool {
  return {
    threads: 0,
    parse: (job) => Promise.resolve(parseFile(job)),
    close: () => Promise.resolve(),
  };
}

/** The compiled worker script; undefined when running from TypeScript sources without a build. */
function workerScript(): string | undefined {
  const here = fileURLToPath(import.meta.url);
  const js = here.replace(/\.ts$/, '.js').replace(/([\\/])src([\\/]pipeline[\\/])pool\.js$/, '$1dist$2pool.js').replace(/pool\.js$/, 'worker.js');
  return existsSync(js) ? js : undefined;
}

export function workerPool(size: number, dictionaries: string[]): ParsePool {
  const script = workerScript();
  if (!script || size < 1) return inlinePool();
  const waiting = new Map<number, (o: ParseOutcome) => void>();
  const workers = Array.from({ length: size }, () => {
    const w = new Worker(script, { workerData: { dictionaries } });
    w.on('message', ({ id, outcome }: { id: number; outcome: ParseOutcome }) => {
      const done = waiting.get(id);
      waiting.delete(id);
      load.set(w, load.get(w)! - 1);
      done?.(outcome);
    });
    w.on('error', (e) => {
      // A crashed worker fails its jobs with the reason; the ingest goes on inline.
      for (const [id, done] of waiting) if (owner.get(id) === w) {
        waiting.delete(id);
        done({ kind: 'failed', record: records.get(id)!, reason: `parser worker crashed: ${e.message}` });
      }
      dead.add(w);
    });
    return w;
  });
  const load = new Map(workers.map((w) => [w, 0]));
  const owner = new Map<number, Worker>();
  const records = new Map<number, ParseOutcome['record']>();
  const dead = new Set<Worker>();
  let next = 0;
  return {
    threads: size,
    parse(job) {
      const alive = workers.filter((w) => !dead.has(w));
      if (alive.length === 0) return Promise.resolve(parseFile(job));
      const w = alive.reduce((a, b) => (load.get(b)! < load.get(a)! ? b : a));
      const id = next++;
      load.set(w, load.get(w)! + 1);
      owner.set(id, w);
      records.set(id, { absPath: job.absPath, root: job.root, relPath: job.relPath, mtimeMs: job.mtimeMs, size: 0, contentHash: '' });
      return new Promise((resolve) => {
        waiting.set(id, (o) => {
          owner.delete(id);
          records.delete(id);
          resolve(o);
        });
        w.postMessage({ id, job });
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
