/**
 * Caption files: SubRip (`.srt`) and WebVTT (`.vtt`). Both are cues (an optional identifier,
 * a `start --> end` line, text lines, a blank line); WebVTT adds a `WEBVTT` header, NOTE /
 * STYLE / REGION blocks, cue settings after the times and `<v Speaker>` voice tags.
 *
 * Tolerated: CRLF, a missing final newline, numbering gaps or no numbers, a missing blank line
 * between cues, times without hours or milliseconds, hours past 99, empty cues. Inline tags
 * (`<i>`, `<c.yellow>`, `<00:00:01.000>`, `{\an8}`) are stripped and entities decoded. Rolling
 * captions (YouTube's auto-generated VTT repeats the previous line at the top of each cue)
 * are de-duplicated. Cues are merged into passages of readable size.
 */
import type { FormatParser, ParseResult, ParseWarning, SourceFile } from '../model.js';
import { parseTimecode } from './media.js';
import { decodeEntities, splitLines } from './text-utils.js';
import { joinAllSpoken, rawTranscriptDocument, repairBackwardTimes, type TimedLine } from './timed-utterances.js';

const TIME = String.raw`(?:\d{1,3}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?`;
const TIMING = new RegExp(String.raw`^(${TIME})\s*-->\s*(${TIME})(?:[ \t].*)?$`);
const VTT_HEADER = /^\uFEFF?WEBVTT(?=[ \t]|$)[ \t]*(.*)$/;
const VTT_BLOCK = /^(?:NOTE|STYLE|REGION)(?:[ \t]|$)/;

type Dialect = 'srt' | 'vtt';

interface Cue {
  /** 1-based line of the timing line. */
  line: number;
  start: number;
  end: number;
  text: string[];
}

interface CueFile {
  cues: Cue[];
  /** Text after `WEBVTT` on the first line. */
  title?: string;
  /** `Key: value` lines of a WebVTT header (`Kind`, `Language`). */
  headers: Record<string, string>;
}

function readCues(lines: string[], dialect: Dialect, warnings: ParseWarning[]): CueFile {
  const out: CueFile = { cues: [], headers: {} };
  let i = 0;
  const header = VTT_HEADER.exec(lines[0]?.trim() ?? '');
  if (header) {
    out.title = header[1]!.replace(/^[-–—:：]\s*/, '').trim() || undefined; // `WEBVTT - Title`
    for (i = 1; i < lines.length && lines[i]!.trim() !== '' && !lines[i]!.includes('-->'); i++) {
      const kv = /^([\w-]+)\s*:\s*(.+)$/.exec(lines[i]!.trim());
      if (kv) out.headers[kv[1]!.toLowerCase()] = kv[2]!.trim();
    }
  }
  const isTiming = (k: number) => k < lines.length && TIMING.test(lines[k]!.trim());
  while (i < lines.length) {
    const line = lines[i]!.trim();
    if (line === '') {
      i++;
      continue;
    }
    if (dialect === 'vtt' && VTT_BLOCK.test(line)) {
      while (i < lines.length && lines[i]!.trim() !== '') i++;
      continue;
    }
    const timing = TIMING.exec(line);
    if (!timing) {
      if (isTiming(i + 1)) {
        i++; // a cue identifier or SRT number, whatever its value
        continue;
      }
      // Not a cue: report the block's broken timing line if it has one, then skip the block.
      const blockStart = i;
      while (i < lines.length && lines[i]!.trim() !== '') i++;
      const block = lines.slice(blockStart, i);
      const k = block.findIndex((l) => /\d\s*-+>\s*\d/.test(l));
      warnings.push(
        k >= 0
          ? { line: blockStart + k + 1, message: `malformed cue timing "${block[k]!.trim().slice(0, 60)}": cue skipped` }
          : {
              line: blockStart + 1,
              // The whole block is dropped: say how much of it, not only its first line.
              message: block.length === 1
                ? `text outside any cue: "${line.slice(0, 40)}" ignored`
                : `text outside any cue: lines ${blockStart + 1}–${blockStart + block.length} ("${line.slice(0, 40)}" …) ignored`,
            },
      );
      continue;
    }
    const cueLine = i + 1;
    const text: string[] = [];
    // Cue text runs to a blank line, or to the next cue when the blank line is missing.
    // A line directly followed by a timing line is the next cue's number or identifier.
    // WebVTT ends cue text at an empty line only: YouTube's cues start with a line of one space.
    const ends = (l: string) => (dialect === 'vtt' ? l === '' : l.trim() === '');
    for (i++; i < lines.length && !ends(lines[i]!) && !isTiming(i) && !isTiming(i + 1); i++) {
      text.push(lines[i]!);
    }
    const start = parseTimecode(timing[1]!);
    const end = parseTimecode(timing[2]!);
    if (start === undefined || end === undefined) {
      warnings.push({ line: cueLine, message: `unreadable cue time "${line.slice(0, 60)}": cue skipped` });
      continue;
    }
    out.cues.push({ line: cueLine, start, end, text });
  }
  return out;
}

/** Inline markup to plain text: tags, ruby readings, ASS overrides, entities. */
function plain(s: string): string {
  return decodeEntities(
    s.replace(/<rt>[\s\S]*?<\/rt>/gi, '').replace(/<[^>\n]*>/g, '').replace(/\{\\[^}]*\}/g, ''),
  ).replace(/[ \t\u00A0]+/g, ' ').trim();
}

/** A cue's text, split where a `<v Name>` voice tag changes speaker. */
function cueTurns(cue: Cue): { speaker?: string; text: string }[] {
  const raw = cue.text.join('\n');
  const turns: { speaker?: string; text: string }[] = [];
  const voice = /<v(?:\.[\w.-]+)?(?:[ \t]+([^>]*))?>/g;
  let speaker: string | undefined;
  let from = 0;
  for (const m of raw.matchAll(voice)) {
    turns.push({ speaker, text: raw.slice(from, m.index) });
    speaker = m[1]?.trim() || undefined;
    from = m.index! + m[0].length;
  }
  turns.push({ speaker, text: raw.slice(from) });
  return turns
    .map((t) => ({ speaker: t.speaker, text: joinAllSpoken(t.text.split('\n').map(plain)) }))
    .filter((t) => t.text !== '');
}

function toTimedLines(cues: Cue[]): TimedLine[] {
  const out: TimedLine[] = [];
  let prev = new Set<string>();
  for (const cue of cues) {
    let raw = cue.text.filter((l) => plain(l) !== '');
    const lines = raw.map(plain);
    // Rolling captions (YouTube's automatic ones): each cue repeats the line(s) the previous
    // cue showed, then adds one; 10 ms cues repeat the last line alone. Leading lines already
    // shown are dropped, and a cue with nothing new is skipped.
    let k = 0;
    while (k < lines.length && prev.has(lines[k]!)) k++;
    prev = new Set(lines);
    raw = raw.slice(k);
    if (raw.length === 0) continue;
    for (const t of cueTurns({ ...cue, text: raw })) {
      const tl: TimedLine = { text: t.text, line: cue.line, start: cue.start, end: cue.end };
      if (t.speaker) tl.speaker = t.speaker;
      out.push(tl);
    }
  }
  return out;
}

function parseWith(dialect: Dialect) {
  return (file: SourceFile): ParseResult => {
    const warnings: ParseWarning[] = [];
    const { cues, title, headers } = readCues(splitLines(file.text), dialect, warnings);
    repairBackwardTimes(cues, warnings);
    const timed = toTimedLines(cues);
    if (timed.length === 0) {
      return { documents: [], warnings: [...warnings, { line: 1, message: `no ${dialect.toUpperCase()} cues with text` }] };
    }
    const doc = rawTranscriptDocument(file, timed, headers.language ? { language: headers.language } : {});
    if (title) doc.title = decodeEntities(title);
    return { documents: [doc], warnings };
  };
}

function firstLines(text: string, n: number): string[] {
  return splitLines(text.slice(0, 2048)).map((l) => l.trim()).filter(Boolean).slice(0, n);
}

/** `WEBVTT` on the first line is the format's own signature. */
function detectVtt(file: SourceFile): number {
  return VTT_HEADER.test(splitLines(file.text.slice(0, 256))[0]?.trim() ?? '') ? 0.95 : 0;
}

/** A cue number then a `00:00:01,000 --> …` line; a timing line near the top without the number. */
function detectSrt(file: SourceFile): number {
  const lines = firstLines(file.text, 4);
  if (lines.length === 0 || VTT_HEADER.test(lines[0]!)) return 0;
  if (/^\d+$/.test(lines[0]!) && TIMING.test(lines[1] ?? '')) return 0.95;
  return lines.slice(0, 3).some((l) => TIMING.test(l)) ? 0.8 : 0;
}

export const srt: FormatParser = { name: 'srt', detect: detectSrt, parse: parseWith('srt') };
export const vtt: FormatParser = { name: 'vtt', detect: detectVtt, parse: parseWith('vtt') };
