import { libraryStats, listSources } from '../../store/read.js';
import { libraryOption, type Command } from '../command.js';
import { openFor } from '../library.js';
import { printable } from '../printable.js';

export const statsCommand: Command = {
  name: 'stats',
  usage: `engram stats [--library DIR] [--json]`,
  options: { ...libraryOption, json: { type: 'boolean' } },
  run(values, _p, io) {
    const { db, dir } = openFor(values, io);
    try {
      const stats = libraryStats(db);
      const sources = listSources(db);
      if (values.json) {
        io.out.write(JSON.stringify({ library: dir, ...stats, sourceList: sources }, null, 2) + '\n');
        return 0;
      }
      io.out.write(
        `library   ${printable(dir)}\n` +
          `documents ${stats.documents}\npassages  ${stats.passages} (${stats.boilerplatePassages} boilerplate, set aside)\n` +
          `renditions ${stats.renditions} (${Object.entries(stats.byKind).map(([k, n]) => `${k} ${n}`).join(', ')})\n` +
          `files     ${stats.files} ingested${stats.failedFiles ? `, ${stats.failedFiles} failed` : ''}\n` +
          `dates     ${stats.firstDate ?? '–'} … ${stats.lastDate ?? '–'}\n` +
          `sources   ${stats.sources}\n`,
      );
      for (const s of sources) {
        io.out.write(`  ${printable(s.name).padEnd(32)} ${String(s.documents).padStart(6)} docs  ${s.firstDate ?? ''}${s.lastDate ? ` … ${s.lastDate}` : ''}\n`);
      }
      return 0;
    } finally {
      db.close();
    }
  },
};
