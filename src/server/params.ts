/**
 * Query parameters from the outside world: parsed strictly, rejected with a 400 that says
 * which parameter and why (the API answers it as JSON, the pages as an error page).
 */
import { dateBound } from '../formats/media.js';
import { queryTooLong } from '../search/limits.js';
import { ENTITY_TYPES, type EntityType } from '../entities/names.js';

export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 500 | 503;

export class HttpError extends Error {
  constructor(readonly status: ErrorStatus, message: string) {
    super(message);
  }
}

/** Paths that machines call (the JSON API, MCP): their errors are JSON, not pages. */
export function isMachinePath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/mcp';
}

/** A whole number in [min, max], or the fallback when the parameter is absent or empty. */
export function intParam(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new HttpError(400, `"${name}" must be a whole number, not "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new HttpError(400, `"${name}" must be between ${min} and ${max}, not ${n}`);
  return n;
}

/** `YYYY`, `YYYY-MM` or a full date; `until` bounds stretch to the end of the year or month. */
export function dateParam(raw: string | undefined, name: string, bound: 'since' | 'until'): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const d = dateBound(raw, bound);
  if (!d) throw new HttpError(400, `"${name}" must be a date like 2025-03-01, not "${raw}"`);
  return d;
}

/** `since` and `until` together: a range that ends before it starts is a 400, not an empty answer. */
export function dateRangeParams(query: (name: 'since' | 'until') => string | undefined): { since?: string; until?: string } {
  const since = dateParam(query('since'), 'since', 'since');
  const until = dateParam(query('until'), 'until', 'until');
  if (since && until && since > until) throw new HttpError(400, `"since" (${since}) is after "until" (${until}): nothing is dated in between`);
  return { since, until };
}

export function textParam(raw: string | undefined, name: string, maxLength = 500): string | undefined {
  if (raw === undefined) return undefined;
  const v = raw.trim();
  if (v.length > maxLength) throw new HttpError(400, `"${name}" is longer than ${maxLength} characters`);
  return v || undefined;
}

/** A search query: refused over MAX_QUERY_LENGTH characters, with the same message as the CLI. */
export function queryParam(raw: string | undefined): string | undefined {
  const q = textParam(raw, 'q', Number.MAX_SAFE_INTEGER);
  const tooLong = q && queryTooLong(q);
  if (tooLong) throw new HttpError(400, tooLong);
  return q;
}

/** `1`/`true` or `0`/`false`; the fallback when absent or empty. */
export function flagParam(raw: string | undefined, name: string, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw new HttpError(400, `"${name}" must be 1 or 0, not "${raw}"`);
}

/** An entity type (`?type=`), or undefined when absent. */
export function entityTypeParam(raw: string | undefined): EntityType | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!(ENTITY_TYPES as readonly string[]).includes(raw)) throw new HttpError(400, `"type" is one of ${ENTITY_TYPES.join(', ')}, not "${raw}"`);
  return raw as EntityType;
}
