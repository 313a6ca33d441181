/**
 * Pagefind as a static site uses it: its indexer (the npm package's own binary, run through
 * its Node API) writes a bundle, and the bundle's own `pagefind.js` and WebAssembly answer
 * queries, here loaded into Node instead of a browser.
 *
 * One page per document, not per passage: Pagefind indexes a site's pages and answers with
 * pages, and an engram document is what a page of a site would be (its title as the heading,
 * its passages as paragraphs, as engram's document page shows it), so the heading gets
 * Pagefind's heading weight as on any site. The index is forced to Chinese (`zh`), as
 * Pagefind's maintainers advise for a site that mixes Chinese and English and wants one
 * index: Chinese is segmented into words at indexing, the rest split as usual; every page
 * also says `lang="zh"`. Traditional and Simplified are not folded (Pagefind does not).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as pagefind from 'pagefind';
import { escapeHtml } from '../server/html.js';
import type { PassageRow, Searcher } from './peers.js';

/** What this peer uses of the generated `pagefind.js`. */
interface PagefindBundle {
  search(query: string): Promise<{ results: PagefindResult[] } | null>;
  destroy(): Promise<void>;
}

interface PagefindResult {
  /** The page's fragment. */
  id: string;
  data(): Promise<{ url: string }>;
}

/** A document as a site page: title as the heading, each passage a paragraph. */
function pages(rows: PassageRow[]): Map<number, string> {
  const body = new Map<number, string[]>();
  for (const r of rows) {
    let parts = body.get(r.doc);
    if (!parts) body.set(r.doc, (parts = [`<h1>${escapeHtml(r.title)}</h1>`]));
    parts.push(`<p>${escapeHtml(r.text)}</p>`);
  }
  return new Map([...body].map(([doc, parts]) => [doc, `<!doctype html><html lang="zh"><body>${parts.join('\n')}</body></html>`]));
}

const pageUrl = (doc: number) => `/documents/${doc}/`;

/** Throws with Pagefind's own messages, naming the step. */
function check(step: string, errors: string[]): void {
  if (errors.length) throw new Error(`pagefind ${step}: ${errors.join('; ')}`);
}

export async function pagefindSearcher(rows: PassageRow[]): Promise<Searcher> {
  const t = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'engram-pagefind-'));
  try {
    const { index, errors } = await pagefind.createIndex({ forceLanguage: 'zh' });
    check('createIndex', errors);
    for (const [doc, content] of pages(rows)) check(`page of document ${doc}`, (await index!.addHTMLFile({ url: pageUrl(doc), content })).errors);
    check('writeFiles', (await index!.writeFiles({ outputPath: dir })).errors);
    await pagefind.close(); // the indexer's process is done
    readFileUrls();
    const bundle = (await import(pathToFileURL(join(dir, 'pagefind.js')).href)) as PagefindBundle;
    const buildMs = performance.now() - t;
    // A result names its page by fragment; loading a fragment (the whole page, gzipped) costs
    // more than the search, and the same pages come back query after query.
    const docOf = new Map<string, Promise<number>>();
    const docOfResult = (r: PagefindResult) => {
      let doc = docOf.get(r.id);
      if (!doc) docOf.set(r.id, (doc = r.data().then((d) => Number(/\/documents\/(\d+)\//.exec(d.url)![1]))));
      return doc;
    };
    return {
      name: 'Pagefind',
      buildMs,
      docs: async (q, limit = 10) => Promise.all(((await bundle.search(q))?.results ?? []).slice(0, limit).map(docOfResult)),
      close: async () => {
        await bundle.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await pagefind.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

const readsFileUrls = Symbol('reads file: URLs');

/**
 * `pagefind.js` fetches its index and WebAssembly next to itself (a file: URL here), which
 * Node's fetch refuses; this teaches fetch to read file: URLs, and leaves every other URL to it.
 */
function readFileUrls(): void {
  const fetch = globalThis.fetch as typeof globalThis.fetch & { [readsFileUrls]?: true };
  if (fetch[readsFileUrls]) return;
  const withFiles = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.startsWith('file:')) return fetch(input, init);
    const path = fileURLToPath(url);
    try {
      const headers = basename(path).startsWith('wasm.') ? { 'content-type': 'application/wasm' } : undefined;
      return new Response(await readFile(path), { headers });
    } catch {
      return new Response(null, { status: 404, statusText: `cannot read ${path}` });
    }
  };
  globalThis.fetch = Object.assign(withFiles, { [readsFileUrls]: true as const });
}
