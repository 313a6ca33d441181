/**
 * From a parsed document to what the store writes: text cleaned, LLM boilerplate set aside,
 * overlong passages split, terms segmented for the index. Pure functions, no I/O.
 */
import { createHash } from 'node:crypto';
import type { ParsedDocument, ParsedPassage } from '../model.js';
import { cleanText } from '../text/normalize.js';
import { markBoilerplate } from '../text/boilerplate.js';
import { indexTermsOfAll } from '../text/segment.js';
import { foldWidth } from '../text/normalize.js';
import { toSimplified } from '../text/fold.js';
import type { PreparedPassage, PreparedRendition } from '../store/write.js';

/** Longer passages are split so a hit points at a readable span, not a whole chapter. */
export const MAX_PASSAGE_CHARS = 1200;

export interface PrepareContext {
  format: string;
  /** The source to use when the file does not name one. */
  fallbackSource: string;
  /** Text of the whole file, the body of single-document files. */
  fileText: string;
  singleDocument: boolean;
  /**
   * Whether the document already holds this text in a rendition that ranks as high (it will
   * follow that one, store/texts.ts): then its passages are not segmented, since the writer
   * would throw their terms away (it segments them itself should the text be its to hold after all).
   */
  follows?: (r: Pick<PreparedRendition, 'key' | 'kind' | 'textHash'>) => boolean;
}

/** One document's rendition (see `prepareDocuments`). */
export function prepareDocument(doc: ParsedDocument, ctx: PrepareContext): PreparedRendition {
  return prepareDocuments([doc], ctx)[0]!;
}

/**
 * A file's documents as renditions to write. Their passages are segmented together, a few
 * thousand characters per call to jieba (`indexTermsOfAll`), not one call per passage.
 */
export function prepareDocuments(docs: readonly ParsedDocument[], ctx: PrepareContext): PreparedRendition[] {
  const renditions = docs.map((d) => prepareUnsegmented(d, ctx));
  const unsegmented = renditions.flatMap((r) => (r.follows ? [] : r.rendition.passages.filter((p) => p.role !== 'boilerplate')));
  const terms = indexTermsOfAll(unsegmented.map((p) => p.text), unsegmented.map((p) => p.simplified ?? p.text));
  unsegmented.forEach((p, i) => (p.terms = terms[i]!));
  return renditions.map((r) => r.rendition);
}

/** A rendition with everything but its passages' terms, and whether it follows a text the document holds (its passages are not segmented). */
function prepareUnsegmented(doc: ParsedDocument, ctx: PrepareContext): { rendition: PreparedRendition; follows: boolean } {
  const passages = doc.passages
    .map((p) => ({ ...p, text: cleanText(p.text) }))
    .filter((p) => p.text.trim() !== '')
    .flatMap(splitLongPassage);
  // Folded once, for boilerplate detection, segmentation and the terms scan.
  const folded = passages.map((p) => toSimplified(foldWidth(p.text)));
  markBoilerplate(passages, folded);
  const hash = textHash(passages);
  const follows = ctx.follows?.({ key: doc.key, kind: doc.kind, textHash: hash }) ?? false;
  const prepared: PreparedPassage[] = passages.map((p, i) => {
    const simplified = folded[i]!;
    const terms = p.role === 'boilerplate' ? '' : undefined;
    return simplified === p.text ? { ...p, terms } : { ...p, terms, simplified };
  });
  const body = doc.body ?? (ctx.singleDocument ? ctx.fileText : passages.map((p) => p.text).join('\n\n'));
  const title = doc.title ? cleanText(doc.title).trim() || undefined : undefined;
  const rendition: PreparedRendition = {
    key: doc.key,
    kind: doc.kind,
    format: ctx.format,
    entry: doc.entry,
    title,
    date: doc.date,
    url: doc.url,
    source: doc.source?.trim() || ctx.fallbackSource,
    sourceNamed: Boolean(doc.source?.trim()),
    metadata: doc.metadata,
    contentHash: hashOf(contentParts(doc.kind, title ?? '', body, passages)),
    textHash: hash,
    body,
    passages: prepared,
  };
  return { rendition, follows };
}

function* contentParts(kind: string, title: string, body: string, passages: readonly ParsedPassage[]): Generator<string> {
  yield kind;
  yield title;
  yield body;
  for (const p of passages) yield p.text;
}

/**
 * The identity of a rendition's text: its passages, each with role, time and speaker, and its
 * words with white space evened out. Where the text came from (file, line, kind, title) is
 * not part of it: an archive entry and the summary file it was made from, or one transcript
 * in two folders, have the same text (store/texts.ts keeps it once).
 */
export function textHash(passages: readonly ParsedPassage[]): string {
  return hashOf(
    (function* () {
      for (const p of passages) {
        yield `${p.role}\u0001${p.start ?? ''}\u0001${p.end ?? ''}\u0001${p.speaker ?? ''}\u0001${p.depth ?? ''}`;
        yield p.text.replace(/\s+/g, ' ').trim();
      }
    })(),
  );
}

/**
 * A short content hash of the parts (an iterable, not arguments: a file can have a million
 * passages), each followed by a NUL. Text parts are fed to the hash a megabyte at a time: one
 * update per passage cost more than the hashing itself (~0.9 s of an ingest's CPU). The digest
 * is the same either way (UTF-8 of a concatenation is the concatenation of the UTF-8).
 */
export function hashOf(parts: Iterable<string | Uint8Array>): string {
  const h = createHash('sha256');
  let pending = '';
  for (const p of parts) {
    if (typeof p === 'string') {
      pending += p + '\u0000';
      if (pending.length >= 2 ** 20) {
        h.update(pending);
        pending = '';
      }
    } else {
      if (pending) h.update(pending);
      pending = '';
      h.update(p).update('\u0000');
    }
  }
  if (pending) h.update(pending);
  return h.digest('hex').slice(0, 32);
}

/** Split at sentence ends (either script) near the size limit; each piece keeps the passage's time and speaker, so its link still lands near it. */
export function splitLongPassage(p: ParsedPassage): ParsedPassage[] {
  if (p.text.length <= MAX_PASSAGE_CHARS) return [p];
  const pieces: ParsedPassage[] = [];
  let rest = p.text;
  while (rest.length > MAX_PASSAGE_CHARS) {
    const window = rest.slice(0, MAX_PASSAGE_CHARS);
    const cut = Math.max(
      window.lastIndexOf('。'), window.lastIndexOf('！'), window.lastIndexOf('？'),
      window.lastIndexOf('. '), window.lastIndexOf('\n'), window.lastIndexOf('，'), window.lastIndexOf(' '),
    );
    const at = cut > MAX_PASSAGE_CHARS / 2 ? cut + 1 : MAX_PASSAGE_CHARS;
    pieces.push({ ...p, text: rest.slice(0, at).trim() });
    rest = rest.slice(at);
  }
  if (rest.trim()) pieces.push({ ...p, text: rest.trim() });
  return pieces;
}
