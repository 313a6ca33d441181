/**
 * Date flags shared by the commands that select documents by date (`--since`, `--until`,
 * `--last`): `YYYY`, `YYYY-MM` or a full date; an `until` bound stretches to the end of the
 * year or month. Document dates are `YYYY-MM-DD` strings, so bounds are compared as strings.
 */
import { dateBound } from '../formats/media.js';
import { UsageError, type Values } from './command.js';

export function dateOption(values: Values, name: string, bound: 'since' | 'until'): string | undefined {
  const raw = values[name];
  if (typeof raw !== 'string') return undefined;
  const d = dateBound(raw, bound);
  if (!d) throw new UsageError(`--${name} takes a date like 2025-03-01 (or 2025-03, 2025), not "${raw}"`);
  return d;
}

/** `--since` and `--until` together: a range that ends before it starts is a mistake, said so. */
export function dateRange(values: Values): { since?: string; until?: string } {
  const since = dateOption(values, 'since', 'since');
  const until = dateOption(values, 'until', 'until');
  ordered(since, until, `--since ${String(values.since)}`, values);
  return { since, until };
}

/** Refuses a range whose start (`from`, as the user gave it) comes after `--until`. */
export function ordered(since: string | undefined, until: string | undefined, from: string, values: Values): void {
  if (since && until && since > until) throw new UsageError(`${from} is after --until ${String(values.until)}: nothing is dated in between`);
}

/**
 * `--last 1d` / `7d` / `2w`: documents dated from that many days before today through today
 * (today's local date). A day more than "the last 24 hours" on purpose: a video published
 * yesterday evening and ingested overnight belongs in this morning's daily digest.
 */
export function lastOption(raw: string, today: Date = new Date()): string {
  const m = /^\s*(\d+)\s*([dw])\s*$/i.exec(raw);
  const days = m ? Number(m[1]) * (m[2]!.toLowerCase() === 'w' ? 7 : 1) : 0;
  if (!m || days < 1 || days > MAX_LAST_DAYS) throw new UsageError(`--last takes a number of days or weeks like 1d, 7d or 2w (at most ${MAX_LAST_DAYS} days), not "${raw}"`);
  const d = new Date(today.getFullYear(), today.getMonth(), today.getDate() - days);
  return localDate(d);
}

/** The longest --last: a hundred years (more made a date JavaScript cannot hold: "since NaN-NaN-NaN"). */
const MAX_LAST_DAYS = 36_500;

/** `YYYY-MM-DD` of a date in local time. */
export function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A positive whole number flag, or the fallback. */
export function countOption(values: Values, name: string, fallback: number | undefined): number | undefined {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(n) || n < 1) throw new UsageError(`--${name} takes a positive whole number, not "${String(raw)}"`);
  return n;
}
