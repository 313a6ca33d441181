/**
 * Related documents: the same talk covered by two sources — an interview, and a channel's
 * digest of it a few days later ("Ilya最新访谈 | …" next to Dwarkesh's episode with Ilya
 * Sutskever). Linked both ways.
 *
 * A document's **guests** are the people who speak in it but are not a show's regulars
 * (anyone speaking in three documents or more is a host). Two documents of different shows
 * are related when one's guest is named in the other's title or keywords (or, more weakly,
 * listed or mentioned in it) and their dates are at most `WINDOW_DAYS` apart. Names match
 * by any alias of the person, folded; a single part of a Latin name only when it is long
 * enough to be distinctive (Sutskever, Karpathy).
 */
import { stmt } from '../store/statements.js';
import type { DB } from '../store/db.js';
import { foldName } from './names.js';
import { showOf } from './speakers.js';
import { hasHan } from '../terms/pinyin.js';

const WINDOW_DAYS = 45;
const HOST_DOCUMENTS = 3;
const MIN_PART = 6;
const TITLE_WEIGHT = 2;
const MENTION_WEIGHT = 1;
const MIN_SCORE = 2;

interface DocInfo { id: number; show: string; date: string | null; title: string }
interface Guest { entityId: number; name: string; patterns: string[]; docs: Set<number> }

export function relateDocuments(db: DB, changed: number[]): number {
  if (changed.length === 0) return 0;
  const guests = loadGuests(db);
  const info = docInfo(db);
  const pairs = new Map<string, { a: number; b: number; score: number; reasons: Set<string> }>();
  const add = (a: number, b: number, score: number, reason: string) => {
    const A = info.get(a), B = info.get(b);
    if (!A || !B || a === b || A.show === B.show || !withinWindow(A.date, B.date)) return;
    const k = a < b ? `${a}:${b}` : `${b}:${a}`;
    const p = pairs.get(k) ?? { a: Math.min(a, b), b: Math.max(a, b), score: 0, reasons: new Set<string>() };
    if (!p.reasons.has(reason)) {
      p.reasons.add(reason);
      p.score += score;
    }
    pairs.set(k, p);
  };
  const mentionedIn = stmt(db, "SELECT DISTINCT document_id FROM mentions WHERE entity_id = ? AND via IN ('summary', 'term')").pluck();
  const changedSet = new Set(changed);
  for (const g of guests) {
    const titled = [...info.values()].filter((d) => g.patterns.some((p) => d.title.includes(p)));
    const mentioning = mentionedIn.all(g.entityId) as number[];
    for (const a of g.docs) {
      for (const b of titled) if (changedSet.has(a) || changedSet.has(b.id)) add(a, b.id, TITLE_WEIGHT, `${g.name} named in the title`);
      for (const b of mentioning) if (changedSet.has(a) || changedSet.has(b)) add(a, b, MENTION_WEIGHT, `${g.name} mentioned`);
    }
  }
  const del = stmt(db, 'DELETE FROM related_documents WHERE a = ? OR b = ?');
  for (const id of changed) del.run(id, id);
  const insert = stmt(db, 'INSERT OR REPLACE INTO related_documents (a, b, score, reason) VALUES (?, ?, ?, ?)');
  let n = 0;
  for (const p of pairs.values()) {
    if (p.score < MIN_SCORE) continue;
    const reason = [...p.reasons].join('; ');
    insert.run(p.a, p.b, p.score, reason);
    insert.run(p.b, p.a, p.score, reason);
    n++;
  }
  return n;
}

function loadGuests(db: DB): Guest[] {
  const rows = stmt(db,
    `SELECT sn.entity_id AS entityId, e.name, e.aliases, group_concat(DISTINCT sn.document_id) AS docs
       FROM speaker_names sn JOIN entities e ON e.id = sn.entity_id GROUP BY sn.entity_id`,
  ).all() as { entityId: number; name: string; aliases: string; docs: string }[];
  return rows
    .map((r) => ({ entityId: r.entityId, name: r.name, patterns: namePatterns([r.name, ...JSON.parse(r.aliases) as string[]]), docs: new Set(r.docs.split(',').map(Number)) }))
    .filter((g) => g.docs.size < HOST_DOCUMENTS && g.patterns.length > 0);
}

/** Folded forms of a person's names that are distinctive enough to find in a title. */
function namePatterns(names: string[]): string[] {
  const out = new Set<string>();
  for (const n of names) {
    const f = foldName(n);
    if (hasHan(f)) {
      if ([...f].filter((c) => hasHan(c)).length >= 2) out.add(f);
      continue;
    }
    const parts = f.split(/[\s.\-]+/).filter(Boolean);
    if (parts.length >= 2) out.add(parts.join(' '));
    for (const p of parts) if (p.length >= MIN_PART) out.add(p);
  }
  return [...out];
}

function docInfo(db: DB): Map<number, DocInfo> {
  const rows = stmt(db,
    `SELECT d.id, s.name AS source, d.date, COALESCE(d.title, '') || ' ' || COALESCE(json_extract(d.metadata, '$.keywords'), '') AS title
       FROM documents d LEFT JOIN sources s ON s.id = d.source_id`,
  ).all() as { id: number; source: string | null; date: string | null; title: string }[];
  return new Map(rows.map((r) => [r.id, { id: r.id, show: showOf(r.source), date: r.date, title: foldName(r.title) }]));
}

function withinWindow(a: string | null, b: string | null): boolean {
  if (!a || !b) return false;
  return Math.abs(Date.parse(a) - Date.parse(b)) <= WINDOW_DAYS * 86_400_000;
}
