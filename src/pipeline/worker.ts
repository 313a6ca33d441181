/**
 * Worker thread entry: parses files sent by the pool (see pool.ts), one message per file, and
 * scans their passages for the terms stage when it runs. It loads the same user dictionaries
 * as the main thread so segmentation is identical, and builds its own lexicon index from the
 * same entries in the same order (scans name entries by position).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadUserDictionary } from '../text/segment.js';
import { TermIndex } from '../terms/term-index.js';
import { scanPassage } from '../terms/scan.js';
import { parseAndScan, StoredTexts, type WorkerSetup, type WorkerTask } from './pool.js';

const { dictionaries, lexicon } = workerData as WorkerSetup;
for (const d of dictionaries) loadUserDictionary(d);
const index = lexicon ? new TermIndex(lexicon) : undefined;
const scan = index ? (text: string, alikes: boolean, simplified?: string) => scanPassage(index, text, alikes, simplified) : undefined;
/** Texts the writer stored, by document. */
const stored = new StoredTexts();

parentPort!.on('message', ({ id, task }: { id?: number; task: WorkerTask }) => {
  if ('stored' in task) return stored.add(task.stored);
  parentPort!.postMessage({ id, result: parseAndScan(task.parse, scan, stored) });
});
