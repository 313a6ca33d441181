/**
 * The pages of a notes export: one per document (date, source and URL as properties; its
 * summary; its passages that mention entities, with timestamp links and the mentions linked)
 * and one per entity (type, aliases, the documents mentioning it by date, related entities),
 * linked both ways with `[[ ]]` so the notes app's graph and backlinks work.
 */
import { basename } from 'node:path';
import { stmt } from '../store/statements.js';
import type { DB } from '../store/db.js';
import { deepLink, formatTimecode } from '../formats/media.js';
// What marks a page as engram's, and names its sections: the ingest reads them back by these.
import { EXPORTED_PAGE_TYPE, EXPORTED_SECTION } from '../formats/engram-pages.js';
import { relatedEntities, speakerNames } from '../entities/read.js';
import type { Dialect } from './dialects.js';

export interface Page {
  /** Path relative to the export folder. */
  file: string;
  content: string;
}

/** Passages of a document's transcript written to its page (the summary is always whole). */
const MAX_PASSAGES = 200;

interface EntityRow { id: number; name: string; type: string; aliases: string }
interface DocRow { id: number; title: string | null; date: string | null; url: string | null; source: string | null }

export function exportPages(db: DB, dialect: Dialect): Page[] {
  const entities = stmt(db,
    'SELECT e.id, e.name, e.type, e.aliases FROM entities e WHERE EXISTS (SELECT 1 FROM mentions m WHERE m.entity_id = e.id) ORDER BY e.id',
  ).all() as EntityRow[];
  const docs = stmt(db,
    'SELECT d.id, d.title, d.date, d.url, s.name AS source FROM documents d LEFT JOIN sources s ON s.id = d.source_id ORDER BY d.id',
  ).all() as DocRow[];

  // Page names, unique regardless of case (both apps treat names case-insensitively).
  const taken = new Set<string>();
  const unique = (name: string, suffix: string) => {
    let n = fitted(dialect, dialect.pageName(name)) || suffix;
    if (taken.has(n.toLowerCase())) n = fitted(dialect, dialect.pageName(name), ` (${suffix})`);
    taken.add(n.toLowerCase());
    return n;
  };
  const entityPage = new Map(entities.map((e) => [e.id, unique(e.name, e.type)]));
  const docPage = new Map(docs.map((d) => [d.id, unique([d.date, d.title ?? 'Untitled'].filter(Boolean).join(' '), String(d.id))]));

  const pages: Page[] = [];
  for (const d of docs) pages.push({ file: dialect.file(docPage.get(d.id)!, 'document'), content: documentPage(db, dialect, d, docPage.get(d.id)!, entityPage) });
  for (const e of entities) pages.push({ file: dialect.file(entityPage.get(e.id)!, 'entity'), content: entityPageContent(db, dialect, e, entityPage, docPage) });
  return pages;
}

/**
 * A file name is at most 255 bytes on the usual file systems (ext4, APFS; NTFS counts 255
 * UTF-16 units), and a Chinese title of 85 characters is 255 bytes of UTF-8: a page's file
 * name keeps to this many, which leaves room for the writer's temporary suffix.
 */
export const MAX_FILE_NAME_BYTES = 240;

/** `name + suffix`, the name shortened at a character (and marked with …) until its page's file name fits. */
function fitted(dialect: Dialect, name: string, suffix = ''): string {
  const fits = (n: string) => Buffer.byteLength(basename(dialect.file(n, 'document'))) <= MAX_FILE_NAME_BYTES;
  if (fits(name + suffix)) return name + suffix;
  const chars = [...name];
  const cut = (k: number) => `${chars.slice(0, k).join('').trimEnd()}…${suffix}`;
  // The longest prefix that fits (a file name grows with its name, so the test is monotone).
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (fits(cut(mid))) lo = mid;
    else hi = mid - 1;
  }
  return cut(lo);
}

/** `name`: the page's name as links write it (unique, shortened to fit a file name). */
function documentPage(db: DB, dialect: Dialect, d: DocRow, name: string, entityPage: Map<number, string>): string {
  const link = (id: number) => dialect.link(entityPage.get(id)!);
  const speakers = stmt(db, 'SELECT DISTINCT entity_id FROM speaker_names WHERE document_id = ? ORDER BY entity_id').pluck().all(d.id) as number[];
  const mentioned = stmt(db, 'SELECT DISTINCT entity_id FROM mentions WHERE document_id = ? ORDER BY entity_id').pluck().all(d.id) as number[];
  const props: [string, string | string[]][] = [
    // Logseq names a page by its title property: the name links use, or a page of the same
    // title (two documents titled alike, a shortened one) would be another page, or one page.
    ['title', dialect.name === 'logseq' ? name : ''],
    ['type', EXPORTED_PAGE_TYPE.document],
    ['date', d.date ?? ''],
    ['source', d.source ?? ''],
    ['url', d.url ?? ''],
    ['speakers', speakers.filter((id) => entityPage.has(id)).map(link)],
    ['entities', mentioned.filter((id) => entityPage.has(id)).map(link)],
    ['engram-id', String(d.id)],
  ];
  let out = dialect.properties(props);
  if (dialect.name === 'obsidian') out += `# ${d.title ?? 'Untitled'}\n\n`;

  const summary = stmt(db,
    `SELECT p.id, p.text, p.role FROM passages p JOIN renditions r ON r.id = p.rendition_id
      WHERE p.document_id = ? AND r.kind = 'summary' AND p.role <> 'boilerplate' ORDER BY r.id, p.seq`,
  ).all(d.id) as { id: number; text: string; role: string }[];
  if (summary.length) {
    out += dialect.heading(EXPORTED_SECTION.summary);
    for (const p of summary) {
      const text = oneLine(linkMentions(db, dialect, p.id, p.text, entityPage));
      out += dialect.block(p.role === 'heading' ? `**${text}**` : text, 1);
    }
  }
  const passages = stmt(db,
    `SELECT p.id, p.text, p.start, p.speaker FROM passages p JOIN renditions r ON r.id = p.rendition_id
      WHERE p.document_id = ? AND r.kind <> 'summary' AND p.role = 'content'
        AND EXISTS (SELECT 1 FROM mentions m WHERE m.passage_id = p.id)
      ORDER BY CASE r.kind WHEN 'transcript' THEN 0 WHEN 'raw-transcript' THEN 2 ELSE 1 END, r.id, p.seq LIMIT ${MAX_PASSAGES}`,
  ).all(d.id) as { id: number; text: string; start: number | null; speaker: string | null }[];
  if (passages.length) {
    const names = speakerNames(db, d.id);
    out += dialect.heading(EXPORTED_SECTION.passages);
    for (const p of passages) {
      const at = p.start != null ? `[${formatTimecode(p.start)}](${deepLink(d.url, p.start) ?? ''}) ` : '';
      const who = p.speaker ? `**${names.get(p.speaker)?.name ?? p.speaker}**: ` : '';
      out += dialect.block(at + who + oneLine(linkMentions(db, dialect, p.id, p.text, entityPage)), 1);
    }
  }
  return out;
}

/** The passage's text with its entity mentions turned into links. */
function linkMentions(db: DB, dialect: Dialect, passageId: number, text: string, entityPage: Map<number, string>): string {
  const spans = stmt(db, 'SELECT entity_id AS id, start, end FROM mentions WHERE passage_id = ? AND start IS NOT NULL ORDER BY start, end DESC')
    .all(passageId) as { id: number; start: number; end: number }[];
  let out = '';
  let at = 0;
  for (const s of spans) {
    if (s.start < at || !entityPage.has(s.id)) continue;
    out += escapeLinks(text.slice(at, s.start)) + dialect.link(entityPage.get(s.id)!, text.slice(s.start, s.end));
    at = s.end;
  }
  return out + escapeLinks(text.slice(at));
}

function entityPageContent(db: DB, dialect: Dialect, e: EntityRow, entityPage: Map<number, string>, docPage: Map<number, string>): string {
  const name = entityPage.get(e.id)!;
  const aliases = (JSON.parse(e.aliases) as string[]).map((a) => dialect.pageName(a)).filter((a) => a && a.toLowerCase() !== name.toLowerCase());
  const props: [string, string | string[]][] = [
    ['title', dialect.name === 'logseq' ? name : ''],
    ['type', EXPORTED_PAGE_TYPE.entity],
    ['entity-type', e.type],
    [dialect.name === 'logseq' ? 'alias' : 'aliases', [...new Set(aliases)]],
  ];
  let out = dialect.properties(props);
  if (dialect.name === 'obsidian') out += `# ${name}\n\n`;
  const docs = stmt(db,
    `SELECT d.id, d.date, count(*) AS n FROM mentions m JOIN documents d ON d.id = m.document_id
      WHERE m.entity_id = ? GROUP BY d.id ORDER BY d.date IS NULL, d.date DESC, d.id DESC`,
  ).all(e.id) as { id: number; date: string | null; n: number }[];
  out += dialect.heading(EXPORTED_SECTION.mentionedIn);
  for (const d of docs) out += dialect.block(`${dialect.link(docPage.get(d.id)!)} (${d.n})`, 1);
  const months = new Map<string, number>();
  for (const d of docs) if (d.date) months.set(d.date.slice(0, 7), (months.get(d.date.slice(0, 7)) ?? 0) + d.n);
  if (months.size) {
    out += dialect.heading(EXPORTED_SECTION.timeline);
    for (const [m, n] of [...months].sort()) out += dialect.block(`${m}: ${n}`, 1);
  }
  const related = relatedEntities(db, e.id, docs.map((d) => d.id));
  const shown = related.filter((r) => entityPage.has(r.id));
  if (shown.length) {
    out += dialect.heading(EXPORTED_SECTION.related);
    for (const r of shown) out += dialect.block(`${dialect.link(entityPage.get(r.id)!)} (${r.count})`, 1);
  }
  return out;
}

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();
/** Text that happens to contain `[[` must not become a link. */
const escapeLinks = (s: string) => s.replace(/\[\[/g, '[ [').replace(/\]\]/g, '] ]');
