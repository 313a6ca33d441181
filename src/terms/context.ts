/**
 * The terms stage's lexicon-backed parts: the passage scanner (run where passages are parsed),
 * the corrector and the term mention finder, built from a list of lexicon entries (shipped
 * and the library's own).
 */
import { createHash } from 'node:crypto';
import { stmt } from '../store/statements.js';
import type { DB } from '../store/db.js';
import type { TermsContext } from '../pipeline/terms.js';
import { resolveEntity, type Mention } from '../entities/store.js';
import { TermIndex, type TermEntry } from './term-index.js';
import { findCorrections, scanOf, type Candidate } from './correct.js';
import { isEveryday, keptScan } from './scan.js';
import { scannedForAlikes, unpackScans, type PackedScans } from './packed-scans.js';
import { loadDocText, reindexPassages, storeCorrections, type ScanLookup } from './store.js';
import { hanFrequency } from './words.js';
import { llmPass, type Chat } from './llm-pass.js';

/** Bump when the corrector's or the linker's rules change: every document is done again (2: lexicon entries that share a name are two entities; a one-letter name needs the document to name its entity otherwise too; 3: a note written in an exported entity page is linked to its entity; 4: the thirteenth round's rules: no sound-alike inside a name the passage writes or changing one where it straddles its edge, nor a word and a trailing particle, nor one English word, nor a compound of any of the entry's names; 5: no Latin span the document writes so in its metadata or a rendition it does not correct; 里 and 和 as particles; the words of data/words.txt). */
const RULES_VERSION = 5;

export function lexiconTermsContext(entries: readonly TermEntry[], opts: { correct?: boolean; chat?: Chat } = {}): TermsContext {
  // Built when first needed (`warm`, or the first passage this thread scans): an ingest sends
  // the entries to its parse workers and starts them on files first (pipeline/ingest.ts).
  let built: TermIndex | undefined;
  const idx = () => (built ??= new TermIndex(entries));
  // Scans made where passages were parsed, by text hash; what a passage lacks is scanned here.
  const kept = new Map<string, PackedScans>();
  const scans: ScanLookup = (textHash) => {
    const packed = kept.get(textHash);
    return packed && { scans: unpackScans(packed), boilerplate: packed.boilerplate };
  };
  let keptPassages = 0;
  /** Passages to re-index once every document is corrected, with their index terms when kept. */
  const reindex = new Map<number, string | undefined>();
  // The corrector and the mention finder read the same document, one after the other.
  let last: { id: number; doc: NonNullable<ReturnType<typeof loadDocText>> } | undefined;
  const load = (db: DB, id: number) => {
    const doc = last?.id === id ? last.doc : loadDocText(db, id, scans);
    last = doc ? { id, doc } : undefined;
    return doc;
  };
  const entityIds = new Map<string, number>();
  const typeOf = new Map<number, string>();
  const entityOf = (db: DB, e: TermEntry): number => {
    let id = entityIds.get(e.id);
    if (id === undefined) {
      id = resolveEntity(db, { name: e.canonical, type: e.type, aliases: e.names.map((n) => n.text), lexiconId: e.id });
      entityIds.set(e.id, id);
      typeOf.set(id, e.type);
    }
    return id;
  };
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([RULES_VERSION, opts.correct !== false, entries.map((e) => [e.id, e.type, e.names.map((n) => n.text)])]))
    .digest('hex')
    .slice(0, 16);
  const chat = opts.chat;
  return {
    fingerprint,
    scanner: {
      entries,
      get keptPassages() {
        return keptPassages;
      },
      scan: keptScan(idx),
      keep(textHash, packed, terms) {
        // One text may be kept from renditions of several kinds: the scans with sound-alikes say more.
        const known = kept.get(textHash);
        if (known && (scannedForAlikes(known) || !scannedForAlikes(packed))) return;
        // A passage that may be corrected keeps its index terms for re-indexing.
        packed.terms = packed.alikes.flatMap(([seq, a]) => (a.single.some((x) => x.verdict !== 'held') && terms[seq] ? [[seq, terms[seq]!] as const] : []));
        kept.set(textHash, packed);
        keptPassages += packed.count - (known?.count ?? 0);
      },
    },
    warm: () => {
      idx();
      hanFrequency('');
    },
    renew(db) {
      // An entity keeps every form it was ever given, and its keys find it: one the rules used to
      // merge with another lexicon entry's (memory chip with an agent's memory) would go on
      // claiming that entry's names. Each keeps its id and page; its forms start again from its
      // entry, in lexicon order (the first entry to name a shared name keeps it).
      stmt(db, 'DELETE FROM entity_keys WHERE entity_id IN (SELECT id FROM entities WHERE lexicon_id IS NOT NULL)').run();
      stmt(db, "UPDATE entities SET aliases = '[]' WHERE lexicon_id IS NOT NULL").run();
      const existing = new Set(stmt(db, 'SELECT lexicon_id FROM entities WHERE lexicon_id IS NOT NULL').pluck().all() as string[]);
      entityIds.clear();
      for (const e of entries) if (existing.has(e.id)) entityOf(db, e);
    },
    done(db) {
      reindexPassages(db, reindex.keys(), (id) => reindex.get(id));
      reindex.clear();
      kept.clear();
      keptPassages = 0;
      last = undefined;
    },
    llm: chat && opts.correct !== false ? (db, ids) => llmPass(db, ids, idx(), chat, (c) => entityOf(db, c.entry)) : undefined,
    correct: opts.correct === false ? undefined : (db, documentId) => {
      const doc = load(db, documentId);
      if (!doc) return 0;
      const candidates = findCorrections(doc, idx());
      const scans = new Map(doc.renditions.flatMap((r) => r.passages.map((p) => [p.id, p.scan] as const)));
      return storeCorrections(db, documentId, doc, candidates, (c: Candidate) => entityOf(db, c.entry), (ids) => {
        for (const id of ids) reindex.set(id, scans.get(id)?.terms);
      });
    },
    terms: {
      mentions(db, documentId) {
        const doc = load(db, documentId);
        last = undefined;
        const out: (Mention & { everyday: boolean })[] = [];
        const title = stmt(db, 'SELECT title FROM documents WHERE id = ?').pluck().get(documentId) as string | null;
        const index = idx();
        for (const f of index.find(title ?? '')) {
          const surface = (title ?? '').slice(f.start, f.end);
          out.push({ entityId: entityOf(db, f.entry), passageId: null, start: null, end: null, surface, via: 'term', everyday: isEveryday(surface) });
        }
        const passages = (doc?.renditions ?? [])
          .flatMap((r) => r.passages.filter((p) => !p.boilerplate).map((p) => ({ p, kind: r.kind })))
          .sort((a, b) => a.p.id - b.p.id);
        // A raw transcript repeats the cleaned one of the same document: its mentions would count twice.
        const cleaned = passages.some((x) => x.kind === 'transcript');
        for (const { p, kind } of passages) {
          if (cleaned && kind === 'raw-transcript') continue;
          // One mention per entity and passage (its first occurrence, scan.ts): entity pages count passages.
          for (const n of scanOf(index, p, false).names) {
            out.push({ entityId: entityOf(db, index.entries[n.entry]!), passageId: p.id, start: n.start, end: n.end, surface: n.surface, via: 'term', everyday: n.everyday });
          }
        }
        // A name that is also an everyday word (理想: ideal, and Li Auto; 小米: millet, and Xiaomi)
        // mentions its entity only where the document names it unambiguously somewhere else.
        const plain = new Set(out.filter((m) => !m.everyday).map((m) => m.entityId));
        const kept: Mention[] = out
          .filter((m) => plain.has(m.entityId) || !m.everyday || typeOf.get(m.entityId) === 'concept')
          .map(({ everyday: _, ...m }) => m);
        // A corrected span mentions the term it was corrected to.
        const fixed = stmt(db, 'SELECT passage_id AS p, offset, length, original, entity_id AS e FROM corrections WHERE document_id = ? AND entity_id IS NOT NULL')
          .all(documentId) as { p: number; offset: number; length: number; original: string; e: number }[];
        for (const c of fixed) kept.push({ entityId: c.e, passageId: c.p, start: c.offset, end: c.offset + c.length, surface: c.original, via: 'term' });
        return kept;
      },
    },
  };
}
