/**
 * The writer's heap during an ingest. After each full collection V8 lets a thread's heap grow
 * to what survived it times a factor that rises with how fast the thread fills its old
 * generation: up to 4 for a thread without a heap limit of its own on a machine with a few GB
 * (the writer's, the process's main thread), 1.3 for one capped at a few hundred MB (the parse
 * workers, pool.ts). The writer keeps ~100–150 MB between files (word lists, the lexicon index,
 * the scans kept for the terms stage, bounded caches), so its heap reached ~550 MB in a long
 * ingest, not in a short one: peak memory grew with the length of the ingest.
 *
 * A thread's heap cannot be capped once it runs (`--max-old-space-size` is read at start),
 * but the factor is read at every full collection: while an ingest runs, it is the workers' own
 * 1.3 for every thread (`--heap-growing-percent`), and V8's choice again after. Not when the
 * user set it for the process (node flags or NODE_OPTIONS): theirs stays.
 */
import { setFlagsFromString } from 'node:v8';

/** What the heap may grow to, as a share of what survived the last full collection: what V8 gives a capped worker. */
export const INGEST_HEAP_GROWING_PERCENT = 30;

const FLAG = '--heap-growing-percent';
let holders = 0;

/** Whether the user set the factor for this process (node flags, NODE_OPTIONS). */
export function userSetHeapGrowing(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  const named = (a: string) => /^--heap[-_]growing[-_]percent\b/.test(a);
  return execArgv.some(named) || nodeOptions.split(/\s+/).some(named);
}

/**
 * Hold the writer's heap to `INGEST_HEAP_GROWING_PERCENT` until the returned function is
 * called (once; ingests that overlap in one process share the setting until the last ends).
 */
export function boundHeapGrowth(): () => void {
  if (userSetHeapGrowing()) return () => {};
  if (holders++ === 0) setFlagsFromString(`${FLAG}=${INGEST_HEAP_GROWING_PERCENT}`);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    // 0 is V8's default: the factor it picks itself.
    if (--holders === 0) setFlagsFromString(`${FLAG}=0`);
  };
}
