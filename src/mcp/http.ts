/**
 * `/mcp` on the web server: MCP's Streamable HTTP transport, stateless (each POST carries a
 * whole exchange and gets a JSON answer; no sessions to keep). It sits behind the server's
 * token and Host rules like every other path, and refuses requests a web page on another
 * origin makes (the transport requires that check against DNS rebinding): the origin the
 * request names (Host), or the server's public address when one is set (behind a reverse
 * proxy, Host is the proxy's upstream) are its own.
 */
import type { Context } from 'hono';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { HttpError } from '../server/params.js';
import { createMcpServer } from './server.js';
import { answerInvalidParams } from './requests.js';
import type { ToolContext } from './tool.js';

export function mcpHandler(ctx: ToolContext, opts: { publicUrl?: string } = {}): (c: Context) => Promise<Response> {
  return async (c) => {
    const origin = c.req.header('origin');
    if (origin !== undefined && !sameHost(origin, c.req.header('host')) && !sameOrigin(origin, opts.publicUrl)) {
      throw new HttpError(403, `MCP requests from a web page on ${origin} are refused`);
    }
    if (await isEmptyBatch(c.req.raw)) {
      // JSON-RPC answers an empty batch with one error; the transport would accept it as holding no requests (202).
      return c.json({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request: an empty batch' } }, 400);
    }
    const server = createMcpServer(ctx);
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    answerInvalidParams(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      await server.close();
    }
  };
}

/** Whether the body is `[]`: read only when it is that short (the transport reads the body itself, within its limit). */
async function isEmptyBatch(req: Request): Promise<boolean> {
  const length = Number(req.headers.get('content-length') ?? NaN);
  if (!(length <= 16)) return false;
  return (await req.clone().text()).trim() === '[]';
}

/** `origin` is the public address (an origin as public-url.ts makes it). */
function sameOrigin(origin: string, publicUrl: string | undefined): boolean {
  try {
    return publicUrl !== undefined && new URL(origin).origin === publicUrl;
  } catch {
    return false;
  }
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
