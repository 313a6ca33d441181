import { formatNames, parserByName } from '../../formats/index.js';
import { ingest, type IngestReport } from '../../pipeline/ingest.js';
import { EXIT, libraryOption, UsageError, type Command, type Io } from '../command.js';
import { openFor } from '../library.js';
import { progressBar } from '../progress.js';

export const ingestCommand: Command = {
  name: 'ingest',
  usage: `engram ingest PATH... [--library DIR] [--format NAME] [--source NAME] [--json]

Reads every file under each PATH, detects its format by content, and adds its documents.
Files already ingested and unchanged are skipped; changed files replace what they gave before.

Options:
  --format NAME   parse every file as NAME (${formatNames().join(', ')})
  --source NAME   source name for documents whose files do not name one
                  (default: the first folder under PATH)
  --dict FILE     extra dictionary words for Chinese segmentation (jieba format)
  --library DIR   library folder (default: $ENGRAM_HOME or the per-user data folder)
  --json          print the report as JSON

Exit code: 0 all files ingested, 1 some files failed (listed with reasons), 2 usage error.`,
  options: { ...libraryOption, format: { type: 'string' }, source: { type: 'string' }, json: { type: 'boolean' } },
  positionals: true,
  async run(values, paths, io) {
    if (paths.length === 0) throw new UsageError('ingest needs at least one PATH');
    if (values.format && !parserByName(values.format as string)) {
      throw new UsageError(`unknown format "${values.format}"; known: ${formatNames().join(', ')}`);
    }
    const { db } = openFor(values, io, 'write');
    const bar = progressBar(io.err);
    let report: IngestReport;
    try {
      report = await ingest(db, paths, { format: values.format as string | undefined, source: values.source as string | undefined, onProgress: bar.update });
    } finally {
      bar.done();
      db.close();
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
      `documents: ${docs.added} added, ${docs.updated} updated, ${docs.unchanged} unchanged\n` +
      `renditions written: ${r.renditions}, passages: ${r.passages}, boilerplate blocks set aside: ${r.boilerplate}\n`,
  );
  if (r.terms && r.terms.documents) {
    const llm = r.terms.llm ? `, LLM chose ${r.terms.llm.chosen} of ${r.terms.llm.asked} held spans` : '';
    io.out.write(`terms: ${r.terms.corrections} recognition errors corrected${llm} (engram corrections), ${r.terms.mentions} entity mentions in ${r.terms.documents} documents (${(r.terms.elapsedMs / 1000).toFixed(1)} s)\n`);
  }
  if (r.warnings.length) {
    io.out.write(`warnings (${r.warnings.length}):\n`);
    for (const w of r.warnings.slice(0, 20)) io.out.write(`  ${w.file}${w.line ? `:${w.line}` : ''}: ${w.reason}\n`);
    if (r.warnings.length > 20) io.out.write(`  … and ${r.warnings.length - 20} more (use --json for all)\n`);
  }
  if (r.failures.length) {
    io.err.write(`failed (${r.failures.length} files, skipped; the rest was ingested):\n`);
    for (const f of r.failures) io.err.write(`  ${f.file}${f.line ? `:${f.line}` : ''}: ${f.reason}\n`);
  }
}
