/**
 * Limits every entry point to search shares (CLI, web app, API, MCP): a query longer than
 * this is refused with a message rather than run. Real queries are a few words; a pasted
 * page of text costs seconds and finds nothing better.
 */
export const MAX_QUERY_LENGTH = 500;

/** Why a query is refused, or undefined when its length is fine. */
export function queryTooLong(query: string): string | undefined {
  if (query.length <= MAX_QUERY_LENGTH) return undefined;
  // Characters, not UTF-16 units: an emoji or a rare Han character (𠮷) is one character.
  const characters = [...query].length;
  if (characters <= MAX_QUERY_LENGTH) return undefined;
  return `the query is ${characters.toLocaleString('en-US')} characters long; the limit is ${MAX_QUERY_LENGTH}: search for a few words or a short "quoted phrase", not a whole passage`;
}
