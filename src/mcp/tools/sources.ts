/** `sources`: what the library holds, by source, as `engram stats --json` lists them. */
import { z } from 'zod';
import { sources } from '../../server/overview.js';
import { defineTool } from '../tool.js';

export const sourcesTool = defineTool({
  name: 'sources',
  title: 'List the sources',
  description:
    'The sources in the engram library (channels, podcasts, feeds, note folders), most documents first, ' +
    'with document counts and date ranges. A source name can filter `search`.',
  input: {
    limit: z.number().int().min(1).max(1000).optional().describe('Sources to return (default 100)'),
    offset: z.number().int().min(0).optional().describe('Sources to skip, for the next page'),
  },
  run(args, { db }) {
    const all = sources(db);
    const offset = args.offset ?? 0;
    return { total: all.length, sources: all.slice(offset, offset + (args.limit ?? 100)) };
  },
});
