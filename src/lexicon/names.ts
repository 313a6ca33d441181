/**
 * Person names across scripts: a Chinese name in a query reaches its romanizations, a
 * romanized name reaches the Chinese names the library writes it with, and similar-sounding
 * names stay apart.
 *
 * What "checked against the original characters" means here (issue 8):
 * - Sound links scripts, never characters within a script. 曹越 and 曹悦 both read "cao yue",
 *   but a query for 曹越 never matches a document for writing 曹悦.
 * - A romanized query (Cao Yue) reaches a Chinese name only where the library pairs them: some
 *   document writes both (an English summary says Cao Yue, its transcript 曹越). A name the
 *   library never writes beside the romanization is not reached, however it sounds.
 * - A Chinese query (曹悦) reaches the romanization (Cao Yue) unless the library's own
 *   characters say the romanization is someone else: the library writes 曹悦 somewhere, writes
 *   Cao Yue beside another name (曹越), and never beside 曹悦. When the library does not write
 *   the queried characters at all, the romanization is the only link there is and is kept
 *   (transcripts misrecognize names: 刘先明's interview transcribes him as 刘鲜明, while its
 *   English summary says Liu Xianming).
 * Lexicon entries are curated facts and are not second-guessed.
 */
import { nameKey, parseHanName, parseRomanizedName, romanizations, type PinyinName } from '../text/romanize.js';
import { wordTags } from '../text/segment.js';
import type { LexiconEntry } from './format.js';

/** What the library knows about names: where it writes them. */
export interface NameEvidence {
  /** Documents that write any of these forms (each a name as typed: 曹越, Cao Yue). */
  documents(forms: string[]): Set<number>;
  /** Han names (Simplified) with this reading ("cao yue") that these documents write. */
  hanNamesIn(documents: Set<number>, key: string): string[];
}

/** Jieba tags of a word that may be a name: a person name, or a word it inferred (unknown). */
const NAME_TAGS = new Set(['nr', 'nrt', 'nrfg', 'x']);

/**
 * A Han query word read as a personal name: a known surname, one or two given characters,
 * and not an ordinary word that happens to start with a surname (黄金, 周末, 马上).
 */
export function hanPersonName(han: string): PinyinName | undefined {
  const name = parseHanName(han);
  if (!name) return undefined;
  const tags = wordTags(han);
  if (tags.length === 1 && !NAME_TAGS.has(tags[0]!.tag)) return undefined;
  return name;
}

/** Latin query words read as a Chinese name (Jie Tan, Jen-Hsun Huang): every reading. */
export function romanPersonNames(words: string[]): PinyinName[] {
  return parseRomanizedName(words);
}

/** Romanized forms search should try for a name (one order: name groups match both). */
export function romanForms(name: PinyinName): string[] {
  return romanizations(name, 'surname-first');
}

/**
 * The romanizations a Chinese query name may use, after the character check above; empty
 * when the library's characters say the romanization belongs to another name.
 */
export function bridgeHanName(han: string, name: PinyinName, evidence?: NameEvidence): string[] {
  const forms = romanForms(name);
  if (!evidence) return forms;
  const roman = evidence.documents(forms);
  if (roman.size === 0) return forms;
  const others = evidence.hanNamesIn(roman, nameKey(name)).filter((h) => h !== han);
  if (others.length === 0) return forms;
  const own = evidence.documents([han]);
  if (own.size === 0) return forms; // the library never writes these characters: sound is all there is
  const paired = [...own].some((d) => roman.has(d));
  return paired ? forms : [];
}

/**
 * Chinese names a romanized query reaches: those the library writes in a document that also
 * has the romanization (any spelling of the same reading).
 */
export function bridgeRomanName(names: PinyinName[], evidence?: NameEvidence): { han: string[]; roman: string[] } {
  const roman = [...new Set(names.flatMap(romanForms))];
  if (!evidence) return { han: [], roman };
  const han = names.flatMap((name) => {
    const docs = evidence.documents(romanForms(name));
    return docs.size ? evidence.hanNamesIn(docs, nameKey(name)) : [];
  });
  return { han: [...new Set(han)], roman };
}

/**
 * Romanizations a lexicon person also goes by: for a Chinese name whose entry spells it in
 * Latin with the same surname (黄仁勋 / Jensen Huang → Huang Renxun, Jen-Hsun Huang). Not for
 * transliterated foreign names (马斯克 / Elon Musk has no surname Ma).
 */
export function personRomanizations(entry: LexiconEntry): string[] {
  if (entry.type !== 'person') return [];
  const latinWords = new Set(
    entry.names.filter((n) => n.script === 'latin').flatMap((n) => n.text.toLowerCase().split(/[^a-z]+/)),
  );
  const out: string[] = [];
  for (const n of entry.names) {
    if (n.script !== 'han') continue;
    const name = parseHanName(n.text);
    if (!name) continue;
    const forms = romanForms(name);
    const surnames = new Set(forms.map((f) => f.split(' ')[0]!.toLowerCase().replace(/-/g, '')));
    if ([...surnames].some((s) => latinWords.has(s))) out.push(...forms);
  }
  return out;
}
