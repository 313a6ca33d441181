/**
 * `entities`: who and what the library talks about — one entity (its aliases, the documents
 * that mention it, mentions by month, what comes up with it, its best passages: the shape of
 * `engram entity --json`), or the list of them (`engram entities --json`). An entity in a
 * thousand documents is answered a page of documents at a time: a model's context is small.
 */
import { z } from 'zod';
import { ENTITY_TYPES, type EntityType } from '../../entities/names.js';
import { findEntity, getEntity, listEntities } from '../../entities/read.js';
import { defineTool, ToolError } from '../tool.js';

const DEFAULT_LIMIT = 20;

export const entitiesTool = defineTool({
  name: 'entities',
  title: 'People, companies, models and concepts',
  description:
    'The people, organizations, products/models and concepts the engram library mentions, one entity across scripts, languages ' +
    'and spellings (习近平, 習近平 and Xi Jinping are one). Give `name` for one entity: its aliases, the documents mentioning it ' +
    '(newest first, a page at a time), mentions by month, the entities that come up with it, and its best passages. ' +
    'Without `name`: the entities most widespread first, optionally of one `type`.',
  input: {
    name: z.string().optional().describe('An entity by any of its names, in any script or spelling'),
    type: z.enum(ENTITY_TYPES as unknown as [EntityType, ...EntityType[]]).optional().describe('Without `name`: only entities of this type'),
    limit: z.number().int().min(1).max(200).optional().describe(`Entities, or an entity's documents, to return (default ${DEFAULT_LIMIT})`),
    offset: z.number().int().min(0).optional().describe("With `name`: the entity's documents to skip, for the next page"),
  },
  run(args, { db }) {
    const limit = args.limit ?? DEFAULT_LIMIT;
    if (args.name === undefined) {
      return { entities: listEntities(db, { type: args.type, limit }).map(({ id: _id, ...e }) => e) };
    }
    const id = args.name.trim() ? findEntity(db, args.name) : undefined;
    const e = id === undefined ? undefined : getEntity(db, id);
    if (!e) throw new ToolError(`no entity "${args.name}" in the library (call entities without a name to list them)`);
    const offset = args.offset ?? 0;
    const documents = e.documents.slice(offset, offset + limit);
    const next = offset + documents.length < e.documents.length ? { name: args.name, offset: offset + documents.length, limit } : null;
    return { ...e, documents, documentCount: e.documents.length, next };
  },
});
