import { resolve } from 'node:path';
import { dialectByName } from '../../export/dialects.js';
import { exportPages } from '../../export/pages.js';
import { writeExport } from '../../export/write.js';
import { EXIT, libraryOption, UsageError, type Command } from '../command.js';
import { openFor } from '../library.js';

export const exportCommand: Command = {
  name: 'export',
  usage: `engram export logseq|obsidian DIR [--library DIR] [--json]

Writes a page per document (date, source and URL as properties, its summary, the passages
that mention people, companies, models and concepts, with timestamp links) and a page per
entity, linked with [[ ]] so the notes app's graph and backlinks work.
  logseq    DIR/pages/*.md (open DIR as a Logseq graph, or copy pages/ into yours)
  obsidian  DIR/Documents/*.md and DIR/Entities/*.md (open DIR as a vault, or a folder of one)

Exporting again rewrites only pages that changed. Pages you wrote, and exported pages you
edited, are never touched (they are listed). DIR/.engram-export.json records what engram wrote.

Exit code: 0 done, 1 some pages were left alone because you wrote or edited them, or could
not be written (each is listed; the others are written), 2 usage error.`,
  options: { ...libraryOption, json: { type: 'boolean' } },
  positionals: true,
  run(values, positionals, io) {
    const [format, dir] = positionals;
    const dialect = format ? dialectByName(format) : undefined;
    if (!dialect || !dir || positionals.length !== 2) throw new UsageError('export needs a format (logseq or obsidian) and a folder');
    const { db } = openFor(values, io);
    try {
      const report = writeExport(resolve(dir), dialect.name, exportPages(db, dialect));
      if (values.json) io.out.write(JSON.stringify(report, null, 2) + '\n');
      else {
        io.out.write(`${report.written} pages written, ${report.unchanged} unchanged, ${report.removed} removed\n`);
        for (const f of report.keptEdited) io.err.write(`  kept your edits: ${f}\n`);
        for (const f of report.notOurs) io.err.write(`  not engram's, left alone: ${f}\n`);
        for (const f of report.failed) io.err.write(`  could not write ${f.file}: ${f.reason}\n`);
      }
      return report.keptEdited.length || report.notOurs.length || report.failed.length ? EXIT.partial : EXIT.ok;
    } finally {
      db.close();
    }
  },
};
