/**
 * The format registry: every parser behind one interface, chosen by content.
 * `detectFormat` asks each parser how sure it is and takes the surest; ties go to the
 * earlier parser in the list (more specific formats come first).
 */
import type { FormatParser, SourceFile } from '../model.js';
import { digestArchive } from './digest-archive.js';
import { diarizedTranscript } from './diarized-transcript.js';
import { summaryMarkdown } from './summary-markdown.js';
import { microblog } from './microblog.js';
import { logseq } from './logseq.js';
import { srt, vtt } from './captions.js';
import { transcriptionJson } from './transcription-json.js';
import { subtitleText } from './subtitle-text.js';
import { markdownFallback } from './markdown.js';

export const parsers: readonly FormatParser[] = [
  digestArchive,
  diarizedTranscript,
  summaryMarkdown,
  microblog,
  logseq,
  srt,
  vtt,
  transcriptionJson,
  subtitleText,
  markdownFallback,
];

export function parserByName(name: string): FormatParser | undefined {
  return parsers.find((p) => p.name === name);
}

export function formatNames(): string[] {
  return parsers.map((p) => p.name);
}

/** The parser surest of the file, or undefined when none claims it (score 0 everywhere). */
export function detectFormat(file: SourceFile): FormatParser | undefined {
  let best: FormatParser | undefined;
  let bestScore = 0;
  for (const p of parsers) {
    const score = p.detect(file);
    if (score > bestScore) {
      best = p;
      bestScore = score;
    }
  }
  return best;
}
