/**
 * The `<summary>` line of a digest-archive entry:
 * `600. [2025-03-23] 【人工智能】Title | keyword | keyword`.
 * Every part but the title may be missing; the category may also be an English `[Business]`.
 * A `|` that belongs to the title or a keyword is written `\|`.
 */
import { isoDate } from './media.js';
import { cleanText, decodeEntities } from './text-utils.js';

export interface ArchiveSummary {
  number?: number;
  date?: string;
  category?: string;
  /** Text before the first `|`. */
  title: string;
  /** The `|`-separated parts after the title, trimmed, empty parts dropped. */
  keywords: string[];
  /** Everything after number and date (category, title, keywords), as the `# ` heading repeats it. */
  headline: string;
}

export function parseArchiveSummary(summary: string): ArchiveSummary {
  let rest = cleanText(decodeEntities(summary)).replace(/\s+/g, ' ');
  let number: number | undefined;
  let date: string | undefined;
  let category: string | undefined;

  const num = /^(\d+)[.．、]\s*/.exec(rest);
  if (num) {
    number = Number(num[1]);
    rest = rest.slice(num[0].length);
  }
  const day = /^\[\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2})\s*\]\s*/.exec(rest);
  if (day) {
    date = isoDate(day[1]);
    rest = rest.slice(day[0].length);
  }
  const headline = rest;
  // 【人工智能】 in the Chinese pages; the machine-translated pages write [Artificial Intelligence].
  const cat = /^(?:【([^】]*)】|\[([^\]]*)\])\s*/.exec(rest);
  if (cat) {
    category = (cat[1] ?? cat[2] ?? '').trim() || undefined;
    rest = rest.slice(cat[0].length);
  }
  // `\|` is a `|` inside the title or a keyword (engram's own md digests write titles that hold one so).
  const parts = rest.split(/(?<!\\)\|/).map((p) => p.replace(/\\\|/g, '|').trim());
  const title = parts[0] || parts.find((p) => p) || headline;
  const keywords = parts.slice(1).filter((p) => p && p !== title);
  return { number, date, category, title, keywords, headline };
}
