/**
 * Speech as recognized comes in tiny pieces (a caption, a diarized segment, one subtitle
 * line). A search hit on one such piece is unreadable, so every speech format turns its pieces
 * into `TimedLine`s and merges consecutive lines of one speaker into utterances of readable
 * size here. Shared by diarized transcripts, raw subtitle text, SRT/WebVTT and transcription JSON.
 */
import type { DocumentMetadata, ParsedDocument, ParsedPassage, ParseWarning, Seconds, SourceFile } from '../model.js';
import { formatTimecode, mediaKey, youtubeIdFromPath, youtubeUrl } from './media.js';

/** One recognized piece of speech, as a format parser read it. */
export interface TimedLine {
  text: string;
  /** 1-based line in the source file (provenance). */
  line: number;
  start?: Seconds;
  /** Only when the source gives it (SRT, VTT, JSON, `[a --> b]` lines). */
  end?: Seconds;
  /** Speaker label as written; undefined when the piece names none. */
  speaker?: string;
}

/**
 * How big an utterance may grow, as a budget shared by scripts: a passage is full when
 * `cjkChars / maxCjk + latinWords / maxWords` would pass 1. Lines are never cut.
 */
export interface UtteranceSize {
  maxCjk: number;
  maxWords: number;
}

/** Timed speech (transcripts, captions, JSON): about a paragraph of talk. */
export const SPEECH_SIZE: UtteranceSize = { maxCjk: 300, maxWords: 80 };
/** Untimed subtitle lines: smaller, since a passage without a time is located by its text alone. */
export const SUBTITLE_SIZE: UtteranceSize = { maxCjk: 200, maxWords: 60 };

const isLatin = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7);
const isCjk = (c: number) =>
  (c >= 0x3400 && c <= 0x9fff) || // CJK ideographs (+ extension A)
  (c >= 0xf900 && c <= 0xfaff) || // compatibility ideographs
  (c >= 0x3040 && c <= 0x30ff) || // kana
  (c >= 0xac00 && c <= 0xd7af) || // hangul
  (c >= 0xd840 && c <= 0xd87f); // high surrogate of an extension B+ ideograph

/** The share of an utterance's budget that `text` uses. A plain loop: this runs once per caption line. */
export function sizeOf(text: string, size: UtteranceSize): number {
  let cjk = 0;
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isLatin(c)) {
      if (!inWord) words++;
      inWord = true;
    } else if (inWord && (c === 39 || c === 0x2019 || c === 45 || c === 46) && isLatin(text.charCodeAt(i + 1))) {
      // don't, e.g., 4.5: one word
    } else {
      inWord = false;
      if (isCjk(c)) cjk++;
    }
  }
  return cjk / size.maxCjk + words / size.maxWords;
}

// Full-width punctuation already separates; ASCII punctuation attaches to the word before it.
const ENDS_SEPARATED = new Set('，。！？、；：」』）】》…—～ \t\n');
const STARTS_ATTACHED = new Set('，。！？、；：」』）】》…,.!?;:)]%');

/**
 * Joins two recognized pieces. Chinese captions carry no punctuation, so gluing them would run
 * sentences together and inventing `，` would put words in the speaker's mouth: a plain space
 * marks the boundary (readers see it, word segmenters treat it as one). No space is added
 * where punctuation already separates the pieces.
 */
export function joinSpoken(a: string, b: string): string {
  if (!a) return b;
  if (!b) return a;
  return a + separator(a, b) + b;
}

function separator(a: string, b: string): string {
  return ENDS_SEPARATED.has(a[a.length - 1]!) || STARTS_ATTACHED.has(b[0]!) ? '' : ' ';
}

/** `joinSpoken` over many pieces, in one pass. */
export function joinAllSpoken(pieces: readonly string[]): string {
  const out: string[] = [];
  let prev = '';
  for (const p of pieces) {
    if (!p) continue;
    if (prev) out.push(separator(prev, p));
    out.push(p);
    prev = p;
  }
  return out.join('');
}

/**
 * Timings that end before they start (a slip in a caption file, a recognizer glitch) are
 * reported, and the end is repaired: the next piece's start when that is later, else the
 * piece's own start. Pieces are repaired in place.
 */
export function repairBackwardTimes(pieces: { line: number; start?: Seconds; end?: Seconds }[], warnings: ParseWarning[], what = 'cue'): void {
  pieces.forEach((p, i) => {
    if (p.start === undefined || p.end === undefined || p.end >= p.start) return;
    const next = pieces[i + 1]?.start;
    const end = next !== undefined && next > p.start ? next : p.start;
    warnings.push({
      line: p.line,
      message: `${what} ends at ${formatTimecode(p.end)}, before it starts at ${formatTimecode(p.start)}: end set to ${formatTimecode(end)}` +
        (end === p.start ? '' : ` (where the next ${what} starts)`),
    });
    p.end = end;
  });
}

/** `[Music]`, `(Applause)`, `（笑）`, `♪♪`: a caption line that is a sound, not speech. */
export function isSoundEvent(text: string): boolean {
  return /^(?:\[[^\]\d]{1,20}\]|\([^)\d]{1,20}\)|（[^）\d]{1,20}）|【[^】\d]{1,20}】|[♪♫\s]+)$/u.test(text.trim());
}

interface Utterance {
  speaker?: string;
  lines: TimedLine[];
  size: number;
  /** The latest time its lines give (ends, else starts). */
  last?: Seconds;
}

/**
 * Merges lines into utterances: a new one starts when a line names a different speaker, the
 * current one is full, or the line starts after a long silence (`MAX_SILENCE_S`). A line
 * without a speaker has no speaker of its own but continues the current utterance
 * (diarization dropped its label, not the talk); lines without a speaker at the very start
 * join the first speaker who is named. Sound-event lines are dropped.
 *
 * Each passage starts at its first line's time and ends at the latest end the source gives,
 * or else where the next utterance starts.
 */
export function mergeUtterances(lines: readonly TimedLine[], size: UtteranceSize = SPEECH_SIZE): ParsedPassage[] {
  const utterances: Utterance[] = [];
  for (const l of lines) {
    const text = l.text.trim();
    if (!text || isSoundEvent(text)) continue;
    const line = text === l.text ? l : { ...l, text };
    const s = sizeOf(text, size);
    const cur = utterances.at(-1);
    const otherSpeaker = cur?.speaker !== undefined && line.speaker !== undefined && line.speaker !== cur.speaker;
    if (!cur || otherSpeaker || cur.size + s > 1 || silenceBefore(cur, line)) {
      utterances.push({ speaker: line.speaker ?? cur?.speaker, lines: [line], size: s, last: latest(undefined, line) });
    } else {
      cur.speaker ??= line.speaker;
      cur.lines.push(line);
      cur.size += s;
      cur.last = latest(cur.last, line);
    }
  }
  return utterances.map((u, i) => toPassage(u, utterances[i + 1]));
}

/**
 * Silence longer than this ends an utterance: a passage is found by its words and opened at
 * its start, so words said after a long pause (a cue at 58:00 after one at 0:05) must not be
 * linked to the time before it.
 */
export const MAX_SILENCE_S = 30;

/** Whether `line` starts over `MAX_SILENCE_S` after the last time `u` has. */
function silenceBefore(u: Utterance, line: TimedLine): boolean {
  return line.start !== undefined && u.last !== undefined && line.start - u.last > MAX_SILENCE_S;
}

/** The later of `last` and the line's own latest time (its end, else its start). */
function latest(last: Seconds | undefined, line: TimedLine): Seconds | undefined {
  const t = line.end ?? line.start;
  return t === undefined || (last !== undefined && last >= t) ? last : t;
}

function firstStart(u: Utterance | undefined): Seconds | undefined {
  return u?.lines.find((l) => l.start !== undefined)?.start;
}

function toPassage(u: Utterance, next: Utterance | undefined): ParsedPassage {
  const p: ParsedPassage = {
    text: joinAllSpoken(u.lines.map((l) => l.text)),
    role: 'content',
    line: u.lines[0]!.line,
  };
  const start = firstStart(u);
  // A loop, not Math.max(...ends): an utterance of zero-size lines can hold any number of them.
  let latest: Seconds | undefined;
  for (const l of u.lines) if (l.end !== undefined && (latest === undefined || l.end > latest)) latest = l.end;
  const end = latest ?? firstStart(next);
  if (start !== undefined) p.start = start;
  if (end !== undefined && (start === undefined || end >= start)) p.end = end;
  if (u.speaker !== undefined) p.speaker = u.speaker;
  return p;
}

/** Distinct speaker labels in order of first appearance. */
export function distinctSpeakers(lines: readonly { speaker?: string }[]): string[] {
  const seen = new Set<string>();
  for (const l of lines) if (l.speaker) seen.add(l.speaker);
  return [...seen];
}

/**
 * A machine transcript (captions, recognition JSON) as one raw-transcript document: keyed by
 * the video ID its file is named after, when it is; speakers listed when any are known.
 */
export function rawTranscriptDocument(file: Pick<SourceFile, 'relPath' | 'absPath'>, timed: readonly TimedLine[], metadata: DocumentMetadata = {}): ParsedDocument {
  const youtubeId = youtubeIdFromPath(file.relPath);
  const speakers = distinctSpeakers(timed);
  const doc: ParsedDocument = {
    key: mediaKey({ youtubeId, file }),
    kind: 'raw-transcript',
    metadata: speakers.length ? { speakers, ...metadata } : metadata,
    passages: mergeUtterances(timed),
  };
  if (youtubeId) doc.url = youtubeUrl(youtubeId);
  return doc;
}
