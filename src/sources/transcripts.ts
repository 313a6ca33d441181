/**
 * Transcripts of followed items: reading what publishers and YouTube provide (WebVTT, SRT,
 * the Podcasting 2.0 JSON and HTML transcript formats, plain text, recognizer JSON), and
 * writing every transcript as one file engram already parses — a diarized transcript with a
 * `**Key:** value` header — under `LIBRARY/sources/NAME/`. Ingest reads those files like any
 * other, so one parser path serves followed and hand-copied material alike, the library can be
 * rebuilt from its files, and the header's episode URL or video link joins the new document
 * with a `transcript.md` or `summary.md` of the same episode that is already there.
 */
import type { SourceFile } from '../model.js';
import { srt, vtt } from '../formats/captions.js';
import { transcriptionJson } from '../formats/transcription-json.js';
import { decodeEntities } from '../formats/text-utils.js';
import { formatTimecode, parseTimecode, youtubeIdFromUrl } from '../formats/media.js';
import type { TimedLine } from '../formats/timed-utterances.js';
import type { Chapter, Item, Transcript } from './source.js';

export type TranscriptFormat = 'vtt' | 'srt' | 'json' | 'html' | 'text';

/** The format of a `<podcast:transcript>` from its MIME type, else its URL, else its content. */
export function transcriptFormat(type: string | undefined, url: string, text?: string): TranscriptFormat {
  const t = (type ?? '').toLowerCase();
  if (t.includes('vtt')) return 'vtt';
  if (t.includes('srt') || t.includes('subrip')) return 'srt';
  if (t.includes('json')) return 'json';
  if (t.includes('html')) return 'html';
  const ext = /\.(vtt|srt|json|html?|txt)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase();
  if (ext) return ext === 'htm' ? 'html' : (ext === 'txt' ? 'text' : ext) as TranscriptFormat;
  const head = text?.trimStart().slice(0, 200) ?? '';
  if (head.startsWith('WEBVTT')) return 'vtt';
  if (/^[{[]/.test(head)) return 'json';
  if (/^\d+\s*\n\s*\d{1,2}:\d{2}/.test(head)) return 'srt';
  if (/^</.test(head)) return 'html';
  return 'text';
}

/** Preference among a feed's transcripts: speakers and times first. */
const PREFERENCE: TranscriptFormat[] = ['json', 'vtt', 'srt', 'html', 'text'];

export function rankTranscripts<T extends { url: string; type: string }>(links: T[]): T[] {
  return [...links].sort((a, b) => PREFERENCE.indexOf(transcriptFormat(a.type, a.url)) - PREFERENCE.indexOf(transcriptFormat(b.type, b.url)));
}

/** Timed lines of a transcript file. Throws when the file holds no speech at all. */
export function readTranscript(text: string, format: TranscriptFormat, name = 'transcript'): TimedLine[] {
  const file = (ext: string): SourceFile => ({ relPath: `${name}.${ext}`, absPath: `/${name}.${ext}`, text });
  let lines: TimedLine[];
  if (format === 'vtt' || format === 'srt') {
    const parsed = (format === 'vtt' ? vtt : srt).parse(file(format));
    lines = parsed.documents.flatMap((d) => d.passages.map(passageLine));
  } else if (format === 'json') {
    lines = readPodcastJson(text) ?? transcriptionJson.parse(file('json')).documents.flatMap((d) => d.passages.map(passageLine));
  } else if (format === 'html') {
    lines = readHtmlTranscript(text);
  } else {
    lines = text.split(/\n\s*\n/).map((p, i) => ({ text: p.replace(/\s+/g, ' ').trim(), line: i + 1 })).filter((l) => l.text);
  }
  if (lines.length === 0) throw new Error(`no speech in the ${format.toUpperCase()} transcript`);
  return lines;
}

function passageLine(p: { text: string; line: number; start?: number; end?: number; speaker?: string }): TimedLine {
  const l: TimedLine = { text: p.text, line: p.line };
  if (p.start !== undefined) l.start = p.start;
  if (p.end !== undefined) l.end = p.end;
  if (p.speaker !== undefined) l.speaker = p.speaker;
  return l;
}

/** Podcasting 2.0 JSON: `{version, segments: [{speaker, startTime, endTime, body}]}`; undefined if not that shape. */
function readPodcastJson(text: string): TimedLine[] | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const segments = (data as { segments?: unknown })?.segments;
  if (!Array.isArray(segments) || !segments.some((s) => s && typeof s === 'object' && 'body' in s)) return undefined;
  const out: TimedLine[] = [];
  segments.forEach((s: { speaker?: unknown; startTime?: unknown; endTime?: unknown; body?: unknown }, i) => {
    if (typeof s?.body !== 'string' || !s.body.trim()) return;
    const l: TimedLine = { text: s.body.trim(), line: i + 1 };
    if (typeof s.startTime === 'number') l.start = s.startTime;
    if (typeof s.endTime === 'number') l.end = s.endTime;
    if (typeof s.speaker === 'string' && s.speaker.trim()) l.speaker = s.speaker.trim();
    out.push(l);
  });
  // Word-level files (one word a segment) are joined into lines per speaker turn by the parser later.
  return out;
}

/**
 * Podcasting 2.0 HTML: `<cite>Speaker:</cite> <time>0:00</time> <p>text</p>` repeated. Any
 * other HTML becomes its paragraphs, untimed.
 */
function readHtmlTranscript(html: string): TimedLine[] {
  const body = html.replace(/<(script|style)[\s\S]*?<\/\1>/gi, '');
  const out: TimedLine[] = [];
  let speaker: string | undefined;
  let start: number | undefined;
  const strip = (s: string) => decodeEntities(s.replace(/<br\s*\/?>/gi, ' ').replace(/<[^>]+>/g, '')).replace(/\s+/g, ' ').trim();
  for (const m of body.matchAll(/<(cite|time|p)\b[^>]*>([\s\S]*?)<\/\1>/gi)) {
    const tag = m[1]!.toLowerCase();
    const text = strip(m[2]!);
    if (tag === 'cite') speaker = text.replace(/[:：]\s*$/, '') || undefined;
    else if (tag === 'time') start = parseTimecode(text) ?? start;
    else if (text) {
      const l: TimedLine = { text, line: out.length + 1 };
      if (start !== undefined) l.start = start;
      if (speaker) l.speaker = speaker;
      out.push(l);
      start = undefined;
    }
  }
  return out;
}

/** Podcasting 2.0 chapters JSON: `{version, chapters: [{startTime, title}]}`. */
export function readChapters(text: string): Chapter[] {
  const data = JSON.parse(text) as { chapters?: { startTime?: unknown; title?: unknown; toc?: unknown }[] };
  if (!Array.isArray(data?.chapters)) throw new Error('not a chapters file: no "chapters" array');
  return data.chapters
    .filter((c) => typeof c?.startTime === 'number' && typeof c.title === 'string' && c.title.trim() && c.toc !== false)
    .map((c) => ({ start: c.startTime as number, title: (c.title as string).trim() }));
}

/** Everything the transcript file's header says about its item. */
export interface TranscriptHeader {
  title: string;
  /** The show or channel: the documents' source. */
  show: string;
  date?: string;
  url?: string;
}

export function headerFor(item: Item, show: string): TranscriptHeader {
  return { title: item.title?.trim() || item.key, show, date: item.date, url: item.url ?? item.enclosure?.url };
}

/**
 * The transcript as a diarized-transcript file: `# Title`, `**Key:** value` fields, `---`, then
 * `[HH:MM:SS.mmm --> HH:MM:SS.mmm] **Speaker:** text` lines (times and speakers where known).
 */
export function renderTranscriptFile(h: TranscriptHeader, t: Transcript): string {
  const youtube = h.url ? youtubeIdFromUrl(h.url) : undefined;
  const field = (k: string, v: string | undefined) => (v ? `**${k}:** ${oneLine(v)}\n` : '');
  const speakers = t.speakers?.length ? t.speakers : distinct(t.lines.map((l) => l.speaker));
  let out = `# ${oneLine(h.title)}\n\n`;
  out += field(youtube ? 'Channel' : 'Podcast', h.show);
  out += field('Date', h.date);
  out += field(youtube ? 'Video URL' : 'Episode URL', h.url);
  out += field('Speakers', speakers.join(', '));
  out += field('Chapters', t.chapters?.map((c) => `${formatTimecode(c.start)} ${c.title}`).join(' · '));
  out += field('Language', t.language);
  out += field('Transcribed by', t.origin);
  out += '\n---\n\n';
  // The format needs a time on its first line; untimed text continues the line before it.
  let timed = false;
  for (const l of t.lines) {
    const text = oneLine(l.text).replace(/\*\*/g, '*\u2060*');
    if (!text) continue;
    const time = l.start !== undefined ? `[${clock(l.start)}${l.end !== undefined && l.end >= l.start ? ` --> ${clock(l.end)}` : ''}] ` : timed ? '' : '[00:00:00.000] ';
    timed = true;
    out += `${time}${l.speaker ? `**${oneLine(l.speaker).replace(/\*/g, '')}:** ` : ''}${text}\n`;
  }
  return out;
}

function clock(s: number): string {
  const ms = Math.max(0, Math.round(s * 1000));
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function distinct(xs: (string | undefined)[]): string[] {
  return [...new Set(xs.filter((x): x is string => Boolean(x)))];
}
