/**
 * JSON-RPC's answers to malformed requests, where the SDK gives others: a request whose params
 * do not fit its method (`tools/call` without a tool name) gets "invalid params" (-32602) with
 * what is wrong, not "internal error" (-32603) with a dump of the schema's complaint, which
 * tells a client the fault is the server's.
 */
import { ClientRequestSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

type RequestSchema = (typeof ClientRequestSchema.options)[number];

/** The SDK's schema of a client request, by method (a method it does not know has none: the SDK answers those). */
function schemaOf(method: string): RequestSchema | undefined {
  return ClientRequestSchema.options.find((s) => s.shape.method.safeParse(method).success);
}

/** What is wrong with a request's params, in a sentence; undefined when nothing is (or it is no request). */
export function invalidParams(message: JSONRPCMessage): string | undefined {
  if (!('method' in message) || !('id' in message)) return undefined;
  const checked = schemaOf(message.method)?.safeParse(message);
  if (!checked || checked.success) return undefined;
  const issue = checked.error.issues[0]!;
  const at = issue.path.join('.') || 'params';
  return `Invalid params for ${message.method}: ${at}: ${issue.message}`;
}

/** Answer requests with invalid params on this transport before they reach the server (call after `server.connect`). */
export function answerInvalidParams(transport: Transport): void {
  const deliver = transport.onmessage;
  if (!deliver) return;
  transport.onmessage = (message, extra) => {
    const wrong = invalidParams(message);
    if (wrong === undefined) return deliver(message, extra);
    if (!('id' in message)) return;
    transport.send({ jsonrpc: '2.0', id: message.id, error: { code: -32602, message: wrong } }).catch(() => {});
  };
}
