/**
 * Correcting recognition errors, precision first: the decisions that need the whole document.
 *
 * Candidates come only from the lexicon (term-index.ts): spans that sound like one of its
 * names without being one, found per passage with what the passage alone says about them
 * (scan.ts: never a span cut out of a longer word; held for an LLM when it is an everyday word
 * or homophone; a caution for short names and everyday phrases). A candidate becomes a
 * correction only with evidence beyond sound: the right term is written in the same document
 * — another rendition (summary, cleaned transcript, title, show notes, metadata) or elsewhere
 * in the same transcript. A span that is itself a lexicon name is never a candidate (理想
 * stays 理想 even where 李想 is discussed).
 * Confidence = how alike it sounds × how strong the evidence is × the caution; corrections
 * below `MIN_CONFIDENCE` are not made. The thresholds were set on bench/corrections.jsonl (see
 * docs/design.md).
 */
import { toSimplified, toTraditional } from '../text/fold.js';
import { syllables } from './pinyin.js';
import type { TermEntry, TermIndex } from './term-index.js';
import { isCorrected, scanPassage, soundScore, type PassageScan, type ScannedAlike } from './scan.js';

export const MIN_CONFIDENCE = 0.7;

const EVIDENCE = { document: 1, transcript: 0.9 } as const;

export interface DocPassage {
  id: number;
  /** LLM boilerplate set aside (prepare.ts): neither corrected nor a mention. */
  boilerplate: boolean;
  /**
   * The passage's text, and its first line in the file: the stage leaves both unread where a
   * scan made when it was parsed is at hand (read where a correction is stored).
   */
  text?: string;
  line?: number | null;
  /** What the passage's text alone says (scan.ts): made where it was parsed, or here from `text`. */
  scan?: PassageScan;
}
export interface DocRendition { id: number; kind: string; format?: string; origin: string; passages: DocPassage[] }
export interface DocText {
  /** Title, keywords, participants… of the document and its renditions. */
  metadataText: string;
  renditions: DocRendition[];
  /**
   * The text of renditions that are not corrected (an LLM-tidied transcript, show notes):
   * where the document writes words rather than hears them. Read only when a Latin span is
   * about to be corrected (loadDocText reads it then).
   */
  writtenText?: () => string;
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

/** The passage's scan, made from its text when none was made where it was parsed (or one without sound-alikes). */
export function scanOf(index: TermIndex, p: DocPassage, alikes: boolean): PassageScan {
  if (p.scan && (p.scan.alikes || !alikes)) return p.scan;
  if (p.text === undefined) throw new Error(`passage ${p.id}: no scan and no text to scan`);
  return (p.scan = scanPassage(index, p.text, alikes));
}

/** Where each lexicon entry is written in the document: rendition ids, or 0 for metadata. */
function evidenceOf(doc: DocText, index: TermIndex): Map<string, Set<number>> {
  const seen = new Map<string, Set<number>>();
  const note = (id: string, where: number) => {
    const s = seen.get(id) ?? new Set<number>();
    s.add(where);
    seen.set(id, s);
  };
  for (const f of index.find(doc.metadataText)) note(f.entry.id, 0);
  for (const r of doc.renditions) {
    const alikes = isCorrected(r.kind, r.format);
    for (const p of r.passages) for (const n of scanOf(index, p, alikes && !p.boilerplate).names) note(index.entries[n.entry]!.id, r.id);
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

/**
 * The corrections of a document. Each passage's sound-alike spans and what its own text says
 * about them come from its scan (scan.ts, usually made in a parse worker); what is decided
 * here needs the whole document: the evidence, and which of overlapping spans wins.
 */
export function findCorrections(doc: DocText, index: TermIndex, held?: Held[]): Candidate[] {
  const evidence = evidenceOf(doc, index);
  const spelled = writtenSpellings(doc);
  const out: Candidate[] = [];
  for (const r of doc.renditions) {
    if (!isCorrected(r.kind, r.format)) continue;
    for (const p of r.passages) {
      if (p.boilerplate) continue;
      const { alikes } = scanOf(index, p, true);
      const chosen: Candidate[] = [];
      const hold = (list: ScannedAlike[]) => {
        if (!held) return;
        if (p.text === undefined) throw new Error(`passage ${p.id}: held spans need the passage's text`);
        held.push({
          passageId: p.id, renditionId: r.id, offset: list[0]!.start, length: list[0]!.end - list[0]!.start, original: list[0]!.original,
          options: list.map((a) => ({ name: a.name, entry: index.entries[a.entry]! })), context: p.text.slice(Math.max(0, list[0]!.start - 60), list[0]!.end + 60),
        });
      };
      alikes!.ambiguous.forEach(hold);
      const candidates = alikes!.single
        .map((a) => {
          let verdict = a.verdict === 'held' ? 'held' : decide(a, index.entries[a.entry]!, r, evidence, a.verdict);
          if (verdict !== 'held' && a.script === 'latin' && spelled(a.original)) verdict = 'held';
          if (verdict === 'held') hold([a]);
          return verdict;
        })
        .filter((c): c is Candidate => typeof c === 'object')
        .sort((a, b) => b.confidence - a.confidence || b.length - a.length);
      for (const c of candidates) {
        if (chosen.some((o) => c.offset < o.offset + o.length && o.offset < c.offset + c.length)) continue;
        chosen.push(c);
      }
      for (const c of chosen.sort((a, b) => a.offset - b.offset)) {
        c.passageId = p.id;
        c.nth = chosen.filter((o) => o.original === c.original && o.offset < c.offset).length;
        out.push(c);
      }
    }
  }
  return out;
}

/**
 * Whether the document writes a Latin span exactly so where it is written, not heard: in its
 * metadata (title, keywords) or a rendition that is not corrected (the transcript an LLM
 * tidied, show notes). A spelling kept there is mostly a name the lexicon lacks (NVQLink,
 * Claud Walker, containerd), not a garble of the name it sounds like: of the corpus's
 * corrections whose original the tidier kept, three in four were wrong (benchmarks.md,
 * fourteenth round). Case and spacing are not compared; word edges are.
 */
function writtenSpellings(doc: DocText): (span: string) => boolean {
  let written: string | undefined;
  return (span) => {
    written ??= squeeze(`${doc.metadataText}\n${doc.writtenText?.() ?? ''}`);
    const at = squeeze(span);
    for (let i = written.indexOf(at); i !== -1; i = written.indexOf(at, i + 1)) {
      if (!WORD_CHAR.test(written[i - 1] ?? ' ') && !WORD_CHAR.test(written[i + at.length] ?? ' ')) return true;
    }
    return false;
  };
}
/** A letter or digit of a script other than Han: Chinese right beside a Latin word is no part of it. */
const WORD_CHAR = new RegExp('[[\\p{L}\\p{N}]--[\\p{Script=Han}]]', 'v');
const squeeze = (text: string) => text.toLowerCase().replace(/\s+/g, ' ');

/** A span the passage left open (`prejudge` gave its caution), decided on the document's evidence. */
function decide(a: ScannedAlike, entry: TermEntry, r: DocRendition, evidence: Map<string, Set<number>>, caution: number): Candidate | 'held' {
  const where = evidence.get(entry.id);
  if (!where || where.size === 0) return 'held';
  const elsewhere = [...where].some((w) => w !== r.id);
  const sound = soundScore(a);
  const confidence = Math.round(sound * (elsewhere ? EVIDENCE.document : EVIDENCE.transcript) * caution * 1000) / 1000;
  if (confidence < MIN_CONFIDENCE) return 'held';
  const original = a.original;
  const corrected = a.script === 'han' && toSimplified(original) !== original ? toTraditional(a.name) : a.name;
  const how = a.script === 'han'
    ? `sounds like ${a.name} (${syllables(a.name).join(' ')}; ${a.level === 'exact' ? 'same pinyin' : a.level === 'merged' ? 'commonly confused sounds' : 'one syllable off'})`
    : `sounds like ${a.name} (Double Metaphone; spelling ${Math.round(a.similarity * 100)}% alike)`;
  const proof = elsewhere ? `${a.name} is written in another rendition of this document` : `${a.name} is written elsewhere in this transcript`;
  return {
    passageId: 0, renditionId: r.id, offset: a.start, length: a.end - a.start, original, corrected,
    entry, confidence, reason: `${how}; ${proof}`, nth: 0,
  };
}
