/**
 * Speaker unification: the speaker labels of every document, as written (曼奇, 曼祺, Manqi,
 * SPEAKER_01), become the people they are.
 *
 * - Named labels with the same name key (names.ts) are one person anywhere in the library
 *   when the name is distinctive (a full name: three syllables or more, or two words);
 *   shorter names (a given name, a nickname) only within one show, where the loose key also
 *   joins romanization variants (Manchi). A show is its source name without a trailing
 *   parenthesis ("晚点聊 LateTalk (Investigative Journalism)" is "晚点聊 LateTalk").
 * - A machine label (SPEAKER_01) is mapped to a name when another rendition of the same
 *   document names the speaker of the same moments (raw and named transcripts share their
 *   timestamps): the name most of its timed passages carry there.
 * - The person's display name is the form with the most passages.
 * The whole mapping is rebuilt after each ingest: it is small and depends on every document.
 */
import { stmt } from '../store/statements.js';
import type { DB } from '../store/db.js';
import { MACHINE_SPEAKER } from '../formats/diarized-transcript.js';
import { foldName, looseKey, nameKey } from './names.js';
import { replaceMentions, resolveEntity, type Mention } from './store.js';
import { hasHan } from '../terms/pinyin.js';

/** Labels that name a role, not a person: left as they are. */
const ROLE = /^(unidentified|unknown|speaker|host|guest|producer|narrator|interviewer|moderator|audience|主持人?|嘉宾|嘉賓|观众|觀眾|未知)\b/iu;

/** A machine label needs this many agreeing timed passages, and this share of them. */
const MIN_VOTES = 3;
const MIN_SHARE = 0.6;

interface LabelRow { doc: number; label: string; n: number; source: string | null }

export function isPersonLabel(label: string): boolean {
  return !MACHINE_SPEAKER.test(label) && !ROLE.test(label.trim()) && nameKey(label) !== '';
}

/** The show a source belongs to: its name without a trailing parenthesis. */
export function showOf(source: string | null): string {
  return (source ?? '').replace(/\s*[（(][^()（）]*[)）]\s*$/u, '').trim().toLowerCase();
}

/** Distinctive enough to be one person library-wide. */
function distinctive(label: string): boolean {
  const f = foldName(label);
  return hasHan(f) ? [...f].filter((c) => hasHan(c)).length >= 3 : f.split(/[\s\-.]+/).filter(Boolean).length >= 2;
}

export interface SpeakerReport {
  people: number;
  labels: number;
  machineLabelsNamed: number;
  /** Documents whose speakers were (re)linked: their entity counts need a recount. */
  changed: number[];
}

export function unifySpeakers(db: DB, relink: Iterable<number> = []): SpeakerReport {
  const rows = stmt(db,
    `SELECT p.document_id AS doc, p.speaker AS label, count(*) AS n, s.name AS source
       FROM passages p JOIN documents d ON d.id = p.document_id LEFT JOIN sources s ON s.id = d.source_id
      WHERE p.speaker IS NOT NULL GROUP BY p.document_id, p.speaker`,
  ).all() as LabelRow[];
  const named = rows.filter((r) => isPersonLabel(r.label));

  // Union-find over label strings.
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const union = (a: string, b: string) => parent.set(find(a), find(b));
  for (const r of named) if (!parent.has(r.label)) parent.set(r.label, r.label);
  const firstBy = new Map<string, string>();
  const join = (key: string, label: string) => {
    const seen = firstBy.get(key);
    if (seen === undefined) firstBy.set(key, label);
    else union(label, seen);
  };
  for (const r of named) {
    if (distinctive(r.label)) join(`g:${nameKey(r.label)}`, r.label);
    join(`s:${showOf(r.source)}:${looseKey(r.label)}`, r.label);
  }

  const groups = new Map<string, { labels: Map<string, number> }>();
  for (const r of named) {
    const root = find(r.label);
    let g = groups.get(root);
    if (!g) groups.set(root, (g = { labels: new Map() }));
    g.labels.set(r.label, (g.labels.get(r.label) ?? 0) + r.n);
  }
  const entityOf = new Map<string, number>();
  for (const g of groups.values()) {
    const forms = [...g.labels.entries()].sort((a, b) => b[1] - a[1] || Number(hasHan(b[0])) - Number(hasHan(a[0])) || a[0].localeCompare(b[0]));
    const id = resolveEntity(db, { name: forms[0]![0], type: 'person', aliases: forms.map(([l]) => l) });
    for (const [label] of forms) entityOf.set(label, id);
  }

  // Only documents whose links change are rewritten: an update ingests a file or two at a time,
  // and rewriting every document's speakers each time made it quadratic in the library's size.
  // A document is relinked when asked (its passages changed), when one of its named labels
  // now belongs to another person, or when its labels changed; its machine labels
  // (SPEAKER_01) follow the named labels of the same document, so they change only with them.
  const previous = new Map<number, Map<string, number>>();
  for (const r of stmt(db, 'SELECT document_id AS doc, label, entity_id AS id FROM speaker_names').all() as { doc: number; label: string; id: number }[]) {
    if (!isPersonLabel(r.label)) continue;
    const m = previous.get(r.doc) ?? new Map<string, number>();
    m.set(r.label, r.id);
    previous.set(r.doc, m);
  }
  const byDoc = new Map<number, Map<string, number>>();
  for (const r of named) {
    const m = byDoc.get(r.doc) ?? new Map<string, number>();
    m.set(r.label, entityOf.get(r.label)!);
    byDoc.set(r.doc, m);
  }
  const changed = new Set(relink);
  for (const [doc, labels] of byDoc) {
    const before = previous.get(doc);
    if (!before || before.size !== labels.size || [...labels].some(([l, id]) => before.get(l) !== id)) changed.add(doc);
  }
  for (const doc of previous.keys()) if (!byDoc.has(doc)) changed.add(doc);

  const machineDocs = new Set(rows.filter((r) => MACHINE_SPEAKER.test(r.label)).map((r) => r.doc));
  const remove = stmt(db, 'DELETE FROM speaker_names WHERE document_id = ?');
  const insert = stmt(db, 'INSERT OR REPLACE INTO speaker_names (document_id, label, entity_id) VALUES (?, ?, ?)');
  let machineLabelsNamed = 0;
  for (const doc of changed) {
    remove.run(doc);
    const labels = byDoc.get(doc) ?? new Map<string, number>();
    const mentions: Mention[] = [];
    for (const [label, id] of labels) {
      insert.run(doc, label, id);
      if (!mentions.some((m) => m.entityId === id)) mentions.push({ entityId: id, passageId: null, start: null, end: null, surface: label, via: 'speaker' });
    }
    if (labels.size && machineDocs.has(doc)) {
      for (const [machine, label] of nameMachineLabels(db, doc)) {
        insert.run(doc, machine, entityOf.get(label)!);
        machineLabelsNamed++;
      }
    }
    replaceMentions(db, doc, 'speaker', mentions);
  }
  return { people: groups.size, labels: named.length, machineLabelsNamed, changed: [...changed] };
}

/** Machine label → the person label most of its timed passages carry in another rendition. */
function nameMachineLabels(db: DB, doc: number): Map<string, string> {
  const rows = stmt(db, 'SELECT rendition_id AS r, speaker, start FROM passages WHERE document_id = ? AND speaker IS NOT NULL AND start IS NOT NULL')
    .all(doc) as { r: number; speaker: string; start: number }[];
  const namedAt = new Map<number, { r: number; speaker: string }[]>();
  for (const p of rows) {
    if (!isPersonLabel(p.speaker)) continue;
    const t = Math.round(p.start);
    namedAt.set(t, [...(namedAt.get(t) ?? []), p]);
  }
  const votes = new Map<string, Map<string, number>>();
  for (const p of rows) {
    if (!MACHINE_SPEAKER.test(p.speaker)) continue;
    for (const other of namedAt.get(Math.round(p.start)) ?? []) {
      if (other.r === p.r) continue;
      const v = votes.get(p.speaker) ?? new Map<string, number>();
      v.set(other.speaker, (v.get(other.speaker) ?? 0) + 1);
      votes.set(p.speaker, v);
    }
  }
  const out = new Map<string, string>();
  for (const [machine, v] of votes) {
    const total = [...v.values()].reduce((a, b) => a + b, 0);
    const [best, n] = [...v.entries()].sort((a, b) => b[1] - a[1])[0]!;
    if (n >= MIN_VOTES && n / total >= MIN_SHARE) out.set(machine, best);
  }
  return out;
}
