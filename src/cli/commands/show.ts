import { findDocumentId, getDocument } from '../../store/read.js';
import { formatTimecode } from '../../formats/media.js';
import { libraryOption, UsageError, type Command } from '../command.js';
import { openFor } from '../library.js';
import { printable, printableText } from '../printable.js';

export const showCommand: Command = {
  name: 'show',
  usage: `engram show ID|URL|VIDEO_ID [--library DIR] [--json] [--boilerplate]

Options:
  --json          the whole document as JSON (renditions with their passages)
  --boilerplate   also print passages set aside as LLM boilerplate`,
  options: { ...libraryOption, json: { type: 'boolean' }, boilerplate: { type: 'boolean' } },
  positionals: true,
  run(values, positionals, io) {
    const ref = positionals.join(' ').trim();
    if (!ref) throw new UsageError('show needs a document ID, media URL or YouTube video ID');
    const { db } = openFor(values, io);
    try {
      const id = findDocumentId(db, ref);
      const doc = id === undefined ? undefined : getDocument(db, id, { bodies: Boolean(values.json) });
      if (!doc) {
        io.err.write(`engram: no document "${printable(ref)}" in the library (try \`engram search\`)\n`);
        return 1;
      }
      if (values.json) {
        io.out.write(JSON.stringify(doc, null, 2) + '\n');
        return 0;
      }
      const m = doc.metadata;
      io.out.write(`${doc.title ? printable(doc.title) : '(untitled)'}\n`);
      const lines: [string, unknown][] = [
        ['id', doc.id], ['date', doc.date], ['source', doc.source], ['url', doc.url], ['number', m.number],
        ['category', m.category], ['keywords', m.keywords?.join(' | ')], ['speakers', doc.speakers.join(', ')],
      ];
      for (const [k, v] of lines) if (v !== undefined && v !== null && v !== '') io.out.write(`  ${k.padEnd(9)}${printable(String(v))}\n`);
      if (doc.origins.length) io.out.write(`  ${'origins'.padEnd(9)}${doc.origins.map(printable).join('\n           ')}\n`);
      for (const r of doc.renditions) {
        const g = r.generated;
        const made = g ? (g.status === 'failed' ? `, FAILED: ${g.reason}` : `, generated ${g.date.slice(0, 10)}${g.model ? ` by ${g.model}` : ''}`) : '';
        io.out.write(`\n${printable(`== ${r.kind} (${r.format}, ${r.origins.join(' = ')}, ${r.passageCount} passages${r.metadata.model ? `, model ${r.metadata.model}` : ''}${made}) ==`)}\n`);
        for (const p of r.passages ?? []) {
          if (p.role === 'boilerplate' && !values.boilerplate) continue;
          const head = [p.start != null ? `[${formatTimecode(p.start)}]` : '', p.speaker ? `${printable(p.speaker)}:` : '', p.role === 'boilerplate' ? '(boilerplate)' : '']
            .filter(Boolean).join(' ');
          const text = p.role === 'heading' ? `${'#'.repeat(p.depth ?? 1)} ${p.text}` : p.text;
          io.out.write(`${head ? head + ' ' : ''}${printableText(text)}\n`);
        }
      }
      return 0;
    } finally {
      db.close();
    }
  },
};
