/**
 * Worker thread entry: parses files sent by the pool (see pool.ts), one message per job.
 * It loads the same user dictionaries as the main thread so segmentation is identical.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadUserDictionary } from '../text/segment.js';
import { parseFile, type ParseJob, type ParseOutcome } from './parse-file.js';

const { dictionaries } = workerData as { dictionaries: string[] };
for (const d of dictionaries) loadUserDictionary(d);

parentPort!.on('message', ({ id, job }: { id: number; job: ParseJob }) => {
  let outcome: ParseOutcome;
  try {
    outcome = parseFile(job);
  } catch (e) {
    const record = { absPath: job.absPath, root: job.root, relPath: job.relPath, mtimeMs: job.mtimeMs, size: 0, contentHash: '' };
    outcome = { kind: 'failed', record, reason: `internal error: ${(e as Error).message}` };
  }
  parentPort!.postMessage({ id, outcome });
});
