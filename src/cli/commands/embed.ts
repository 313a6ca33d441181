import { openAIEmbedder, EmbeddingError } from '../../providers/embeddings.js';
import { describeSettings } from '../../config.js';
import { embedLibrary, type EmbedProgress } from '../../semantic/embed.js';
import { EXIT, libraryOption, UsageError, type Command, type Io } from '../command.js';
import { openFor } from '../library.js';
import { serviceOptions, serviceUsage, settingsFor } from '../services.js';

export const embedCommand: Command = {
  name: 'embed',
  usage: `engram embed [--batch-size N] [--limit N] [--json]

Computes embedding vectors for the passages that have none, with an OpenAI-compatible
/v1/embeddings endpoint, and stores them in the library. Searches then fuse semantic
neighbours with BM25 (reciprocal rank fusion) whenever the same model is configured.
Resumable: each batch is saved as it arrives; run it again after new ingests.

Options:
  --batch-size N   passages per request (default 64)
  --limit N        embed at most N passages in this run
  --json           print the report as JSON
${serviceUsage('embed')}

Exit code: 0 every passage has a vector, 1 the run stopped early (the reason is printed;
what was done is kept), 2 usage error or nothing configured.`,
  options: { ...libraryOption, ...serviceOptions('embed'), 'batch-size': { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
  async run(values, _p, io) {
    const batchSize = whole(values['batch-size'], 'batch-size') ?? 64;
    const limit = whole(values.limit, 'limit');
    const { db, dir } = openFor(values, io, 'write');
    try {
      const settings = settingsFor('embed', values, io, dir);
      let embedder;
      try {
        embedder = openAIEmbedder(settings ?? {});
      } catch (e) {
        if (e instanceof EmbeddingError) throw new UsageError(e.message);
        throw e;
      }
      const progress = progressLine(io);
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      const report = await embedLibrary(db, embedder, { batchSize, limit, onProgress: progress.update, signal: controller.signal }).finally(() => {
        process.off('SIGINT', stop);
        progress.done();
      });
      if (values.json) io.out.write(JSON.stringify(report, null, 2) + '\n');
      else {
        io.out.write(`${report.embedded} passages embedded with ${describeSettings(settings)} in ${(report.elapsedMs / 1000).toFixed(1)} s; ` +
          `${report.eligible - report.remaining}/${report.eligible} have vectors\n`);
        if (report.error) io.err.write(`stopped early: ${report.error}\n(what was embedded is kept: run engram embed again to go on)\n`);
      }
      return report.error || (controller.signal.aborted && report.remaining > 0) ? EXIT.partial : EXIT.ok;
    } finally {
      db.close();
    }
  },
};

function whole(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} takes a positive whole number, not "${v}"`);
  return n;
}

/** A progress line on a TTY; silent in pipes. */
function progressLine(io: Io): { update(p: EmbedProgress): void; done(): void } {
  if (!io.err.isTTY) return { update() {}, done() {} };
  let drawn = false;
  return {
    update(p) {
      const rate = p.elapsedMs > 0 ? (p.embedded / p.elapsedMs) * 1000 : 0;
      io.err.write(`\r\x1b[2Kembedded ${p.embedded}/${p.todo} passages  ${rate.toFixed(0)}/s`);
      drawn = true;
    },
    done() {
      if (drawn) io.err.write('\r\x1b[2K');
    },
  };
}
