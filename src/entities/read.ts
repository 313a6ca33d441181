/**
 * Reading entities: the shapes `engram entity`, `engram entities`, the web app's entity
 * pages and the notes export share.
 */
import { stmt } from '../store/statements.js';
import type { DB } from '../store/db.js';
import { deepLink } from '../formats/media.js';
import { ENTITY_TYPES, foldName, nameKeys, type EntityType } from './names.js';

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
  const related = stmt(db,
    `SELECT e.name, e.slug, e.type, count(DISTINCT o.document_id) AS count
       FROM (SELECT DISTINCT document_id FROM mentions WHERE entity_id = @id) mine
       JOIN mentions o ON o.document_id = mine.document_id AND o.entity_id <> @id
       JOIN entities e ON e.id = o.entity_id
      GROUP BY e.id ORDER BY count DESC, e.name LIMIT ${MAX_RELATED}`,
  ).all({ id }) as EntityView['related'];
  return {
    id: e.id, slug: e.slug, name: e.name, type: e.type, aliases: JSON.parse(e.aliases),
    documents, mentions: documents.reduce((n, d) => n + d.mentions, 0), timeline, related, passages: bestPassages(db, id),
  };
}

/** Up to two passages per document, summaries first, newest documents first. */
function bestPassages(db: DB, id: number): EntityPassage[] {
  const rows = stmt(db,
    `SELECT m.document_id AS doc, m.start AS ms, m.end AS me, p.id, p.text, p.start, p.speaker, r.kind AS rendition,
            d.title, d.date, d.url, s.name AS source
       FROM mentions m JOIN passages p ON p.id = m.passage_id JOIN renditions r ON r.id = p.rendition_id
       JOIN documents d ON d.id = m.document_id LEFT JOIN sources s ON s.id = d.source_id
      WHERE m.entity_id = ? AND p.role <> 'boilerplate'
      ORDER BY d.date IS NULL, d.date DESC, d.id DESC,
               CASE r.kind WHEN 'summary' THEN 0 WHEN 'transcript' THEN 1 WHEN 'raw-transcript' THEN 3 ELSE 2 END, p.seq`,
  ).all(id) as { doc: number; ms: number | null; me: number | null; id: number; text: string; start: number | null; speaker: string | null; rendition: string; title: string | null; date: string | null; url: string | null; source: string | null }[];
  const out: EntityPassage[] = [];
  const perDoc = new Map<number, number>();
  const seen = new Set<number>();
  for (const r of rows) {
    if (out.length >= MAX_PASSAGES) break;
    if (seen.has(r.id) || (perDoc.get(r.doc) ?? 0) >= PASSAGES_PER_DOCUMENT) continue;
    seen.add(r.id);
    perDoc.set(r.doc, (perDoc.get(r.doc) ?? 0) + 1);
    out.push({
      document: { id: r.doc, title: r.title, date: r.date, source: r.source },
      passage: { id: r.id, text: r.text, start: r.start, speaker: r.speaker, rendition: r.rendition, link: deepLink(r.url, r.start) },
      highlights: r.ms != null && r.me != null ? [[r.ms, r.me]] : [],
    });
  }
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
