/**
 * Summaries' quotes checked in a thread of their own while the caller goes on writing. At the
 * end of an ingest the writer runs the terms stage's last run and merges the index, alone: the
 * parse worker is done and the second core idle. Checking the quotes there, on the writer, took
 * ~1.4 s of a whole-corpus ingest (its 29 long podcast summaries); beside the terms stage it
 * costs next to nothing in wall time. The checks read only what is committed and what the terms
 * stage does not change (passages and their renditions; corrections are kept beside the text):
 * started after the last files are written, they check what the library holds at the end.
 */
import { dirname } from 'node:path';
import type { DB } from '../store/db.js';
import { compiledScript, startWorker } from '../threads.js';
import { checkSummaries, staleSummaries, storeSummaryChecks, type SummaryCheck, type SummaryTimesReport } from './refresh.js';

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
  // Never rejects: a thread that fails leaves the checks to this one (they are only slower).
  const checked = new Promise<SummaryCheck[] | undefined>((resolve) => {
    const worker = startWorker(script, { workerData: { dir: dirname(db.name), stale } });
    worker.once('message', resolve);
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  return { store: async () => storeSummaryChecks(db, (await checked) ?? checkSummaries(db, stale)) };
}
