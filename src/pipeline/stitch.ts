/**
 * Stitching recognized chunks into one transcript on the episode's timeline. Chunks overlap by
 * a few seconds, so the overlap's speech comes back twice — usually with slightly different
 * edges (a word cut at the chunk border). The duplicate is found as the longest run of tokens
 * the end of one chunk and the start of the next share — characters for Chinese, words for
 * English — and kept once. When no run is long enough (silence, music), the cut falls in the
 * middle of the overlap by time.
 *
 * Diarized chunks label speakers per chunk (`A`, `B`): labels heard saying the same overlap
 * words are the same speaker, so labels are carried across chunks through the overlap. When two
 * neighbouring chunks have the same number of speakers and all but one are linked that way, the
 * last one is the remaining speaker of the chunk before (a two-person show where only one spoke
 * in the overlap). Any other label becomes a new speaker rather than a guess.
 */
import type { RecognizedSegment } from '../providers/asr.js';
import type { TimedLine } from '../formats/timed-utterances.js';
import { toSimplified } from '../text/fold.js';
import type { Span } from './audio.js';

export interface ChunkRecognition {
  /** Where the chunk lies in the episode (seconds). */
  span: Span;
  /** Segments with times relative to the chunk's start. */
  segments: RecognizedSegment[];
}

interface Seg {
  start: number;
  end: number;
  text: string;
  /** Speaker label local to its chunk (`3:A`). */
  speaker?: string;
}

interface Tok {
  seg: number;
  from: number;
  to: number;
  norm: string;
}

/** A run shorter than this is a coincidence, not a duplicate: in Han characters, else in words. */
const MIN_RUN_CJK = 3;
const MIN_RUN_WORDS = 2;
/** Tokens considered at each side of a seam. */
const SEAM_TOKENS = 400;

const TOKEN = /\p{Script=Han}|[\p{L}\p{N}][\p{L}\p{N}'’]*/gu;

function tokens(segs: Seg[], from: number): Tok[] {
  const out: Tok[] = [];
  for (let i = from; i < segs.length; i++) {
    for (const m of segs[i]!.text.matchAll(TOKEN)) {
      out.push({ seg: i, from: m.index!, to: m.index! + m[0].length, norm: toSimplified(m[0].toLowerCase()) });
    }
  }
  return out;
}

/** Longest common run of `a` and `b` (end indices, length). */
function longestRun(a: Tok[], b: Tok[]): { aEnd: number; bEnd: number; length: number } {
  let best = { aEnd: -1, bEnd: -1, length: 0 };
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      if (a[i - 1]!.norm === b[j - 1]!.norm) {
        cur[j] = prev[j - 1]! + 1;
        if (cur[j]! > best.length) best = { aEnd: i - 1, bEnd: j - 1, length: cur[j]! };
      }
    }
    prev = cur;
  }
  return best;
}

const LEADING_PUNCT = /^[\s,.;:!?，。、；：！？…—-]+/u;

/** Join chunk recognitions into timed lines on the episode's timeline. */
export function stitch(chunks: ChunkRecognition[]): TimedLine[] {
  let out: Seg[] = [];
  const sameSpeaker = new Map<string, string>(); // local label -> label of an earlier chunk
  const labels = chunks.map((ch, c) => new Set(ch.segments.filter((x) => x.speaker !== undefined).map((x) => `${c}:${x.speaker}`)));
  chunks.forEach((chunk, c) => {

    const next: Seg[] = chunk.segments
      .filter((s) => s.text.trim())
      .map((s) => {
        const seg: Seg = { start: s.start + chunk.span.start, end: Math.max(s.end, s.start) + chunk.span.start, text: s.text.trim() };
        if (s.speaker !== undefined) seg.speaker = `${c}:${s.speaker}`;
        return seg;
      });
    if (c === 0 || out.length === 0) {
      out.push(...next);
      return;
    }
    const seamStart = chunk.span.start;
    const seamEnd = chunks[c - 1]!.span.end;
    let tailFrom = out.length;
    while (tailFrom > 0 && out[tailFrom - 1]!.end > seamStart - 0.5) tailFrom--;
    const headTo = next.findIndex((s) => s.start >= seamEnd + 0.5);
    const head = next.slice(0, headTo === -1 ? next.length : headTo);
    const a = tokens(out, tailFrom).slice(-SEAM_TOKENS);
    const b = tokens(head, 0).slice(0, SEAM_TOKENS);
    const run = longestRun(a, b);
    const cjk = run.length > 0 && /\p{Script=Han}/u.test(a[run.aEnd]!.norm);
    if (run.length >= (cjk ? MIN_RUN_CJK : MIN_RUN_WORDS)) {
      for (let k = 0; k < run.length; k++) {
        const pa = out[a[run.aEnd - k]!.seg]!.speaker;
        const pb = head[b[run.bEnd - k]!.seg]!.speaker;
        if (pa && pb && !sameSpeaker.has(pb)) sameSpeaker.set(pb, pa);
      }
      // Keep the earlier chunk's text through the run, the later chunk's after it.
      const lastA = a[run.aEnd]!;
      out[lastA.seg]!.text = out[lastA.seg]!.text.slice(0, lastA.to);
      out = out.slice(0, lastA.seg + 1);
      const lastB = b[run.bEnd]!;
      const rest = head[lastB.seg]!;
      rest.text = rest.text.slice(lastB.to).replace(LEADING_PUNCT, '');
      out.push(...next.slice(lastB.seg).filter((s) => s.text));
      linkRemaining(labels[c - 1]!, labels[c]!, sameSpeaker);
    } else {
      const cut = (seamStart + seamEnd) / 2;
      out = out.filter((s, i) => i < tailFrom || s.start < cut);
      out.push(...next.filter((s) => s.start >= cut));
    }
  });
  return toLines(out, sameSpeaker);
}

/** The one unlinked label of a chunk is the one unlinked speaker of the chunk before, when the counts agree. */
function linkRemaining(before: Set<string>, here: Set<string>, sameSpeaker: Map<string, string>): void {
  if (before.size !== here.size || here.size < 2) return;
  const unlinked = [...here].filter((l) => !sameSpeaker.has(l));
  const targets = new Set([...here].map((l) => sameSpeaker.get(l)).filter(Boolean));
  const free = [...before].filter((l) => !targets.has(l));
  if (unlinked.length === 1 && free.length === 1) sameSpeaker.set(unlinked[0]!, free[0]!);
}

/** Machine labels (`A`, `1`, `speaker_0`, `SPEAKER_01`) become `SPEAKER_NN`, consistent across chunks; names stay. */
function toLines(segs: Seg[], sameSpeaker: Map<string, string>): TimedLine[] {
  const numbered = new Map<string, string>();
  const resolve = (label: string): string => {
    let l = label;
    for (let hops = 0; sameSpeaker.has(l) && hops < 1000; hops++) l = sameSpeaker.get(l)!;
    const bare = l.slice(l.indexOf(':') + 1);
    if (!/^(?:speaker[_ ]?)?[A-Z0-9]{1,3}$/i.test(bare)) return bare;
    if (!numbered.has(l)) numbered.set(l, `SPEAKER_${String(numbered.size).padStart(2, '0')}`);
    return numbered.get(l)!;
  };
  return segs.map((s, i) => {
    const line: TimedLine = { text: s.text, line: i + 1, start: round(s.start), end: round(Math.max(s.end, s.start)) };
    if (s.speaker) line.speaker = resolve(s.speaker);
    return line;
  });
}

function round(t: number): number {
  return Math.round(t * 1000) / 1000;
}
