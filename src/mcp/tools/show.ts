/**
 * `show`: a document (its metadata, renditions, and a page of one rendition's passages), or a
 * window of passages around one passage. Pages are small: a model reads a 200 MB transcript
 * the way a person does, a window at a time.
 */
import { z } from 'zod';
import { findDocumentId, getDocument, locatePassage } from '../../store/read.js';
import { defineTool, ToolError } from '../tool.js';

const DEFAULT_LIMIT = 40;
const MAX_LIMIT = 200;

export const showTool = defineTool({
  name: 'show',
  title: 'Read a document or passage',
  description:
    'Reads from the engram library: give `document` (an id, media URL or YouTube video id) for its metadata, renditions ' +
    '(summary, transcript, raw transcript, notes) and a page of passages, or `passage` (a passage id from `search`) for the passages around it. ' +
    'Passages carry speaker, start time in seconds and a link to that moment. `next` says how to ask for the following page.',
  input: {
    document: z.string().optional().describe('Document id, media URL, YouTube video id or key'),
    passage: z.number().int().min(1).optional().describe('A passage id (search results give one): show the passages around it'),
    rendition: z.number().int().min(1).optional().describe("Which rendition's passages (default: the first, usually the summary)"),
    offset: z.number().int().min(0).optional().describe('Passages to skip in the rendition'),
    limit: z.number().int().min(1).max(MAX_LIMIT).optional().describe(`Passages to return (default ${DEFAULT_LIMIT})`),
    around: z.number().int().min(0).max(50).optional().describe('With `passage`: passages before and after it (default 5)'),
  },
  run(args, { db }) {
    let id: number | undefined;
    let renditionId = args.rendition;
    let offset = args.offset ?? 0;
    let limit = args.limit ?? DEFAULT_LIMIT;
    // Each names what to read; both at once would silently read one of them.
    if (args.passage !== undefined && args.document !== undefined) {
      throw new ToolError('give `document` or `passage`, not both: a passage id already names its document');
    }
    if (args.passage !== undefined) {
      const at = locatePassage(db, args.passage);
      if (!at) throw new ToolError(`no passage ${args.passage} in the library`);
      const around = args.around ?? 5;
      id = at.documentId;
      renditionId = at.renditionId;
      offset = Math.max(0, at.seq - around);
      limit = at.seq - offset + around + 1;
    } else if (args.document !== undefined) {
      id = findDocumentId(db, args.document);
      if (id === undefined) throw new ToolError(`no document "${args.document}" in the library (an id, media URL, YouTube video id or key)`);
    } else {
      throw new ToolError('show needs a `document` or a `passage`');
    }
    renditionId ??= getDocument(db, id, { passages: false })?.renditions[0]?.id;
    const doc = getDocument(db, id, { renditionId: renditionId ?? -1, passageOffset: offset, passageLimit: limit });
    if (!doc) throw new ToolError(`no document ${id} in the library`);
    const current = doc.renditions.find((r) => r.id === renditionId);
    if (renditionId !== undefined && !current) throw new ToolError(`document ${id} has no rendition ${renditionId}`);
    const shown = current?.passages?.length ?? 0;
    const next = current && offset + shown < current.passageCount ? { document: String(id), rendition: current.id, offset: offset + shown, limit } : null;
    return { ...doc, next };
  },
});
