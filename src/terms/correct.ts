/**
 * Correcting recognition errors, precision first.
 *
 * Candidates come only from the lexicon (term-index.ts): spans that sound like one of its
 * names without being one. A candidate becomes a correction only with evidence beyond sound:
 * the right term is written in the same document — another rendition (summary, cleaned
 * transcript, title, show notes, metadata) or elsewhere in the same transcript. And never:
 * - a span that is itself a lexicon name (理想 stays 理想 even where 李想 is discussed);
 * - a span that is a common word on its own (请问, 千万, "cloud", "tension"): only an LLM,
 *   reading the sentence, may choose a lexicon term there (llm-pass.ts);
 * - a short Chinese span cut out of a more frequent word around it.
 * Confidence = how alike it sounds × how strong the evidence is × caution for short terms
 * and everyday phrases; corrections below `MIN_CONFIDENCE` are not made. The thresholds were
 * set on bench/corrections.jsonl (see docs/design.md).
 */
import { toSimplified, toTraditional } from '../text/fold.js';
import { syllables } from './pinyin.js';
import { foldText, wholeHanWord, type Found, type SoundAlike, type TermEntry, type TermIndex } from './term-index.js';
import { englishRank, hanFrequency, homophoneWord, isCommonEnglish, COMMON_ENGLISH_RANK, COMMON_HAN_FREQ } from './words.js';

export const MIN_CONFIDENCE = 0.7;
/** Renditions that carry machine recognition (or text written from it). */
export const CORRECTED_KINDS = new Set(['raw-transcript', 'transcript', 'summary']);
/** Formats whose transcripts an LLM already tidied: evidence for the others, not corrected themselves. */
const TIDIED_FORMATS = new Set(['digest-archive']);

const SOUND = { exact: 0.95, merged: 0.85, near: 0.72 } as const;
const EVIDENCE = { document: 1, transcript: 0.9 } as const;
const COMMON_PHRASE = 0.85;
const SHORT_TERM = 0.9;

export interface DocPassage { id: number; text: string; role: string; line: number | null; start: number | null }
export interface DocRendition { id: number; kind: string; format?: string; origin: string; passages: DocPassage[] }
export interface DocText {
  /** Title, keywords, participants… of the document and its renditions. */
  metadataText: string;
  renditions: DocRendition[];
}

export interface Candidate {
  passageId: number;
  renditionId: number;
  offset: number;
  length: number;
  original: string;
  corrected: string;
  entry: TermEntry;
  confidence: number;
  reason: string;
  /** Nth occurrence of `original` in its passage (for a stable identity). */
  nth: number;
}

/** Where each lexicon entry is written in the document: rendition ids, or 0 for metadata. */
function evidenceOf(doc: DocText, find: (text: string) => Found[]): Map<string, Set<number>> {
  const seen = new Map<string, Set<number>>();
  const note = (id: string, where: number) => {
    const s = seen.get(id) ?? new Set<number>();
    s.add(where);
    seen.set(id, s);
  };
  for (const f of find(doc.metadataText)) note(f.entry.id, 0);
  for (const r of doc.renditions) {
    for (const p of r.passages) for (const f of find(p.text)) note(f.entry.id, r.id);
  }
  return seen;
}

/**
 * A span the offline rules would not correct but a reader of the sentence might: an everyday
 * word, a homophone, no evidence, two equally alike names. Only an LLM pass (llm-pass.ts) may
 * act on it, and only by choosing one of `options`.
 */
export interface Held {
  passageId: number;
  renditionId: number;
  offset: number;
  length: number;
  original: string;
  /** The lexicon names it sounds like. */
  options: { name: string; entry: TermEntry }[];
  /** The passage text around the span. */
  context: string;
}

export function findCorrections(doc: DocText, index: TermIndex, find: (text: string) => Found[] = (t) => index.find(t), held?: Held[]): Candidate[] {
  const evidence = evidenceOf(doc, find);
  const out: Candidate[] = [];
  for (const r of doc.renditions) {
    if (!CORRECTED_KINDS.has(r.kind) || TIDIED_FORMATS.has(r.format ?? '')) continue;
    for (const p of r.passages) {
      if (p.role === 'boilerplate') continue;
      const chosen: Candidate[] = [];
      const hold = (list: SoundAlike[]) => held?.push({
        passageId: p.id, renditionId: r.id, offset: list[0]!.start, length: list[0]!.end - list[0]!.start, original: p.text.slice(list[0]!.start, list[0]!.end),
        options: list.map((a) => ({ name: a.name, entry: a.entry })), context: p.text.slice(Math.max(0, list[0]!.start - 60), list[0]!.end + 60),
      });
      const { single, ambiguous } = bySpan(index.soundAlikes(p.text));
      ambiguous.forEach(hold);
      const alikes = single
        .map((a) => {
          const verdict = judge(a, p, r, evidence);
          if (verdict === 'held') hold([a]);
          return verdict;
        })
        .filter((c): c is Candidate => typeof c === 'object')
        .sort((a, b) => b.confidence - a.confidence || b.length - a.length);
      for (const c of alikes) {
        if (chosen.some((o) => c.offset < o.offset + o.length && o.offset < c.offset + c.length)) continue;
        chosen.push(c);
      }
      for (const c of chosen.sort((a, b) => a.offset - b.offset)) {
        c.nth = chosen.filter((o) => o.original === c.original && o.offset < c.offset).length;
        out.push(c);
      }
    }
  }
  return out;
}

/** How alike a span sounds to a name, on one scale for both scripts. */
const soundScore = (a: SoundAlike) => (a.level === 'latin' ? 0.55 + 0.4 * a.similarity : SOUND[a.level]);

/**
 * The best-sounding name of each span, when there is exactly one: where two names sound as
 * alike (Mata: Meta or math?), evidence for one of them does not tell which was said.
 */
function bySpan(alikes: SoundAlike[]): { single: SoundAlike[]; ambiguous: SoundAlike[][] } {
  const spans = new Map<string, SoundAlike[]>();
  for (const a of alikes) {
    const k = `${a.start}:${a.end}`;
    spans.set(k, [...(spans.get(k) ?? []), a]);
  }
  const single: SoundAlike[] = [];
  const ambiguous: SoundAlike[][] = [];
  for (const list of spans.values()) {
    const best = Math.max(...list.map(soundScore));
    const top = list.filter((a) => soundScore(a) >= best - 0.02);
    const ids = new Set(top.map((a) => a.entry.id));
    if (ids.size === 1) single.push(top[0]!);
    else ambiguous.push([...new Map(top.map((a) => [a.entry.id, a])).values()]);
  }
  return { single, ambiguous };
}

/**
 * Characters of grammar and everyday speech: a two-character span holding one (是志, 你想,
 * 一聊) is ordinary speech, not a garbled two-character term.
 */
const GRAMMATICAL = new Set('的了是在和与也就都很太这那个有我你他她它们不人上下来去说要会能对着把被给让从到为以而及或如果因所但还又再只才已正将比更最等吗呢吧啊呀嘛哦么此其之每该各些几一二两三四五六七八九十百千万亿'.split(''));

/** Whether the span is part of a longer dictionary word around it (污吏 in 贪官污吏). */
function insideLongerWord(text: string, start: number, end: number): boolean {
  for (let a = Math.max(0, start - 3); a <= start; a++) {
    for (let b = end; b <= Math.min(text.length, end + 3); b++) {
      if ((a === start && b === end) || b - a > 6) continue;
      if (hanFrequency(text.slice(a, b)) > 0) return true;
    }
  }
  return false;
}

/** A Latin word right before or after the span that is neither an everyday word nor a short token. */
function unknownNeighbour(text: string, start: number, end: number): boolean {
  const before = /([A-Za-z][A-Za-z'’]+)[ \t]+$/.exec(text.slice(Math.max(0, start - 30), start))?.[1];
  const after = /^[ \t]+([A-Za-z][A-Za-z'’]+)/.exec(text.slice(end, end + 30))?.[1];
  return [before, after].some((w) => w !== undefined && w.length > 2 && !isCommonEnglish(w));
}

/**
 * A candidate, or why not: `undefined` never (a span cut from a word, a grammatical
 * two-character span), `'held'` not on sound and evidence alone (an LLM may choose it).
 */
function judge(a: SoundAlike, p: DocPassage, r: DocRendition, evidence: Map<string, Set<number>>): Candidate | 'held' | undefined {
  const original = p.text.slice(a.start, a.end);
  const folded = foldText(original);
  let caution = 1;
  if (a.script === 'han') {
    const common = hanFrequency(folded) >= COMMON_HAN_FREQ;
    const text = foldText(p.text);
    if (insideLongerWord(text, a.start, a.end)) return undefined;
    if (!common && !wholeHanWord(text, a.start, folded, COMMON_HAN_FREQ)) return undefined;
    if (a.end - a.start <= 2 && [...folded].some((c) => GRAMMATICAL.has(c))) return undefined;
    if (common) return 'held';
    // A frequent word that sounds the same may be what was said (常试: 尝试 before 常识).
    if (homophoneWord(folded, foldText(a.name), a.entry.type === 'concept')) return 'held';
    if (a.end - a.start <= 2) {
      // Two characters say little: only identical pinyin (算例/算力), never merged sounds (公制/工资).
      if (a.level !== 'exact') return 'held';
      caution *= SHORT_TERM;
    }
  } else {
    const words = folded.split(/[^a-z0-9]+/).filter(Boolean);
    if (words.length === 1 && isCommonEnglish(words[0]!)) return 'held';
    if (words.every((w) => englishRank(w) <= COMMON_ENGLISH_RANK)) caution *= COMMON_PHRASE;
    if (a.name.replace(/[^A-Za-z]/g, '').length <= 5) caution *= SHORT_TERM;
    // Next to another unknown word, the span may be half of a longer garbled name ("Agentique Keat").
    if (unknownNeighbour(p.text, a.start, a.end)) caution *= COMMON_PHRASE;
  }
  const where = evidence.get(a.entry.id);
  if (!where || where.size === 0) return 'held';
  const elsewhere = [...where].some((w) => w !== r.id);
  const sound = soundScore(a);
  const confidence = Math.round(sound * (elsewhere ? EVIDENCE.document : EVIDENCE.transcript) * caution * 1000) / 1000;
  if (confidence < MIN_CONFIDENCE) return 'held';
  const corrected = a.script === 'han' && toSimplified(original) !== original ? toTraditional(a.name) : a.name;
  const how = a.script === 'han'
    ? `sounds like ${a.name} (${syllables(a.name).join(' ')}; ${a.level === 'exact' ? 'same pinyin' : a.level === 'merged' ? 'commonly confused sounds' : 'one syllable off'})`
    : `sounds like ${a.name} (Double Metaphone; spelling ${Math.round(a.similarity * 100)}% alike)`;
  const proof = elsewhere ? `${a.name} is written in another rendition of this document` : `${a.name} is written elsewhere in this transcript`;
  return {
    passageId: p.id, renditionId: r.id, offset: a.start, length: a.end - a.start, original, corrected,
    entry: a.entry, confidence, reason: `${how}; ${proof}`, nth: 0,
  };
}
