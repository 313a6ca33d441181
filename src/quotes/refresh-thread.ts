/**
 * Summaries' quotes checked in a thread of their own while the caller goes on writing. At the
 * end of an ingest the writer runs the terms stage's last run and merges the index, alone: the
 * parse worker is done and the second core idle. Checking the quotes there, on the writer, took
 * ~1.4 s of a whole-corpus ingest (its 29 long podcast summaries); beside the terms stage it
 * costs next to nothing in wall time, and the writer, once done, shares what is left. The
 * checks read only what is committed and what the terms stage does not change (passages and
 * their renditions; corrections are kept beside the text): started after the last files are
 * written, they check what the library holds at the end.
 */
import { dirname } from 'node:path';
import type { DB } from '../store/db.js';
import { compiledScript, startWorker } from '../threads.js';
import { checkSummaries, staleSummaries, storeSummaryChecks, type StaleSummary, type SummaryCheck, type SummaryTimesReport } from './refresh.js';

/**
 * Start checking the summaries whose check is missing or out of date; `store()` writes the
 * checks (call it on the writer, once its other work is done). `aside` false (an ingest too
 * small for parse workers: starting a thread would cost more than the checks), a library in
 * memory, or no compiled worker script: checked on this thread, at `store()`.
 */
export function checkSummariesAside(db: DB, aside = true): { store(): Promise<Omit<SummaryTimesReport, 'elapsedMs'>> } {
  const stale = staleSummaries(db);
  const script = compiledScript(new URL('./refresh-worker.js', import.meta.url));
  if (!aside || stale.length === 0 || db.memory || !script) return { store: async () => storeSummaryChecks(db, checkSummaries(db, stale)) };
  // The summaries a document has are checked together (its transcripts are indexed once for
  // them), a document at a time, by whichever thread takes it first (`claim`).
  const groups = byDocument(stale);
  const next = new Int32Array(new SharedArrayBuffer(4));
  // Never rejects: a thread that fails leaves the checks to this one (they are only slower).
  const checked = new Promise<SummaryCheck[] | undefined>((resolve) => {
    const data: AsideWork = { dir: dirname(db.name), groups, next };
    const worker = startWorker(script, { workerData: data });
    worker.once('message', resolve);
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  return {
    async store() {
      // The writer, its own work done, takes the documents the thread has not started: it used
      // to wait for the thread (~0.9 s of a whole-corpus ingest, its second core otherwise idle).
      const mine: SummaryCheck[] = [];
      const done = new Set<number>();
      for (let g = claim(next); g < groups.length; g = claim(next)) {
        mine.push(...checkSummaries(db, groups[g]!));
        done.add(g);
      }
      const theirs = (await checked) ?? checkSummaries(db, groups.filter((_, g) => !done.has(g)).flat());
      return storeSummaryChecks(db, [...theirs, ...mine]);
    },
  };
}

/** What the thread checks: the stale summaries by document, and the next document to take (shared). */
export interface AsideWork {
  dir: string;
  groups: StaleSummary[][];
  next: Int32Array;
}

/** The next group of summaries to check (at or past the end: none left). */
export const claim = (next: Int32Array): number => Atomics.add(next, 0, 1);

/** Stale summaries by document, in order (`staleSummaries` lists them so). */
function byDocument(stale: readonly StaleSummary[]): StaleSummary[][] {
  const groups: StaleSummary[][] = [];
  for (const s of stale) {
    const last = groups[groups.length - 1];
    if (last && last[0]!.document === s.document) last.push(s);
    else groups.push([s]);
  }
  return groups;
}
