import { findEntity, getEntity, listEntities } from '../../entities/read.js';
import { ENTITY_TYPES, type EntityType } from '../../entities/names.js';
import { EXIT, libraryOption, UsageError, type Command } from '../command.js';
import { openFor } from '../library.js';

export const entityCommand: Command = {
  name: 'entity',
  usage: `engram entity NAME [--json]

One person, organization, product/model or concept, found by any of its names in any
script or spelling (习近平, 習近平, Xi Jinping): its aliases, the documents that mention it,
mentions by month, the entities mentioned with it, and its best passages.

  --json   {name, type, slug, aliases, documents, mentions, timeline: [{month, count}],
           related: [{name, count}], passages: [...]}

Exit code: 0 found, 1 not in the library, 2 usage error.`,
  options: { ...libraryOption, json: { type: 'boolean' } },
  positionals: true,
  run(values, positionals, io) {
    const name = positionals.join(' ').trim();
    if (!name) throw new UsageError('entity needs a NAME');
    const { db } = openFor(values, io);
    try {
      const id = findEntity(db, name);
      const e = id === undefined ? undefined : getEntity(db, id);
      if (!e) {
        io.err.write(`engram: no entity "${name}" in the library (list them with \`engram entities\`)\n`);
        return EXIT.partial;
      }
      if (values.json) {
        io.out.write(JSON.stringify(e, null, 2) + '\n');
        return EXIT.ok;
      }
      io.out.write(`${e.name}  (${e.type})\n`);
      if (e.aliases.length > 1) io.out.write(`  also    ${e.aliases.filter((a) => a !== e.name).join(', ')}\n`);
      io.out.write(`  in      ${e.documents.length} documents, ${e.mentions} mentions\n`);
      if (e.timeline.length) io.out.write(`  months  ${e.timeline.map((t) => `${t.month}:${t.count}`).join(' ')}\n`);
      if (e.related.length) io.out.write(`  with    ${e.related.slice(0, 10).map((r) => `${r.name} (${r.count})`).join(', ')}\n`);
      io.out.write('\n');
      for (const d of e.documents.slice(0, 20)) io.out.write(`  ${d.date ?? '          '}  ${d.title ?? '(untitled)'}  [${d.source ?? ''}] ×${d.mentions}\n`);
      return EXIT.ok;
    } finally {
      db.close();
    }
  },
};

export const entitiesCommand: Command = {
  name: 'entities',
  usage: `engram entities [--type ${ENTITY_TYPES.join('|')}] [--limit N] [--json]

Who and what the library talks about, most widespread first, with document and mention counts.

  --json   an array of {name, slug, type, aliases, documents, mentions}`,
  options: { ...libraryOption, type: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
  run(values, _p, io) {
    const type = values.type as string | undefined;
    if (type !== undefined && !(ENTITY_TYPES as readonly string[]).includes(type)) throw new UsageError(`--type is one of ${ENTITY_TYPES.join(', ')}`);
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError('--limit needs a positive whole number');
    const { db } = openFor(values, io);
    try {
      const list = listEntities(db, { type: type as EntityType | undefined, limit });
      if (values.json) {
        io.out.write(JSON.stringify(list.map(({ id: _id, ...e }) => e), null, 2) + '\n');
        return EXIT.ok;
      }
      for (const e of list) io.out.write(`${String(e.documents).padStart(5)} docs ${String(e.mentions).padStart(6)} mentions  ${e.type.padEnd(12)} ${e.name}\n`);
      return EXIT.ok;
    } finally {
      db.close();
    }
  },
};
