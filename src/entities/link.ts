/**
 * Entity linking for one document: the names its summaries list (summary-sections.ts), the
 * lexicon terms its passages mention (term-mentions.ts) and, for a note the user wrote in an
 * exported entity page, that entity; each resolved to one entity across scripts and
 * spellings. Speakers are linked library-wide (speakers.ts).
 */
import { stmt } from '../store/statements.js';
import type { DB } from '../store/db.js';
import { listedNames } from './summary-sections.js';
import { existingEntity, replaceMentions, resolveEntity, type Mention } from './store.js';
import { ENTITY_TYPES, type EntityType } from './names.js';
import type { DocumentMetadata } from '../model.js';
import type { TermMatcher } from './term-mentions.js';

export function linkDocument(db: DB, documentId: number, terms?: TermMatcher): number {
  const summaries = stmt(db, "SELECT body FROM renditions WHERE document_id = ? AND kind = 'summary'").pluck().all(documentId) as string[];
  const listed: Mention[] = [];
  for (const body of summaries) {
    for (const n of listedNames(body)) {
      const entityId = resolveEntity(db, { name: n.name, type: n.type, aliases: n.aliases });
      if (!listed.some((m) => m.entityId === entityId)) listed.push({ entityId, passageId: null, start: null, end: null, surface: n.name, via: 'summary' });
    }
  }
  replaceMentions(db, documentId, 'summary', listed);
  const found = terms ? terms.mentions(db, documentId) : [];
  replaceMentions(db, documentId, 'term', found);
  const pages = pageMentions(db, documentId).filter((m) => !found.some((f) => f.entityId === m.entityId));
  replaceMentions(db, documentId, 'page', pages);
  return listed.length + found.length + pages.length;
}

/**
 * The entity a note written in its exported page is about (`aboutEntity`), once: found by its
 * names as the library knows them (nothing renamed, no alias added), or made when the library
 * no longer has it. Left out where the lexicon's terms already found it in the document.
 */
function pageMentions(db: DB, documentId: number): Mention[] {
  const rows = stmt(db, "SELECT metadata FROM renditions WHERE document_id = ? AND metadata LIKE '%\"aboutEntity\"%'").pluck().all(documentId) as string[];
  const out: Mention[] = [];
  for (const row of rows) {
    const about = (JSON.parse(row) as DocumentMetadata).aboutEntity;
    if (!about?.name) continue;
    const type: EntityType = ENTITY_TYPES.includes(about.type as EntityType) ? (about.type as EntityType) : 'concept';
    const ref = { name: about.name, type, aliases: about.aliases };
    const entityId = existingEntity(db, ref) ?? resolveEntity(db, ref);
    if (!out.some((m) => m.entityId === entityId)) out.push({ entityId, passageId: null, start: null, end: null, surface: about.name, via: 'page' });
  }
  return out;
}
