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
 * Known names, everyday words, numbers and parts of longer words are left out.
 *
 * Ranked by a score rather than by how many documents have it: a name or a term, once in a
 * document, tends to come back in it (Church 2000, "Empirical estimates of adaptation"),
 * while an everyday word jieba's dictionary lacks (远超, 好用, 官宣) is said once here and once
 * there. On the labelled whole-corpus library, precision at 20 went from 0.30 to 1.00 and at
 * 50 from 0.38 to 0.92 (docs/benchmarks.md; `npm run eval`, bench/suggest-labels.json).
 */
import { stmt } from '../store/statements.js';
import type { DB } from '../store/db.js';
import type { EntityType } from '../entities/names.js';
import { hanFrequency, englishRank, charTag, GRAMMATICAL_CHARS } from './words.js';
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
  /** What the list is ranked by (`termScore`): higher first. */
  score: number;
}

export interface SuggestOptions {
  /** Only terms found in at least this many documents (default 3). */
  minDocuments?: number;
  limit?: number;
}

export function suggestTerms(db: DB, isKnown: (name: string) => boolean, opts: SuggestOptions = {}): Suggestion[] {
  const minDocuments = opts.minDocuments ?? 3;
  const limit = opts.limit ?? 50;
  const out: Suggestion[] = [];
  const seen = new Set<string>();
  const add = (s: Suggestion) => {
    const k = s.name.toLowerCase();
    if (seen.has(k) || isKnown(s.name)) return;
    seen.add(k);
    out.push(s);
  };
  /** Candidates, each with its score and what checks it (dearer: run in score order, only until the list is full). */
  const candidates: { score: number; documents: number; mentions: number; check: () => Omit<Suggestion, 'score'> | undefined }[] = [];

  // Names listed by summaries or speaking, that no lexicon entry names.
  const listed = stmt(db,
    `SELECT e.id, e.name, e.type, group_concat(DISTINCT m.via) AS via, count(DISTINCT m.document_id) AS documents, count(*) AS mentions
       FROM entities e JOIN mentions m ON m.entity_id = e.id
      WHERE e.lexicon_id IS NULL GROUP BY e.id HAVING documents >= ? ORDER BY documents DESC, mentions DESC`,
  ).all(Math.max(1, minDocuments - 1)) as { id: number; name: string; type: EntityType; via: string; documents: number; mentions: number }[];
  const entityExamples = stmt(db,
    `SELECT d.id AS document, d.title FROM mentions m JOIN documents d ON d.id = m.document_id WHERE m.entity_id = ? GROUP BY d.id ORDER BY d.date DESC LIMIT 3`,
  );
  const entityCounts = stmt(db, 'SELECT count(*) AS n FROM mentions WHERE entity_id = ? GROUP BY document_id');
  for (const e of listed) {
    if (isKnown(e.name)) continue;
    const counts = (entityCounts.all(e.id) as { n: number }[]).map((c) => c.n);
    candidates.push({
      // A name a summary lists or that speaks is a name: it needs no repeats to show it.
      score: termScore(counts, true),
      documents: e.documents,
      mentions: e.mentions,
      check: () => {
        const examples = entityExamples.all(e.id) as { document: number; title: string | null }[];
        return { name: e.name, type: e.type, documents: e.documents, mentions: e.mentions, via: e.via, examples: examples.map((x) => ({ ...x, text: '' })) };
      },
    });
  }

  // Words of the index that no dictionary knows.
  const vocab = stmt(db,
    `SELECT term, doc AS passages, cnt AS mentions FROM passages_vocab WHERE doc >= ? AND length(term) >= 2 ORDER BY doc DESC LIMIT 20000`,
  ).all(minDocuments) as { term: string; passages: number; mentions: number }[];
  // Only what the library's files say: engram's own summaries (their "Key passages (extractive…"
  // headings) would suggest engram's words.
  const fromFiles = 'JOIN renditions r ON r.id = p.rendition_id AND r.generated IS NULL';
  // How many of each document's passages have the term.
  const perDocument = stmt(db,
    `SELECT count(*) AS n FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid ${fromFiles} WHERE passages_fts MATCH ? GROUP BY p.document_id`,
  );
  const example = stmt(db,
    `SELECT p.document_id AS document, d.title, p.text FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid ${fromFiles} JOIN documents d ON d.id = p.document_id
      WHERE passages_fts MATCH ? ORDER BY length(p.text) LIMIT 2`,
  );
  const sample = stmt(db, `SELECT p.text, p.role FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid ${fromFiles} WHERE passages_fts MATCH ? LIMIT ${NAME_SAMPLE}`);
  // What was corrected is a garble of a known name, not a new one.
  const garbles = [...new Set((stmt(db, 'SELECT DISTINCT original FROM corrections').pluck().all() as string[]).flatMap((o) => [o.toLowerCase(), toSimplified(o).toLowerCase()]))];
  const garbled = (term: string) => garbles.some((g) => g.includes(term));
  for (const v of vocab) {
    // (A known Latin word may still be part of a name the lexicon lacks: Blackwell Ultra.)
    if (!unknownWord(v.term) || garbled(v.term) || (HAN.test(v.term) && isKnown(v.term))) continue;
    const match = `"${v.term.replace(/"/g, '""')}"`;
    const counts = (perDocument.all(match) as { n: number }[]).map((c) => c.n);
    const documents = counts.length;
    if (documents < minDocuments) continue;
    candidates.push({
      score: termScore(counts),
      documents,
      mentions: v.mentions,
      check: () => {
        const written = sample.all(match) as { text: string; role: string }[];
        // A section heading summaries repeat (Contrarian Perspectives, 核心观点) is no name or term.
        if (written.filter((w) => w.role === 'heading').length * 2 >= written.length) return undefined;
        const texts = written.map((w) => w.text);
        let name = v.term;
        if (HAN.test(v.term)) {
          // Part of a longer word (代伊 of 阿莫代伊, 张图 of 这张图): suggested as that word, when it is one.
          const whole = wholeWord(texts, v.term);
          if (whole === undefined || (whole !== v.term && (!unknownWord(whole) || garbled(whole)))) return undefined;
          name = whole;
        } else {
          // A first or last name is suggested as the name it is written in (Elon → Elon Musk), and
          // not at all when the lexicon knows that name.
          name = nameAround(texts, v.term) ?? v.term;
        }
        if (isKnown(name)) return undefined;
        const found = example.all(match) as { document: number; title: string | null; text: string }[];
        // An English term must be written as a word of its own, not only as a part of a compound
        // (the index also has the parts and the joined form: DALL-E → dall, on-device → ondevice).
        if (!HAN.test(v.term) && !found.some((x) => standsAlone(x.text, v.term))) return undefined;
        const examples = found.map((x) => ({ ...x, text: clip(x.text, HAN.test(name) ? name : v.term) }));
        return { name, type: 'term', documents, mentions: v.mentions, via: 'text', examples };
      },
    });
  }

  candidates.sort((a, b) => b.score - a.score || b.documents - a.documents || b.mentions - a.mentions);
  for (const c of candidates) {
    if (out.length >= limit) break;
    const s = c.check();
    if (s) add({ ...s, score: Math.round(c.score * 1000) / 1000 });
  }
  return out;
}

/**
 * How much a term is worth suggesting, from how many of each document's passages have it:
 * how often it comes back in a document that has it (the passages past the first, per
 * document, drawn toward a prior so that three documents prove little), times a weak reward
 * for being in many documents. An everyday word is spread thin: 200 documents with 1.2
 * passages each rank below 20 documents that come back to a name or a term 3 times each.
 * `name`: known to be a name (listed by a summary, or speaking), repeats or not.
 */
export function termScore(counts: readonly number[], name = false): number {
  const documents = counts.length;
  let repeats = 0;
  for (const n of counts) repeats += n - 1;
  const comeBack = (repeats + PRIOR_DOCUMENTS * PRIOR_REPEATS) / (documents + PRIOR_DOCUMENTS);
  return Math.log2(name ? Math.max(comeBack, 1) : comeBack) + SPREAD_WEIGHT * Math.log2(Math.max(documents, 1));
}
/** The prior `termScore` draws a term's repeats toward: as if it had PRIOR_DOCUMENTS more documents with PRIOR_REPEATS each. */
const PRIOR_DOCUMENTS = 2;
const PRIOR_REPEATS = 0.5;
/** How much being in many documents counts against coming back in them (an exponent on documents). */
const SPREAD_WEIGHT = 0.2;

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
  // A character and a locative after it (jieba's `f`: 中, 前, 后, 外) is "in the X" (图中, 库中, 睡前), not a word.
  if (chars.length === 2) return chars.some((c) => PHRASE_CHARS.has(c)) || charTag(chars[1]!) === 'f';
  return PHRASE_CHARS.has(chars[0]!) || PHRASE_CHARS.has(chars[chars.length - 1]!);
}

/** Passages read to see how a term is written (in headings, `nameAround`, `wholeWord`). */
const NAME_SAMPLE = 30;

/**
 * The word a Chinese term is part of, as it is written: while one same Han character stands
 * before (or after) it in at least `FIXED_SHARE` of the places it is written, that character
 * belongs to it, with the rest of the dictionary word it ends (or starts) there: jieba cuts a
 * long name or a set phrase it does not know into pieces (代伊 → 阿莫代伊, 库兹 → 库兹韦尔,
 * 全量 → 全量微调), and a piece is no word of its own. A particle or pronoun next to it is not
 * part of it (奥坎塔伊的, 我是小飞), except that a classifier or numeral after a demonstrative or
 * numeral makes a phrase, not a word (这张图, 有多远): undefined. The term itself when no
 * neighbour is that fixed.
 */
export function wholeWord(texts: readonly string[], term: string): string | undefined {
  const folded = texts.map((t) => toSimplified(t));
  let word = term;
  for (;;) {
    const before = new Map<string, number>();
    const after = new Map<string, number>();
    const wordsBefore = new Map<string, number>();
    const wordsAfter = new Map<string, number>();
    let written = 0;
    for (const t of folded) {
      for (let at = t.indexOf(word); at !== -1; at = t.indexOf(word, at + 1)) {
        written++;
        const end = at + word.length;
        if (HAN.test(t[at - 1] ?? '')) {
          count(before, t[at - 1]!);
          count(wordsBefore, dictionaryWord(t, at, -1));
        }
        if (HAN.test(t[end] ?? '')) {
          count(after, t[end]!);
          count(wordsAfter, dictionaryWord(t, end, 1));
        }
      }
    }
    if (written < FIXED_MIN) return word;
    const [b, nb] = most(before);
    const [a, na] = most(after);
    const left = nb >= na;
    const [char, n] = left ? [b, nb] : [a, na];
    if (n < FIXED_SHARE * written) return word;
    if (PHRASE_CHARS.has(char)) {
      const tag = charTag(word[0]!);
      return left && (tag === 'q' || tag === 'm') ? undefined : word;
    }
    const [unit, nu] = most(left ? wordsBefore : wordsAfter);
    const piece = nu >= FIXED_SHARE * written ? unit : char;
    if (word.length + piece.length > MAX_WORD) return word;
    word = left ? piece + word : word + piece;
  }
}

/** The dictionary word of `text` that ends just before `at` (`dir` -1) or starts at it (1), else the character there. */
function dictionaryWord(text: string, at: number, dir: -1 | 1): string {
  for (let n = 4; n >= 2; n--) {
    const w = dir < 0 ? text.slice(Math.max(0, at - n), at) : text.slice(at, at + n);
    if (w.length === n && /^\p{Script=Han}+$/u.test(w) && hanFrequency(w) > 0) return w;
  }
  return dir < 0 ? text[at - 1]! : text[at]!;
}

function count(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

function most(m: Map<string, number>): [string, number] {
  let best: [string, number] = ['', 0];
  for (const e of m) if (e[1] > best[1]) best = e;
  return best;
}

const HAN = /\p{Script=Han}/u;
const FIXED_SHARE = 0.8;
/** Places a term must be written in for its neighbours to tell anything. */
const FIXED_MIN = 5;
const MAX_WORD = 8;

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

/** A window of the passage around the term (the index holds it folded: find it loosely, in either script). */
function clip(text: string, term: string): string {
  const at = toSimplified(text).toLowerCase().indexOf(term);
  const from = Math.max(0, (at === -1 ? 0 : at) - 40);
  return (from > 0 ? '…' : '') + text.slice(from, from + 120).replace(/\s+/g, ' ') + (text.length > from + 120 ? '…' : '');
}
