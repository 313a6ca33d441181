/**
 * LLM summaries of one media item, in the two shapes the corpus has:
 * - a podcast pipeline's `summary.md`: `# [Title](url)`, a `**Key:** value` header
 *   (`**Participants:**`, `**Region:**`, `**Transcript:** [View Transcript](./transcript.md)`),
 *   `---`, then Markdown sections whose quotes cite `[HH:MM:SS]` or `[[HH:MM:SS]](url&t=…)`;
 * - raw model output named after the video (`summary/VIDEOID.md`): the model's preamble
 *   ("好的，我…整理如下"), Markdown, and a closing `[model=…]` tag line.
 *
 * Passages are Markdown blocks (headings keep their level). A block citing a time gets it as
 * its start, so a quote links to its moment. The model tag line is dropped from the passages
 * and kept as `metadata.model`. Preambles and sign-offs are left as content on purpose: the
 * pipeline's boilerplate pass classifies them for every format alike.
 */
import { posix } from 'node:path';
import type { DocumentMetadata, FormatParser, ParsedDocument, ParsedPassage, ParseResult, SourceFile } from '../model.js';
import { parseTimecode } from './media.js';
import { markdownBlocks, type MarkdownBlock } from './markdown-blocks.js';
import { splitLines } from './text-utils.js';
import { field, headerDocumentFields, readPodcastHeader, splitNames, type PodcastHeader } from './header-fields.js';

const MODEL_TAG = /^\s*\[model=([^\]\n]+)\]\s*$/;
const MODEL_TAGS = /^[ \t]*\[model=[^\]\n]+\][ \t]*\r?$/gm;
const TIME = String.raw`\d{1,3}:\d{2}(?::\d{2})?`;
/** `[00:12:08]`, `[[00:12:08]](url)` (flattened to `[00:12:08]`), `[00:16:00-00:30:00]`. */
const CITED_TIME = new RegExp(String.raw`\[(${TIME})(?:\s*[-–~]\s*(${TIME}))?\]`);
const TITLE_LINE = /^(?:標題|标题|主題|主题|Title)\s*[:：]\s*(.+)$/i;
/** Headings that open a section rather than name the video: numbered or generic. */
const SECTION_HEADING =
  /^(?:[一二三四五六七八九十]+[、.．]|\d+[.、)）]|第[一二三四五六七八九十\d]+|(?:核心|重點|重点)?(?:觀點|观点)[一二三四五六七八九十\d]|Part\s*\d|Section\s*\d)|^(?:main points|summary|overview|key (?:points|takeaways|themes)|簡介|简介|摘要|總結|总结|概要|引言|前言|重點|重点|要點|要点)[:：]?$/i;

function passageOf(b: MarkdownBlock, lineOffset: number): ParsedPassage {
  const p: ParsedPassage = { text: b.text, role: b.kind === 'heading' ? 'heading' : 'content', line: b.line + lineOffset };
  if (b.depth) p.depth = b.depth;
  const cited = CITED_TIME.exec(b.text);
  const start = cited ? parseTimecode(cited[1]!) : undefined;
  if (start !== undefined) {
    p.start = start;
    const end = cited![2] ? parseTimecode(cited![2]) : undefined;
    if (end !== undefined && end >= start) p.end = end;
  }
  return p;
}

/** A headerless summary's own title: a `標題：…` line or a heading among its first blocks. */
function headlineOf(blocks: MarkdownBlock[]): string | undefined {
  const top = blocks.slice(0, 5);
  for (const b of top) {
    const m = TITLE_LINE.exec(b.text);
    if (m && b.kind !== 'code') return m[1]!.trim();
  }
  return top.find((b) => b.kind === 'heading' && (b.depth ?? 1) <= 3 && !SECTION_HEADING.test(b.text))?.text;
}

function safeDecodeUri(s: string): string {
  try {
    return decodeURI(s);
  } catch {
    return s;
  }
}

function headerMetadata(h: PodcastHeader, relPath: string): DocumentMetadata {
  const meta: DocumentMetadata = {};
  const participants = splitNames(field(h, 'Participants')?.value);
  if (participants.length) meta.participants = participants;
  const speakers = splitNames(field(h, 'Speakers')?.value);
  if (speakers.length) meta.speakers = speakers;
  const region = field(h, 'Region')?.value;
  if (region) meta.region = region;
  const processed = field(h, 'Processed')?.value;
  if (processed) meta.processed = processed;
  // The sibling transcript, as a path relative to the ingested root: lets the library link them.
  const transcript = field(h, 'Transcript')?.link;
  if (transcript && !/^[a-z]+:/i.test(transcript)) {
    meta.transcript = posix.normalize(posix.join(posix.dirname(relPath), safeDecodeUri(transcript)));
  }
  return meta;
}

function parse(file: SourceFile): ParseResult {
  const lines = splitLines(file.text);
  let model: string | undefined;
  lines.forEach((l, i) => {
    const m = MODEL_TAG.exec(l);
    if (m) {
      model = m[1]!.trim();
      lines[i] = ''; // blank, not removed: line numbers stay true
    }
  });
  const header = readPodcastHeader(lines, { stopAtRule: true });
  const blocks = markdownBlocks(lines.slice(header.end).join('\n')).filter((b) => b.kind !== 'hr' && b.text.trim());
  if (blocks.length === 0) return { documents: [], warnings: [{ line: 1, message: 'summary has no text' }] };

  const ids = headerDocumentFields(header, file);
  const metadata = headerMetadata(header, file.relPath);
  if (ids.otherUrls.length) metadata.links = ids.otherUrls;
  if (model) metadata.model = model;
  const doc: ParsedDocument = {
    key: ids.key,
    kind: 'summary',
    metadata,
    passages: blocks.map((b) => passageOf(b, header.end)),
  };
  const title = ids.title ?? headlineOf(blocks);
  if (title) doc.title = title;
  if (ids.url) doc.url = ids.url;
  if (ids.date) doc.date = ids.date;
  if (ids.source) doc.source = ids.source;
  return { documents: [doc], warnings: [] };
}

const LLM_OPENING = /^(?:好的|好，|以下是|以下為|以下为|您好|你好|針對|针对|這是|这是|Here is|Here's|Sure|Okay|OK[,.!]|Certainly)/i;
const SUMMARY_WORD = /整理|摘要|總結|总结|概要|重點|重点|summar|overview|notes/i;

/**
 * 0.9 for the podcast pipeline's header (`**Participants:**` or `**Transcript:**` before the
 * first `---`); 0.7 for one LLM answer (a single `[model=…]` tag line, or an opening like
 * "好的，以下是整理…"); several model tags mean an archive of many entries, not a summary.
 */
function detect(file: SourceFile): number {
  const head = splitLines(file.text.slice(0, 4096));
  const h = readPodcastHeader(head, { stopAtRule: true });
  if (field(h, 'Participants') || field(h, 'Transcript')) return 0.9;
  const tags = file.text.match(MODEL_TAGS)?.length ?? 0;
  if (tags > 1) return 0.2;
  if (tags === 1) return 0.7;
  const first = head.map((l) => l.trim()).find(Boolean) ?? '';
  return LLM_OPENING.test(first) && SUMMARY_WORD.test(first) ? 0.7 : 0;
}

export const summaryMarkdown: FormatParser = { name: 'summary', detect, parse };
