/**
 * The lexicon in memory: entries looked up by any of their names after folding, so 英伟达,
 * 英偉達, 輝達, NVIDIA and nvidia all find the same entry.
 *
 * Lookup keys are built the way queries are tokenized (text/segment.ts), without running the
 * Chinese segmenter: Han runs folded whole (Simplified, half-width; a middle dot between
 * Han characters dropped, so 萨姆·奥特曼 and 萨姆奥特曼 meet), Latin words as search terms
 * (lowercase, stemmed: "export controls" → "export control"), units separated by a space.
 * `spanKey` builds the same key from a run of query tokens, whatever way jieba cut them.
 */
import { foldWidth } from '../text/normalize.js';
import { toSimplified, toTraditional } from '../text/fold.js';
import { tokenize, type Token } from '../text/segment.js';
import { stem } from '../text/stem.js';
import { nameKey, parseHanName } from '../text/romanize.js';
import { ENTITY_TYPES, type EntityType, type LexiconEntry, type LexiconName } from './format.js';

const HAN_RUN = /[\p{Script=Han}]+(?:[·・•‧][\p{Script=Han}]+)*/gu;
const MIDDLE_DOT = /[·・•‧]/g;
const PLAIN_WORDS = /^[\p{L}\p{M}\s-]+$/u;

/** A plain word as segment.ts makes it a term: lowercase, no diacritics, stemmed if ASCII. */
function plainTerm(word: string): string {
  const lower = word.toLowerCase();
  const ascii = /^[\x00-\x7f]*$/.test(lower) ? lower : lower.normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC');
  return /^[a-z]+$/.test(ascii) ? stem(ascii) : ascii;
}

/** The lookup key of a name (see the module comment). */
export function formKey(text: string): string {
  return formKeys([text])[0]!;
}

/**
 * Keys of many names at once: their Latin parts are tokenized in a single pass (loading
 * the shipped lexicon keys thousands of names on every search command).
 */
export function formKeys(texts: readonly string[]): string[] {
  // Each name as units: a finished `term` (a Han run, or a plain word), or a range of
  // `latin`, the text tokenized in one pass.
  const units: { term?: string; from?: number; to?: number }[][] = [];
  let latin = '';
  for (const text of texts) {
    const folded = toSimplified(foldWidth(text));
    const list: (typeof units)[number] = [];
    const segment = (s: string) => {
      if (s.trim() === '') return;
      if (PLAIN_WORDS.test(s)) {
        // Letters, spaces and hyphens only: the tokenizer's rules reduce to this (a fast path).
        for (const w of s.split(/[\s-]+/)) if (w) list.push({ term: plainTerm(w) });
        return;
      }
      list.push({ from: latin.length, to: latin.length + s.length });
      latin += s + '\n';
    };
    let at = 0;
    for (const m of folded.matchAll(HAN_RUN)) {
      segment(folded.slice(at, m.index));
      list.push({ term: m[0].replace(MIDDLE_DOT, '') });
      at = m.index + m[0].length;
    }
    segment(folded.slice(at));
    units.push(list);
  }
  const tokens = tokenize(latin);
  let t = 0;
  return units.map((list) => {
    const out: string[] = [];
    for (const u of list) {
      if (u.term !== undefined) {
        out.push(u.term);
        continue;
      }
      while (t < tokens.length && tokens[t]!.start < u.from!) t++;
      for (; t < tokens.length && tokens[t]!.start < u.to!; t++) out.push(tokens[t]!.term);
    }
    return out.join(' ');
  });
}

const HAN = /\p{Script=Han}/u;

/**
 * The key of query tokens `from`..`to` (exclusive) of `text`: Han tokens that touch (or are
 * joined by a middle dot) run together, as in `formKey`.
 */
export function spanKey(text: string, tokens: readonly Token[], from: number, to: number): string {
  let key = '';
  for (let i = from; i < to; i++) {
    const t = tokens[i]!;
    const prev = i > from ? tokens[i - 1]! : undefined;
    const joined = prev !== undefined && HAN.test(t.term) && HAN.test(prev.term) && /^[·・•‧]?$/.test(text.slice(prev.end, t.start));
    key += (i === from || joined ? '' : ' ') + t.term;
  }
  return key;
}

/** An entry's names by kind, as entity pages and `engram lexicon list --json` show them. */
export interface EntryForms {
  simplified: string[];
  traditional: string[];
  tw: string[];
  hk: string[];
  english: string[];
  aliases: string[];
  ambiguous: string[];
}

export function entryForms(e: LexiconEntry): EntryForms {
  const texts = (f: (n: LexiconName) => boolean) => [...new Set(e.names.filter(f).map((n) => n.text))];
  const simplified = texts((n) => n.script === 'han' && !n.region && !n.alias);
  return {
    simplified,
    traditional: [...new Set(simplified.map(toTraditional))],
    tw: texts((n) => n.region === 'tw'),
    hk: texts((n) => n.region === 'hk'),
    english: texts((n) => n.script === 'latin' && !n.alias),
    aliases: texts((n) => Boolean(n.alias)),
    ambiguous: texts((n) => Boolean(n.ambiguous)),
  };
}

export class Lexicon {
  private readonly byId = new Map<string, LexiconEntry>();
  private readonly byKey = new Map<string, LexiconEntry[]>();
  private byNameKey: Map<string, LexiconEntry[]> | undefined;

  /**
   * Entries in priority order. A later entry with an id already seen adds its names to the
   * earlier one (the library extends shipped entries); its type is ignored.
   */
  constructor(entries: readonly LexiconEntry[]) {
    for (const e of entries) {
      const known = this.byId.get(e.id);
      if (known) {
        const have = new Set(known.names.map((n) => n.text));
        const merged = { ...known, names: [...known.names, ...e.names.filter((n) => !have.has(n.text))] };
        this.byId.set(e.id, merged);
      } else {
        this.byId.set(e.id, e);
      }
    }
    const all = [...this.byId.values()].flatMap((e) => e.names.map((n) => ({ e, text: n.text })));
    const keys = formKeys(all.map((x) => x.text));
    all.forEach(({ e }, i) => {
      const key = keys[i]!;
      if (key === '') return;
      const list = this.byKey.get(key);
      if (!list) this.byKey.set(key, [e]);
      else if (!list.includes(e)) list.push(e);
    });
  }

  get size(): number {
    return this.byId.size;
  }

  entries(): LexiconEntry[] {
    return [...this.byId.values()];
  }

  get(id: string): LexiconEntry | undefined {
    return this.byId.get(id);
  }

  /** Entries with a name that folds to the same key as `text`. */
  lookup(text: string): LexiconEntry[] {
    return this.lookupKey(formKey(text));
  }

  lookupKey(key: string): LexiconEntry[] {
    return this.byKey.get(key) ?? [];
  }

  /**
   * People whose Chinese name reads with this key ("liang wenfeng"), so a romanization in
   * any order or spelling (Wenfeng Liang, Liang Wen-feng) finds 梁文锋. Built on first use.
   */
  personsWithNameKey(key: string): LexiconEntry[] {
    if (!this.byNameKey) {
      this.byNameKey = new Map();
      for (const e of this.byId.values()) {
        if (e.type !== 'person') continue;
        for (const n of e.names) {
          const name = n.script === 'han' ? parseHanName(n.text) : undefined;
          if (!name) continue;
          const k = nameKey(name);
          const list = this.byNameKey.get(k) ?? [];
          if (!list.includes(e)) list.push(e);
          this.byNameKey.set(k, list);
        }
      }
    }
    return this.byNameKey.get(key) ?? [];
  }

  /** Counts by type, for reports. */
  countByType(): Record<EntityType, number> {
    const out = Object.fromEntries(ENTITY_TYPES.map((t) => [t, 0])) as Record<EntityType, number>;
    for (const e of this.byId.values()) out[e.type]++;
    return out;
  }
}

/**
 * Problems in a set of entries, one message each (file:line: what): duplicate ids, a name
 * claimed by two entries without `?` on both, names that fold to nothing.
 */
export function lexiconProblems(entries: readonly LexiconEntry[]): string[] {
  const problems: string[] = [];
  const ids = new Map<string, LexiconEntry>();
  const claims = new Map<string, { entry: LexiconEntry; name: LexiconName }[]>();
  const keys = formKeys(entries.flatMap((e) => e.names.map((n) => n.text)));
  let k = 0;
  for (const e of entries) {
    const where = `${e.origin.file}:${e.origin.line}`;
    const first = ids.get(e.id);
    if (first) problems.push(`${where}: id "${e.id}" already used at ${first.origin.file}:${first.origin.line}`);
    else ids.set(e.id, e);
    const seen = new Set<string>();
    for (const n of e.names) {
      const key = keys[k++]!;
      if (key === '') {
        problems.push(`${where}: name "${n.text}" has no searchable characters`);
        continue;
      }
      if (seen.has(key)) continue; // the same name twice in one entry (英伟达 and 英偉達) is harmless
      seen.add(key);
      const list = claims.get(key) ?? [];
      list.push({ entry: e, name: n });
      claims.set(key, list);
    }
  }
  for (const [key, list] of claims) {
    if (list.length < 2 || list.every((c) => c.name.ambiguous)) continue;
    const who = list.map((c) => `${c.entry.id} (${c.entry.origin.file}:${c.entry.origin.line})`).join(', ');
    problems.push(`name "${list[0]!.name.text}" (key "${key}") is claimed by ${who}: mark it ? in each, or keep it in one`);
  }
  return problems;
}
