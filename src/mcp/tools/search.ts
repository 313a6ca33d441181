/** `search`: the library's search, results as `engram search --json` prints them. */
import { z } from 'zod';
import { hitJson } from '../../search/hit-json.js';
import { MAX_QUERY_LENGTH, queryTooLong } from '../../search/limits.js';
import { dateRangeParams } from '../../server/params.js';
import { defineTool, ToolError } from '../tool.js';

export const searchTool = defineTool({
  name: 'search',
  title: 'Search the library',
  description:
    'Full-text search over the transcripts, summaries, posts and notes in the local engram library. ' +
    'Chinese in either script (Simplified or Traditional finds both) and English; quote a phrase to match it exactly. ' +
    'Each document appears once, with its best passage, highlight offsets, a deep link to that moment and how many more passages matched. ' +
    'Use `show` with the document id (or the passage id) to read more.',
  input: {
    query: z.string().describe(`Words to find, at most ${MAX_QUERY_LENGTH} characters; "quoted phrases" match exactly`),
    source: z.string().optional().describe('Only documents of this source (see the `sources` tool)'),
    speaker: z.string().optional().describe('Only passages spoken by this person (substring, case-insensitive)'),
    since: z.string().optional().describe('Only documents dated on or after this day, month or year (2025-03-01, 2025-03, 2025)'),
    until: z.string().optional().describe('Only documents dated on or before this day, month or year'),
    limit: z.number().int().min(1).max(50).optional().describe('Results to return (default 10)'),
    offset: z.number().int().min(0).max(1000).optional().describe('Results to skip, for the next page'),
  },
  async run(args, { searcher }) {
    const query = args.query.trim();
    if (!query) throw new ToolError('search needs a query: a few words');
    const tooLong = queryTooLong(query);
    if (tooLong) throw new ToolError(tooLong);
    const r = await searcher.search(query, {
      limit: args.limit ?? 10,
      offset: args.offset ?? 0,
      source: args.source,
      speaker: args.speaker,
      ...dateRangeParams((name) => args[name]),
    });
    return { query: r.query, total: r.total, results: r.hits.map(hitJson) };
  },
});
