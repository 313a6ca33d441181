/**
 * The terms stage's lexicon-backed parts: the corrector and the term mention finder, built
 * from a list of lexicon entries (shipped and the library's own).
 */
import { createHash } from 'node:crypto';
import { stmt } from '../store/statements.js';
import type { DB } from '../store/db.js';
import type { TermsContext } from '../pipeline/terms.js';
import { resolveEntity, type Mention } from '../entities/store.js';
import { foldText, TermIndex, type Found, type TermEntry } from './term-index.js';
import { COMMON_HAN_FREQ, hanFrequency, isCommonEnglish } from './words.js';
import { findCorrections, type Candidate } from './correct.js';
import { loadDocText, storeCorrections } from './store.js';
import { llmPass, type Chat } from './llm-pass.js';

/** Bump when the corrector's rules change: every document is corrected again. */
const RULES_VERSION = 1;

export function lexiconTermsContext(entries: readonly TermEntry[], opts: { correct?: boolean; chat?: Chat } = {}): TermsContext {
  const index = new TermIndex(entries);
  // The corrector and the mention finder read the same passages: find once per text.
  const found = new Map<string, Found[]>();
  const find = (text: string) => {
    let f = found.get(text);
    if (!f) {
      if (found.size > 20_000) found.clear();
      found.set(text, (f = index.find(text)));
    }
    return f;
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
  const everyday = (surface: string) => {
    const f = foldText(surface);
    return /\p{Script=Han}/u.test(f) ? hanFrequency(f) >= COMMON_HAN_FREQ : !/[A-Z]/.test(surface) && isCommonEnglish(f);
  };
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([RULES_VERSION, opts.correct !== false, entries.map((e) => [e.id, e.type, e.names.map((n) => n.text)])]))
    .digest('hex')
    .slice(0, 16);
  const chat = opts.chat;
  return {
    fingerprint,
    llm: chat && opts.correct !== false ? (db, ids) => llmPass(db, ids, index, find, chat, (c) => entityOf(db, c.entry)) : undefined,
    correct: opts.correct === false ? undefined : (db, documentId) => {
      const doc = loadDocText(db, documentId);
      if (!doc) return 0;
      const candidates = findCorrections(doc, index, find);
      return storeCorrections(db, documentId, doc, candidates, (c: Candidate) => entityOf(db, c.entry));
    },
    terms: {
      mentions(db, documentId) {
        const out: Mention[] = [];
        const title = stmt(db, 'SELECT title FROM documents WHERE id = ?').pluck().get(documentId) as string | null;
        for (const f of find(title ?? '')) {
          out.push({ entityId: entityOf(db, f.entry), passageId: null, start: null, end: null, surface: (title ?? '').slice(f.start, f.end), via: 'term' });
        }
        const passages = stmt(db,
          "SELECT p.id, p.text, r.kind FROM passages p JOIN renditions r ON r.id = p.rendition_id WHERE p.document_id = ? AND p.role <> 'boilerplate'",
        ).all(documentId) as { id: number; text: string; kind: string }[];
        // A raw transcript repeats the cleaned one of the same document: its mentions would count twice.
        const cleaned = passages.some((p) => p.kind === 'transcript');
        for (const p of passages) {
          if (cleaned && p.kind === 'raw-transcript') continue;
          // One mention per entity and passage (its first occurrence): entity pages count passages.
          const seen = new Set<string>();
          for (const f of find(p.text)) {
            if (seen.has(f.entry.id)) continue;
            seen.add(f.entry.id);
            out.push({ entityId: entityOf(db, f.entry), passageId: p.id, start: f.start, end: f.end, surface: p.text.slice(f.start, f.end), via: 'term' });
          }
        }
        // A name that is also an everyday word (理想: ideal, and Li Auto; 小米: millet, and Xiaomi)
        // mentions its entity only where the document names it unambiguously somewhere else.
        const plain = new Set(out.filter((m) => !everyday(m.surface)).map((m) => m.entityId));
        const kept = out.filter((m) => plain.has(m.entityId) || !everyday(m.surface) || typeOf.get(m.entityId) === 'concept');
        out.length = 0;
        out.push(...kept);
        // A corrected span mentions the term it was corrected to.
        const fixed = stmt(db, 'SELECT passage_id AS p, offset, length, original, entity_id AS e FROM corrections WHERE document_id = ? AND entity_id IS NOT NULL')
          .all(documentId) as { p: number; offset: number; length: number; original: string; e: number }[];
        for (const c of fixed) out.push({ entityId: c.e, passageId: c.p, start: c.offset, end: c.offset + c.length, surface: c.original, via: 'term' });
        found.clear();
        return out;
      },
    },
  };
}
