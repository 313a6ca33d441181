import { Worker, type WorkerOptions } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The compiled worker script at `url` (next to the calling module): itself when engram runs
 * from dist/, its dist/ twin when the TypeScript sources run (tests, once `tsc` has built
 * dist/); undefined when there is none, and the caller does the work on its own thread.
 */
export function compiledScript(url: URL): string | undefined {
  const js = fileURLToPath(url);
  if (existsSync(js)) return js;
  const at = js.lastIndexOf(`${sep}src${sep}`);
  const built = at === -1 ? undefined : `${js.slice(0, at)}${sep}dist${sep}${js.slice(at + 5)}`;
  return built !== undefined && existsSync(built) ? built : undefined;
}

/**
 * The node options every worker thread engram starts (parse workers, search threads) gets:
 * the process's, without those that only say how to read the main program (`--input-type`,
 * `--eval`, `--print`). A worker refuses to start with them, so an ingest run from
 * `node --input-type=module -e …` lost its parse worker, and a server's search threads failed
 * every search.
 */
export function workerExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i]!;
    if (/^--input-type=/.test(a) || /^--(eval|print)=/.test(a)) continue;
    if (a === '--input-type' || a === '-e' || a === '--eval' || a === '-p' || a === '--print' || a === '-pe') {
      i++; // and its value
      continue;
    }
    out.push(a);
  }
  return out;
}

/**
 * Start a worker thread with the node options a worker takes (`workerExecArgv` unless
 * `options.execArgv` says). Options that act on the whole process — V8's (`--max-old-space-size`,
 * `--expose-gc`, `--trace-gc`) and per-process ones (`--title`, `--stack-size`) — already
 * apply to every thread, and the Worker constructor throws when given them
 * (ERR_WORKER_INVALID_EXEC_ARGV, naming them): they are left out and the worker started again.
 * Before, `node --max-old-space-size=8192 engram ingest` stopped at once.
 */
export function startWorker(script: string | URL, options: WorkerOptions): Worker {
  let execArgv = options.execArgv ?? workerExecArgv();
  for (;;) {
    try {
      return new Worker(script, { ...options, execArgv });
    } catch (e) {
      const refused = refusedOptions(e);
      const left = execArgv.filter((a) => !refused.has(a));
      if (left.length === execArgv.length) throw e;
      execArgv = left;
    }
  }
}

/** The options a Worker constructor refused, from its error (its message lists them: "…flags: --a, --b"). */
function refusedOptions(e: unknown): Set<string> {
  const err = e as { code?: string; message?: string };
  if (err?.code !== 'ERR_WORKER_INVALID_EXEC_ARGV' || typeof err.message !== 'string') return new Set();
  const at = err.message.indexOf(': ');
  return new Set(at < 0 ? [] : err.message.slice(at + 2).split(', '));
}
