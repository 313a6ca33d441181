/**
 * Finding a quote in a transcript, and the time it was really said.
 *
 * Both sides are reduced to a match key: full-width folded, Traditional folded to Simplified,
 * lowercased, and everything that is not a letter or a digit dropped (punctuation, spaces,
 * quotation marks, the `…` a model writes). So `“規模法則…”` finds `规模法则,` and
 * `Scaling — sucked` finds `scaling sucked`. The transcript's passages are concatenated, so a
 * quote that runs over a passage boundary is still found.
 *
 * A quote is split into fragments where the model marked an omission (`…`, `...`, `[…]`) or
 * inserted its own words (`[EUV machines]`); a quote not found so is tried again cut at sentence
 * ends too (models join sentences said apart without marking the cut). Each fragment is looked up:
 * 1. exactly (every occurrence; the one nearest the claimed time wins), else
 * 2. approximately: candidate places are voted for by the fragment's character n-grams along
 *    their diagonal, then the best few are aligned (semi-global edit distance, where skipping
 *    transcript characters — words the model dropped — costs half a mismatch). A fragment
 *    whose similarity reaches `APPROXIMATE` is found there.
 * The quote is `verbatim` when every fragment is found exactly, `approximate` when the found
 * fragments cover nearly all of it, else `not-found`. Its time is the transcript's time where
 * the first fragment starts (interpolated inside a long passage), never the claimed one.
 */
import { foldWidth } from '../text/normalize.js';
import { toSimplified } from '../text/fold.js';

/** A transcript passage as the locator needs it. */
export interface TimedText {
  text: string;
  start?: number | null;
  end?: number | null;
  speaker?: string | null;
}

export type MatchStatus = 'verbatim' | 'approximate' | 'not-found';

export interface QuoteLocation {
  status: MatchStatus;
  /** 1 for verbatim; the alignment similarity otherwise (length-weighted over fragments). */
  similarity: number;
  /** Index of the passage where the quote starts, when found. */
  passage?: number;
  /** Seconds into the media where the quote starts, when found and the transcript is timed. */
  start?: number;
  /** Speaker of that passage. */
  speaker?: string;
  /** The matched span of the transcript, in its own words (joined across passages). */
  matched?: string;
}

/** Similarity from which a fragment counts as found (approximately). */
export const APPROXIMATE = 0.8;
/** Share of the quote (by length) its found fragments must cover. */
const COVERAGE = 0.85;
/** Fragments shorter than this (in key characters) carry no evidence alone: "And", "so". */
const MIN_FRAGMENT = 6;
/** Fragments shorter than this must match exactly (alignment of short strings is noise). */
const MIN_APPROXIMATE = 12;
/** Alignment candidates examined per fragment. */
const CANDIDATES = 4;
/** n-grams whose postings are longer than this are too common to vote (的, the). */
const MAX_POSTINGS = 4000;

const KEEP = /[\p{L}\p{N}]/u;

/**
 * The match key of a text and, for each key character, its offset in the text. Folding is
 * length-preserving (normalize.ts, fold.ts), so offsets index the original string.
 */
export function matchKey(text: string): { key: string; offsets: number[] } {
  const folded = toSimplified(foldWidth(text)).toLowerCase();
  const keep: string[] = [];
  const offsets: number[] = [];
  for (let i = 0; i < folded.length; i++) {
    const c = folded.charCodeAt(i);
    // Fast paths for ASCII and CJK ideographs; everything else asks the Unicode classes.
    if (c < 128) {
      if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
        keep.push(folded[i]!);
        offsets.push(i);
      }
      continue;
    }
    if (c >= 0x4e00 && c <= 0x9fff) {
      keep.push(folded[i]!);
      offsets.push(i);
      continue;
    }
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < folded.length;
    const ch = pair ? folded.slice(i, i + 2) : folded[i]!;
    if (KEEP.test(ch)) {
      keep.push(ch);
      offsets.push(i);
      if (pair) offsets.push(i + 1);
    }
    if (pair) i++;
  }
  return { key: keep.join(''), offsets };
}

const HAN = /\p{Script=Han}/u;
const HAN_ALL = /\p{Script=Han}/gu;

/** Seconds it takes to say `text`: about 4.5 Han characters or 14 other characters a second. */
export function speechSeconds(text: string): number {
  const han = text.match(HAN_ALL)?.length ?? 0;
  return han / 4.5 + (text.length - han) / 14;
}

/**
 * Where each n-gram of a transcript occurs: `positions[start … start + count)` of its slot in an
 * open-addressing table of n-gram codes. Not a Map: the code of a pair of Han characters is
 * above 2^30, a number V8 boxes, and Maps of them made building the postings a third of a
 * quote check's time (with the garbage they left).
 */
class Postings {
  readonly positions: Int32Array;
  private readonly codes: Float64Array;
  private readonly starts: Int32Array;
  private readonly counts: Int32Array;
  private readonly mask: number;

  constructor(key: string, q: number) {
    const n = Math.max(0, key.length - q + 1);
    let size = 16;
    while (size < n * 2) size *= 2;
    this.mask = size - 1;
    this.codes = new Float64Array(size);
    this.counts = new Int32Array(size);
    this.starts = new Int32Array(size);
    const slotAt = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const code = gramCode(key, i, q);
      const slot = this.slot(code);
      if (this.counts[slot] === 0) this.codes[slot] = code;
      this.counts[slot]!++;
      slotAt[i] = slot;
    }
    let at = 0;
    for (let slot = 0; slot < size; slot++) {
      this.starts[slot] = at;
      at += this.counts[slot]!;
    }
    this.positions = new Int32Array(n);
    const fill = this.starts.slice();
    for (let i = 0; i < n; i++) this.positions[fill[slotAt[i]!]!++] = i;
  }

  /** The slot of `code`: where it is, or the empty one where it would go. */
  private slot(code: number): number {
    const lo = code % 4294967296;
    const hi = (code - lo) / 4294967296;
    let slot = (Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) >>> 0) & this.mask;
    while (this.counts[slot] !== 0 && this.codes[slot] !== code) slot = (slot + 1) & this.mask;
    return slot;
  }

  /** Where the n-gram's positions start in `positions`, and how many there are (0: none). */
  find(code: number): { start: number; count: number } {
    const slot = this.slot(code);
    return { start: this.starts[slot]!, count: this.counts[slot]! };
  }
}

/** An n-gram (q ≤ 3 UTF-16 units) as one number: 16 bits a unit, exact below 2^53. */
function gramCode(s: string, at: number, q: number): number {
  let code = 0;
  for (let k = 0; k < q; k++) code = code * 65536 + s.charCodeAt(at + k);
  return code;
}

/** Character n-gram size: 2 where Han characters dominate (each carries a word's meaning), else 3. */
function gramSize(key: string): number {
  let han = 0;
  for (const ch of key.slice(0, 400)) if (HAN.test(ch)) han++;
  return han * 2 > Math.min(key.length, 400) ? 2 : 3;
}

/** A transcript prepared for many lookups: its key, where each key character came from, n-gram postings. */
export class TranscriptIndex {
  readonly key: string;
  /** For each key character: its passage. */
  private readonly passageAt: Int32Array;
  /** For each key character: its offset in that passage's text. */
  private readonly offsetAt: Int32Array;
  /** Key offset where each passage starts. */
  private readonly passageStart: Int32Array;
  /** Start of the next timed passage after each passage. */
  private readonly nextStart: (number | undefined)[];
  private readonly postings = new Map<number, Postings>();

  constructor(readonly passages: readonly TimedText[]) {
    const keys = passages.map((p) => matchKey(p.text));
    const total = keys.reduce((n, k) => n + k.key.length, 0);
    this.passageAt = new Int32Array(total);
    this.offsetAt = new Int32Array(total);
    this.passageStart = new Int32Array(passages.length + 1);
    let at = 0;
    keys.forEach((k, i) => {
      this.passageStart[i] = at;
      for (let j = 0; j < k.key.length; j++) {
        this.passageAt[at + j] = i;
        this.offsetAt[at + j] = k.offsets[j]!;
      }
      at += k.key.length;
    });
    this.passageStart[passages.length] = at;
    this.key = keys.map((k) => k.key).join('');
    this.nextStart = new Array(passages.length);
    let next: number | undefined;
    for (let i = passages.length - 1; i >= 0; i--) {
      this.nextStart[i] = next;
      if (passages[i]!.start != null) next = passages[i]!.start!;
    }
  }

  /** Positions of every n-gram of size `q`, built on first use. */
  private gramsOf(q: number): Postings {
    let m = this.postings.get(q);
    if (!m) this.postings.set(q, (m = new Postings(this.key, q)));
    return m;
  }

  /**
   * The passage holding key offset `pos`, and the time there. Inside a passage (parsers merge
   * a speaker's consecutive lines) the time is estimated from the text before `pos` at a
   * speaking pace (`speechSeconds`), and never past where the passage ends or the next begins:
   * a pause before the next speaker must not stretch the estimate.
   */
  pointAt(pos: number): { passage: number; start?: number; speaker?: string } {
    const i = this.passageAt[Math.min(pos, this.passageAt.length - 1)]!;
    const p = this.passages[i]!;
    const out: { passage: number; start?: number; speaker?: string } = { passage: i };
    if (p.speaker) out.speaker = p.speaker;
    if (p.start == null) return out;
    const end = p.end ?? this.nextStart[i];
    const spoken = pos > this.passageStart[i]! ? speechSeconds(p.text.slice(0, this.offsetAt[pos]!)) : 0;
    const limit = end != null && end > p.start ? end - p.start : spoken;
    out.start = Math.floor(p.start + Math.min(spoken, limit));
    return out;
  }

  /** The transcript's own text between two key offsets (end exclusive). */
  textBetween(from: number, to: number): string {
    const a = this.passageAt[from]!;
    const b = this.passageAt[Math.max(from, to - 1)]!;
    const startOff = this.offsetAt[from]!;
    const endOff = this.offsetAt[Math.max(from, to - 1)]! + 1;
    if (a === b) return this.passages[a]!.text.slice(startOff, endOff);
    const parts = [this.passages[a]!.text.slice(startOff)];
    for (let i = a + 1; i < b; i++) parts.push(this.passages[i]!.text);
    parts.push(this.passages[b]!.text.slice(0, endOff));
    return parts.join(' ');
  }

  /** Start time at a key offset, for choosing among occurrences. */
  private timeAt(pos: number): number | undefined {
    return this.passages[this.passageAt[pos]!]!.start ?? undefined;
  }

  /** Every exact occurrence of `frag` (bounded). */
  exact(frag: string, limit = 50): number[] {
    const out: number[] = [];
    for (let i = this.key.indexOf(frag); i >= 0 && out.length < limit; i = this.key.indexOf(frag, i + 1)) out.push(i);
    return out;
  }

  /** Best approximate place of `frag`: `{ at, end, similarity }`, or undefined when nothing is close. */
  approximate(frag: string, near?: number): { at: number; end: number; similarity: number } | undefined {
    const q = gramSize(frag);
    const grams = this.gramsOf(q);
    const band = Math.max(8, Math.floor(frag.length / 4));
    // Votes per diagonal band, shifted by one fragment so diagonals before the start count too.
    const shift = frag.length;
    const votes = new Int32Array(Math.ceil((this.key.length + shift) / band) + 2);
    const maxPostings = Math.min(MAX_POSTINGS, Math.max(64, this.key.length / 100));
    let usable = 0;
    for (let j = 0; j + q <= frag.length; j++) {
      const code = gramCode(frag, j, q);
      const { start: from, count: c } = grams.find(code);
      if (c === 0 || c > maxPostings) continue;
      usable++;
      for (let x = from; x < from + c; x++) votes[Math.floor((grams.positions[x]! - j + shift) / band)]!++;
    }
    if (usable === 0) return undefined;
    // Neighbouring diagonal bands share a candidate (drops and insertions shift the diagonal).
    // Only places holding a quarter of the fragment's n-grams are worth considering.
    const grams_ = frag.length - q + 1;
    const floor = grams_ * 0.25;
    const scored: (readonly [number, number])[] = [];
    for (let b = 0; b < votes.length; b++) {
      if (votes[b] === 0) continue;
      const v = votes[b]! + (votes[b - 1] ?? 0) + (votes[b + 1] ?? 0);
      if (v >= floor) scored.push([b - shift / band, v] as const);
    }
    scored.sort((a, b) => b[1] - a[1]);
    let best: { at: number; end: number; similarity: number; dist: number } | undefined;
    const tried = new Set<number>();
    const top = scored[0]?.[1] ?? 0;
    for (const [d, v] of scored) {
      // Candidates with half the best votes or fewer are not worth an alignment.
      if (tried.size >= CANDIDATES || v < grams_ * 0.25 || v <= top * 0.5) break;
      if (tried.has(d) || tried.has(d - 1) || tried.has(d + 1)) continue;
      tried.add(d);
      const from = Math.max(0, Math.floor(d * band - band - frag.length * 0.1));
      const to = Math.min(this.key.length, Math.ceil(d * band + frag.length * 1.6 + 2 * band));
      const hit = align(frag, this.key, from, Math.floor(to));
      const t = this.timeAt(hit.at);
      const dist = near !== undefined && t !== undefined ? Math.abs(t - near) : 0;
      if (!best || hit.similarity > best.similarity + 0.02 || (hit.similarity > best.similarity - 0.02 && dist < best.dist)) {
        best = { ...hit, dist };
      }
    }
    return best && { at: best.at, end: best.end, similarity: best.similarity };
  }
}

/**
 * How much a character says: a Han character carries about a word's meaning, a Latin letter
 * or digit a fraction of one. So a misrecognized English term inside Chinese speech
 * (Baltonex for Bottleneck) costs what one wrong word costs, not ten wrong characters.
 */
function weight(c: number): number {
  return c < 128 ? 3 : 8;
}

/**
 * Semi-global alignment of `pattern` inside `text[from, to)`: the whole pattern, any span of
 * the text. Costs, in character weights: a mismatch or a pattern character missing from the
 * text costs its full weight, a text character the pattern skips half its weight (a dropped
 * word costs half). Similarity is one minus the cost over the pattern's weight.
 */
export function align(pattern: string, text: string, from: number, to: number): { at: number; end: number; similarity: number } {
  const m = pattern.length;
  const n = to - from;
  let prev = new Int32Array(n + 1); // row 0: free start anywhere
  let prevStart = new Int32Array(n + 1).map((_, j) => j);
  let cur = new Int32Array(n + 1);
  let curStart = new Int32Array(n + 1);
  const skip = new Int32Array(n);
  for (let j = 0; j < n; j++) skip[j] = weight(text.charCodeAt(from + j));
  let total = 0;
  for (let i = 1; i <= m; i++) {
    const pc = pattern.charCodeAt(i - 1);
    const w = 2 * weight(pc);
    total += w;
    cur[0] = prev[0]! + w;
    curStart[0] = 0;
    for (let j = 1; j <= n; j++) {
      const diag = prev[j - 1]! + (text.charCodeAt(from + j - 1) === pc ? 0 : w);
      const up = prev[j]! + w; // pattern char unmatched
      const left = cur[j - 1]! + skip[j - 1]!; // text char skipped
      if (diag <= up && diag <= left) {
        cur[j] = diag;
        curStart[j] = prevStart[j - 1]!;
      } else if (up <= left) {
        cur[j] = up;
        curStart[j] = prevStart[j]!;
      } else {
        cur[j] = left;
        curStart[j] = curStart[j - 1]!;
      }
    }
    [prev, cur] = [cur, prev];
    [prevStart, curStart] = [curStart, prevStart];
  }
  let bestJ = 0;
  for (let j = 1; j <= n; j++) if (prev[j]! < prev[bestJ]!) bestJ = j;
  return { at: from + prevStart[bestJ]!, end: from + bestJ, similarity: total ? Math.max(0, 1 - prev[bestJ]! / total) : 0 };
}

/** Omission marks and the model's own bracketed insertions split a quote into fragments. */
const SPLIT = /\s*(?:…+|\.{3,}|⋯+|。{3,}|\[[^\]]{0,60}\]|【[^】]{0,60}】)\s*/;
/**
 * Sentence ends split further: summaries join sentences said minutes apart without marking
 * the cut, and each sentence is then found on its own (a whole sentence the model made up or
 * rewrote still fails the quote).
 */
const SENTENCE_END = /(?<=[.!?][)"'”’]?)\s+(?=\S)|(?<=[。！？])/;

/**
 * A quote's fragments as match keys, in order, cut at omission marks — and also at sentence
 * ends when `bySentence` — with pieces too short to carry evidence dropped.
 */
export function fragmentsOf(quote: string, bySentence = false): string[] {
  const keys = quote
    .split(SPLIT)
    .flatMap((piece) => (bySentence ? piece.split(SENTENCE_END) : [piece]))
    .map((f) => matchKey(f).key)
    .filter(Boolean);
  const long = keys.filter((k) => k.length >= MIN_FRAGMENT);
  return long.length ? long : keys.length ? [keys.join('')] : [];
}

interface FragmentHit {
  at: number;
  end: number;
  similarity: number;
  exact: boolean;
}

/**
 * Where `quote` occurs in the transcript. `claimedStart` (seconds) only chooses among equally
 * good places; it never makes a quote found.
 */
export function locateQuote(index: TranscriptIndex, quote: string, claimedStart?: number): QuoteLocation {
  const whole = locateFragments(index, fragmentsOf(quote), claimedStart);
  if (whole.status !== 'not-found') return whole;
  const sentences = fragmentsOf(quote, true);
  if (sentences.length === fragmentsOf(quote).length) return whole;
  const split = locateFragments(index, sentences, claimedStart);
  return split.status !== 'not-found' ? split : { ...whole, similarity: Math.max(whole.similarity, split.similarity) };
}

/**
 * `locateQuote`'s answer when it is `verbatim`, else undefined — looking only for exact
 * occurrences where that decides it. Verbatim means every fragment found exactly, so the
 * approximate search (the costly part) is run only in the one case where its outcome matters:
 * the quote is found exactly when cut at sentence ends but not whole, and `locateQuote` takes
 * the whole quote's approximate place over that when it has one.
 */
export function locateVerbatim(index: TranscriptIndex, quote: string, claimedStart?: number): QuoteLocation | undefined {
  const whole = fragmentsOf(quote);
  const w = locateFragments(index, whole, claimedStart, true);
  if (w.status === 'verbatim') return w;
  const sentences = fragmentsOf(quote, true);
  if (sentences.length === whole.length || locateFragments(index, sentences, claimedStart, true).status !== 'verbatim') return undefined;
  const full = locateQuote(index, quote, claimedStart);
  return full.status === 'verbatim' ? full : undefined;
}

/** `exactOnly`: fragments are looked for exactly only (no approximate places, no similarity of a miss). */
function locateFragments(index: TranscriptIndex, frags: string[], claimedStart?: number, exactOnly = false): QuoteLocation {
  const total = frags.reduce((n, f) => n + f.length, 0);
  if (total === 0 || index.key.length === 0) return { status: 'not-found', similarity: 0 };
  let near = claimedStart;
  const hits: (FragmentHit | undefined)[] = [];
  for (const frag of frags) {
    const hit = findFragment(index, frag, near, exactOnly);
    hits.push(hit);
    // Later fragments are looked for near the earlier ones: "…" joins nearby places.
    if (hit) near = index.pointAt(hit.at).start ?? near;
  }
  let covered = 0;
  let weighted = 0;
  frags.forEach((f, i) => {
    const h = hits[i];
    if (h) {
      covered += f.length;
      weighted += f.length * h.similarity;
    }
  });
  const first = hits.find(Boolean);
  if (!first || covered / total < COVERAGE) {
    return { status: 'not-found', similarity: covered ? weighted / total : exactOnly ? 0 : bestSimilarity(index, frags, claimedStart) };
  }
  const point = index.pointAt(first.at);
  const last = [...hits].reverse().find(Boolean)!;
  const out: QuoteLocation = {
    status: hits.every((h) => h?.exact) ? 'verbatim' : 'approximate',
    similarity: weighted / total,
    passage: point.passage,
    matched: index.textBetween(first.at, Math.max(first.end, last.at < first.at ? first.end : last.end)),
  };
  if (point.start !== undefined) out.start = point.start;
  if (point.speaker) out.speaker = point.speaker;
  return out;
}

function findFragment(index: TranscriptIndex, frag: string, near?: number, exactOnly = false): FragmentHit | undefined {
  const exact = index.exact(frag);
  if (exact.length) {
    const at = near === undefined ? exact[0]! : nearest(index, exact, near);
    return { at, end: at + frag.length, similarity: 1, exact: true };
  }
  if (exactOnly || frag.length < MIN_APPROXIMATE) return undefined;
  const hit = index.approximate(frag, near);
  return hit && hit.similarity >= APPROXIMATE ? { ...hit, exact: false } : undefined;
}

function nearest(index: TranscriptIndex, positions: number[], t: number): number {
  let best = positions[0]!;
  let bestD = Infinity;
  for (const p of positions) {
    const s = index.pointAt(p).start;
    const d = s === undefined ? Infinity : Math.abs(s - t);
    if (d < bestD) {
      bestD = d;
      best = p;
    }
  }
  return best;
}

/** For a quote not found: how close the nearest thing came (reported, not used to decide). */
function bestSimilarity(index: TranscriptIndex, frags: string[], near?: number): number {
  const longest = frags.reduce((a, b) => (b.length > a.length ? b : a), '');
  if (longest.length < MIN_APPROXIMATE) return 0;
  return index.approximate(longest, near)?.similarity ?? 0;
}
