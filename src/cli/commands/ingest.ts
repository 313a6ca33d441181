import { formatNames, parserByName } from '../../formats/index.js';
import { DEFAULT_LIMITS, ingest, type IngestFailure, type IngestReport, type SizeLimits } from '../../pipeline/ingest.js';
import { BusyError, EXIT, libraryOption, UsageError, type Command, type Io, type Values } from '../command.js';
import { noWaitOption, openForWriting } from '../library.js';
import { progressBar } from '../progress.js';
import { printable } from '../printable.js';

export const ingestCommand: Command = {
  name: 'ingest',
  usage: `engram ingest PATH... [--library DIR] [--format NAME] [--source NAME] [--prune] [--no-wait] [--json]

Reads every file under each PATH, detects its format by content, and adds its documents.
Files already ingested and unchanged are skipped; changed files replace what they gave before.
The same text is stored once wherever it lives (a copied folder adds origins, not copies);
a file found at a new path whose old path is gone is recognized as moved.

Options:
  --format NAME   parse every file as NAME (${formatNames().join(', ')})
  --source NAME   source name for documents whose files do not name one
                  (default: the first folder under PATH)
  --dict FILE     extra dictionary words for Chinese segmentation (jieba format)
  --max-text-mb N largest text file read, in MB (default ${DEFAULT_LIMITS.textBytes / 2 ** 20}); larger ones are skipped and reported
  --max-json-mb N largest JSON file read, in MB (default ${DEFAULT_LIMITS.jsonBytes / 2 ** 20})
  --prune         forget files ingested before under PATH that are gone (see engram forget)
  --library DIR   library folder (default: $ENGRAM_HOME or the per-user data folder)
  --no-wait       if another ingest is writing to the library, stop at once (exit 3)
                  instead of waiting for it
  --json          print the report as JSON

Exit code: 0 all files ingested, 1 some files failed (listed with reasons), 2 usage error,
3 library busy (another process is writing it, and --no-wait was given).`,
  options: {
    ...libraryOption, ...noWaitOption, format: { type: 'string' }, source: { type: 'string' }, json: { type: 'boolean' },
    'max-text-mb': { type: 'string' }, 'max-json-mb': { type: 'string' }, prune: { type: 'boolean' },
  },
  positionals: true,
  async run(values, paths, io) {
    if (paths.length === 0) throw new UsageError('ingest needs at least one PATH');
    if (values.format && !parserByName(values.format as string)) {
      throw new UsageError(`unknown format "${values.format}"; known: ${formatNames().join(', ')}`);
    }
    const limits = sizeLimits(values);
    const library = await openForWriting(values, io, 'ingest', 'create');
    const bar = progressBar(io.err);
    let report: IngestReport;
    try {
      report = await ingest(library.db, paths, { format: values.format as string | undefined, source: values.source as string | undefined, limits, prune: Boolean(values.prune), onProgress: bar.update });
    } catch (e) {
      // Only a writer that does not take the writer lock (engram update, another program) can hold the database this long.
      if ((e as { code?: string }).code === 'SQLITE_BUSY') {
        throw new BusyError('the library database stayed locked by another writer (engram update, or another program) for over 5 s; what was committed is kept: run the ingest again when it is done');
      }
      throw e;
    } finally {
      bar.done();
      library.close();
    }
    if (values.json) io.out.write(JSON.stringify(report, null, 2) + '\n');
    else printReport(report, io);
    return report.failures.length ? EXIT.partial : EXIT.ok;
  },
};

function printReport(r: IngestReport, io: Io): void {
  const secs = r.elapsedMs / 1000;
  const docs = r.documents;
  io.out.write(
    `${r.files} files, ${(r.bytes / 1e6).toFixed(1)} MB in ${secs.toFixed(1)} s` +
      ` (${(r.bytes / 1e6 / Math.max(secs, 1e-3)).toFixed(1)} MB/s)\n` +
      `documents: ${docs.added} added, ${docs.updated} updated, ${docs.unchanged} unchanged${docs.removed ? `, ${docs.removed} removed (no file gives them any more)` : ''}\n` +
      `renditions written: ${r.renditions}${r.shared ? ` (+${r.shared} identical to a text already stored: kept once, as another origin)` : ''}` +
      `, passages: ${r.passages}, boilerplate blocks set aside: ${r.boilerplate}\n`,
  );
  if (r.terms && r.terms.documents) {
    const llm = r.terms.llm ? `, LLM chose ${r.terms.llm.chosen} of ${r.terms.llm.asked} held spans` : '';
    io.out.write(`terms: ${r.terms.corrections} recognition errors corrected${llm} (engram corrections), ${r.terms.mentions} entity mentions in ${r.terms.documents} documents (${(r.terms.elapsedMs / 1000).toFixed(1)} s)\n`);
  }
  list(io.out, 'moved (the old path is gone; its record now points here)', r.moved.map((m) => `${m.from} → ${m.to}`));
  list(io.out, 'joined by folder (files that name no media item, joined to the one their folder is about)',
    r.joinedByFolder.map((j) => `${j.file} → ${j.document} (${j.why})`));
  list(io.out, 'warnings', r.warnings.map(located));
  list(io.out, 'skipped', r.skipped.map(located));
  if (r.forgotten.files.length) {
    list(io.out, `forgotten, gone from disk (documents: ${r.forgotten.documentsRemoved} removed, ${r.forgotten.documentsUpdated} updated)`, r.forgotten.files);
  }
  if (r.gone) io.out.write(`${r.gone} file${r.gone === 1 ? '' : 's'} ingested before under these paths ${r.gone === 1 ? 'is' : 'are'} gone: their documents stay until \`engram forget PATH\` or \`ingest --prune\`\n`);
  if (r.failures.length) {
    io.err.write(`failed (${r.failures.length} files, skipped; the rest was ingested):\n`);
    for (const f of r.failures) io.err.write(`  ${printable(located(f))}\n`);
  }
}

/** A titled list of lines (at most 20; --json has all), each made safe for the terminal. */
function list(out: NodeJS.WritableStream, title: string, lines: string[]): void {
  if (lines.length === 0) return;
  out.write(`${title} (${lines.length}):\n`);
  for (const l of lines.slice(0, 20)) out.write(`  ${printable(l)}\n`);
  if (lines.length > 20) out.write(`  … and ${lines.length - 20} more (use --json for all)\n`);
}

/** `file:line: reason`. */
function located(p: IngestFailure): string {
  return `${p.file}${p.line ? `:${p.line}` : ''}: ${p.reason}`;
}

function sizeLimits(values: Values): Partial<SizeLimits> {
  const mb = (flag: string): number | undefined => {
    const raw = values[flag] as string | undefined;
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!(n > 0)) throw new UsageError(`--${flag} takes a size in MB greater than 0, not "${raw}"`);
    return Math.round(n * 2 ** 20);
  };
  return { textBytes: mb('max-text-mb'), jsonBytes: mb('max-json-mb') };
}
