/**
 * `/mcp` on the web server: MCP's Streamable HTTP transport, stateless (each POST carries a
 * whole exchange and gets a JSON answer; no sessions to keep). It sits behind the server's
 * token and Host rules like every other path, and refuses requests a web page on another
 * origin makes (the transport requires that check against DNS rebinding).
 */
import type { Context } from 'hono';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { HttpError } from '../server/params.js';
import { createMcpServer } from './server.js';
import type { ToolContext } from './tool.js';

export function mcpHandler(ctx: ToolContext): (c: Context) => Promise<Response> {
  return async (c) => {
    const origin = c.req.header('origin');
    if (origin !== undefined && !sameHost(origin, c.req.header('host'))) {
      throw new HttpError(403, `MCP requests from a web page on ${origin} are refused`);
    }
    const server = createMcpServer(ctx);
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      await server.close();
    }
  };
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
