/** `ask`: a question answered from the library with checked citations, as `engram ask --json` prints it. */
import { z } from 'zod';
import { ask } from '../../pipeline/ask.js';
import { dateRangeParams } from '../../server/params.js';
import { MAX_QUERY_LENGTH, questionTooLong } from '../../search/limits.js';
import { defineTool, ToolError } from '../tool.js';

export const askTool = defineTool({
  name: 'ask',
  title: 'Ask the library a question',
  description:
    'Answers a question from the transcripts, summaries, posts and notes in the local engram library, in the language of the question ' +
    '(Chinese in either script, or English; passages in the other language are found too), with numbered citations `[n]` to passages: ' +
    'document, speaker, time and a link to that moment. Every citation has been checked to exist and to say what it is cited for. ' +
    'status "not-in-library" means the library holds nothing that answers it: say so rather than guess. ' +
    'mode "offline" means no chat model is configured: the answer is the best passages, grouped by document. ' +
    'Use `show` with a citation\'s passage id to read around it.',
  input: {
    question: z.string().describe(`The question, at most ${MAX_QUERY_LENGTH} characters`),
    source: z.string().optional().describe('Only documents of this source (see the `sources` tool)'),
    since: z.string().optional().describe('Only documents dated on or after this day, month or year (2025-03-01, 2025-03, 2025)'),
    until: z.string().optional().describe('Only documents dated on or before this day, month or year'),
  },
  async run(args, { db, searcher, llm, libraryDir }) {
    const question = args.question.trim();
    if (!question) throw new ToolError('ask needs a question');
    const tooLong = questionTooLong(question);
    if (tooLong) throw new ToolError(tooLong);
    return ask(db, question, {
      searcher, llm, libraryDir,
      source: args.source,
      ...dateRangeParams((name) => args[name]),
    });
  },
});
