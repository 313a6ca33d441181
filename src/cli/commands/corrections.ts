import { findDocumentId } from '../../store/read.js';
import { listCorrections, revertCorrection } from '../../terms/store.js';
import { EXIT, libraryOption, UsageError, type Command } from '../command.js';
import { openFor } from '../library.js';

export const correctionsCommand: Command = {
  name: 'corrections',
  usage: `engram corrections [--document ID|URL] [--json]
engram corrections revert ID

Recognition errors corrected at ingest (面臂智能 → 面壁智能, Dipsick → DeepSeek): each with
what was heard, the correction, its confidence and its reason. The text keeps what was heard;
search finds both. A revert is permanent: the next ingest does not apply it again.

Options:
  --document ID   only this document (its ID, media URL or video ID)
  --json          an array of {id, document, origin, line, start, original, corrected, confidence, reason}

Exit code: 0 done, 1 no such correction or document, 2 usage error.`,
  options: { ...libraryOption, document: { type: 'string' }, json: { type: 'boolean' } },
  positionals: true,
  run(values, positionals, io) {
    const [action, id, ...extra] = positionals;
    if (action !== undefined && action !== 'revert') throw new UsageError(`unknown action "${action}" (did you mean \`engram corrections revert ID\`?)`);
    if (action === 'revert' && (!id || extra.length)) throw new UsageError('corrections revert needs one correction ID');
    const { db } = openFor(values, io);
    try {
      if (action === 'revert') {
        const row = revertCorrection(db, id!);
        if (!row) {
          io.err.write(`engram: no correction "${id}" (list them with \`engram corrections\`)\n`);
          return EXIT.partial;
        }
        if (values.json) io.out.write(JSON.stringify(row, null, 2) + '\n');
        else io.out.write(`reverted ${row.id}: "${row.corrected}" is "${row.original}" again in ${row.origin}${row.line ? `:${row.line}` : ''}\n`);
        return EXIT.ok;
      }
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
