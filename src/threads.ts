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
