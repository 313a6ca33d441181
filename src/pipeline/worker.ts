/**
 * Worker thread entry: parses files sent by the pool (see pool.ts), one message per file, and
 * scans their passages for the terms stage when it runs. It loads the same user dictionaries
 * as the main thread so segmentation is identical, and builds its own lexicon index from the
 * same entries in the same order (scans name entries by position), sent once the writer has
 * them: the worker starts before, and loads the segmenter meanwhile.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadUserDictionary, warmSegmenter } from '../text/segment.js';
import { TermIndex } from '../terms/term-index.js';
import { keptScan } from '../terms/scan.js';
import { parseAndScan, StoredTexts, type WorkerSetup, type WorkerTask } from './pool.js';
import type { PassageScanner } from './terms.js';

const { dictionaries } = workerData as WorkerSetup;
for (const d of dictionaries) loadUserDictionary(d);
// The segmenter's dictionary loads now, while the writer gets ready, not with the first file.
warmSegmenter();
/** The terms stage's scan, once the pool sends the lexicon (`scanWith`). */
let scan: PassageScanner['scan'] | undefined;
/** Texts the writer stored, by document. */
const stored = new StoredTexts();

parentPort!.on('message', ({ id, task }: { id?: number; task: WorkerTask }) => {
  if ('stored' in task) return stored.add(task.stored);
  if ('lexicon' in task) {
    const index = new TermIndex(task.lexicon);
    scan = keptScan(() => index);
    return;
  }
  parentPort!.postMessage({ id, result: parseAndScan(task.parse, scan, stored) });
});
