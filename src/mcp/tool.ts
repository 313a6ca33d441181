/**
 * One shape for every MCP tool: a name, what it is for (the model reads the description to
 * decide when to call it), its input as a zod shape (the SDK turns it into JSON Schema and
 * validates calls), and a function from the validated input to a JSON answer, the same shapes
 * the CLI prints with --json. A `ToolError` becomes an error result the model can read.
 */
import type { z, ZodRawShape } from 'zod';
import type { DB } from '../store/db.js';
import type { Searcher } from '../search/searcher.js';
import type { Llm } from '../providers/llm.js';

export interface ToolContext {
  db: DB;
  /** Where searches run: the web server's threads over HTTP, inline over stdio. */
  searcher: Searcher;
  /** The chat model `ask` answers with (ENGRAM_LLM_* or the library's config); none: offline answers. */
  llm?: Llm;
  /** The library's folder: its prompts/ask.md, if any, overrides the shipped prompt. */
  libraryDir?: string;
}

export interface EngramTool<S extends ZodRawShape = ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: S;
  run(args: z.objectOutputType<S, z.ZodTypeAny>, ctx: ToolContext): unknown;
}

/** A message for the model (bad input, nothing found): shown as the tool's error result. */
export class ToolError extends Error {}

/** Keeps each tool's input type tied to its own shape. */
export function defineTool<S extends ZodRawShape>(tool: EngramTool<S>): EngramTool<S> {
  return tool;
}
