/**
 * Entities in the library: found by any of their keys (names.ts), created on first sight,
 * their aliases growing with every form seen. Mentions are replaced per document.
 */
import { stmt } from '../store/statements.js';
import type { DB } from '../store/db.js';
import { keyKind, nameKeys, slugFor, type EntityType } from './names.js';
import { hasHan } from '../terms/pinyin.js';

export interface EntityRef {
  name: string;
  type: EntityType;
  /** Other forms of the name (scripts, languages, spellings). */
  aliases?: string[];
  /** The lexicon entry this entity stands for. */
  lexiconId?: string;
}

export interface Mention {
  entityId: number;
  passageId: number | null;
  start: number | null;
  end: number | null;
  surface: string;
  /** What found it: a lexicon term in the text, a summary's list, a speaker, or the user's note on the entity's exported page. */
  via: 'term' | 'summary' | 'speaker' | 'page';
}

/** The entity a name refers to, created when no entity has any of its keys. */
export function resolveEntity(db: DB, ref: EntityRef): number {
  const { forms, keys } = refKeys(ref);
  let id: number | undefined;
  if (ref.lexiconId) id = stmt(db, 'SELECT id FROM entities WHERE lexicon_id = ?').pluck().get(ref.lexiconId) as number | undefined;
  if (id === undefined) {
    const byKey = stmt(db, 'SELECT k.entity_id AS id, e.lexicon_id AS lexiconId FROM entity_keys k JOIN entities e ON e.id = k.entity_id WHERE k.key = ?');
    for (const k of keys) {
      const found = byKey.get(k) as { id: number; lexiconId: string | null } | undefined;
      // Two lexicon entries are two entities, even with a name in common (memory: an agent's
      // memory and memory chips; 扩展: scaling and extensions): such a name finds the one that
      // claimed it first, and merging made one entity of both, with both entries' mentions.
      if (!found || (ref.lexiconId && found.lexiconId !== null)) continue;
      id = found.id;
      break;
    }
  }
  if (id === undefined) {
    const name = ref.lexiconId ? ref.name : discoveredName(forms);
    id = stmt(db, 'INSERT INTO entities (slug, name, type, lexicon_id, aliases) VALUES (?, ?, ?, ?, ?)')
      .run(uniqueSlug(db, ref.name), name, ref.type, ref.lexiconId ?? null, JSON.stringify(forms)).lastInsertRowid as number;
  } else {
    const row = stmt(db, 'SELECT name, aliases, lexicon_id AS lexiconId FROM entities WHERE id = ?').get(id) as { name: string; aliases: string; lexiconId: string | null };
    const aliases: string[] = JSON.parse(row.aliases);
    const merged = [...new Set([...aliases, ...forms])];
    if (merged.length !== aliases.length) {
      stmt(db, 'UPDATE entities SET aliases = ? WHERE id = ?').run(JSON.stringify(merged), id);
      if (!row.lexiconId && discoveredName(merged) !== row.name) stmt(db, 'UPDATE entities SET name = ? WHERE id = ?').run(discoveredName(merged), id);
    }
    // A lexicon entry names the entity and its kind (a summary may have listed it first).
    if (ref.lexiconId && !row.lexiconId) {
      stmt(db, 'UPDATE entities SET lexicon_id = ?, name = ?, type = ? WHERE id = ?').run(ref.lexiconId, ref.name, ref.type, id);
    }
  }
  const addKey = stmt(db, 'INSERT INTO entity_keys (key, entity_id) VALUES (?, ?) ON CONFLICT(key) DO NOTHING');
  for (const k of keys) addKey.run(k, id);
  return id;
}

/** An entity one of these names already refers to (none is made, none changed). */
export function existingEntity(db: DB, ref: EntityRef): number | undefined {
  const byKey = stmt(db, 'SELECT entity_id FROM entity_keys WHERE key = ?').pluck();
  for (const k of refKeys(ref).keys) {
    const id = byKey.get(k) as number | undefined;
    if (id !== undefined) return id;
  }
  return undefined;
}

/** A reference's names, and the keys they are found by. */
function refKeys(ref: EntityRef): { forms: string[]; keys: string[] } {
  const forms = [...new Set([ref.name, ...(ref.aliases ?? [])].map((f) => f.trim()).filter(Boolean))];
  const kind = keyKind(ref.type);
  return { forms, keys: [...new Set(forms.flatMap((f) => nameKeys(f, kind)).map((k) => `${kind}:${k}`))] };
}

/**
 * The name of an entity no lexicon entry names: its first Han form when it has one (the
 * library is read in Chinese first: 刘知远 rather than Liu Zhiyuan), else the first form.
 */
function discoveredName(forms: string[]): string {
  return forms.find((f) => hasHan(f)) ?? forms[0]!;
}

function uniqueSlug(db: DB, name: string): string {
  const base = slugFor(name);
  const taken = stmt(db, 'SELECT 1 FROM entities WHERE slug = ?').pluck();
  let slug = base;
  for (let n = 2; taken.get(slug) !== undefined; n++) slug = `${base}-${n}`;
  return slug;
}

/** Replace what `via` found in a document (each finder owns its own mentions). */
export function replaceMentions(db: DB, documentId: number, via: Mention['via'], mentions: Mention[]): void {
  stmt(db, 'DELETE FROM mentions WHERE document_id = ? AND via = ?').run(documentId, via);
  const insert = stmt(db, 'INSERT INTO mentions (entity_id, document_id, passage_id, start, end, surface, via) VALUES (?, ?, ?, ?, ?, ?, ?)');
  for (const m of mentions) insert.run(m.entityId, documentId, m.passageId, m.start, m.end, m.surface, m.via);
}

/** How many entities a document lists in `document_entities`. */
export const TOP_ENTITIES = 12;

/** Recount a document's most mentioned entities (after its mentions changed). */
export function refreshDocumentEntities(db: DB, documentId: number): void {
  stmt(db, 'DELETE FROM document_entities WHERE document_id = ?').run(documentId);
  stmt(db,
    `INSERT INTO document_entities (document_id, entity_id, mentions)
     SELECT document_id, entity_id, count(*) AS n FROM mentions WHERE document_id = ?
      GROUP BY entity_id ORDER BY n DESC, entity_id LIMIT ${TOP_ENTITIES}`,
  ).run(documentId);
}

/** Entities nothing refers to any more (not in the lexicon, never mentioned, no speaker). */
export function pruneEntities(db: DB): number {
  const orphan = `SELECT id FROM entities e WHERE lexicon_id IS NULL
      AND NOT EXISTS (SELECT 1 FROM mentions m WHERE m.entity_id = e.id)
      AND NOT EXISTS (SELECT 1 FROM speaker_names s WHERE s.entity_id = e.id)`;
  stmt(db, `DELETE FROM entity_keys WHERE entity_id IN (${orphan})`).run();
  return stmt(db, `DELETE FROM entities WHERE id IN (${orphan})`).run().changes;
}

/** Forget what the terms stage derived for documents that are gone. */
export function dropDeletedDocuments(db: DB): void {
  for (const table of ['mentions', 'speaker_names', 'corrections', 'document_entities']) {
    stmt(db, `DELETE FROM ${table} WHERE document_id NOT IN (SELECT id FROM documents)`).run();
  }
  stmt(db, 'DELETE FROM related_documents WHERE a NOT IN (SELECT id FROM documents) OR b NOT IN (SELECT id FROM documents)').run();
}
