/**
 * Where the web app's searches run. better-sqlite3 is synchronous, and one search over a large
 * library can take seconds (a pasted paragraph of common words), so searches run in a few
 * worker threads that each open the library read-only; pages, documents and the rest of the
 * API stay on the main thread and stay fast whatever a search costs.
 *
 * Every search has a time budget, counted from when it was asked (waiting for a thread counts
 * too). A search still waiting when its budget runs out is dropped unrun; one still running is
 * answered with a `SearchRefused` at once, and its thread finishes it in the background (a
 * query is at most 500 characters, so that ends) unless it is still at it `stopAfterMs` after
 * it started: then the thread is terminated and a fresh one takes its place (starting one
 * costs a second of loading dictionaries, so this is the exception). The caller is never given
 * a silently truncated answer. Long queries (pasted text) may occupy all threads but one, so
 * ordinary searches always have a thread; when too many searches wait, new ones are refused.
 *
 * The workers call the public `search()` (or another module with the same export, which the
 * tests use to stand in a deliberately slow one), so search's internals can change freely.
 */
import type { Worker } from 'node:worker_threads';
import { compiledScript, startWorker } from '../threads.js';
import type { DB } from '../store/db.js';
import type { SearchOptions, SearchResult } from '../search/search.js';
import { inlineSearcher, type Searcher } from '../search/searcher.js';

/** A search the server would not run to the end: over its time budget, or too many waiting. */
export class SearchRefused extends Error {
  constructor(readonly reason: 'timeout' | 'busy', message: string) {
    super(message);
  }
}

export const DEFAULT_BUDGET_MS = 5000;

/** Queries longer than this count as long (pasted text rather than words typed). */
export const LONG_QUERY_CHARS = 100;

export interface PoolOptions {
  /** The library's database file (each thread opens it read-only). */
  database: string;
  threads?: number;
  /** Time from asking to answer before a search is refused (default 5 s). */
  budgetMs?: number;
  /** A search still running this long after it started is stopped with its thread (default 3 × budget). */
  stopAfterMs?: number;
  /** Searches allowed to wait for a thread; more are refused at once (default 64). */
  maxWaiting?: number;
  /** User dictionaries to load in every thread, so queries segment as on the main thread. */
  dictionaries?: readonly string[];
  /** A module exporting `search(db, query, opts)`, as `search/search.js` does (the default). */
  module?: string;
}

interface Job {
  query: string;
  opts: SearchOptions;
  long: boolean;
  /** Answers the caller, once: later answers (a result after a refusal) are dropped. */
  settle(outcome: SearchResult | Error): void;
  /** Fires when the budget runs out. */
  budget: NodeJS.Timeout;
}

interface Thread {
  worker: Worker;
  ready: boolean;
  job?: Job;
  /** Stops the thread when its search runs past `stopAfterMs`. */
  stopper?: NodeJS.Timeout;
}

type Reply = { ready: true } | { result: SearchResult } | { error: string };

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms % 1000 ? 1 : 0)} s`;

/** A pool of search threads; falls back to searching inline when the worker script is not built. */
export function searchPool(db: DB, opts: PoolOptions): Searcher {
  const script = compiledScript(new URL('./search-worker.js', import.meta.url));
  const size = Math.max(0, opts.threads ?? 2);
  if (!script || size === 0) return inlineSearcher(db);
  const budget = opts.budgetMs ?? DEFAULT_BUDGET_MS;
  const stopAfter = opts.stopAfterMs ?? 3 * budget;
  const maxWaiting = opts.maxWaiting ?? 64;
  const maxLong = Math.max(1, size - 1);
  const waiting: Job[] = [];
  const threads: Thread[] = [];
  let closed = false;
  let whenReady: (() => void)[] = [];

  const settleReady = () => {
    if (!threads.every((t) => t.ready)) return;
    for (const done of whenReady.splice(0)) done();
  };

  const start = (): Thread => {
    const worker = startWorker(script, {
      workerData: { database: opts.database, dictionaries: [...(opts.dictionaries ?? [])], module: opts.module },
    });
    const thread: Thread = { worker, ready: false };
    worker.on('message', (m: Reply) => {
      if ('ready' in m) {
        thread.ready = true;
        settleReady();
      } else {
        const job = finish(thread);
        job?.settle('result' in m ? m.result : new Error(m.error));
      }
      dispatch();
    });
    worker.on('error', (e) => replace(thread, new Error(`search thread failed: ${e.message}`)));
    worker.on('exit', () => replace(thread, new Error('search thread stopped')));
    return thread;
  };

  /** The thread is free again; returns the search it was running. */
  const finish = (thread: Thread): Job | undefined => {
    const job = thread.job;
    thread.job = undefined;
    clearTimeout(thread.stopper);
    return job;
  };

  /** A thread that died or was stopped makes way for a fresh one; its search, if any, fails. */
  const replace = (thread: Thread, why: Error) => {
    const i = threads.indexOf(thread);
    if (i < 0) return;
    threads.splice(i, 1);
    void thread.worker.terminate();
    const job = finish(thread);
    job?.settle(why);
    // One that never started (the library cannot be opened?) tells the waiting searches why,
    // and is tried again only when a search asks for it.
    if (!thread.ready && !job) for (const w of waiting.splice(0)) w.settle(why);
    if (!closed && thread.ready) threads.push(start());
    settleReady();
    dispatch();
  };

  const dispatch = () => {
    while (!closed && waiting.length && threads.length < size) threads.push(start());
    for (const thread of threads) {
      if (!thread.ready || thread.job) continue;
      const longRunning = threads.filter((t) => t.job?.long).length;
      const i = waiting.findIndex((j) => !j.long || longRunning < maxLong);
      if (i < 0) return;
      const [job] = waiting.splice(i, 1);
      thread.job = job;
      thread.stopper = setTimeout(() => replace(thread, refusal()), stopAfter);
      thread.worker.postMessage({ query: job!.query, opts: job!.opts });
    }
  };

  const refusal = () => new SearchRefused('timeout', `this search took longer than ${seconds(budget)} and was stopped: try fewer or more specific words`);

  for (let i = 0; i < size; i++) threads.push(start());

  return {
    threads: size,
    search(query, searchOpts = {}) {
      if (closed) return Promise.reject(new Error('the search pool is closed'));
      return new Promise<SearchResult>((resolve, reject) => {
        let settled = false;
        const job: Job = {
          query,
          opts: searchOpts,
          long: query.length > LONG_QUERY_CHARS,
          settle(outcome) {
            if (settled) return;
            settled = true;
            clearTimeout(job.budget);
            if (outcome instanceof Error) reject(outcome);
            else resolve(outcome);
          },
          budget: setTimeout(() => {
            // Unrun, it is dropped; running, its thread finishes it (or is stopped) unheard.
            const queued = waiting.indexOf(job);
            if (queued >= 0) waiting.splice(queued, 1);
            job.settle(refusal());
          }, budget),
        };
        waiting.push(job);
        dispatch();
        // No thread for it now, and the line is full: refuse at once rather than queue for long.
        if (waiting.length > maxWaiting && waiting.includes(job)) {
          waiting.splice(waiting.indexOf(job), 1);
          const n = waiting.length;
          job.settle(new SearchRefused('busy', `the server is busy with ${n} search${n === 1 ? '' : 'es'} waiting; try again in a moment`));
        }
      });
    },
    ready() {
      return new Promise<void>((resolve) => {
        whenReady.push(resolve);
        settleReady();
      });
    },
    async close() {
      closed = true;
      const all = threads.splice(0);
      settleReady();
      const stopping = new Error('the server is shutting down');
      for (const job of waiting.splice(0)) job.settle(stopping);
      for (const t of all) finish(t)?.settle(stopping);
      await Promise.all(all.map((t) => t.worker.terminate()));
    },
  };
}
