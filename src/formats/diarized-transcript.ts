/**
 * Diarized podcast transcripts: an optional `**Key:** value` header, then one recognized
 * segment a line, `[HH:MM:SS] SPEAKER: text`. Variants seen in the wild, all accepted:
 * `[HH:MM:SS.mmm --> HH:MM:SS.mmm] text`, `**Name:** text` (with further `**Name:**` turns
 * inside the line), `SPEAKER_00` / `SPEAKER_A` labels or real names (`曼奇`, `Ilya Sutskever`),
 * lines with no speaker, repeated timestamps, a header written twice, no header at all.
 *
 * Kind: `transcript` when at least one speaker has a real name, `raw-transcript` when every
 * label is `SPEAKER_xx` or there is none.
 */
import type { DocumentMetadata, FormatParser, ParsedDocument, ParseResult, ParseWarning, SourceFile } from '../model.js';
import { parseTimecode } from './media.js';
import { decodeEntities, splitLines } from './text-utils.js';
import { field, headerDocumentFields, parseHeaderField, readPodcastHeader, splitNames } from './header-fields.js';
import { distinctSpeakers, joinSpoken, mergeUtterances, type TimedLine } from './timed-utterances.js';

const TC = String.raw`\d{1,3}:\d{1,2}(?::\d{1,2})?(?:[.,]\d{1,3})?`;
const TIMED = new RegExp(String.raw`^\[\s*(${TC})\s*(?:-->\s*(${TC})\s*)?\][ \t]*(.*)$`);
/** Starts like a timed line but is not one (`[0O:10:22]`, `[01:` of a truncated file). */
const BROKEN_TIME = /^\[\s*[\d０-９]/;
const DETECT_TIMED = /^\[\d{1,3}:\d{2}(?::\d{2})?/;
const RULE = /^([-*_])(?:[ \t]*\1){2,}$/;

/** Machine speaker labels from diarization: `SPEAKER_00`, `SPEAKER_A`, `Speaker 1`. */
export const MACHINE_SPEAKER = /^SPEAKER[_ ]?[A-Z0-9]{1,3}$/i;
const BOLD_LEAD = /^\*\*([^*\n]{1,40}?)(?:[:：]\*\*|\*\*[:：])\s*/;
const BOLD_TURN = /\s\*\*([^*\n]{1,40}?)(?:[:：]\*\*|\*\*[:：])\s*/g;
const PLAIN_LEAD = /^([^\s:：*][^:：]{0,39}?)\s*(?::(?=\s|$)|：)\s*/;
const NAME_PARTICLES = new Set(['de', 'da', 'di', 'del', 'der', 'van', 'von', 'la', 'le', 'bin', 'al', 'el']);

/**
 * Could this be a person's label? Diarization labels, 2-8 Han characters (`曼奇`, `劉志遠`),
 * or up to four capitalized Latin words (`Dai Yusheng`, `Henry In`). A plain (non-bold) label
 * must also recur in the file before it is believed, so `所以：` or `Note:` in speech stays text.
 */
function nameLike(s: string): boolean {
  if (MACHINE_SPEAKER.test(s)) return true;
  if (/^[\p{Script=Han}·・]{2,8}$/u.test(s)) return true;
  const words = s.split(/\s+/);
  return words.length <= 4 && words.every((w, i) => /^\p{Lu}[\p{L}\p{M}.'’-]*$/u.test(w) || (i > 0 && NAME_PARTICLES.has(w)));
}

interface RawLine {
  line: number;
  start?: number;
  end?: number;
  rest: string;
}

function readBody(lines: string[], from: number, warnings: ParseWarning[]): RawLine[] {
  const out: RawLine[] = [];
  for (let i = from; i < lines.length; i++) {
    const text = decodeEntities(lines[i]!.trim()); // exported text may carry &amp; and the like
    if (!text || RULE.test(text)) continue;
    const m = TIMED.exec(text);
    const start = m ? parseTimecode(m[1]!) : undefined;
    if (m && start !== undefined) {
      out.push({ line: i + 1, start, end: m[2] ? parseTimecode(m[2]) : undefined, rest: m[3]! });
      continue;
    }
    // Untimed text inside the body continues the line before it (a wrapped segment).
    let rest = text;
    if (m || BROKEN_TIME.test(text)) {
      warnings.push({ line: i + 1, message: `malformed timecode "${text.slice(0, 24)}": kept as text of the line before` });
      rest = text.replace(/^\[[^\]]{0,24}\]?\s*/, '');
    }
    const prev = out.at(-1);
    if (prev) prev.rest = joinSpoken(prev.rest, rest);
    else out.push({ line: i + 1, rest });
  }
  return out;
}

/** Splits `rest` into a leading speaker label (if believable) and the text. */
function leadSpeaker(rest: string, trusted: (name: string) => boolean): { speaker?: string; text: string } {
  const bold = BOLD_LEAD.exec(rest);
  if (bold) return { speaker: bold[1]!.trim(), text: rest.slice(bold[0].length) };
  const plain = PLAIN_LEAD.exec(rest);
  if (plain && trusted(plain[1]!.trim())) return { speaker: plain[1]!.trim(), text: rest.slice(plain[0].length) };
  return { text: rest };
}

/** A line may hold several turns: `… models? **Andrej Karpathy:** Yes …`. */
function splitTurns(raw: RawLine, lead: { speaker?: string; text: string }): TimedLine[] {
  const turn = (speaker: string | undefined, text: string, last: boolean): TimedLine => {
    const t: TimedLine = { line: raw.line, text };
    if (raw.start !== undefined) t.start = raw.start;
    if (last && raw.end !== undefined) t.end = raw.end;
    if (speaker !== undefined) t.speaker = speaker;
    return t;
  };
  const text = lead.text;
  if (!text.includes('**')) return [turn(lead.speaker, text, true)];
  const out: TimedLine[] = [];
  let speaker = lead.speaker;
  let from = 0;
  for (const m of text.matchAll(BOLD_TURN)) {
    out.push(turn(speaker, text.slice(from, m.index), false));
    speaker = m[1]!.trim();
    from = m.index! + m[0].length;
  }
  out.push(turn(speaker, text.slice(from), true));
  return out;
}

function parse(file: SourceFile): ParseResult {
  const warnings: ParseWarning[] = [];
  const lines = splitLines(file.text);
  const firstTimed = lines.findIndex((l) => TIMED.test(l.trim()));
  if (firstTimed < 0) return { documents: [], warnings: [{ line: 1, message: 'no [HH:MM:SS] lines: not a timed transcript' }] };

  const header = readPodcastHeader(lines.slice(0, firstTimed), { stopAtRule: false });
  // Text between the header and the first timed line is kept as untimed speech; stray
  // `**Key:** value` lines there are header debris, not speech.
  const raws = readBody(lines, header.end, warnings).filter((r) => !(r.start === undefined && parseHeaderField(r.rest)));

  const labelCounts = new Map<string, number>();
  for (const r of raws) {
    const m = PLAIN_LEAD.exec(r.rest);
    const name = m?.[1]!.trim();
    if (name && nameLike(name)) labelCounts.set(name, (labelCounts.get(name) ?? 0) + 1);
  }
  const trusted = (name: string) => MACHINE_SPEAKER.test(name) || (labelCounts.get(name) ?? 0) >= 2;
  const timed = raws.flatMap((r) => splitTurns(r, leadSpeaker(r.rest, trusted)));

  const speakers = distinctSpeakers(timed);
  const { key, url, title, date, source, otherUrls } = headerDocumentFields(header, file);
  const metadata: DocumentMetadata = {};
  if (speakers.length > 0) metadata.speakers = speakers;
  // Who takes part, as the header names them (a feed's <podcast:person> list), labels or not.
  const participants = splitNames(field(header, 'Speakers')?.value ?? field(header, 'Participants')?.value);
  if (participants.length > 0) metadata.participants = participants;
  if (otherUrls.length > 0) metadata.links = otherUrls;
  const doc: ParsedDocument = {
    key,
    kind: speakers.some((s) => !MACHINE_SPEAKER.test(s)) ? 'transcript' : 'raw-transcript',
    metadata,
    passages: mergeUtterances(timed),
  };
  if (title) doc.title = title;
  if (date) doc.date = date;
  if (url) doc.url = url;
  if (source) doc.source = source;
  return { documents: [doc], warnings };
}

/**
 * Several `[HH:MM:SS]` lines making up most of the text's first few KB (the header aside).
 * The share matters: summaries also cite `[HH:MM:SS]`, but inside prose.
 */
function detect(file: SourceFile): number {
  let timed = 0;
  let body = 0;
  for (const raw of splitLines(file.text.slice(0, 4096))) {
    const l = raw.trim();
    if (!l) continue;
    if (DETECT_TIMED.test(l)) timed++;
    else if (/^#|^\*\*[^*]{1,40}\*\*|^\*\*[^*]{1,40}[:：]\*\*|^[-*_]{3,}$/.test(l)) continue;
    body++;
  }
  if (timed >= 3 && timed * 2 >= body) return 0.9;
  if (timed >= 1 && timed === body) return 0.6;
  return 0;
}

export const diarizedTranscript: FormatParser = { name: 'diarized-transcript', detect, parse };
