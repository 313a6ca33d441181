/**
 * Splits a digest archive into its `<details>` entries by line, without interpreting the body:
 * where each entry starts, its (possibly wrapped) `<summary>` text, and which lines hold the body.
 * An entry that is never closed (a file cut off, a lost `</details>`) ends where the next
 * `<details>` starts or at the end of the file, and says so in a warning.
 */
import type { ParseWarning } from '../model.js';
import { joinWrapped } from './text-utils.js';

export interface ArchiveEntry {
  /** 0-based index of the `<details>` line. */
  open: number;
  /** Raw summary text (the `<summary>` content joined across lines), undefined if there is none. */
  summary?: string;
  /** Body lines: `lines.slice(bodyStart, bodyEnd)`, 0-based, end exclusive. */
  bodyStart: number;
  bodyEnd: number;
  /** Whether `</details>` was found. */
  closed: boolean;
}

const DETAILS_OPEN = /^\s*<details\b[^>]*>/i;
const DETAILS_CLOSE = /<\/details\s*>/i;
const SUMMARY_OPEN = /<summary\b[^>]*>/i;
const SUMMARY_CLOSE = /<\/summary\s*>/i;

export function splitArchiveEntries(lines: string[]): { entries: ArchiveEntry[]; warnings: ParseWarning[] } {
  const entries: ArchiveEntry[] = [];
  const warnings: ParseWarning[] = [];
  let i = 0;
  while (i < lines.length) {
    if (!DETAILS_OPEN.test(lines[i]!)) {
      i++;
      continue;
    }
    const open = i;
    // The entry's extent: up to `</details>`, or up to the next `<details>` / end of file.
    let end = open;
    let closed = false;
    for (let j = open; j < lines.length; j++) {
      if (j > open && DETAILS_OPEN.test(lines[j]!)) break;
      end = j + 1;
      if (DETAILS_CLOSE.test(j === open ? lines[j]!.replace(DETAILS_OPEN, '') : lines[j]!)) {
        closed = true;
        break;
      }
    }
    const entry = readSummary(lines, open, end);
    const n = entries.length + 1;
    if (!closed) {
      warnings.push({ line: open + 1, message: `entry ${n}: <details> opened here is never closed; kept the ${end - open} lines up to ${end < lines.length ? 'the next <details>' : 'the end of the file'}` });
    }
    if (entry.summary === undefined) {
      warnings.push({ line: open + 1, message: `entry ${n}: no <summary> found; entry has no title` });
    } else if (entry.summaryUnclosed) {
      warnings.push({ line: open + 1, message: `entry ${n}: <summary> is never closed; took the text up to the end of the entry` });
    }
    // A closed entry's last line is `</details>` (text before it on that line is rare; dropped).
    entries.push({ open, summary: entry.summary, bodyStart: entry.bodyStart, bodyEnd: closed ? end - 1 : end, closed });
    i = end;
  }
  return { entries, warnings };
}

/** The summary text from `<summary>` to `</summary>` (searched only in the entry's first lines). */
function readSummary(lines: string[], open: number, end: number): { summary?: string; summaryUnclosed?: boolean; bodyStart: number } {
  const SEARCH = 5; // `<summary>` sits right after `<details>`; don't mistake one deep in a body for it
  for (let s = open; s < Math.min(end, open + SEARCH); s++) {
    const first = s === open ? lines[s]!.replace(DETAILS_OPEN, '') : lines[s]!;
    const m = SUMMARY_OPEN.exec(first);
    if (!m) {
      if (s > open && first.trim()) break; // something else came first: no summary
      continue;
    }
    const parts: string[] = [];
    let line = first.slice(m.index + m[0].length);
    for (let k = s; k < end; k++) {
      if (k > s) line = lines[k]!;
      const close = SUMMARY_CLOSE.exec(line);
      if (close) {
        parts.push(line.slice(0, close.index));
        return { summary: joinWrapped(parts), bodyStart: k + 1 };
      }
      parts.push(line);
    }
    return { summary: joinWrapped(parts), summaryUnclosed: true, bodyStart: end };
  }
  return { bodyStart: open + 1 };
}
