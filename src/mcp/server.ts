/**
 * engram as a Model Context Protocol server: the same tools over stdio (`engram mcp`) and
 * over Streamable HTTP (`engram serve` at /mcp). A tool is one entry in TOOLS.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { HttpError } from '../server/params.js';
import { SearchRefused } from '../server/search-pool.js';
import { searchTool } from './tools/search.js';
import { showTool } from './tools/show.js';
import { sourcesTool } from './tools/sources.js';
import { askTool } from './tools/ask.js';
import { entitiesTool } from './tools/entities.js';
import { ToolError, type EngramTool, type ToolContext } from './tool.js';

/** Every tool engram offers. */
export const TOOLS: readonly EngramTool<any>[] = [searchTool, showTool, sourcesTool, askTool, entitiesTool];

const VERSION = '0.1.0';

/** Errors the model should read and act on; anything else is a fault of ours and is thrown. */
const forTheModel = (e: unknown): e is Error => e instanceof ToolError || e instanceof HttpError || e instanceof SearchRefused;

export function createMcpServer(ctx: ToolContext): McpServer {
  const server = new McpServer({ name: 'engram', version: VERSION });
  for (const tool of TOOLS) {
    server.registerTool(
      tool.name,
      { title: tool.title, description: tool.description, inputSchema: tool.input, annotations: { readOnlyHint: true, openWorldHint: false } },
      async (args: unknown) => {
        try {
          const answer = await tool.run(args as never, ctx);
          return { content: [{ type: 'text' as const, text: JSON.stringify(answer, null, 2) }] };
        } catch (e) {
          if (forTheModel(e)) return { isError: true, content: [{ type: 'text' as const, text: e.message }] };
          throw e;
        }
      },
    );
  }
  return server;
}
