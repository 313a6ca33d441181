/**
 * How much the server sends at once. A library can hold a 200 MB transcript: pages and the
 * API hand it out a window at a time, and never read more of it than they send.
 */

/** Passages per page of the document view, and per rendition in the API unless asked. */
export const PASSAGES_PER_PAGE = 200;
export const MAX_API_PASSAGES = 1000;

/** Characters of original text per page of the "original formatting" view (~100 ms to render). */
export const ORIGINAL_PAGE_CHARS = 100_000;

/** Characters of a body the API sends per request, unless asked for fewer. */
export const API_BODY_CHARS = 200_000;
export const MAX_API_BODY_CHARS = 1_000_000;

/**
 * Bodies over this size are not shown in their original formatting nor sent by the API:
 * SQLite reads a text value whole (a window of a 200 MB body still costs ~0.5 s), and a file
 * that large is a data dump, not something to read formatted. Its passages are paged as usual.
 */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
