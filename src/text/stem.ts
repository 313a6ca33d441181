/**
 * A light English stemmer: Porter's step 1 (plurals, -ed, -ing) with two changes, plus a
 * cautious -ly. No stemmer package is installed, and the corpus is mostly Chinese: English
 * here is names, technical terms and some podcast transcripts, where a light touch matters
 * more than recall (a full Porter stemmer turns "general" and "generous" into "gener").
 *
 * Changes from Porter step 1: "-ies" → "y" (studies → study, so it meets "study" without
 * step 1c's y→i), and no "-s" stripping after s/u/i or in words under 4 letters (this, bus,
 * status, analysis, has). Index and query use the same function, so consistency is what
 * counts, not linguistic accuracy.
 *
 * Input: a lowercase word of ASCII letters. Anything else is returned unchanged.
 */

const VOWEL = /[aeiou]/;

export function stem(word: string): string {
  if (word.length < 4 || !/^[a-z]+$/.test(word)) return word;
  let w = step1a(word);
  w = step1b(w);
  w = stripLy(w);
  return w;
}

function step1a(w: string): string {
  if (w.endsWith('sses')) return w.slice(0, -2);
  if (w.endsWith('ies')) return w.length > 4 ? w.slice(0, -3) + 'y' : w.slice(0, -1);
  if (w.endsWith('ss') || w.endsWith('us') || w.endsWith('is') || w.endsWith('ous')) return w;
  if (w.endsWith('s')) return w.slice(0, -1);
  return w;
}

function step1b(w: string): string {
  if (w.endsWith('eed')) {
    // (m>0) EED → EE; "need", "feed" stay.
    const stemPart = w.slice(0, -3);
    return measure(stemPart) > 0 ? w.slice(0, -1) : w;
  }
  for (const suffix of ['ed', 'ing']) {
    if (!w.endsWith(suffix)) continue;
    const stemPart = w.slice(0, -suffix.length);
    if (!hasVowel(stemPart)) return w; // "red", "sing", "bring"
    return tidy(stemPart);
  }
  return w;
}

/** Porter's clean-up after removing -ed/-ing: restore an e, undouble a final consonant. */
function tidy(s: string): string {
  if (s.endsWith('at') || s.endsWith('bl') || s.endsWith('iz')) return s + 'e';
  const last = s[s.length - 1];
  if (s.length >= 2 && last === s[s.length - 2] && !VOWEL.test(last) && !'lsz'.includes(last)) {
    return s.slice(0, -1); // running → run
  }
  if (measure(s) === 1 && endsCvc(s)) return s + 'e'; // scaling → scale
  return s;
}

/**
 * -ly only where it is plainly an adverb ending: word of 6+ letters, stem not ending in a
 * vowel (family, anomaly) or p (supply, comply), not a -fly word (butterfly).
 */
function stripLy(w: string): string {
  if (w.length < 6 || !w.endsWith('ly') || w.endsWith('fly')) return w;
  const stemPart = w.slice(0, -2);
  const last = stemPart[stemPart.length - 1];
  if (VOWEL.test(last) || last === 'y' || last === 'p') return w;
  return stemPart;
}

function isConsonant(s: string, i: number): boolean {
  const c = s[i];
  if (VOWEL.test(c)) return false;
  if (c === 'y') return i === 0 || !isConsonant(s, i - 1);
  return true;
}

function hasVowel(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isConsonant(s, i)) return true;
  return false;
}

/** Porter's m: the number of vowel-consonant sequences in [C](VC)^m[V]. */
function measure(s: string): number {
  let m = 0;
  let i = 0;
  const n = s.length;
  while (i < n && isConsonant(s, i)) i++;
  while (i < n) {
    while (i < n && !isConsonant(s, i)) i++;
    if (i >= n) break;
    while (i < n && isConsonant(s, i)) i++;
    m++;
  }
  return m;
}

/** Ends consonant-vowel-consonant, the last not w, x or y (hop, scal). */
function endsCvc(s: string): boolean {
  const n = s.length;
  if (n < 3) return false;
  if (!isConsonant(s, n - 3) || isConsonant(s, n - 2) || !isConsonant(s, n - 1)) return false;
  return !'wxy'.includes(s[n - 1]);
}
