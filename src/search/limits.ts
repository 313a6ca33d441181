/**
 * Limits every entry point to search shares (CLI, web app, API, MCP): a query longer than
 * this is refused with a message rather than run. Real queries are a few words; a pasted
 * page of text costs seconds and finds nothing better.
 */
export const MAX_QUERY_LENGTH = 500;

/** Why a query is refused, or undefined when its length is fine. */
export function queryTooLong(query: string): string | undefined {
  const characters = tooManyCharacters(query);
  return characters === undefined ? undefined : `the query is ${characters.toLocaleString('en-US')} characters long; the limit is ${MAX_QUERY_LENGTH}: search for a few words or a short "quoted phrase", not a whole passage`;
}

/** Why a question for `ask` (searched as a query) is refused, or undefined when its length is fine. */
export function questionTooLong(question: string): string | undefined {
  const characters = tooManyCharacters(question);
  return characters === undefined ? undefined : `the question is ${characters.toLocaleString('en-US')} characters long; the limit is ${MAX_QUERY_LENGTH}: ask it in fewer words`;
}

/** How many characters a text over the limit has; undefined within it. */
function tooManyCharacters(text: string): number | undefined {
  if (text.length <= MAX_QUERY_LENGTH) return undefined;
  // Characters, not UTF-16 units: an emoji or a rare Han character (𠮷) is one character.
  const characters = [...text].length;
  return characters <= MAX_QUERY_LENGTH ? undefined : characters;
}
