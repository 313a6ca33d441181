/**
 * Quotes in a summary, whoever wrote it: engram (`> “…” — Speaker [00:12:34]`) or another
 * tool. Forms seen in LLM summaries, all read here:
 *   `"…" [00:21:22]`, `"…" [[00:21:22]](url)` (passages keep `[00:21:22]`), `"…" — Name 00:07:58`
 *   (a flattened `[00:07:58](url)`), `**"…"** [00:21:11]`, `"…" [01:18:38] - Name explaining…`,
 *   `"…," he explained [00:06:11]`, `Name explains: "…"`, `**Quote:** "…"`, `「…」`, `“…”`.
 * A quoted span counts as a quote when a time follows it, when it is labelled as a quote, or
 * when it is sentence-long; short quoted terms ("age of scaling") are words, not quotes.
 */
import { parseTimecode } from '../formats/media.js';

export interface ExtractedQuote {
  /** The quoted words as written (no quotation marks). */
  quote: string;
  speaker?: string;
  /** The time the summary claims, in seconds. */
  claimedStart?: number;
  /** Index of the summary passage holding it. */
  passage: number;
}

const TIME = String.raw`(\d{1,2}:\d{2}(?::\d{2})?)`;
/** Quoted spans: straight and curly double quotes, corner brackets. */
const SPANS = /"([^"\n]{2,}?)"|“([^”\n]{2,}?)”|「([^」\n]{2,}?)」|『([^』\n]{2,}?)』/g;
/** A Latin name of up to four capitalized words, or 2–5 Han characters. */
const NAME = String.raw`(\p{Lu}[\p{L}'’.-]*(?:\s+\p{Lu}[\p{L}'’.-]*){0,3}|[\p{Script=Han}·]{2,5})`;
/** Right after the quote: `** ,`, an optional `— Name`, then the time in brackets (or bare), then an optional `- Name`. */
const AFTER = new RegExp(
  String.raw`^[*_]*\s*[,.;:，。]?\s*(?:[—–-]{1,2}\s*${NAME}\s*[,，]?\s*)?(?:\(\s*)?\[{0,2}${TIME}\]{0,2}(?:\([^)\s]*\))?\)?(?:\s*[—–-]{1,2}\s*${NAME})?`,
  'u',
);
/** A short attribution clause before the time: `," he explained [00:06:11]`. */
const AFTER_CLAUSE = new RegExp(String.raw`^[*_]*[,，]?\s*[^"“”「」\n\[]{1,40}?\s*\[{1,2}${TIME}\]{1,2}`, 'u');
/** `— Name` with no time. */
const AFTER_NAME = new RegExp(String.raw`^[*_]*\s*[,.]?\s*[—–]{1,2}\s*${NAME}`, 'u');
/** The time written before the quote: `[00:12:00] "…"`. */
const BEFORE_TIME = new RegExp(String.raw`\[{1,2}${TIME}\]{1,2}(?:\([^)\s]*\))?\s*[:：—–-]?\s*[*_]*$`, 'u');
const SPEECH_VERB =
  /(?:says|said|states|stated|explains|explained|notes|noted|argues|argued|observes|observed|emphasizes|emphasized|adds|added|recalls|recalled|describes|described|admits|admitted|warns|warned|puts it|stresses|stressed|insists|insisted|claims|claimed|reflects|reflected|concludes|concluded|continues|asks|asked|told|tells|writes|put it|remarks|remarked|summarizes|summarized|articulates|articulated|believes|suggests|suggested|acknowledges|acknowledged|points out|pointed out|explains that|说|說|表示|提到|指出|认为|認為)/;
const LEAD_SPEAKER = new RegExp(String.raw`(?:^|[\s(（])(?:As\s+)?${NAME}(?:'s?)?\s+(?:\w+\s+)?${SPEECH_VERB.source}[^"“「\n]{0,30}?[:：,，]?\s*[*_]*$`, 'u');
const LABEL = /(?:^|\s)[*_]*(?:Quote|Key quote|Quotes|引用|引述|金句|原话|原話)[*_]*\s*[:：][*_]*\s*[*_]*$/i;
const PRONOUN = /^(?:He|She|They|It|We|I|You|This|That|The|As|And|But|His|Her)$/;

const HAN = /\p{Script=Han}/gu;
const WORD = /[\p{L}\p{N}]+/gu;

/** Sentence-long: eight words, or fifteen Han characters. */
function sentenceLong(s: string): boolean {
  const han = s.match(HAN)?.length ?? 0;
  if (han >= 15) return true;
  const words = s.replace(HAN, ' ').match(WORD)?.length ?? 0;
  return words + han / 2 >= 8;
}

function cleanName(n: string | undefined): string | undefined {
  const name = n?.trim().replace(/[’']s$/, '');
  if (!name || PRONOUN.test(name.split(/\s+/)[0]!)) return undefined;
  return name;
}

/** Quotes in one summary, given as its passages' texts in order. */
export function extractQuotes(passages: readonly string[]): ExtractedQuote[] {
  const out: ExtractedQuote[] = [];
  passages.forEach((text, index) => {
    for (const m of text.matchAll(SPANS)) {
      const quote = (m[1] ?? m[2] ?? m[3] ?? m[4] ?? '').trim().replace(/^[*_]+|[*_]+$/g, '').trim();
      if (!quote) continue;
      const before = text.slice(Math.max(0, m.index - 120), m.index);
      const after = text.slice(m.index + m[0].length, m.index + m[0].length + 120);
      let speaker: string | undefined;
      let clock: string | undefined;
      const a = AFTER.exec(after);
      if (a) {
        clock = a[2];
        speaker = cleanName(a[1] ?? a[3]);
      } else {
        const c = AFTER_CLAUSE.exec(after);
        if (c) clock = c[1];
        const b = BEFORE_TIME.exec(before);
        if (!clock && b) clock = b[1];
        speaker = cleanName(AFTER_NAME.exec(after)?.[1]);
      }
      speaker ??= cleanName(LEAD_SPEAKER.exec(before)?.[1]);
      const labelled = LABEL.test(before);
      if (!clock && !labelled && !sentenceLong(quote)) continue;
      const q: ExtractedQuote = { quote, passage: index };
      if (speaker) q.speaker = speaker;
      const t = clock ? parseTimecode(clock) : undefined;
      if (t !== undefined) q.claimedStart = t;
      out.push(q);
    }
  });
  return out;
}
