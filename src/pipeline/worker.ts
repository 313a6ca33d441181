/**
 * Worker thread entry: parses files and scans passages sent by the pool (see pool.ts), one
 * message per task. It loads the same user dictionaries as the main thread so segmentation is
 * identical, and builds its own lexicon index from the same entries in the same order (scans
 * name entries by position).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadUserDictionary } from '../text/segment.js';
import { TermIndex } from '../terms/term-index.js';
import { scanPassage } from '../terms/scan.js';
import { parseFile, type ParseOutcome } from './parse-file.js';
import type { WorkerResult, WorkerSetup, WorkerTask } from './pool.js';

const { dictionaries, lexicon } = workerData as WorkerSetup;
for (const d of dictionaries) loadUserDictionary(d);
let index: TermIndex | undefined;

parentPort!.on('message', ({ id, task }: { id: number; task: WorkerTask }) => {
  let result: WorkerResult;
  if ('scan' in task) {
    try {
      if (!lexicon) throw new Error('no lexicon to scan with');
      index ??= new TermIndex(lexicon);
      result = task.scan.map((p) => scanPassage(index!, p.text, p.alikes, p.simplified ?? p.text));
    } catch (e) {
      parentPort!.postMessage({ id, error: `scanning passages: ${(e as Error).message}` });
      return;
    }
  } else {
    const job = task.parse;
    try {
      result = parseFile(job);
    } catch (e) {
      const record = { absPath: job.absPath, root: job.root, relPath: job.relPath, mtimeMs: job.mtimeMs, size: 0, contentHash: '' };
      result = { kind: 'failed', record, reason: `internal error: ${(e as Error).message}` } satisfies ParseOutcome;
    }
  }
  parentPort!.postMessage({ id, result });
});
