/**
 * Worker thread entry: checks summaries' quotes (refresh.ts `checkSummaries`) on a read-only
 * connection of its own, a document at a time (the writer takes some too once it is free), and
 * answers with its checks for the writer to store.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openLibrary } from '../store/db.js';
import { checkSummaries, type SummaryCheck } from './refresh.js';
import { claim, type AsideWork } from './refresh-thread.js';

const { dir, groups, next } = workerData as AsideWork;
const db = openLibrary(dir, { readonly: true });
try {
  // A document at a time, while the writer has not taken them all (refresh-thread.ts).
  const checks: SummaryCheck[] = [];
  for (let g = claim(next); g < groups.length; g = claim(next)) checks.push(...checkSummaries(db, groups[g]!));
  parentPort!.postMessage(checks);
} finally {
  db.close();
}
