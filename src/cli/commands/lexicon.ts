import { existsSync } from 'node:fs';
import { databasePath, libraryDir } from '../../store/db.js';
import { ENTITY_TYPES, type EntityType } from '../../lexicon/format.js';
import { entryForms } from '../../lexicon/lexicon.js';
import { loadLexicon, libraryLexiconPath } from '../../lexicon/load.js';
import { addToLibrary, LexiconEditError, removeFromLibrary, type EditResult } from '../../lexicon/library.js';
import { queryExpander } from '../../lexicon/index.js';
import { tokenize } from '../../text/segment.js';
import { toSimplified } from '../../text/fold.js';
import { foldWidth } from '../../text/normalize.js';
import { EXIT, libraryOption, UsageError, type Command, type Io, type Values } from '../command.js';
import { openFor, requireLibrary } from '../library.js';

export const lexiconCommand: Command = {
  name: 'lexicon',
  usage: `engram lexicon add NAME [--alias A]... [--type T] [--id ID]
engram lexicon remove NAME|ID [--alias A]...
engram lexicon list [TEXT] [--type T] [--mine] [--json]
engram lexicon expand QUERY [--json]
engram lexicon suggest [--min-documents N] [--json]

Names and terms that searches expand: a query for one name also finds its others
(英伟达, 輝達, NVIDIA; 黄仁勋, Jensen Huang; export controls, 出口管制). engram ships a
lexicon; this library's own entries live in LIBRARY/lexicon.txt (same format, editable).

  add      add a name with aliases; extends the entry that already has one of them
           (--id to choose), else creates one (--type ${ENTITY_TYPES.join('|')}; default:
           person for a Chinese name with its romanization, else concept)
  remove   remove this library's entry, or only the names given with --alias
           (shipped entries cannot be removed)
  list     entries whose names contain TEXT (any script); --mine: this library's only
  expand   what a query expands to in this library (names, terms, romanizations)
  suggest  names and terms this library keeps using that the lexicon lacks, with examples:
           names its summaries list and speakers, words no dictionary knows (accept one
           with \`engram lexicon add\`)

Options:
  --alias A   another name (repeat for several)
  --type T    ${ENTITY_TYPES.join(', ')}
  --json      machine-readable output`,
  options: {
    ...libraryOption, alias: { type: 'string', multiple: true }, type: { type: 'string' }, id: { type: 'string' },
    mine: { type: 'boolean' }, json: { type: 'boolean' }, 'min-documents': { type: 'string' },
  },
  positionals: true,
  run(values, positionals, io) {
    const [action, ...rest] = positionals;
    const dir = libraryDir(values.library as string | undefined, io.env);
    const text = rest.join(' ').trim();
    try {
      switch (action) {
        case 'add': {
          if (!text) throw new UsageError('lexicon add needs a NAME');
          // Into a library there is: a mistyped --library must not become a folder holding a lexicon.
          requireLibrary(dir, 'write');
          const result = addToLibrary(dir, { name: text, aliases: values.alias as string[] | undefined, type: typeOf(values), id: values.id as string | undefined });
          report(result, 'add', dir, values, io);
          return EXIT.ok;
        }
        case 'remove': {
          if (!text) throw new UsageError('lexicon remove needs a NAME or ID');
          requireLibrary(dir, 'write');
          report(removeFromLibrary(dir, text, (values.alias as string[] | undefined) ?? []), 'remove', dir, values, io);
          return EXIT.ok;
        }
        case 'list':
          list(dir, text, values, io);
          return EXIT.ok;
        case 'expand':
          if (!text) throw new UsageError('lexicon expand needs a QUERY');
          expand(text, values, io);
          return EXIT.ok;
        case 'suggest':
          return suggest(values, io);
        default:
          throw new UsageError(action ? `unknown action "${action}": add, remove, list, expand or suggest` : 'lexicon needs an action: add, remove, list, expand or suggest');
      }
    } catch (e) {
      if (e instanceof LexiconEditError) throw new UsageError(e.message);
      throw e;
    }
  },
};

function typeOf(values: Values): EntityType | undefined {
  const t = values.type as string | undefined;
  if (t !== undefined && !(ENTITY_TYPES as readonly string[]).includes(t)) throw new UsageError(`--type takes one of ${ENTITY_TYPES.join(', ')}, not "${t}"`);
  return t as EntityType | undefined;
}

function report(r: EditResult, action: 'add' | 'remove', dir: string, values: Values, io: Io): void {
  if (values.json) {
    io.out.write(JSON.stringify({ action, ...r, file: libraryLexiconPath(dir) }) + '\n');
    return;
  }
  if (r.names.length === 0) io.out.write(`${r.id}: nothing to add, it already has these names\n`);
  else if (action === 'add') io.out.write(`${r.created ? 'added' : 'extended'} ${r.type} ${r.id}: ${r.names.join(', ')}\n`);
  else io.out.write(`removed from ${r.id}: ${r.names.join(', ')}\n`);
  for (const s of r.shared) io.err.write(`note: "${s.name}" is also a name of ${s.ids.join(', ')}; queries for it expand to both\n`);
  // Searches expand through the change at once; entity pages and corrections come from the terms stage.
  if (r.names.length) io.err.write('note: searches use it now; entities and corrections in the documents already ingested follow at the next `engram ingest`, which does every document again\n');
}

function list(dir: string, text: string, values: Values, io: Io): void {
  const type = typeOf(values);
  const needle = text ? fold(text) : '';
  const entries = loadLexicon(dir).entries().filter((e) =>
    (!type || e.type === type) &&
    (!values.mine || e.names.some((n) => n.library)) &&
    (!needle || e.names.some((n) => fold(n.text).includes(needle))),
  );
  if (values.json) {
    const json = entries.map((e) => ({
      id: e.id, type: e.type, canonical: e.canonical, ...entryForms(e),
      library: e.names.filter((n) => n.library).map((n) => n.text),
    }));
    io.out.write(JSON.stringify(json, null, 2) + '\n');
    return;
  }
  for (const e of entries) io.out.write(`${e.id.padEnd(28)} ${e.type.padEnd(12)} ${e.names.map((n) => n.text).join(', ')}\n`);
  if (!entries.length) io.out.write(text ? `no entry has a name containing "${text}"\n` : 'no entries\n');
}

function expand(query: string, values: Values, io: Io): void {
  const dir = libraryDir(values.library as string | undefined, io.env);
  if (!existsSync(databasePath(dir))) throw new UsageError(`no library at ${dir}: expansion uses the library's names (run engram ingest first)`);
  const expansions = withLibrary(values, io, (expander) => expander(query, tokenize(query)));
  if (values.json) {
    io.out.write(JSON.stringify(expansions.map((x) => ({ text: x.text, alternatives: x.alternatives, entries: x.entries.map((e) => e.id) }))) + '\n');
    return;
  }
  if (!expansions.length) io.out.write(`"${query}" expands to nothing: it is searched as typed\n`);
  for (const x of expansions) {
    const why = x.entries.length ? x.entries.map((e) => e.id).join(', ') : x.names ? 'personal name' : 'Taiwan/mainland vocabulary';
    io.out.write(`${x.text}  (${why})\n  → ${x.alternatives.join(' | ') || 'no other form: searched as one name'}\n`);
  }
}

function withLibrary<T>(values: Values, io: Io, fn: (expander: ReturnType<typeof queryExpander>) => T): T {
  const { db } = openFor(values, io);
  try {
    return fn(queryExpander(db));
  } finally {
    db.close();
  }
}

const fold = (s: string) => toSimplified(foldWidth(s)).toLowerCase();

async function suggest(values: Values, io: Io): Promise<number> {
  const min = values['min-documents'] === undefined ? 3 : Number(values['min-documents']);
  if (!Number.isInteger(min) || min < 1) throw new UsageError('--min-documents needs a positive whole number');
  const { suggestTerms } = await import('../../terms/suggest.js');
  const { db, dir } = openFor(values, io);
  try {
    const lexicon = loadLexicon(dir);
    const list = suggestTerms(db, (name) => lexicon.lookup(name).length > 0, { minDocuments: min });
    if (values.json) {
      io.out.write(JSON.stringify(list, null, 2) + '\n');
      return EXIT.ok;
    }
    for (const s of list) {
      io.out.write(`${s.name}  (${s.type}, ${s.documents} documents, ${s.mentions} mentions, from ${s.via})\n`);
      for (const x of s.examples.slice(0, 2)) io.out.write(`    ${x.title ?? '(untitled)'}${x.text ? `: ${x.text}` : ''}\n`);
      io.out.write(`    accept: engram lexicon add ${shellQuoted(s.name)}${s.type !== 'term' ? ` --type ${s.type}` : ''}\n`);
    }
    if (!list.length) io.out.write('nothing to suggest: the lexicon knows the names this library keeps using\n');
    return EXIT.ok;
  } finally {
    db.close();
  }
}

/** A name as one shell word, pasted as is: single quotes, so `$`, `` ` `` and `!` stay themselves (Ke$ha). */
export function shellQuoted(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
