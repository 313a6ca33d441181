import { ask, type AskResult, type Citation } from '../../pipeline/ask.js';
import { formatTimecode } from '../../formats/media.js';
import { libraryOption, UsageError, type Command, type Io } from '../command.js';
import { dateRange } from '../dates.js';
import { openFor, requireSource } from '../library.js';
import { chatModelFor, serviceOptions, serviceUsage } from '../services.js';
import { questionTooLong } from '../../search/limits.js';

export const askCommand: Command = {
  name: 'ask',
  usage: `engram ask "QUESTION" [--source NAME] [--since DATE] [--until DATE] [--json] [--offline]

Answers from the library, in the question's language, with numbered citations to passages
(document, speaker, time, link to the moment). Every citation is checked against the passage
it points to; citations that do not hold are dropped. "Not in the library" is an answer too.
Without a chat model configured (or with --offline) the answer is the best passages,
grouped by document.

Options:
  --source NAME    only this source
  --since DATE     only documents dated on/after DATE (YYYY-MM-DD, YYYY-MM or YYYY)
  --until DATE     only documents dated on/before DATE
  --offline        do not ask the chat model even if one is configured
  --json           {answer, citations: [{n, document: {id, title, url, date, source},
                   passage: {id, text, start, end, speaker, link}}], status, mode, notes, dropped}
${serviceUsage('llm')}

Exit code: 0 answered (or not in the library), 2 usage error.`,
  options: {
    ...libraryOption, source: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' },
    json: { type: 'boolean' }, offline: { type: 'boolean' }, ...serviceOptions('llm'),
  },
  positionals: true,
  async run(values, positionals, io) {
    const question = positionals.join(' ').trim();
    if (!question) throw new UsageError('ask needs a QUESTION, e.g. engram ask "what is the densing law?"');
    // The limit the web app and MCP hold a question to (a question is searched as a query).
    const tooLong = questionTooLong(question);
    if (tooLong) throw new UsageError(tooLong);
    const { since, until } = dateRange(values);
    const { db, dir } = openFor(values, io);
    try {
      requireSource(db, values.source as string | undefined);
      const llm = values.offline ? undefined : chatModelFor(values, io, dir);
      const json = Boolean(values.json);
      const result = await ask(db, question, {
        source: values.source as string | undefined, since, until, llm, libraryDir: dir,
        onText: json ? undefined : (text) => io.out.write(text),
      });
      if (json) io.out.write(JSON.stringify(result, null, 2) + '\n');
      else printSources(result, io);
      return 0;
    } finally {
      db.close();
    }
  },
};

function printSources(r: AskResult, io: Io): void {
  const dim = (s: string) => (io.out.isTTY ? `\x1b[2m${s}\x1b[22m` : s);
  io.out.write('\n');
  if (r.citations.length) {
    // The offline answer already names each passage's document: only the links are new.
    io.out.write(`\n${r.mode === 'llm' ? 'Sources' : 'Links'}:\n`);
    for (const c of r.citations) {
      const link = c.passage.link ?? c.document.url ?? `engram show ${c.document.id}`;
      io.out.write(r.mode === 'llm' ? `${citationLine(c)}\n    ${dim(link)}\n` : `[${c.n}] ${dim(link)}\n`);
    }
  }
  for (const n of r.notes) io.err.write(`note: ${n}\n`);
  if (r.dropped.length) io.err.write(`note: the checks removed ${r.dropped.length} citation(s) or sentence(s) (--json lists them)\n`);
}

/** `[1] Title — source, 2025-04-02 · 12:34 · Speaker` */
function citationLine(c: Citation): string {
  const meta = [c.document.source, c.document.date].filter(Boolean).join(', ');
  const at = [c.passage.start != null ? formatTimecode(c.passage.start) : null, c.passage.speaker].filter(Boolean).join(' · ');
  return `[${c.n}] ${c.document.title ?? '(untitled)'}${meta ? ` — ${meta}` : ''}${at ? ` · ${at}` : ''}`;
}
