/**
 * The `**Key:** value` header that the podcast pipeline puts on top of its transcripts and
 * summaries (`# Title`, `**Podcast:**`, `**Date:**`, `**Video URL:**`, … then `---`), and the
 * media identity it names. Transcripts and summaries of one episode read it through the same
 * functions, so they always agree on the episode's key.
 */
import { decodeEntities } from './text-utils.js';
import { canonicalUrl, isoDate, isYoutubeId, mediaKey, youtubeIdFromPath, youtubeIdFromUrl, youtubeUrl } from './media.js';
import type { SourceFile } from '../model.js';

export interface HeaderField {
  /** Value as written, entities decoded; for a `[text](url)` value, the link text. */
  value: string;
  /** The link target when the value is a Markdown link or a bare URL. */
  link?: string;
  /** 1-based line of the field. */
  line: number;
}

export interface PodcastHeader {
  /** The first `# ` heading, link syntax removed, entities decoded. */
  title?: string;
  /** Target of a `# [Title](url)` heading. */
  titleUrl?: string;
  /** Fields by lower-cased name; the first occurrence wins (some files repeat the header). */
  fields: Map<string, HeaderField>;
  /** 0-based index of the first line after the header (after its closing `---`, if any). */
  end: number;
}

const FIELD = /^\*\*([^*:：\n]{1,40})[:：]\*\*[ \t]*(.*)$|^\*\*([^*:：\n]{1,40})\*\*[ \t]*[:：][ \t]*(.*)$/;
const LINK = /^\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const H1 = /^#[ \t]+(.+?)[ \t#]*$/;

/** One `**Key:** value` (or `**Key**: value`) line, or undefined. */
export function parseHeaderField(line: string, lineNo = 0): ({ name: string } & HeaderField) | undefined {
  const m = FIELD.exec(line.trim());
  if (!m) return undefined;
  const name = (m[1] ?? m[3])!.trim();
  const raw = decodeEntities((m[2] ?? m[4] ?? '').trim());
  const link = LINK.exec(raw);
  if (link) return { name, value: link[1]!.trim(), link: link[2], line: lineNo };
  return { name, value: raw, link: /^https?:\/\/\S+$/.test(raw) ? raw : undefined, line: lineNo };
}

/**
 * Reads the header at the top of `lines`: blank lines, `# title`, `**Key:** value` fields and
 * horizontal rules. With `stopAtRule`, the header ends at its first `---` (a summary's body may
 * hold its own `**Key:**` lines); without it, every header-like line counts, which handles
 * transcripts whose header was written twice. Any other line ends the header. A top without
 * any field is not a header (end 0, no title): a plain `# Heading` belongs to the body.
 */
export function readPodcastHeader(lines: readonly string[], opts: { stopAtRule: boolean }): PodcastHeader {
  const fields = new Map<string, HeaderField>();
  let title: string | undefined;
  let titleUrl: string | undefined;
  let end = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (RULE.test(line)) {
      end = i + 1;
      if (opts.stopAtRule && fields.size > 0) break;
      continue;
    }
    const h1 = H1.exec(line);
    if (h1) {
      // A second title after the fields starts the body, unless the whole header repeats.
      if (title !== undefined && opts.stopAtRule) break;
      if (title === undefined) ({ title, titleUrl } = headingTitle(h1[1]!));
      end = i + 1;
      continue;
    }
    const field = parseHeaderField(line, i + 1);
    if (!field) break;
    const key = field.name.toLowerCase();
    if (!fields.has(key)) fields.set(key, { value: field.value, link: field.link, line: field.line });
    end = i + 1;
  }
  if (fields.size === 0) return { fields, end: 0 };
  return { title, titleUrl, fields, end };
}

function headingTitle(text: string): { title: string; titleUrl?: string } {
  const link = LINK.exec(text.trim());
  if (link) return { title: decodeEntities(link[1]!.trim()), titleUrl: decodeEntities(link[2]!) };
  return { title: decodeEntities(text.trim()) };
}

/** A header field by name (case-insensitive). */
export function field(h: PodcastHeader, name: string): HeaderField | undefined {
  return h.fields.get(name.toLowerCase());
}

export interface HeaderDocumentFields {
  key: string;
  url?: string;
  title?: string;
  date?: string;
  source?: string;
  /** Other media URLs the header names (an episode page besides the YouTube video), canonical. */
  otherUrls: string[];
}

/**
 * Key, canonical URL, title, date and show of the media item a header names.
 * A YouTube ID wins over any other URL (it is what digest archives and subtitle files join
 * on): from `Video URL`, a `YouTube` link, `Episode URL`, the title link, or a `Video ID` that
 * is a YouTube ID. Then the first other URL (`Video URL`, `Episode URL`, title link, e.g. a
 * xiaoyuzhou episode page). Then a file named after a YouTube video. Else the file itself.
 */
export function headerDocumentFields(h: PodcastHeader, file: Pick<SourceFile, 'relPath' | 'absPath'>): HeaderDocumentFields {
  const urls = [field(h, 'Video URL'), field(h, 'YouTube'), field(h, 'Episode URL'), field(h, 'URL')]
    .map((f) => f?.link ?? (f && /^https?:\/\//.test(f.value) ? f.value : undefined))
    .concat(h.titleUrl)
    .filter((u): u is string => Boolean(u));
  const videoId = field(h, 'Video ID')?.value;
  const youtubeId =
    urls.map(youtubeIdFromUrl).find(Boolean) ?? (videoId && isYoutubeId(videoId) ? videoId : undefined);
  const otherUrl = urls[0];
  const fileId = youtubeId || otherUrl ? undefined : youtubeIdFromPath(file.relPath);
  const id = youtubeId ?? fileId;
  const url = id ? youtubeUrl(id) : otherUrl ? canonicalUrl(otherUrl) : undefined;
  const otherUrls = [...new Set(urls.map(canonicalUrl))].filter((u) => u !== url);
  return {
    key: mediaKey({ youtubeId: id, url: otherUrl, file }),
    url,
    title: h.title || undefined,
    date: isoDate(field(h, 'Date')?.value),
    source: field(h, 'Podcast')?.value || field(h, 'Channel')?.value || undefined,
    otherUrls,
  };
}

/** `a, b，c、d` to distinct trimmed names, in order. */
export function splitNames(value: string | undefined): string[] {
  if (!value) return [];
  const names = value.split(/[,，、;；]/).map((s) => s.trim()).filter(Boolean);
  return [...new Set(names)];
}
