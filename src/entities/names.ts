/**
 * Name identity across scripts, languages and spellings.
 *
 * A name's **key** is what stays when script, width, case, spacing and punctuation are
 * taken away and Han characters are read as toneless pinyin: 習近平, 习近平 and Xi Jinping
 * all key to `xijinping`; OpenAI and Open AI to `openai`. Two names with the same key and
 * the same kind (person, or anything else) are one entity. Same-sounding Han names are
 * therefore one person — in this library that is far more often one name recognized two
 * ways (劉志遠, 刘知远) than two people.
 *
 * The **loose key** also collapses the consonants romanizations disagree on (Wade–Giles
 * ch/hs/ts, pinyin q/x/z/zh/j), so Manchi meets Manqi and 曼祺. It is only used where the
 * candidates are few and close: the speakers of one show.
 */
import { foldWidth } from '../text/normalize.js';
import { toSimplified } from '../text/fold.js';
import { hasHan, syllableOf } from '../terms/pinyin.js';
import { nameKey as personKey, parseHanName, parseRomanizedName } from '../text/romanize.js';

export type EntityType = 'person' | 'organization' | 'product' | 'concept';
export const ENTITY_TYPES: readonly EntityType[] = ['person', 'organization', 'product', 'concept'];

/** Simplified, half-width, lowercase, Latin diacritics removed, spaces collapsed. */
export function foldName(name: string): string {
  return toSimplified(foldWidth(name))
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Every key a name has: its reading with script, case and spacing gone; for a person, also
 * the name's surname/given-name key from text/romanize.ts, so every way English writes a
 * Chinese name meets its characters (习近平, Xi Jinping, Jinping Xi, Hsi Chin-ping).
 */
export function nameKeys(name: string, kind: 'person' | 'thing' = 'thing'): string[] {
  const folded = foldName(name);
  const keys = new Set<string>();
  if (!hasHan(folded)) {
    const k = latinKey(folded);
    if (k) keys.add(k);
    if (kind === 'person') {
      const words = folded.split(/[\s\-.·]+/).filter(Boolean);
      if (words.length >= 2) for (const n of parseRomanizedName(words)) keys.add(`~${personKey(n)}`);
    }
    return [...keys];
  }
  keys.add([...folded].map((ch) => syllableOf(ch) || latinKey(ch)).join(''));
  if (kind === 'person') {
    const n = parseHanName(folded.replace(/[·・•‧\s]/g, ''));
    if (n) keys.add(`~${personKey(n)}`);
  }
  return [...keys].filter(Boolean);
}

export function nameKey(name: string): string {
  return nameKeys(name)[0] ?? '';
}

function latinKey(s: string): string {
  return s.replace(/[^\p{L}\p{N}]/gu, '');
}

/** Coarse phonetic key for romanization variants (Manchi, Manqi, 曼祺 → manci). */
export function looseKey(name: string): string {
  return nameKey(name)
    .replace(/hs|sh|x/g, 's')
    .replace(/ch|zh|ts|tz|q|j|z/g, 'c')
    .replace(/(.)\1+/g, '$1');
}

/** Persons are one kind; organizations, products and concepts share names across kinds
 * (DeepSeek the company and the model), so they form the other. */
export function keyKind(type: EntityType): 'person' | 'thing' {
  return type === 'person' ? 'person' : 'thing';
}

/** A URL-safe, readable slug: the name's Latin letters when it has enough, else its key. */
export function slugFor(name: string): string {
  const folded = foldName(name);
  const latin = folded.normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (latin.length >= 2 && !hasHan(folded)) return latin;
  return nameKey(name) || latin || 'entity';
}
