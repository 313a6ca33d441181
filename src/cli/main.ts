/**
 * engram's command line: `engram COMMAND [options]`. Commands share one shape (command.ts);
 * this file only dispatches, parses options and turns errors into exit codes.
 */
import { parseArgs } from 'node:util';
import { EXIT, UsageError, type Command, type Io } from './command.js';
import { ingestCommand } from './commands/ingest.js';
import { searchCommand } from './commands/search.js';
import { statsCommand } from './commands/stats.js';
import { showCommand } from './commands/show.js';
import { demoCommand } from './commands/demo.js';
import { serveCommand } from './commands/serve.js';

export const commands: Command[] = [ingestCommand, searchCommand, showCommand, statsCommand, serveCommand, demoCommand];

const defaultIo: Io = { out: process.stdout, err: process.stderr, stdin: process.stdin, env: process.env };

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `engram — a local, searchable library of your videos, podcasts, posts and notes

Usage: engram COMMAND [options]     (engram COMMAND --help for a command's options)

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

The library lives in --library DIR, else $ENGRAM_HOME, else the per-user data folder.
`;
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out.write(help());
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === '-v') {
    io.out.write('engram 0.1.0\n');
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err.write(`engram: unknown command "${name}"\n\n${help()}`);
    return EXIT.usage;
  }
  try {
    const { values, positionals } = parseArgs({ args: rest, options: command.options, allowPositionals: command.positionals ?? false, strict: true });
    if (values.help) {
      io.out.write(command.usage + '\n');
      return EXIT.ok;
    }
    return await command.run(values, positionals, io);
  } catch (e) {
    const err = e as Error & { code?: string };
    if (e instanceof UsageError || err.code?.startsWith('ERR_PARSE_ARGS')) {
      io.err.write(`engram ${name}: ${err.message}\n\n${command.usage}\n`);
      return EXIT.usage;
    }
    io.err.write(`engram ${name}: ${err.message}\n`);
    return EXIT.partial;
  }
}
