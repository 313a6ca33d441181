/**
 * The pages engram's notes export writes (src/export), as an ingest reads them back.
 *
 * An exported page is a view of the library it came from, not a source: besides its
 * properties, engram writes sections it derives from the library and rewrites on every
 * export — a document page's Summary and Passages (copies of the document's own renditions),
 * an entity page's Mentioned in, Timeline and Related (lists and counts of mentions). Read
 * back as text, a document page joined to its document by URL counted every mention of the
 * document a second time, and an entity page became a document of its own that mentioned
 * its entity and every entity related to it (and was exported next time as a second page of
 * that entity). So the parsers (logseq.ts, and markdown.ts for Obsidian pages) set engram's
 * sections aside and read only what the user wrote in the page; a page the user did not
 * write in gives nothing (`ParseResult.nothingToRead`).
 */
import type { DocumentMetadata } from '../model.js';

/** The `type` property of the pages engram exports. */
export const EXPORTED_PAGE_TYPE = { document: 'engram document', entity: 'engram entity' } as const;
export type ExportedPageKind = keyof typeof EXPORTED_PAGE_TYPE;

/** The headings of the sections engram writes in its pages (each a `##` heading, its items under it). */
export const EXPORTED_SECTION = {
  summary: 'Summary', passages: 'Passages', mentionedIn: 'Mentioned in', timeline: 'Timeline', related: 'Related',
} as const;
const SECTIONS = new Set<string>(Object.values(EXPORTED_SECTION));

/** Which of engram's pages a page is, by its `type` property; undefined for any other page. */
export function exportedPageKind(type: string | undefined): ExportedPageKind | undefined {
  const t = type?.trim().toLowerCase();
  return t === EXPORTED_PAGE_TYPE.document ? 'document' : t === EXPORTED_PAGE_TYPE.entity ? 'entity' : undefined;
}

/**
 * What an entity page is about, from its name and properties (`entity-type`, and `alias` in
 * Logseq or `aliases` in Obsidian, as a list joined with commas): the note the user wrote in
 * it is linked to that entity (entities/link.ts), even one no lexicon entry names.
 */
export function aboutEntity(name: string, prop: (key: string) => string | undefined): NonNullable<DocumentMetadata['aboutEntity']> {
  const aliases = (prop('alias') ?? prop('aliases') ?? '').split(',').map((a) => a.trim().replace(/^\[\[(.*)\]\]$/, '$1')).filter(Boolean);
  const type = prop('entity-type')?.trim().toLowerCase();
  return { name, ...(type ? { type } : {}), aliases };
}

/** Text that is one of engram's section headings (`## Summary`). */
export function isExportedSection(text: string): boolean {
  const m = /^##[ \t]+(.+?)\s*$/.exec(text.trim());
  return m !== null && SECTIONS.has(m[1]!);
}

/**
 * A document page is named `DATE TITLE`: the document's own title is the name without the
 * date (read back with the date, a document known only by its text files would take the
 * page's name as its title, and be exported next time as `DATE DATE TITLE`).
 */
export function exportedDocumentTitle(pageName: string, date: string | undefined): string {
  return date && pageName.startsWith(`${date} `) ? pageName.slice(date.length + 1).trim() || pageName : pageName;
}
