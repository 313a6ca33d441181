/**
 * Speech-recognition output as JSON: WhisperX (`{segments: [{start, end, text, speaker?,
 * words?}], language?}`), OpenAI's `verbose_json` (`{task, language, duration, text,
 * segments: [{id, start, end, text, …}]}`), or a bare array of such segments. Segments are
 * merged into passages of readable size; a speaker label, when present, splits utterances.
 */
import type { DocumentMetadata, FormatParser, ParseResult, ParseWarning, SourceFile } from '../model.js';
import { rawTranscriptDocument, repairBackwardTimes, type TimedLine } from './timed-utterances.js';

/** An error that knows the 1-based line it is about (the pipeline reports it). */
export class JsonInputError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
    this.name = 'JsonInputError';
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function parseJson(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    const message = (e as Error).message;
    // Node 20's V8 names the position for some errors only; find it ourselves otherwise.
    const stated = /at position (\d+)/.exec(message)?.[1];
    const offset = stated !== undefined ? Number(stated) : jsonErrorOffset(text);
    const { line, column } = lineAndColumn(text, offset);
    throw new JsonInputError(`invalid JSON at line ${line}, column ${column}: ${message}`, line, column);
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lastNl = before.lastIndexOf('\n');
  return { line: (before.match(/\n/g)?.length ?? 0) + 1, column: before.length - lastNl };
}

/** Offset of the first syntax error (a minimal JSON grammar walk; only run after JSON.parse failed). */
export function jsonErrorOffset(s: string): number {
  let i = 0;
  const stop = (): never => {
    throw i;
  };
  const ws = () => {
    while (i < s.length && ' \t\n\r'.includes(s[i]!)) i++;
  };
  const NUM = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const str = () => {
    for (i++; i < s.length; i++) {
      const c = s[i]!;
      if (c === '"') return void i++;
      if (c < ' ') stop();
      if (c === '\\') {
        i++;
        if (s[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) stop();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(s[i] ?? 'x')) stop();
      }
    }
    stop();
  };
  const value = (): void => {
    ws();
    const c = s[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (s[i] === close) return void i++;
      for (;;) {
        if (c === '{') {
          ws();
          if (s[i] !== '"') stop();
          str();
          ws();
          if (s[i] !== ':') stop();
          i++;
        }
        value();
        ws();
        if (s[i] === ',') i++;
        else if (s[i] === close) return void i++;
        else stop();
      }
    }
    if (c === '"') return str();
    for (const w of ['true', 'false', 'null']) if (s.startsWith(w, i)) return void (i += w.length);
    NUM.lastIndex = i;
    if (!NUM.test(s)) stop();
    i = NUM.lastIndex;
  };
  try {
    value();
    ws();
    return i < s.length ? i : s.length;
  } catch (at) {
    return typeof at === 'number' ? at : 0;
  }
}

const isObject = (v: Json | undefined): v is { [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: Json | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
/** Longer than any recording (11.6 days): a time beyond it, or below 0, is a broken number, not a moment. */
const MAX_SECONDS = 1_000_000;
const isTime = (n: number) => n >= 0 && n <= MAX_SECONDS;
const str = (v: Json | undefined) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** WhisperX puts the speaker on words when a segment straddles a turn; take the first. */
function segmentSpeaker(seg: { [k: string]: Json }): string | undefined {
  const own = str(seg.speaker);
  if (own) return own;
  const words = Array.isArray(seg.words) ? seg.words : [];
  for (const w of words) if (isObject(w) && str(w.speaker)) return str(w.speaker);
  return undefined;
}

/**
 * Line of each segment's text in the source, found by searching forward for its JSON string
 * (exact for pretty-printed output; the previous line when the text was escaped differently).
 */
function lineFinder(text: string): (segText?: string) => number {
  let cursor = 0;
  let line = 1;
  return (segText) => {
    if (segText === undefined) return line;
    const at = text.indexOf(JSON.stringify(segText), cursor);
    if (at >= 0) {
      for (let k = cursor; k < at; k++) if (text.charCodeAt(k) === 10) line++;
      cursor = at;
    }
    return line;
  };
}

function parse(file: SourceFile): ParseResult {
  const warnings: ParseWarning[] = [];
  const data = parseJson(file.text.replace(/^\uFEFF/, ''));
  const root = isObject(data) ? data : {};
  const segments = Array.isArray(data) ? data : Array.isArray(root.segments) ? root.segments : undefined;
  if (!segments) {
    throw new JsonInputError('not a transcription: no "segments" array (expected WhisperX or OpenAI verbose_json output)', 1, 1);
  }
  const lineOf = lineFinder(file.text);
  const timed: TimedLine[] = [];
  segments.forEach((seg, k) => {
    if (!isObject(seg)) {
      warnings.push({ line: lineOf(), message: `segment ${k}: not an object, skipped` });
      return;
    }
    const rawText = typeof seg.text === 'string' ? seg.text : '';
    const line = lineOf(rawText);
    const text = rawText.trim();
    if (!text) return;
    const t: TimedLine = { text, line };
    const start = num(seg.start);
    const end = num(seg.end);
    if (start === undefined) warnings.push({ line, message: `segment ${k}: no numeric "start"; kept without a time` });
    else if (!isTime(start)) warnings.push({ line, message: `segment ${k}: "start" ${start} is no time in a recording; kept without a time` });
    else t.start = start;
    if (end !== undefined && !isTime(end)) warnings.push({ line, message: `segment ${k}: "end" ${end} is no time in a recording; left out` });
    else if (end !== undefined) t.end = end;
    const speaker = segmentSpeaker(seg);
    if (speaker) t.speaker = speaker;
    timed.push(t);
  });
  repairBackwardTimes(timed, warnings, 'segment');
  if (timed.length === 0) {
    const whole = str(root.text);
    if (!whole) return { documents: [], warnings: [...warnings, { line: 1, message: 'no segment has text' }] };
    timed.push({ text: whole, line: 1 });
  }

  const metadata: DocumentMetadata = {};
  if (str(root.language)) metadata.language = str(root.language);
  if (num(root.duration) !== undefined) metadata.duration = num(root.duration);
  const doc = rawTranscriptDocument(file, timed, metadata);
  return { documents: [doc], warnings };
}

/** An object with `"segments"`; or an array whose first element looks like a timed segment. */
function detect(file: SourceFile): number {
  const head = file.text.slice(0, 4096).replace(/^\uFEFF/, '').trimStart();
  // verbose_json puts the whole `text` before `segments`, so look past the head for the key.
  if (head.startsWith('{')) return file.text.includes('"segments"') ? 0.95 : 0;
  if (head.startsWith('[') && /^\[\s*\{/.test(head) && /"start"\s*:/.test(head) && /"text"\s*:/.test(head)) return 0.8;
  return 0;
}

export const transcriptionJson: FormatParser = { name: 'transcription-json', detect, parse };
