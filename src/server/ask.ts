/**
 * Asking the library over HTTP.
 * - `GET /ask?q=…&source=…`: the page; without JavaScript the server answers in it.
 * - `GET /ask/stream?q=…`: the page's stream (server-sent events) of HTML pieces, rendered and
 *   escaped here: `piece` {html, citations}, then `done` {html} with the whole, checked answer.
 * - `GET /api/ask?q=…&source=…&since=…&until=…`: the answer as JSON, the shape of
 *   `engram ask --json`; with `stream=1`, server-sent events `text` {text, citations}, then
 *   `done` (the JSON answer).
 * The chat model is the library's (ENGRAM_LLM_* or LIBRARY/config.json) unless the app was
 * given one; without one, answers are the offline best passages.
 */
import { dirname } from 'node:path';
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import type { DB } from '../store/db.js';
import { ask, type AskOptions, type AskResult, type Citation } from '../pipeline/ask.js';
import { createLlm, type Llm } from '../providers/llm.js';
import { readLibraryConfig, serviceSettings } from '../config.js';
import type { Searcher } from '../search/searcher.js';
import { displayFrom } from './display.js';
import { dateRangeParams, flagParam, HttpError, textParam } from './params.js';
import { answerBlock, answerPiece, askPage, citationItem } from './pages/ask.js';
import type { Page, PageContext } from './pages/layout.js';
import { html } from './html.js';

/** The chat model configured for the library the database lives in, or undefined (offline). */
export function libraryLlm(db: DB): Llm | undefined {
  try {
    return createLlm(serviceSettings('llm', { env: process.env, config: readLibraryConfig(dirname(db.name)) }));
  } catch (e) {
    process.stderr.write(`engram serve: ask will answer offline: ${(e as Error).message}\n`);
    return undefined;
  }
}

/** What answering needs: the library, its chat model (none: offline), and where searches run (the worker pool). */
export interface Asking {
  db: DB;
  llm?: Llm;
  searcher: Searcher;
  /** The library's folder (its prompts/ask.md overrides the shipped prompt). */
  libraryDir?: string;
}

function askParams(c: Context, { llm, searcher, libraryDir }: Asking): { question?: string; opts: AskOptions } {
  const q = c.req.query('q');
  return {
    question: textParam(q, 'q', 500),
    opts: {
      llm,
      searcher,
      libraryDir,
      source: textParam(c.req.query('source'), 'source'),
      ...dateRangeParams((name) => c.req.query(name)),
    },
  };
}

/** The ask page, answered on the server when a question is given (the no-JavaScript path). */
export async function askPageFor(asking: Asking, ctx: PageContext, c: Context): Promise<Page> {
  const { question, opts } = askParams(c, asking);
  const result = question ? await ask(asking.db, question, { ...opts, signal: c.req.raw.signal }) : undefined;
  return askPage(asking.db, ctx, { q: question, source: opts.source }, result);
}

export function askRoutes(asking: Asking): Hono {
  const { db } = asking;
  const routes = new Hono();

  const required = (c: Context) => {
    const p = askParams(c, asking);
    if (!p.question) throw new HttpError(400, 'ask needs a question: ?q=…');
    return p as { question: string; opts: AskOptions };
  };

  /** Runs `ask` inside an event stream; an unexpected error ends the stream with `failure`. */
  const streamed = (c: Context, run: (send: (event: string, data: unknown) => void, signal: AbortSignal) => Promise<void>) =>
    streamSSE(c, async (stream) => {
      const abort = new AbortController();
      stream.onAbort(() => abort.abort());
      // Events are chained in order; the stream stays open until the last is written.
      let written = Promise.resolve();
      const send = (event: string, data: unknown) => {
        written = written.then(() => stream.writeSSE({ event, data: JSON.stringify(data) }));
      };
      try {
        await run(send, abort.signal);
      } catch (e) {
        if (!abort.signal.aborted) send('failure', { message: (e as Error).message });
      }
      await written;
    });

  routes.get('/ask/stream', (c) => {
    const { question, opts } = required(c);
    const d = displayFrom(getCookie(c));
    const shown = new Map<number, Citation>();
    return streamed(c, async (send, signal) => {
      const result = await ask(db, question, {
        ...opts, signal,
        onText(text, citations) {
          for (const ci of citations) shown.set(ci.n, ci);
          send('piece', { html: answerPiece(text, shown, d).value, citations: html`${citations.map((ci) => citationItem(ci, d))}`.value });
        },
      });
      send('done', { html: answerBlock(result, d).value });
    });
  });

  routes.get('/api/ask', async (c) => {
    const { question, opts } = required(c);
    if (!flagParam(c.req.query('stream'), 'stream', false)) return c.json(await ask(db, question, { ...opts, signal: c.req.raw.signal }) satisfies AskResult);
    return streamed(c, async (send, signal) => {
      const result = await ask(db, question, { ...opts, signal, onText: (text, citations) => send('text', { text, citations }) });
      send('done', result);
    });
  });

  return routes;
}
