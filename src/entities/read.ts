/**
 * Reading entities: the shapes `engram entity`, `engram entities`, the web app's entity
 * pages and the notes export share.
 */
import { stmt } from '../store/statements.js';
import type { DB } from '../store/db.js';
import { deepLink } from '../formats/media.js';
import { applyCheckedTimes } from '../quotes/times.js';
import { ENTITY_TYPES, foldName, nameKeys, type EntityType } from './names.js';
import { untilChanged } from '../store/until-changed.js';

export interface EntitySummary {
  id: number;
  slug: string;
  name: string;
  type: EntityType;
  aliases: string[];
  documents: number;
  mentions: number;
}

export interface EntityDocument {
  id: number;
  title: string | null;
  date: string | null;
  source: string | null;
  url: string | null;
  mentions: number;
}

export interface EntityPassage {
  document: { id: number; title: string | null; date: string | null; source: string | null };
  passage: { id: number; text: string; start: number | null; speaker: string | null; rendition: string; link: string | null };
  /** [start, end) of the mention in `passage.text`. */
  highlights: [number, number][];
}

export interface EntityView {
  id: number;
  slug: string;
  name: string;
  type: EntityType;
  aliases: string[];
  documents: EntityDocument[];
  mentions: number;
  timeline: { month: string; count: number }[];
  related: { name: string; slug: string; type: EntityType; count: number }[];
  passages: EntityPassage[];
}

const PASSAGES_PER_DOCUMENT = 2;
const MAX_PASSAGES = 30;
const MAX_RELATED = 15;

/** An entity by slug, name or any alias, in any script or spelling. */
export function findEntity(db: DB, ref: string): number | undefined {
  const r = ref.trim();
  const bySlug = stmt(db, 'SELECT id FROM entities WHERE slug = ?').pluck().get(r.toLowerCase()) as number | undefined;
  if (bySlug !== undefined) return bySlug;
  const byKey = stmt(db, 'SELECT entity_id FROM entity_keys WHERE key = ?').pluck();
  // The better-known one when a name is both a person's and a thing's (理想 / 李想).
  const candidates = new Set<number>();
  for (const kind of ['person', 'thing'] as const) {
    for (const k of nameKeys(r, kind)) {
      const id = byKey.get(`${kind}:${k}`) as number | undefined;
      if (id !== undefined) candidates.add(id);
    }
  }
  if (candidates.size <= 1) return [...candidates][0];
  const folded = foldName(r);
  const exact = [...candidates].find((id) => (JSON.parse(stmt(db, 'SELECT aliases FROM entities WHERE id = ?').pluck().get(id) as string) as string[]).some((a) => foldName(a) === folded));
  return exact ?? [...candidates].sort((a, b) => mentionCount(db, b) - mentionCount(db, a))[0];
}

function mentionCount(db: DB, id: number): number {
  return stmt(db, 'SELECT count(*) FROM mentions WHERE entity_id = ?').pluck().get(id) as number;
}

export function listEntities(db: DB, opts: { type?: EntityType; limit?: number } = {}): EntitySummary[] {
  if (opts.type && !ENTITY_TYPES.includes(opts.type)) throw new Error(`unknown entity type "${opts.type}" (one of ${ENTITY_TYPES.join(', ')})`);
  const rows = stmt(db,
    `SELECT e.id, e.slug, e.name, e.type, e.aliases, count(DISTINCT m.document_id) AS documents, count(m.entity_id) AS mentions
       FROM entities e JOIN mentions m ON m.entity_id = e.id
      WHERE (@type IS NULL OR e.type = @type)
      GROUP BY e.id ORDER BY documents DESC, mentions DESC, e.name LIMIT @limit`,
  ).all({ type: opts.type ?? null, limit: opts.limit ?? -1 }) as (Omit<EntitySummary, 'aliases'> & { aliases: string })[];
  return rows.map((r) => ({ ...r, aliases: JSON.parse(r.aliases) }));
}

export function getEntity(db: DB, id: number): EntityView | undefined {
  const e = stmt(db, 'SELECT id, slug, name, type, aliases FROM entities WHERE id = ?').get(id) as
    { id: number; slug: string; name: string; type: EntityType; aliases: string } | undefined;
  if (!e) return undefined;
  const documents = stmt(db,
    `SELECT d.id, d.title, d.date, s.name AS source, d.url, count(*) AS mentions
       FROM mentions m JOIN documents d ON d.id = m.document_id LEFT JOIN sources s ON s.id = d.source_id
      WHERE m.entity_id = ? GROUP BY d.id ORDER BY d.date IS NULL, d.date DESC, d.id DESC`,
  ).all(id) as EntityDocument[];
  const timeline = stmt(db,
    `SELECT substr(d.date, 1, 7) AS month, count(*) AS count FROM mentions m JOIN documents d ON d.id = m.document_id
      WHERE m.entity_id = ? AND d.date IS NOT NULL GROUP BY month ORDER BY month`,
  ).all(id) as { month: string; count: number }[];
  const related = relatedEntities(db, id, documents.map((d) => d.id)).map(({ id: _, ...r }) => r);
  return {
    id: e.id, slug: e.slug, name: e.name, type: e.type, aliases: JSON.parse(e.aliases),
    documents, mentions: documents.reduce((n, d) => n + d.mentions, 0), timeline, related, passages: bestPassages(db, id, documents),
  };
}

/**
 * The entities that come up with this one: those in more of its documents than their share of
 * the library predicts, ranked by local mutual information (shared documents × log of that
 * lift, Evert's association measure for collocations). Ranked by shared documents alone, the
 * words every document has (AI, data, 总结) led every entity's list. Two shared documents are
 * needed once the entity is in more than two; `count` is the number of shared documents.
 */
export function relatedEntities(db: DB, id: number, mine: readonly number[]): (EntityView['related'][number] & { id: number })[] {
  if (mine.length === 0) return [];
  const { library, documentsOf, entitiesOf } = mentionPairs(db);
  const shared = new Map<number, number>();
  for (const d of mine) for (const e of entitiesOf.get(d) ?? []) if (e !== id) shared.set(e, (shared.get(e) ?? 0) + 1);
  const least = mine.length > 2 ? 2 : 1;
  const scored: { entity: number; count: number; score: number }[] = [];
  for (const [entity, count] of shared) {
    if (count < least) continue;
    const score = count * Math.log((count * library) / (mine.length * documentsOf.get(entity)!));
    if (score > 0) scored.push({ entity, count, score });
  }
  const named = stmt(db, 'SELECT name, slug, type FROM entities WHERE id = ?');
  return scored
    .sort((a, b) => b.score - a.score || b.count - a.count || a.entity - b.entity)
    .slice(0, MAX_RELATED)
    .map(({ entity, count }) => ({ id: entity, ...(named.get(entity) as { name: string; slug: string; type: EntityType }), count }));
}

/**
 * Which entities each document mentions, how many documents mention each entity, and how many
 * documents mention anything: one pass over the mentions, kept until the library changes, so
 * related entities are counted in memory (a join over the mentions of an entity in a thousand
 * documents took 0.1 s; an export asks for every entity's).
 */
function mentionPairs(db: DB): { library: number; documentsOf: Map<number, number>; entitiesOf: Map<number, number[]> } {
  return untilChanged(db, 'mention-pairs', () => {
    const pairs = stmt(db, 'SELECT DISTINCT document_id, entity_id FROM mentions').raw().all() as [number, number][];
    const documentsOf = new Map<number, number>();
    const entitiesOf = new Map<number, number[]>();
    for (const [d, e] of pairs) {
      documentsOf.set(e, (documentsOf.get(e) ?? 0) + 1);
      const list = entitiesOf.get(d);
      if (list) list.push(e);
      else entitiesOf.set(d, [e]);
    }
    return { library: entitiesOf.size, documentsOf, entitiesOf };
  });
}

/**
 * Up to two passages per document, summaries first, newest documents first (`documents` is in
 * that order): read a document at a time, so an entity in a thousand documents reads the few
 * it shows, not the text of every passage that mentions it.
 */
function bestPassages(db: DB, id: number, documents: readonly EntityDocument[]): EntityPassage[] {
  const ofDocument = stmt(db,
    `SELECT m.start AS ms, m.end AS me, p.id, p.text, p.start, p.speaker, r.kind AS rendition
       FROM mentions m JOIN passages p ON p.id = m.passage_id JOIN renditions r ON r.id = p.rendition_id
      WHERE m.entity_id = ? AND m.document_id = ? AND p.role <> 'boilerplate'
      ORDER BY CASE r.kind WHEN 'summary' THEN 0 WHEN 'transcript' THEN 1 WHEN 'raw-transcript' THEN 3 ELSE 2 END, p.seq`,
  );
  const out: EntityPassage[] = [];
  for (const d of documents) {
    if (out.length >= MAX_PASSAGES) break;
    const seen = new Set<number>();
    for (const r of ofDocument.iterate(id, d.id) as IterableIterator<{ ms: number | null; me: number | null; id: number; text: string; start: number | null; speaker: string | null; rendition: string }>) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      out.push({
        document: { id: d.id, title: d.title, date: d.date, source: d.source },
        passage: { id: r.id, text: r.text, start: r.start, speaker: r.speaker, rendition: r.rendition, link: deepLink(d.url, r.start) },
        highlights: r.ms != null && r.me != null ? [[r.ms, r.me]] : [],
      });
      if (seen.size >= PASSAGES_PER_DOCUMENT || out.length >= MAX_PASSAGES) break;
    }
  }
  // A summary another tool wrote links to where the transcript has its quote, not to the time it claims.
  const urls = new Map(documents.map((d) => [d.id, d.url]));
  const urlOf = new Map(out.map((e) => [e.passage, urls.get(e.document.id)]));
  applyCheckedTimes(db, out.map((e) => e.passage), (p) => p.rendition === 'summary', (p) => urlOf.get(p));
  return out;
}

/** Entities a document mentions, most mentioned first (for document pages and facets). */
export function documentEntities(db: DB, documentId: number): { name: string; slug: string; type: EntityType; count: number }[] {
  return stmt(db,
    `SELECT e.name, e.slug, e.type, count(*) AS count FROM mentions m JOIN entities e ON e.id = m.entity_id
      WHERE m.document_id = ? GROUP BY e.id ORDER BY count DESC, e.name`,
  ).all(documentId) as { name: string; slug: string; type: EntityType; count: number }[];
}

/** Speaker labels of a document as the people they are (machine labels named where possible). */
export function speakerNames(db: DB, documentId: number): Map<string, { name: string; slug: string }> {
  const rows = stmt(db,
    'SELECT sn.label, e.name, e.slug FROM speaker_names sn JOIN entities e ON e.id = sn.entity_id WHERE sn.document_id = ?',
  ).all(documentId) as { label: string; name: string; slug: string }[];
  return new Map(rows.map((r) => [r.label, { name: r.name, slug: r.slug }]));
}


/** Documents linked to this one (the same talk in another source). */
export function relatedDocuments(db: DB, documentId: number): { id: number; title: string | null; date: string | null; source: string | null; reason: string }[] {
  return stmt(db,
    `SELECT d.id, d.title, d.date, s.name AS source, rd.reason FROM related_documents rd
       JOIN documents d ON d.id = rd.b LEFT JOIN sources s ON s.id = d.source_id
      WHERE rd.a = ? ORDER BY rd.score DESC, d.date`,
  ).all(documentId) as { id: number; title: string | null; date: string | null; source: string | null; reason: string }[];
}
