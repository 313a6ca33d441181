/**
 * Every CLI command looks the same: a name, its usage text, its options
 * for node's parseArgs, and a run function returning the exit code
 * (0 all good, 1 some of the work failed, 2 usage error, 3 library busy: another
 * process is writing it and the command was told not to wait).
 */
import type { ParseArgsConfig } from 'node:util';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Io {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  usage: string;
  options: Options;
  /** Whether positional arguments are allowed. */
  positionals?: boolean;
  run(values: Values, positionals: string[], io: Io): Promise<number> | number;
}

export const EXIT = { ok: 0, partial: 1, usage: 2, busy: 3 } as const;

export class UsageError extends Error {}

/** The library is being written by someone else (exit code 3). */
export class BusyError extends Error {}

/** Options every command that touches a library has. */
export const libraryOption: Options = {
  library: { type: 'string' },
  dict: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};
