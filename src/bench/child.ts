/**
 * Measurements that need a fresh process, run by the benchmark as a child and reported as
 * one JSON line on stdout:
 *   node dist/bench/child.js ingest LIBRARY CORPUS...   → {ms, maxRssMb, documents, passages, failures}
 *   node dist/bench/child.js first-query LIBRARY QUERY → {sinceStartMs, searchMs, hits}
 * Peak RSS is the process's own (nothing else has run in it); "since start" counts from the
 * process's time origin, so it includes loading modules, the segmenter and the library.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);

/** Runs a measurement in a child process and returns its JSON report. */
export function inChild<T>(args: string[]): T {
  const r = spawnSync(process.execPath, [self, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{')) {
    throw new Error(`bench child ${args[0]} failed (exit ${r.status}): ${r.stderr.trim().slice(-2000)}`);
  }
  return JSON.parse(last) as T;
}

async function main(argv: string[]): Promise<void> {
  (await import('../jit.js')).tuneCompiler(); // as the CLI runs
  const [job, library, arg, ...more] = argv;
  if (job === 'ingest') {
    const { openLibrary } = await import('../store/db.js');
    const { ingest } = await import('../pipeline/ingest.js');
    const db = openLibrary(library!);
    const t = performance.now();
    const report = await ingest(db, [arg!, ...more]);
    const ms = performance.now() - t;
    db.close();
    const d = report.documents;
    console.log(JSON.stringify({
      ms, maxRssMb: (process.resourceUsage().maxRSS * 1024) / 1e6, bytes: report.bytes,
      documents: d.added + d.updated + d.unchanged, passages: report.passages, failures: report.failures.length,
    }));
  } else if (job === 'first-query') {
    const { openLibrary } = await import('../store/db.js');
    const { search } = await import('../search/search.js');
    const db = openLibrary(library!);
    const r = search(db, arg!);
    console.log(JSON.stringify({ sinceStartMs: performance.now(), searchMs: r.tookMs, hits: r.hits.length }));
    db.close();
  } else {
    console.error('usage: child.js ingest LIBRARY CORPUS... | first-query LIBRARY QUERY');
    process.exitCode = 2;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === self) await main(process.argv.slice(2));
