/**
 * Checking a summary's quotes against the transcripts of its document. Pure: the transcripts
 * and quotes come in, decisions come out (store access is in quotes/library.ts).
 *
 * Decisions, per quote:
 * - `verbatim` / `approximate`: found (see locate.ts); `start` is the transcript's time.
 * - `translation`: the quote is in another language than the transcript (a summary written in
 *   English about Chinese speech). It is not a quote and is never `verified`. It is tied to a
 *   passage only when that can be checked without a model: a passage near the claimed time
 *   that shares its names and numbers.
 * - `not-found`: neither.
 */
import { languageOf, type Language } from '../text/language.js';
import { numbersIn } from '../text/numbers.js';
import type { ExtractedQuote } from './extract.js';
import { locateQuote, locateVerbatim, TranscriptIndex, type MatchStatus, type TimedText } from './locate.js';

export type QuoteStatus = MatchStatus | 'translation';

export interface QuoteDecision {
  quote: string;
  speaker: string | null;
  /** Seconds the summary claims, null when it gives no time. */
  claimedStart: number | null;
  /** Found in the transcript, verbatim or approximately. Translations never are. */
  verified: boolean;
  status: QuoteStatus;
  similarity: number;
  /** Seconds where the transcript has it (or the passage a translation is tied to); null when not found. */
  start: number | null;
  /** The text of the transcript passage where it was found (or that a translation is tied to). */
  passage: string | null;
  /** The transcript's own words that matched the quote (across passages when it runs over). */
  matched: string | null;
  /** Speaker of the transcript passage found. */
  foundSpeaker: string | null;
  /** Which transcript (index into the list given) it was found in. */
  transcript: number | null;
  /** Index of the summary passage holding the quote. */
  summaryPassage: number;
}

/** A document's transcripts prepared for checking: build once, check many quotes. */
export interface Transcripts {
  indexes: TranscriptIndex[];
  language: Language | undefined;
}

export function prepareTranscripts(transcripts: readonly (readonly TimedText[])[]): Transcripts {
  const indexes = transcripts.filter((t) => t.length).map((t) => new TranscriptIndex(t));
  const sample = indexes.flatMap((i) => i.passages.slice(0, 200).map((p) => p.text)).join(' ');
  return { indexes, language: languageOf(sample) };
}

const RANK: Record<MatchStatus, number> = { verbatim: 2, approximate: 1, 'not-found': 0 };

export interface CheckOptions {
  /**
   * Tie translations to a passage by their names and numbers (default true). Off when only
   * what is verified matters (quotes/refresh.ts): a translation never is, tied or not.
   */
  ties?: boolean;
}

export function checkQuote(t: Transcripts, q: ExtractedQuote, opts: CheckOptions = {}): QuoteDecision {
  const base = {
    quote: q.quote,
    speaker: q.speaker ?? null,
    claimedStart: q.claimedStart ?? null,
    summaryPassage: q.passage,
  };
  const none = { verified: false, similarity: 0, start: null, passage: null, matched: null, foundSpeaker: null, transcript: null };
  if (t.indexes.length === 0) return { ...base, ...none, status: 'not-found' };
  const lang = languageOf(q.quote);
  if (lang && t.language && lang !== t.language) {
    // Said in the quote's own language within the transcript (an English guest on a Chinese
    // show): found word for word, it is a quote. Anything less stays a translation.
    const said = saidVerbatim(t, q, base);
    if (said) return said;
    const tie = opts.ties === false ? {} : tieTranslation(t, q);
    return { ...base, ...none, status: 'translation', ...tie };
  }
  return locate(t, q, base);
}

/** The best place any transcript has the quote. */
function locate(t: Transcripts, q: ExtractedQuote, base: Pick<QuoteDecision, 'quote' | 'speaker' | 'claimedStart' | 'summaryPassage'>): QuoteDecision {
  let best: QuoteDecision | undefined;
  t.indexes.forEach((index, i) => {
    const loc = locateQuote(index, q.quote, q.claimedStart);
    const d: QuoteDecision = {
      ...base,
      verified: loc.status !== 'not-found',
      status: loc.status,
      similarity: round(loc.similarity),
      start: loc.start ?? null,
      passage: loc.passage !== undefined ? index.passages[loc.passage]!.text : null,
      matched: loc.matched ?? null,
      foundSpeaker: loc.speaker ?? null,
      transcript: loc.status !== 'not-found' ? i : null,
    };
    if (!best || RANK[loc.status] > RANK[best.status as MatchStatus] || (RANK[loc.status] === RANK[best.status as MatchStatus] && d.similarity > best.similarity)) best = d;
  });
  return best!;
}

/**
 * What `locate` gives when that is `verbatim`, else undefined: the first transcript that has
 * the quote verbatim (`locate` keeps the first of equals), found without the approximate
 * search where it cannot make the quote verbatim (`locateVerbatim`).
 */
function saidVerbatim(t: Transcripts, q: ExtractedQuote, base: Pick<QuoteDecision, 'quote' | 'speaker' | 'claimedStart' | 'summaryPassage'>): QuoteDecision | undefined {
  for (const [i, index] of t.indexes.entries()) {
    const loc = locateVerbatim(index, q.quote, q.claimedStart);
    if (!loc) continue;
    return {
      ...base, verified: true, status: loc.status, similarity: round(loc.similarity), start: loc.start ?? null,
      passage: loc.passage !== undefined ? index.passages[loc.passage]!.text : null,
      matched: loc.matched ?? null, foundSpeaker: loc.speaker ?? null, transcript: i,
    };
  }
  return undefined;
}

export function checkQuotes(t: Transcripts, quotes: readonly ExtractedQuote[], opts: CheckOptions = {}): QuoteDecision[] {
  return quotes.map((q) => checkQuote(t, q, opts));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** How far from the claimed time a translated quote's passage may be (claimed times are often rounded to the minute). */
const TIE_WINDOW_S = 150;
/** Latin names and terms a Chinese transcript keeps in Latin letters: OpenAI, Kimi, GPU, Qwen3. */
const ANCHOR_WORD = /\b(?:[A-Z][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9]*|[A-Z][a-z]{2,}[A-Za-z0-9]*|[A-Za-z]+\d[A-Za-z0-9.]*)\b/g;
const COMMON = new Set(['The', 'This', 'That', 'When', 'What', 'There', 'They', 'Then', 'And', 'But', 'For', 'With', 'Our', 'Its', 'You', 'Your', 'Not', 'All', 'Every', 'Some', 'Many', 'Most', 'One', 'Just', 'Like', 'Because', 'Even', 'Only', 'Now', 'How', 'Why', 'Who', 'Where', 'After', 'Before', 'So', 'If', 'In', 'On', 'At', 'As', 'It', 'We', 'He', 'She', 'His', 'Her', 'Their', 'These', 'Those', 'Also', 'Maybe', 'Yes', 'No', 'Well', 'Actually', 'Really', 'Basically']);

/** The checkable anchors of a translated quote: Latin names and terms, and numbers of two digits or more. */
function anchorsOf(text: string): { words: string[]; numbers: string[] } {
  const words = [...new Set((text.match(ANCHOR_WORD) ?? []).filter((w) => !COMMON.has(w)).map((w) => w.toLowerCase()))];
  const numbers = [...numbersIn(text)].filter((n) => n.replace(/\D/g, '').length >= 2);
  return { words, numbers };
}

/**
 * How much an anchor shared with a passage says: a name of four letters or more, or a precise
 * number (a decimal, or three digits that are not round: 996, 2.5), says a lot; short words
 * and round numbers (70, 80, 100) come up everywhere in a long talk and count half.
 */
function strength(a: { word?: string; number?: string }): number {
  if (a.word !== undefined) return a.word.length >= 4 || /\d/.test(a.word) ? 1 : 0.5;
  const n = a.number!;
  return n.includes('.') || (n.replace(/\D/g, '').length >= 3 && !/00$/.test(n)) ? 1 : 0.5;
}

/**
 * The passage a translated quote translates, when its names and numbers say so: among passages
 * near the claimed time, the one sharing the most distinctive anchors (weighted by rarity), if
 * their strength adds up to two, or one strong anchor found in at most two passages of the transcript. Anchors found in more
 * than a tenth of the passages say nothing. Without a claimed time, three shared anchors are needed.
 */
function tieTranslation(t: Transcripts, q: ExtractedQuote): Partial<QuoteDecision> {
  const { words, numbers } = anchorsOf(q.quote);
  if (words.length + numbers.length === 0) return {};
  let best: { score: number; start: number | null; text: string; speaker: string | null; transcript: number } | undefined;
  t.indexes.forEach((index, ti) => {
    const passages = index.passages;
    const lower = passages.map((p) => p.text.toLowerCase());
    const nums = passages.map((p) => (numbers.length ? numbersIn(p.text) : new Set<string>()));
    type Anchor = { word?: string; number?: string };
    const has = (i: number, a: Anchor) => (a.word ? lower[i]!.includes(a.word) : nums[i]!.has(a.number!));
    const anchors = [...words.map((word): Anchor => ({ word })), ...numbers.map((number): Anchor => ({ number }))]
      .map((a) => ({ ...a, df: passages.reduce((n, _p, i) => n + (has(i, a) ? 1 : 0), 0) }))
      .filter((a) => a.df > 0 && a.df <= Math.max(2, passages.length * 0.1));
    if (anchors.length === 0) return;
    const needed = q.claimedStart === undefined ? 3 : 2;
    passages.forEach((p, i) => {
      if (q.claimedStart !== undefined && (p.start == null || Math.abs(p.start - q.claimedStart) > TIE_WINDOW_S)) return;
      const shared = anchors.filter((a) => has(i, a));
      const weight = shared.reduce((n, a) => n + strength(a), 0);
      const rare = shared.some((a) => a.df <= 2 && strength(a) === 1);
      if (weight < needed && !(rare && q.claimedStart !== undefined)) return;
      const score = shared.reduce((n, a) => n + Math.log(passages.length / a.df), 0);
      if (!best || score > best.score) best = { score, start: p.start ?? null, text: p.text, speaker: p.speaker ?? null, transcript: ti };
    });
  });
  if (!best) return {};
  const b = best as { start: number | null; text: string; speaker: string | null; transcript: number };
  return { start: b.start, passage: b.text, foundSpeaker: b.speaker, transcript: b.transcript };
}
