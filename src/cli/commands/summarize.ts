import { findDocumentId } from '../../store/read.js';
import { createLlm, LlmError } from '../../providers/llm.js';
import { describeSettings } from '../../config.js';
import { selectDocuments, summarizeDocument, type DocumentOutcome, type TaskOutcome } from '../../pipeline/summarize.js';
import type { SummaryLang } from '../../text/language.js';
import { EXIT, libraryOption, UsageError, type Command, type Io } from '../command.js';
import { openFor, requireSource } from '../library.js';
import { serviceOptions, serviceUsage, settingsFor } from '../services.js';

const LANGS = ['auto', 'zh-Hans', 'zh-Hant', 'en'] as const;

export const summarizeCommand: Command = {
  name: 'summarize',
  usage: `engram summarize [ID...] [--source NAME] [--missing] [--lang auto|zh-Hans|zh-Hant|en] [--library DIR] [--json]

Makes summaries of documents from their transcripts and stores them in the library (a
"summary" tab in the web app, searchable, with provenance: model, prompt versions, tokens, date).
With a chat model configured: a cleaned transcript first when a document has only a raw one,
then a summary whose quotes are checked against the transcript (a quote that is not found is
removed; every kept quote carries the transcript's own time). A summary that fails its checks
after retries is stored as failed, with the reason. Without a chat model: an extractive
summary (key passages chosen from the transcript), labelled as such.

Choose documents by ID (or media URL / video ID), by --source, or --missing for every
document without a current engram summary (none yet, failed, or made from an older transcript).

Options:
  --source NAME    the documents of this source
  --missing        only documents without a current summary (with IDs or --source: among those)
  --lang L         summary language: auto (the transcript's language and script; default),
                   zh-Hans, zh-Hant or en
  --extractive     make the offline extractive summary even when a chat model is configured
  --no-tidy        do not make cleaned transcripts from raw ones
  --json           one JSON object per document: {documentId, title, lang, skipped?, tasks: [{task, status, reason?, renditionId, model, calls, tokens, quotes}]}
${serviceUsage('llm')}

Prompts: prompts/*.md ship with engram; LIBRARY/prompts/NAME.md overrides one.
Exit code: 0 all done, 1 some summaries failed (stored as failed, with the reason) or the
chat model could not be used, 2 usage error.`,
  options: {
    ...libraryOption, ...serviceOptions('llm'), source: { type: 'string' }, missing: { type: 'boolean' }, lang: { type: 'string' },
    extractive: { type: 'boolean' }, 'no-tidy': { type: 'boolean' }, json: { type: 'boolean' },
  },
  positionals: true,
  async run(values, positionals, io) {
    const lang = (values.lang as string | undefined) ?? 'auto';
    if (!(LANGS as readonly string[]).includes(lang)) throw new UsageError(`--lang must be one of ${LANGS.join(', ')}`);
    if (!positionals.length && !values.source && !values.missing) {
      throw new UsageError('say which documents: IDs, --source NAME, or --missing (every document without a current summary)');
    }
    const { db, dir } = openFor(values, io, 'write');
    try {
      requireSource(db, values.source as string | undefined);
      const settings = settingsFor('llm', values, io, dir);
      const llm = values.extractive ? undefined : createLlm(settings);
      const ids: number[] = [];
      for (const ref of positionals) {
        const id = findDocumentId(db, ref);
        if (id === undefined) throw new UsageError(`no document "${ref}" in the library (try \`engram search\`)`);
        if (!ids.includes(id)) ids.push(id); // named twice (or by ID and by URL): summarized once
      }
      const docs = selectDocuments(db, { ids, source: values.source as string | undefined, missing: Boolean(values.missing), method: llm ? 'llm' : 'extractive' });
      if (!values.json) {
        io.err.write(
          `${docs.length} document${docs.length === 1 ? '' : 's'}; ${llm ? `chat model ${describeSettings(settings)} (context ${llm.contextTokens} tokens)` : 'no chat model configured: extractive summaries'}\n`,
        );
      }
      let failed = false;
      for (const [i, id] of docs.entries()) {
        const step = stepLine(io, `${i + 1}/${docs.length}`);
        let outcome: DocumentOutcome;
        try {
          outcome = await summarizeDocument(db, id, { llm, lang: lang as SummaryLang | 'auto', libraryDir: dir, tidy: !values['no-tidy'], onStep: step.show });
        } catch (e) {
          step.clear();
          if (e instanceof LlmError) {
            io.err.write(`engram summarize: ${e.message}\nStopped: the chat model cannot be used as configured (${describeSettings(settings)}).\n`);
            return EXIT.partial;
          }
          throw e;
        }
        step.clear();
        if (outcome.tasks.some((t) => t.status === 'failed')) failed = true;
        if (values.json) io.out.write(JSON.stringify(outcome) + '\n');
        else io.out.write(describe(outcome));
      }
      return failed ? EXIT.partial : EXIT.ok;
    } finally {
      db.close();
    }
  },
};

function describeTask(t: TaskOutcome): string {
  const what = t.task === 'tidy' ? 'cleaned transcript' : t.task === 'extractive' ? 'extractive summary' : 'summary';
  if (t.status === 'failed') return `${what} FAILED (rendition ${t.renditionId}): ${t.reason}`;
  const cost = t.calls ? ` (${t.model}, ${t.calls} call${t.calls === 1 ? '' : 's'}, ${t.tokens?.toLocaleString('en-US')} tokens)` : '';
  const quotes = t.quotes ? `, ${t.quotes.verified}/${t.quotes.total} quotes verified` : '';
  return `${what} ${t.renditionId}${cost}${quotes}`;
}

function describe(o: DocumentOutcome): string {
  const head = `${o.tasks.some((t) => t.status === 'failed') ? '✗' : o.skipped ? '–' : '✓'} ${o.documentId} ${o.title ?? '(untitled)'}`;
  if (o.skipped) return `${head}: skipped, ${o.skipped}\n`;
  return `${head} [${o.lang}]\n${o.tasks.map((t) => `    ${describeTask(t)}\n`).join('')}`;
}

/** A transient status line on a terminal (`3/20 part 2/9 (00:40:00–01:20:00)`); nothing in a pipe. */
function stepLine(io: Io, prefix: string): { show: (s: string) => void; clear: () => void } {
  if (!io.err.isTTY) return { show() {}, clear() {} };
  let shown = false;
  return {
    show(s) {
      io.err.write(`\r\x1b[2K${prefix} ${s}`);
      shown = true;
    },
    clear() {
      if (shown) io.err.write('\r\x1b[2K');
    },
  };
}
