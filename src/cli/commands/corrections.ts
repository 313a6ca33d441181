import { findDocumentId } from '../../store/read.js';
import { listCorrections, revertCorrection } from '../../terms/store.js';
import { EXIT, libraryOption, UsageError, type Command } from '../command.js';
import { noWaitOption, openFor, openForWriting } from '../library.js';

export const correctionsCommand: Command = {
  name: 'corrections',
  usage: `engram corrections [--document ID|URL] [--json]
engram corrections revert ID [--no-wait]

Recognition errors corrected at ingest (面臂智能 → 面壁智能, Dipsick → DeepSeek): each with
what was heard, the correction, its confidence and its reason. The text keeps what was heard;
search finds both. A revert is permanent: the next ingest does not apply it again.

Options:
  --document ID   only this document (its ID, media URL or video ID)
  --json          an array of {id, document, origin, line, start, original, corrected, confidence, reason}
  --no-wait       revert: if another process is writing to the library, stop at once (exit 3)

Exit code: 0 done, 1 no such correction or document, 2 usage error, 3 library busy (revert --no-wait).`,
  options: { ...libraryOption, ...noWaitOption, document: { type: 'string' }, json: { type: 'boolean' } },
  positionals: true,
  async run(values, positionals, io) {
    const [action, id, ...extra] = positionals;
    if (action !== undefined && action !== 'revert') throw new UsageError(`unknown action "${action}" (did you mean \`engram corrections revert ID\`?)`);
    if (action === 'revert' && (!id || extra.length)) throw new UsageError('corrections revert needs one correction ID');
    if (action === 'revert') {
      // A revert writes the passage back and re-indexes it: as a writer, after any ingest running.
      const library = await openForWriting(values, io, 'corrections revert');
      try {
        const row = revertCorrection(library.db, id!);
        if (!row) {
          io.err.write(`engram: no correction "${id}" (list them with \`engram corrections\`)\n`);
          return EXIT.partial;
        }
        if (values.json) io.out.write(JSON.stringify(row, null, 2) + '\n');
        else io.out.write(`reverted ${row.id}: "${row.corrected}" is "${row.original}" again in ${row.origin}${row.line ? `:${row.line}` : ''}\n`);
        return EXIT.ok;
      } finally {
        library.close();
      }
    }
    const { db } = openFor(values, io);
    try {
      let documentId: number | undefined;
      if (values.document) {
        documentId = findDocumentId(db, values.document as string);
        if (documentId === undefined) {
          io.err.write(`engram: no document "${values.document}" in the library\n`);
          return EXIT.partial;
        }
      }
      const rows = listCorrections(db, { documentId });
      if (values.json) {
        io.out.write(JSON.stringify(rows, null, 2) + '\n');
        return EXIT.ok;
      }
      for (const r of rows) {
        io.out.write(`${r.id}  ${r.origin}${r.line ? `:${r.line}` : ''}  ${r.original} → ${r.corrected}  (${Math.round(r.confidence * 100)}%: ${r.reason})\n`);
      }
      io.out.write(`${rows.length} correction${rows.length === 1 ? '' : 's'}\n`);
      return EXIT.ok;
    } finally {
      db.close();
    }
  },
};
