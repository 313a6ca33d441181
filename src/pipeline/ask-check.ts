/**
 * Checking a model's answer against the passages it was given, sentence by sentence, so an
 * answer can be checked while it streams.
 *
 * A sentence's citations (`[3]`, `[1, 2]`, `[1][2]`, `【3】`, `[^3]`) are each kept only when:
 * - the number is one of the passages given (an invented `[9]` is dropped), and
 * - the passage says what the sentence says: it contains enough of the sentence's content
 *   words (text/keywords.ts, folded across scripts) — at least two, or all when the sentence
 *   has fewer, and a quarter of them. When sentence and passage are in different languages
 *   (an English answer over a Chinese transcript) only names and numbers can be shared:
 *   one shared is enough.
 * Then, for the citations left:
 * - a quotation (“…”, "…", 「…」) must be found in a cited passage (quotes/locate.ts: exact or
 *   nearly so, across scripts); found in another given passage, the citation moves there;
 *   found nowhere, the sentence is dropped (words are never put in a speaker's mouth);
 * - every number the sentence states must be in its cited passages (text/numbers.ts: `100`
 *   and `一百` agree), else the sentence is dropped.
 * A sentence whose citations were all dropped is dropped: it claimed a source and has none.
 * A sentence that cited nothing is kept (a transition, "Two episodes discuss this.") unless
 * it quotes or states numbers. Timecodes the model wrote are removed: citations carry the
 * passages' real times.
 */
import { TranscriptIndex, locateQuote } from '../quotes/locate.js';
import { numbersIn, unsupportedNumbers } from '../text/numbers.js';
import { languageOf } from '../text/language.js';
import { contentTerms, termLookup } from '../text/keywords.js';

export interface CheckPassage {
  n: number;
  text: string;
  /**
   * The speaker: a sentence may name them ("Maya Chen says…"). Not the title: every passage of
   * a document shares it, so it would let a sentence about the episode cite any of them.
   */
  context: string;
}

export interface CheckedSentence {
  /** The sentence with its valid citations as `[n]` (passage numbers as given). */
  text: string;
  cited: number[];
}

export interface Dropped {
  /** The citation number as the model wrote it, or null when a whole sentence was dropped. */
  n: number | null;
  sentence: string;
  reason: string;
}

/** Citation markers: `[1]`, `[1, 2]`, `[1][2]` (two markers), `【1】`, `[^1]`. */
const MARKER = /\[\^?(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\]|【(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)】/g;
/** A timecode in brackets or parentheses the model added: `[00:12:34]`, `(12:34)`. */
const TIMECODE = /\s?[[(（【]\s*\d{1,2}:\d{2}(?::\d{2})?\s*[\])）】]/g;
const QUOTE = /“([^”]{4,})”|"([^"]{4,})"|「([^」]{4,})」|『([^』]{4,})』/g;

export class AnswerChecker {
  private readonly index: TranscriptIndex;
  private readonly byN: Map<number, CheckPassage>;
  readonly dropped: Dropped[] = [];
  private readonly own = new Map<number, TranscriptIndex>();

  constructor(private readonly passages: readonly CheckPassage[]) {
    this.byN = new Map(passages.map((p) => [p.n, p]));
    this.index = new TranscriptIndex(passages.map((p) => ({ text: p.text })));
  }

  /** The sentence checked, or null when it is dropped (the reason is in `dropped`). */
  check(raw: string): CheckedSentence | null {
    const sentence = raw.replace(TIMECODE, '');
    const wrote = [...sentence.matchAll(MARKER)].flatMap((m) => (m[1] ?? m[2]!).split(/\s*[,，、]\s*/).map(Number));
    const claim = sentence.replace(MARKER, '').replace(/\s+([.,;:!?。，；：！？])/g, '$1').trim();
    const cited = new Set<number>();
    for (const n of new Set(wrote)) {
      const p = this.byN.get(n);
      if (!p) this.drop(n, claim, `there is no passage [${n}]`);
      else if (!this.supports(claim, p)) this.drop(n, claim, `passage [${n}] does not say this`);
      else cited.add(n);
    }
    if (wrote.length && cited.size === 0) return this.dropSentence(claim, 'none of its citations holds');

    for (const m of claim.matchAll(QUOTE)) {
      const quote = (m[1] ?? m[2] ?? m[3] ?? m[4])!;
      // A cited passage that holds the quote stays cited (the same words may be in a summary too).
      if ([...cited].some((n) => locateQuote(this.indexOf(n), quote).status !== 'not-found')) continue;
      const at = locateQuote(this.index, quote);
      if (at.status === 'not-found' || at.passage === undefined) return this.dropSentence(claim, `the quotation “${quote}” is in none of the passages`);
      const n = this.passages[at.passage]!.n;
      if (!cited.has(n)) {
        for (const c of cited) this.drop(c, claim, `the quotation is from passage [${n}]`);
        cited.clear();
        cited.add(n);
      }
    }

    const sources = [...cited].map((n) => this.byN.get(n)!.text);
    const numbers = unsupportedNumbers(claim, numbersIn(sources.length ? sources.join('\n') : this.passages.map((p) => p.text).join('\n')));
    if (numbers.length) return this.dropSentence(claim, `${numbers.join(', ')} is in none of ${cited.size ? 'its cited passages' : 'the passages'}`);

    const order = [...cited].sort((a, b) => a - b);
    return { text: withCitations(claim, order), cited: order };
  }

  /** One passage's own quote index (built when first asked for). */
  private indexOf(n: number): TranscriptIndex {
    let index = this.own.get(n);
    if (!index) this.own.set(n, (index = new TranscriptIndex([{ text: this.byN.get(n)!.text }])));
    return index;
  }

  /** Whether a passage says enough of what the sentence says (see the module comment). */
  supports(claim: string, p: CheckPassage): boolean {
    const terms = contentTerms(claim);
    if (terms.length === 0) return true; // nothing to check: "This is discussed here [2]."
    const lookup = termLookup(`${p.context}\n${p.text}`);
    // Numbers count however they are written: "100 days" shares 100 with "一百天".
    const passageNumbers = numbersIn(p.text);
    const numbers = [...numbersIn(claim)].filter((n) => Number(n) >= 10 && passageNumbers.has(n));
    const shared = terms.filter((t) => lookup.has(t) || numbers.includes(t)).length + numbers.filter((n) => !terms.includes(n)).length;
    if (languageOf(claim) !== languageOf(p.text)) return shared >= 1;
    return shared >= Math.min(2, terms.length) && shared >= terms.length / 4;
  }

  private drop(n: number | null, sentence: string, reason: string): void {
    this.dropped.push({ n, sentence, reason });
  }

  private dropSentence(sentence: string, reason: string): null {
    this.drop(null, sentence, reason);
    return null;
  }
}

/** The claim with its citations put back before the final punctuation: `…成本[1][3]。`, `…cost [1][3].` */
function withCitations(claim: string, cited: number[]): string {
  if (!cited.length) return claim;
  const marks = cited.map((n) => `[${n}]`).join('');
  const m = /([.!?。！？:：;；]+)$/.exec(claim);
  const body = m ? claim.slice(0, m.index) : claim;
  return `${body}${WIDE_END.test(body) ? '' : ' '}${marks}${m?.[1] ?? ''}`;
}

/** Text ending in a Han character or full-width punctuation takes no space before a marker. */
export const WIDE_END = /[\u2018\u2019\u201c\u201d\u2e80-\uffef]$/u;

/**
 * Splits streamed text into sentences as they complete. A sentence ends at `。！？!?`, at `.`
 * before a space, or at a line break — together with any citation markers right after it.
 * It is complete once something other than space or a marker follows (or the text ends).
 */
export class SentenceSplitter {
  private buffer = '';

  /** Adds text; returns the sentences it completed. */
  push(text: string): string[] {
    this.buffer += text;
    const out: string[] = [];
    for (;;) {
      const end = sentenceEnd(this.buffer);
      if (end === undefined) break;
      out.push(this.buffer.slice(0, end));
      this.buffer = this.buffer.slice(end);
    }
    return out;
  }

  /** What is left when the stream ends (an unfinished sentence, or ''). */
  rest(): string {
    const r = this.buffer;
    this.buffer = '';
    return r;
  }
}

const TERMINAL = /[。！？!?]+|\.(?=\s)|\n/g;
const TRAILING_MARKERS = /^(?:\s*(?:\[\^?\d{1,3}(?:\s*[,，、]\s*\d{1,3})*\]|【\d{1,3}(?:\s*[,，、]\s*\d{1,3})*】))*[。.]?/;

/** Offset just past the first complete sentence (and its markers), if one is complete. */
function sentenceEnd(s: string): number | undefined {
  TERMINAL.lastIndex = 0;
  for (let m = TERMINAL.exec(s); m; m = TERMINAL.exec(s)) {
    const after = m.index + m[0].length;
    const tail = TRAILING_MARKERS.exec(s.slice(after))![0];
    const next = s.slice(after + tail.length);
    // Complete only when the next sentence has visibly begun: a marker may still be arriving.
    if (/^\s*[^\s[【]/.test(next)) return after + tail.length;
    if (/^\s*[[【]/.test(next) && !/^\s*[[【][\^\d\s,，、]*$/.test(next)) return after + tail.length;
    return undefined;
  }
  return undefined;
}
