import { formatNames, parserByName } from '../../formats/index.js';
import { DEFAULT_LIMITS, ingest, type IngestFailure, type IngestReport, type SizeLimits } from '../../pipeline/ingest.js';
import { BusyError, EXIT, libraryOption, UsageError, type Command, type Io, type Values } from '../command.js';
import { noWaitOption, openForWriting } from '../library.js';
import { progressBar } from '../progress.js';
import { printable } from '../printable.js';

export const ingestCommand: Command = {
  name: 'ingest',
  usage: `engram ingest PATH... [--library DIR] [--format NAME] [--source NAME] [--no-wait] [--json]

Reads every file under each PATH, detects its format by content, and adds its documents.
Files already ingested and unchanged are skipped; changed files replace what they gave before.

Options:
  --format NAME   parse every file as NAME (${formatNames().join(', ')})
  --source NAME   source name for documents whose files do not name one
                  (default: the first folder under PATH)
  --dict FILE     extra dictionary words for Chinese segmentation (jieba format)
  --max-text-mb N largest text file read, in MB (default ${DEFAULT_LIMITS.textBytes / 2 ** 20}); larger ones are skipped and reported
  --max-json-mb N largest JSON file read, in MB (default ${DEFAULT_LIMITS.jsonBytes / 2 ** 20})
  --library DIR   library folder (default: $ENGRAM_HOME or the per-user data folder)
  --no-wait       if another ingest is writing to the library, stop at once (exit 3)
                  instead of waiting for it
  --json          print the report as JSON

Exit code: 0 all files ingested, 1 some files failed (listed with reasons), 2 usage error,
3 library busy (another process is writing it, and --no-wait was given).`,
  options: {
    ...libraryOption, ...noWaitOption, format: { type: 'string' }, source: { type: 'string' }, json: { type: 'boolean' },
    'max-text-mb': { type: 'string' }, 'max-json-mb': { type: 'string' },
  },
  positionals: true,
  async run(values, paths, io) {
    if (paths.length === 0) throw new UsageError('ingest needs at least one PATH');
    if (values.format && !parserByName(values.format as string)) {
      throw new UsageError(`unknown format "${values.format}"; known: ${formatNames().join(', ')}`);
    }
    const limits = sizeLimits(values);
    const library = await openForWriting(values, io, 'ingest');
    const bar = progressBar(io.err);
    let report: IngestReport;
    try {
      report = await ingest(library.db, paths, { format: values.format as string | undefined, source: values.source as string | undefined, limits, onProgress: bar.update });
    } catch (e) {
      // Only a program that ignores the writer lock can hold the database itself.
      if ((e as { code?: string }).code === 'SQLITE_BUSY') {
        throw new BusyError('another program is writing to the library database (not through engram); what was committed is kept: run the ingest again when it is done');
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

/** `file:line: reason`, safe for the terminal (names and reasons quote file names). */
function located(p: IngestFailure): string {
  return printable(`${p.file}${p.line ? `:${p.line}` : ''}: ${p.reason}`);
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

function printReport(r: IngestReport, io: Io): void {
  const secs = r.elapsedMs / 1000;
  const docs = r.documents;
  io.out.write(
    `${r.files} files, ${(r.bytes / 1e6).toFixed(1)} MB in ${secs.toFixed(1)} s` +
      ` (${(r.bytes / 1e6 / Math.max(secs, 1e-3)).toFixed(1)} MB/s)\n` +
      `documents: ${docs.added} added, ${docs.updated} updated, ${docs.unchanged} unchanged\n` +
      `renditions written: ${r.renditions}, passages: ${r.passages}, boilerplate blocks set aside: ${r.boilerplate}\n`,
  );
  if (r.joinedByFolder.length) {
    io.out.write(`joined by folder (${r.joinedByFolder.length} files that name no media item, joined to the one their folder is about):\n`);
    for (const j of r.joinedByFolder.slice(0, 20)) io.out.write(`  ${printable(`${j.file} → ${j.document} (${j.why})`)}\n`);
    if (r.joinedByFolder.length > 20) io.out.write(`  … and ${r.joinedByFolder.length - 20} more (use --json for all)\n`);
  }
  if (r.warnings.length) {
    io.out.write(`warnings (${r.warnings.length}):\n`);
    for (const w of r.warnings.slice(0, 20)) io.out.write(`  ${located(w)}\n`);
    if (r.warnings.length > 20) io.out.write(`  … and ${r.warnings.length - 20} more (use --json for all)\n`);
  }
  if (r.failures.length) {
    io.err.write(`failed (${r.failures.length} files, skipped; the rest was ingested):\n`);
    for (const f of r.failures) io.err.write(`  ${located(f)}\n`);
  }
  if (r.skipped.length) {
    io.out.write(`skipped (${r.skipped.length}):\n`);
    for (const s of r.skipped) io.out.write(`  ${located(s)}\n`);
  }
}
