/**
 * `npm start`: the main job on a fresh clone. Builds a library from the sample the project
 * ships (incrementally: an unchanged sample is not re-read), prints its stats and an example
 * search, then serves it in the browser (unless --no-serve) and prints the address.
 */
import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';
import { ingest } from '../../pipeline/ingest.js';
import { libraryStats } from '../../store/read.js';
import { search } from '../../search/search.js';
import { openLibrary } from '../../store/db.js';
import { libraryOption, type Command } from '../command.js';
import { progressBar } from '../progress.js';
import { serveFlags, serveOptions, serveUntilStopped } from './serve.js';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const SAMPLE_DIR = join(projectRoot, 'sample');
export const SAMPLE_LIBRARY = join(projectRoot, '.engram', 'sample');

export const demoCommand: Command = {
  name: 'demo',
  usage: `engram demo [--library DIR] [--query TEXT] [--no-serve] [--port N] [--host ADDR] [--token SECRET | --new-token] [--public-url URL]

Ingests ./sample into .engram/sample (or --library DIR), prints stats and a search, then
serves the library in the browser until Ctrl+C (--no-serve: stop after the search; the
other options are those of \`engram serve\`).`,
  options: {
    ...libraryOption, ...serveFlags, query: { type: 'string' }, 'no-serve': { type: 'boolean' },
  },
  async run(values, _p, io) {
    const dir = (values.library as string | undefined) ?? SAMPLE_LIBRARY;
    const serve = values['no-serve'] ? undefined : serveOptions(values, io, dir);
    const db = openLibrary(dir);
    let serving = false;
    try {
      const bar = progressBar(io.err);
      const report = await ingest(db, [SAMPLE_DIR], { onProgress: bar.update });
      bar.done();
      const s = libraryStats(db);
      io.out.write(
        `Sample library: ${relative(process.cwd(), dir) || dir}\n` +
          `  ${s.documents} documents, ${s.renditions} renditions, ${s.passages} passages from ${s.files} files in ${s.sources} sources\n` +
          `  this run: ${report.documents.added} added, ${report.documents.updated} updated, ${report.documents.unchanged} unchanged` +
          `${report.failures.length ? `, ${report.failures.length} files failed` : ''}\n\n`,
      );
      const query = (values.query as string | undefined) ?? '稀疏注意力機制';
      const r = search(db, query, { limit: 3 });
      io.out.write(`Example search: npx engram search --library ${relative(process.cwd(), dir) || dir} "${query}"\n`);
      for (const h of r.hits) {
        io.out.write(`  • ${h.document.title ?? '(untitled)'} — ${h.snippet?.text.replace(/\s+/g, ' ').slice(0, 90) ?? ''}\n`);
        if (h.passage?.link ?? h.document.url) io.out.write(`    ${h.passage?.link ?? h.document.url}\n`);
      }
      if (r.hits.length === 0) io.out.write('  (no results)\n');
      if (serve) {
        serving = true;
        const code = await serveUntilStopped(db, dir, serve, io);
        return report.failures.length ? 1 : code;
      }
      return report.failures.length ? 1 : 0;
    } finally {
      // serveUntilStopped closes the library itself when it is done with it.
      if (!serving) db.close();
    }
  },
};
