/**
 * `engram lexicon suggest`: names and terms the library keeps using that the lexicon does
 * not know, with examples, for a person to accept with `engram lexicon add`.
 *
 * Where they come from:
 * - names the library's summaries list (People / Companies) and its speakers, linked into
 *   entities at ingest but not in the lexicon;
 * - index terms no dictionary holds: Chinese words jieba inferred (not in its dictionary)
 *   and Latin words no English word list has (OpenClaw, Genspark), appearing in
 *   several documents; a first or last name as the name it is written in.
 * Known names, everyday words and numbers are left out; the most widespread come first.
 */
import { stmt } from '../store/statements.js';
import type { DB } from '../store/db.js';
import type { EntityType } from '../entities/names.js';
import { hanFrequency, englishRank, GRAMMATICAL_CHARS } from './words.js';
import { toSimplified } from '../text/fold.js';

export interface Suggestion {
  name: string;
  /** What it probably is: a listed name's type, else `term`. */
  type: EntityType | 'term';
  documents: number;
  mentions: number;
  /** Where it came from: `summary`, `speaker` or `text`. */
  via: string;
  examples: { document: number; title: string | null; text: string }[];
}

export interface SuggestOptions {
  /** Only terms found in at least this many documents (default 3). */
  minDocuments?: number;
  limit?: number;
}

export function suggestTerms(db: DB, isKnown: (name: string) => boolean, opts: SuggestOptions = {}): Suggestion[] {
  const minDocuments = opts.minDocuments ?? 3;
  const out: Suggestion[] = [];
  const seen = new Set<string>();
  const add = (s: Suggestion) => {
    const k = s.name.toLowerCase();
    if (seen.has(k) || isKnown(s.name)) return;
    seen.add(k);
    out.push(s);
  };

  // Names listed by summaries or speaking, that no lexicon entry names.
  const listed = stmt(db,
    `SELECT e.id, e.name, e.type, group_concat(DISTINCT m.via) AS via, count(DISTINCT m.document_id) AS documents, count(*) AS mentions
       FROM entities e JOIN mentions m ON m.entity_id = e.id
      WHERE e.lexicon_id IS NULL GROUP BY e.id HAVING documents >= ? ORDER BY documents DESC, mentions DESC`,
  ).all(Math.max(1, minDocuments - 1)) as { id: number; name: string; type: EntityType; via: string; documents: number; mentions: number }[];
  for (const e of listed) {
    const examples = stmt(db,
      `SELECT d.id AS document, d.title FROM mentions m JOIN documents d ON d.id = m.document_id WHERE m.entity_id = ? GROUP BY d.id ORDER BY d.date DESC LIMIT 3`,
    ).all(e.id) as { document: number; title: string | null }[];
    add({ name: e.name, type: e.type, documents: e.documents, mentions: e.mentions, via: e.via, examples: examples.map((x) => ({ ...x, text: '' })) });
  }

  // Words of the index that no dictionary knows.
  const vocab = stmt(db,
    `SELECT term, doc AS passages, cnt AS mentions FROM passages_vocab WHERE doc >= ? AND length(term) >= 2 ORDER BY doc DESC LIMIT 20000`,
  ).all(minDocuments) as { term: string; passages: number; mentions: number }[];
  // Only what the library's files say: engram's own summaries (their "Key passages (extractive…"
  // headings) would suggest engram's words.
  const fromFiles = 'JOIN renditions r ON r.id = p.rendition_id AND r.generated IS NULL';
  const docsOf = stmt(db, `SELECT count(DISTINCT p.document_id) FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid ${fromFiles} WHERE passages_fts MATCH ?`).pluck();
  const example = stmt(db,
    `SELECT p.document_id AS document, d.title, p.text FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid ${fromFiles} JOIN documents d ON d.id = p.document_id
      WHERE passages_fts MATCH ? ORDER BY length(p.text) LIMIT 2`,
  );
  const sample = stmt(db, `SELECT p.text, p.role FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid ${fromFiles} WHERE passages_fts MATCH ? LIMIT ${NAME_SAMPLE}`);
  // What was corrected is a garble of a known name, not a new one.
  const garbles = new Set((stmt(db, 'SELECT DISTINCT original FROM corrections').pluck().all() as string[]).map((o) => o.toLowerCase()));
  const garbled = (term: string) => [...garbles].some((g) => g.includes(term) || toSimplified(g).includes(term));
  for (const v of vocab) {
    if (!unknownWord(v.term) || garbled(v.term)) continue;
    const match = `"${v.term.replace(/"/g, '""')}"`;
    const documents = docsOf.get(match) as number;
    if (documents < minDocuments) continue;
    const found = example.all(match) as { document: number; title: string | null; text: string }[];
    // An English term must be written as a word of its own, not only as a part of a compound
    // (the index also has the parts and the joined form: DALL-E → dall, on-device → ondevice).
    if (!/\p{Script=Han}/u.test(v.term) && !found.some((x) => standsAlone(x.text, v.term))) continue;
    const examples = found.map((x) => ({ ...x, text: clip(x.text, v.term) }));
    const written = sample.all(match) as { text: string; role: string }[];
    // A section heading summaries repeat (Contrarian Perspectives, 核心观点) is no name or term.
    if (written.filter((w) => w.role === 'heading').length * 2 >= written.length) continue;
    // A first or last name is suggested as the name it is written in (Elon → Elon Musk), and
    // not at all when the lexicon knows that name.
    const whole = /\p{Script=Han}/u.test(v.term) ? undefined : nameAround(written.map((w) => w.text), v.term);
    if (whole && isKnown(whole)) continue;
    add({ name: whole ?? v.term, type: 'term', documents, mentions: v.mentions, via: 'text', examples });
    if (out.length >= (opts.limit ?? 50) * 2) break;
  }
  return out.sort((a, b) => b.documents - a.documents || b.mentions - a.mentions).slice(0, opts.limit ?? 50);
}

/**
 * A Chinese word no dictionary holds, or a Latin word that is no English word. Jieba
 * infers words the dictionary lacks from how characters pair up, so it also joins everyday
 * speech into "words" (这是, 很难, 将会, 三大, 做过): one of two characters, or a longer one's
 * first or last, that is a particle, pronoun, auxiliary, numeral or degree word makes a
 * phrase, not a name or term to add.
 */
function unknownWord(term: string): boolean {
  if (/^\p{Script=Han}{2,8}$/u.test(term)) return hanFrequency(term) === 0 && !speechPhrase(term);
  // Any word of the English word list, however rare in speech (framework, tensor, autonomous:
  // ranks 27,000–65,000), is English, not a name or a term the lexicon lacks.
  if (/^[a-z][a-z0-9]{3,}$/.test(term) && /[a-z]{3}/.test(term)) return englishRank(term) === Infinity;
  return false;
}

/** Particles and degree words besides the corrector's grammatical characters (words.ts). */
const PHRASE_CHARS = new Set([...GRAMMATICAL_CHARS, ...'过地得着极较挺越仅先里完'.split('')]);

function speechPhrase(term: string): boolean {
  const chars = [...term];
  if (chars.length === 2) return chars.some((c) => PHRASE_CHARS.has(c));
  return PHRASE_CHARS.has(chars[0]!) || PHRASE_CHARS.has(chars[chars.length - 1]!);
}

/** Passages read to see how a term is written (in headings, `nameAround`). */
const NAME_SAMPLE = 30;

/**
 * The name a Latin term is mostly written in: with the capitalized word before or after it
 * (Elon Musk, Y Combinator), in at least `NAME_SHARE` of the places it is written capitalized
 * itself. Undefined when it mostly stands alone or is written lower case (an ordinary word).
 */
function nameAround(texts: readonly string[], term: string): string | undefined {
  // Its capitalized forms only (Elon, ELON): the words around it must be capitalized too, so no `i` flag.
  const forms = `${term[0]!.toUpperCase()}${term.slice(1)}|${term.toUpperCase()}`;
  const at = new RegExp(`(?:(\\p{Lu}\\p{L}*)[ \u00a0])?(?<![\\p{L}\\p{N}])(${forms})(?![\\p{L}\\p{N}])(?:[ \u00a0](\\p{Lu}\\p{L}+))?`, 'gu');
  const names = new Map<string, number>();
  let written = 0;
  for (const text of texts) {
    for (const m of text.matchAll(at)) {
      written++;
      if (m[1] === undefined && m[3] === undefined) continue;
      // The word after first: the one before may just start the sentence (Then Elon Musk said).
      const name = m[3] !== undefined ? `${m[2]} ${m[3]}` : `${m[1]} ${m[2]}`;
      names.set(name, (names.get(name) ?? 0) + 1);
    }
  }
  const [best, n] = [...names].sort((a, b) => b[1] - a[1])[0] ?? [];
  return best !== undefined && n! >= NAME_SHARE * written && written >= 2 ? best : undefined;
}
const NAME_SHARE = 0.6;

/**
 * Whether `term` occurs in `text` as a word of its own: no letter, digit, - or _ joined to it (a
 * sentence's full stop may follow), and not in a link (http, www, t.cn are no terms).
 */
function standsAlone(text: string, term: string): boolean {
  return new RegExp(`(?<![a-z0-9\\-_.])${term}(?![a-z0-9\\-_]|\\.[a-z0-9])`, 'i').test(text.replace(LINK, ' '));
}
const LINK = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S+/gi;

/** A window of the passage around the term (the index holds it folded: find it loosely). */
function clip(text: string, term: string): string {
  const at = text.toLowerCase().indexOf(term);
  const from = Math.max(0, (at === -1 ? 0 : at) - 40);
  return (from > 0 ? '…' : '') + text.slice(from, from + 120).replace(/\s+/g, ' ') + (text.length > from + 120 ? '…' : '');
}
