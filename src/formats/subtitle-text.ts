/**
 * Raw subtitle text as a downloader leaves it: one caption a line, no times, (almost) no
 * punctuation, no markup; usually named after the YouTube video (`VIDEOID.txt`). Lines are
 * merged into passages of readable size, joined with a space (see `joinSpoken`): the text has
 * no sentence boundaries to offer, and the space keeps caption boundaries visible.
 *
 * No title: a subtitle file does not have one; the document gets it from its other renditions
 * (the archive entry, the summary).
 */
import type { FormatParser, ParsedDocument, ParseResult, SourceFile } from '../model.js';
import { mediaKey, youtubeIdFromPath, youtubeUrl } from './media.js';
import { decodeEntities, splitLines } from './text-utils.js';
import { mergeUtterances, SUBTITLE_SIZE, type TimedLine } from './timed-utterances.js';

function parse(file: SourceFile): ParseResult {
  const lines: TimedLine[] = [];
  splitLines(file.text).forEach((text, i) => {
    if (text.trim()) lines.push({ text: decodeEntities(text.trim()), line: i + 1 });
  });
  if (lines.length === 0) return { documents: [], warnings: [{ line: 1, message: 'empty subtitle file' }] };
  const youtubeId = youtubeIdFromPath(file.relPath);
  const doc: ParsedDocument = {
    key: mediaKey({ youtubeId, file }),
    kind: 'raw-transcript',
    metadata: {},
    passages: mergeUtterances(lines, SUBTITLE_SIZE),
  };
  if (youtubeId) doc.url = youtubeUrl(youtubeId);
  return { documents: [doc], warnings: [] };
}

// `>>` is not a quote: auto-captions mark a change of speaker with it.
const MARKDOWN_LINE = /^(?:#{1,6}\s|[-*+]\s|>(?!>)|\d{1,3}[.)]\s|\||```|~~~|<\/?[a-z!]|\*\*|---)|\]\(|^\[[^\]]*\]:/i;
const TIMECODE = /\d{1,2}:\d{2}[:.,]\d{2}|-->|^\[\d{1,3}:\d{2}/;
const SENTENCE_END = /[。！？；.!?;…]["'”’」』)）]?$/u;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Many short lines, most not ending a sentence, no Markdown, no timecodes, not data. Scores
 * 0.55 (below every structured format, above the Markdown fallback's 0.1); longer or more
 * punctuated lines still get 0.3. English captions break mid-sentence, so up to half the
 * lines may end one.
 */
function detect(file: SourceFile): number {
  const head = file.text.slice(0, 4096);
  if (/^\uFEFF?\s*(?:\{|\[\s*[[{"\d]|<|WEBVTT)/.test(head)) return 0; // data, markup, captions
  const all = splitLines(head);
  if (file.text.length > head.length) all.pop(); // cut mid-line
  const lines = all.map((l) => l.trim()).filter(Boolean);
  // Five lines tell captions from a note; a text file named after a video (subtitle/VIDEOID.txt) needs fewer.
  const namedAfterVideo = /\.txt$/i.test(file.relPath) && youtubeIdFromPath(file.relPath) !== undefined;
  if (lines.length < (namedAfterVideo ? 1 : 5)) return 0;
  const markup = lines.filter((l) => MARKDOWN_LINE.test(l)).length;
  const timed = lines.filter((l) => TIMECODE.test(l)).length;
  if (markup > lines.length * 0.1 || timed > lines.length * 0.05) return 0;
  const len = median(lines.map((l) => [...l].length));
  const ended = lines.filter((l) => SENTENCE_END.test(l)).length / lines.length;
  if (len < 45 && ended < 0.5) return 0.55;
  if (len < 60 && ended < 0.7) return 0.3;
  return 0;
}

export const subtitleText: FormatParser = { name: 'subtitle-text', detect, parse };
