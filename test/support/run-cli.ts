/** Runs an engram command in this process (no spawn: fast), capturing stdout and stderr. */
import { Readable, Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface CliRun { code: number; out: string; err: string }

export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}, stdin = ''): Promise<CliRun> {
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void) => new Writable({ write(chunk, _e, cb) { f(String(chunk)); cb(); } });
  const code = await main(args, {
    out: sink((s) => (out += s)),
    err: sink((s) => (err += s)),
    stdin: Readable.from([stdin]),
    env: { PATH: process.env.PATH, ...env },
  });
  return { code, out, err };
}
