/**
 * engram's command line: `engram COMMAND [options]`. Commands share one shape (command.ts);
 * this file only dispatches, parses options and turns errors into exit codes.
 */
import { parseArgs } from 'node:util';
import { BusyError, EXIT, UsageError, type Command, type Io } from './command.js';
import { printableText } from './printable.js';
/**
 * Commands load on demand: `engram stats` should not pay for the web server's modules.
 * The summaries here are what `engram --help` lists.
 */
const registry: { name: string; summary: string; load: () => Promise<Command> }[] = [
  { name: 'ingest', summary: 'add files and folders (recursively) to the library', load: async () => (await import('./commands/ingest.js')).ingestCommand },
  { name: 'forget', summary: 'remove what files under a path gave (folders deleted or moved away)', load: async () => (await import('./commands/forget.js')).forgetCommand },
  { name: 'search', summary: 'find passages across every source, in either Chinese script or English', load: async () => (await import('./commands/search.js')).searchCommand },
  { name: 'show', summary: 'one document: metadata, renditions, passages', load: async () => (await import('./commands/show.js')).showCommand },
  { name: 'summarize', summary: 'summaries (and cleaned transcripts) with checked quotes; extractive ones offline', load: async () => (await import('./commands/summarize.js')).summarizeCommand },
  { name: 'quotes', summary: 'check the quotes of a document\'s summaries against its transcripts', load: async () => (await import('./commands/quotes.js')).quotesCommand },
  { name: 'stats', summary: 'what the library holds: documents, passages, renditions, sources', load: async () => (await import('./commands/stats.js')).statsCommand },
  { name: 'entity', summary: 'one person, company, model or concept: aliases, documents, mentions by month, passages', load: async () => (await import('./commands/entities.js')).entityCommand },
  { name: 'entities', summary: 'who and what the library talks about, with counts', load: async () => (await import('./commands/entities.js')).entitiesCommand },
  { name: 'corrections', summary: 'recognition errors corrected at ingest; revert one', load: async () => (await import('./commands/corrections.js')).correctionsCommand },
  { name: 'export', summary: 'write Logseq or Obsidian pages for documents and entities, linked for graph and backlinks', load: async () => (await import('./commands/export.js')).exportCommand },
  { name: 'embed', summary: 'compute embedding vectors for semantic search (an OpenAI-compatible endpoint)', load: async () => (await import('./commands/embed.js')).embedCommand },
  { name: 'lexicon', summary: 'names and terms searches expand across scripts and languages: add, remove, list, expand', load: async () => (await import('./commands/lexicon.js')).lexiconCommand },
  { name: 'ask', summary: 'answer a question from the library, with checked citations to the passages', load: async () => (await import('./commands/ask.js')).askCommand },
  { name: 'digest', summary: 'the documents of a period as an archive page, a feed, a web page or an email', load: async () => (await import('./commands/digest.js')).digestCommand },
  { name: 'source', summary: 'follow YouTube channels, podcast feeds, Xiaoyuzhou shows and folders (add, list, remove, import, export)', load: async () => (await import('./commands/source.js')).sourceCommand },
  { name: 'update', summary: 'fetch new items of followed sources: transcripts, subtitles, or audio for recognition', load: async () => (await import('./commands/update.js')).updateCommand },
  { name: 'jobs', summary: 'items of followed sources waiting or failed; retry them', load: async () => (await import('./commands/jobs.js')).jobsCommand },
  { name: 'serve', summary: 'read, search and browse the library in the browser', load: async () => (await import('./commands/serve.js')).serveCommand },
  { name: 'mcp', summary: 'let an AI assistant search and read the library (Model Context Protocol over stdio)', load: async () => (await import('./commands/mcp.js')).mcpCommand },
  { name: 'demo', summary: 'build the sample library the project ships, show its stats and an example search, serve it', load: async () => (await import('./commands/demo.js')).demoCommand },
];

const defaultIo: Io = { out: process.stdout, err: process.stderr, stdin: process.stdin, env: process.env };

function help(): string {
  const width = Math.max(...registry.map((c) => c.name.length));
  return `engram — a local, searchable library of your videos, podcasts, posts and notes

Usage: engram COMMAND [options]     (engram COMMAND --help for a command's options)

Commands:
${registry.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

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
  const entry = registry.find((c) => c.name === name);
  if (!entry) {
    io.err.write(`engram: unknown command "${name}"\n\n${help()}`);
    return EXIT.usage;
  }
  const command = await entry.load();
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
      io.err.write(`engram ${name}: ${printableText(err.message)}\n\n${command.usage}\n`);
      return EXIT.usage;
    }
    io.err.write(`engram ${name}: ${printableText(fileSystemMessage(err) ?? err.message)}\n`);
    return e instanceof BusyError ? EXIT.busy : EXIT.partial;
  }
}

/** Node's file errors (`EEXIST: file already exists, mkdir '/x'`) as a sentence about the path. */
function fileSystemMessage(err: Error & { code?: string; path?: string; syscall?: string }): string | undefined {
  const path = err.path;
  if (!path) return undefined;
  switch (err.code) {
    case 'EEXIST': return err.syscall === 'mkdir' ? `${path} is a file, not a folder` : undefined;
    case 'EISDIR': return `${path} is a folder, not a file`;
    case 'ENOTDIR': return `${path}: a part of this path is a file, not a folder`;
    // mkdir of a folder whose parent exists says ENOENT on file systems that take no new folders (/proc).
    case 'ENOENT': return err.syscall === 'mkdir' ? `cannot create the folder ${path}: its file system takes no new folders` : `${path} does not exist`;
    case 'EACCES': case 'EPERM': return `no permission to ${err.syscall ?? 'use'} ${path}`;
    case 'ENOSPC': return `no space left on the device for ${path}`;
    case 'EROFS': return `${path} is on a read-only file system`;
    default: return undefined;
  }
}
