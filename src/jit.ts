/**
 * V8's optimizing compiler, set for engram's work: the CLI sets it before a command runs, and
 * the benchmark, which measures what the CLI does, sets it the same way.
 *
 * An ingest keeps two isolates busy (the writer and a parse worker) on machines of two cores,
 * and each compiles the same parsers, segmenter and scanner. TurboFan's background compiles
 * took ~8 s of CPU in a whole-corpus ingest of ~27 s: time taken from the two threads that do
 * the work. Half of it went to functions compiled again after a deoptimization (code optimized
 * on the first files' shapes, then given another format's), and most of the rest to large
 * graphs from inlining. So:
 * - a function is optimized after 4× V8's default of work in the baseline tiers
 *   (`--interrupt-budget`), with 4× the type feedback: fewer lukewarm functions compiled, and
 *   fewer compiled again;
 * - a function inlines at most 300 bytes of bytecode (V8's default is 920).
 * With both, the isolates' background threads used ~4 s less CPU in a corpus ingest (11.5 →
 * 7.3 s) and the process ~3 s less, with search latency unchanged and the first search of a
 * process faster (benchmarks.md, eleventh round).
 *
 * Only compiler heuristics are set here: they are read as functions tier up and compile, so
 * setting them while the process runs is safe (not so every flag: `--single-threaded-gc` set
 * this way crashed V8). One the user gave node (`node --interrupt-budget=… engram …`) stays.
 */
import { setFlagsFromString } from 'node:v8';

export const COMPILER_FLAGS: readonly string[] = ['--interrupt-budget=270336', '--max-inlined-bytecode-size-cumulative=300'];

let tuned = false;

/** Set `COMPILER_FLAGS` for the whole process (worker threads too), once. */
export function tuneCompiler(): void {
  if (tuned) return;
  tuned = true;
  for (const flag of compilerFlags()) setFlagsFromString(flag);
}

/** `COMPILER_FLAGS` but those the user gave node (`execArgv`): theirs stay. */
export function compilerFlags(execArgv: readonly string[] = process.execArgv): string[] {
  const given = new Set(execArgv.map(flagName));
  return COMPILER_FLAGS.filter((flag) => !given.has(flagName(flag)));
}

/** A V8 flag's name, as V8 reads it (`--interrupt_budget=1` and `--interrupt-budget` are one flag). */
const flagName = (arg: string) => arg.replace(/=.*$/, '').replace(/_/g, '-');
