import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMcpServer, TOOLS } from '../../mcp/server.js';
import { answerInvalidParams } from '../../mcp/requests.js';
import { inlineSearcher } from '../../search/searcher.js';
import { warmUp } from '../../server/warm-up.js';
import { libraryOption, type Command } from '../command.js';
import { openFor } from '../library.js';
import { chatModelFor, serviceOptions, serviceUsage } from '../services.js';

export const mcpCommand: Command = {
  name: 'mcp',
  usage: `engram mcp [--library DIR] [--llm-url URL --llm-model NAME ...]

Serves the library to an AI assistant over the Model Context Protocol on stdin and stdout.
The assistant starts this command itself: add it to the client's configuration (the README
shows the line for a desktop client). Tools: ${TOOLS.map((t) => t.name).join(', ')}.
\`ask\` answers with the chat model when one is configured, else with the best passages.
\`engram serve\` offers the same tools over HTTP at /mcp.

Options:
${serviceUsage('llm')}`,
  options: { ...libraryOption, ...serviceOptions('llm') },
  async run(values, _p, io) {
    const { db, dir } = openFor(values, io);
    const llm = chatModelFor(values, io, dir);
    const server = createMcpServer({ db, searcher: inlineSearcher(db), llm, libraryDir: dir });
    const transport = new StdioServerTransport(io.stdin as Readable, io.out as Writable);
    // The client ends the session by closing our stdin (or with a signal).
    let stop = () => {};
    const ended = new Promise<void>((resolve) => (stop = resolve));
    transport.onclose = stop;
    io.stdin.once('end', stop);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      await server.connect(transport);
      answerUnreadableLines(transport);
      answerInvalidParams(transport);
      // Load the dictionaries now rather than during the first search the client asks for.
      setImmediate(() => warmUp(db, { search: true }));
      await ended;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await server.close();
      db.close();
    }
    return 0;
  },
};

/**
 * A line that is not JSON, or JSON that is not a JSON-RPC message, gets JSON-RPC's error
 * reply (id null), as over HTTP: the SDK's stdio transport only reports it to the server, and
 * a client waiting for its answer would wait until its own timeout.
 */
function answerUnreadableLines(transport: StdioServerTransport): void {
  const reported = transport.onerror;
  transport.onerror = (error) => {
    reported?.(error);
    const code = error instanceof SyntaxError ? -32700 : error.name === 'ZodError' ? -32600 : undefined;
    if (code === undefined) return;
    const message = code === -32700 ? `Parse error: ${error.message}` : 'Invalid Request: not a JSON-RPC 2.0 message';
    // The SDK's message types require an id; JSON-RPC answers an unreadable request with null.
    transport.send({ jsonrpc: '2.0', id: null, error: { code, message } } as unknown as Parameters<StdioServerTransport['send']>[0]).catch(() => {});
  };
}
