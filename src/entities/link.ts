/**
 * Entity linking for one document: the names its summaries list (summary-sections.ts) and
 * the lexicon terms its passages mention (term-mentions.ts), each resolved to one entity
 * across scripts and spellings. Speakers are linked library-wide (speakers.ts).
 */
import { stmt } from '../store/statements.js';
import type { DB } from '../store/db.js';
import { listedNames } from './summary-sections.js';
import { replaceMentions, resolveEntity, type Mention } from './store.js';
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
  return listed.length + found.length;
}
