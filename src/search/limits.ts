/**
 * Limits every entry point to search shares (CLI, web app, API, MCP): a query longer than
 * this is refused with a message rather than run. Real queries are a few words; a pasted
 * page of text costs seconds and finds nothing better.
 */
export const MAX_QUERY_LENGTH = 500;
