import { allFiles, filesAt, forgetFiles, goneFiles, type Forgotten } from '../../store/files.js';
import { pruneSources } from '../../store/write.js';
import { refreshSummaryTimes } from '../../quotes/refresh.js';
import { libraryOption, UsageError, type Command } from '../command.js';
import { noWaitOption, openForWriting } from '../library.js';
import { printable } from '../printable.js';
import { statusLine } from '../progress.js';

export const forgetCommand: Command = {
  name: 'forget',
  usage: `engram forget PATH... [--missing] [--library DIR] [--no-wait] [--json]
engram forget --missing

Removes from the library what the files at or under each PATH gave: their renditions and
passages, and documents nothing else describes. A text that other files share stays with
them. For folders deleted or moved out of reach, or that should leave the library
(ingesting PATH again brings them back).

Options:
  --missing       only files that are gone from disk; without PATH, every such file
  --no-wait       if another ingest is writing to the library, stop at once (exit 3)
  --json          print {files, documentsRemoved, documentsUpdated}

Exit code: 0 done (also when nothing matched), 2 usage error, 3 library busy.`,
  options: { ...libraryOption, ...noWaitOption, missing: { type: 'boolean' }, json: { type: 'boolean' } },
  positionals: true,
  async run(values, paths, io) {
    if (paths.length === 0 && !values.missing) throw new UsageError('forget needs a PATH (or --missing for every file that is gone)');
    const library = await openForWriting(values, io, 'forget');
    let result: Forgotten;
    const status = statusLine(io.err);
    try {
      const { db } = library;
      const known = paths.length ? paths.flatMap((p) => filesAt(db, p)) : allFiles(db);
      result = db.transaction(() => {
        const r = forgetFiles(db, values.missing ? goneFiles(known) : known);
        pruneSources(db);
        // A transcript forgotten changes what a summary's quotes are checked against.
        // After a large folder this can take seconds: a status line says so on a terminal.
        refreshSummaryTimes(db, undefined, (done, total) => status.update(`checking summaries' quotes: ${done}/${total}`, done === total));
        return r;
      })();
    } finally {
      status.done();
      library.close();
    }
    if (values.json) {
      io.out.write(JSON.stringify(result, null, 2) + '\n');
      return 0;
    }
    if (result.files.length === 0) {
      io.out.write(`nothing to forget: no${values.missing ? ' missing' : ''} file recorded${paths.length ? ` under ${paths.map(printable).join(', ')}` : ''}\n`);
      return 0;
    }
    io.out.write(
      `forgot ${result.files.length} file${result.files.length === 1 ? '' : 's'}; documents: ${result.documentsRemoved} removed, ` +
        `${result.documentsUpdated} updated${result.documentsUpdated ? ' (kept: other files still describe them)' : ''}\n`,
    );
    for (const f of result.files.slice(0, 20)) io.out.write(`  ${printable(f)}\n`);
    if (result.files.length > 20) io.out.write(`  … and ${result.files.length - 20} more (use --json for all)\n`);
    return 0;
  },
};
