/**
 * Worker thread entry: checks summaries' quotes (refresh.ts `checkSummaries`) on a read-only
 * connection of its own, and answers with the checks for the writer to store.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openLibrary } from '../store/db.js';
import { checkSummaries, type StaleSummary } from './refresh.js';

const { dir, stale } = workerData as { dir: string; stale: StaleSummary[] };
const db = openLibrary(dir, { readonly: true });
try {
  parentPort!.postMessage(checkSummaries(db, stale));
} finally {
  db.close();
}
