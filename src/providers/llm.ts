/**
 * The chat model: OpenAI-compatible chat completions (`POST {url}/chat/completions`), which
 * OpenAI, DeepSeek, Gemini's compatible endpoint, Ollama, llama.cpp's server and vLLM all
 * speak. One small interface, `Llm.chat`, used by summaries, tidying and questions.
 *
 * What this module guarantees, so callers need not think about it:
 * - Timeouts and retries with backoff on network errors, 429 and 5xx, honouring Retry-After
 *   (providers/http.ts). Streams are not retried once text has arrived (it was delivered).
 * - A token budget per call: the prompt is estimated (`estimateTokens`; Chinese costs more
 *   per character than English) and a call that would not fit the context window next to its
 *   answer is refused before anything is sent (`LlmError` reason `context`), so nothing is
 *   silently cut. A server that reports reading far fewer prompt tokens than were sent
 *   (Ollama truncates to its own `num_ctx` without a word) is reported the same way.
 * - An answer cut off at `maxTokens` says so (`truncated`); a body that is not a chat
 *   completion is an `LlmError` with reason `malformed`. Reasoning models' `<think>…</think>`
 *   preludes are removed from the text.
 * - Streaming (`onDelta`) reads server-sent events with an idle timeout: a stream may be slow,
 *   but one that stops sending is abandoned with reason `timeout`.
 */
import type { ServiceSettings } from '../config.js';
import { authHeaders, endpoint, fetchWithRetry, HttpError, redact, type FetchOptions } from './http.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatOptions {
  /** Most tokens the answer may use (`max_tokens`). Default 2,048. */
  maxTokens?: number;
  /** Default 0.2: summaries and tidying want faithful, not creative, text. */
  temperature?: number;
  /** Stream the answer (server-sent events): called with each piece of text as it arrives. */
  onDelta?: (text: string) => void;
  signal?: AbortSignal;
}

export interface TokenUsage {
  prompt: number;
  completion: number;
  /** True when the server did not report usage and these are `estimateTokens` counts. */
  estimated: boolean;
}

export interface ChatResult {
  text: string;
  /** The model that answered, as the server named it (else the configured name). */
  model: string;
  /** The server's `finish_reason` (`stop`, `length`…), null when it gave none. */
  finishReason: string | null;
  /** The answer was cut off at `maxTokens`: it is incomplete. */
  truncated: boolean;
  usage: TokenUsage;
}

/** A configured chat model. */
export interface Llm {
  /** The configured model name (what is sent as `model`). */
  readonly model: string;
  /** Context window in tokens, prompt and answer together. */
  readonly contextTokens: number;
  chat(messages: ChatMessage[], opts?: ChatOptions): Promise<ChatResult>;
}

export type LlmErrorReason = 'config' | 'http' | 'timeout' | 'malformed' | 'context';

/** A chat call that failed, with what to do about it in the message. */
export class LlmError extends Error {
  constructor(
    message: string,
    readonly reason: LlmErrorReason,
    /** Whether trying again later might succeed (rate limits, server errors, timeouts). */
    readonly transient = false,
  ) {
    super(message);
    this.name = 'LlmError';
  }
}

export interface LlmOptions {
  /** Retry policy overrides (tests shorten waits); default: 4 attempts, 5 minutes each. */
  retry?: Partial<FetchOptions>;
  /** Streams are abandoned after this long without data. Default 60 s. */
  idleTimeoutMs?: number;
}

export const DEFAULT_MAX_TOKENS = 2048;
/** A chat answer can take minutes on a local model: the per-attempt timeout is generous. */
const DEFAULT_TIMEOUT_MS = 300_000;
/** Prompts are estimated, not counted: keep this share of the window spare for the error. */
const SAFETY = 0.1;

/**
 * Context windows of well-known model families, by name prefix, for when the settings name
 * none (`ENGRAM_LLM_CONTEXT`). Unknown models get 8,192 tokens: small enough for a local
 * server's default, so long transcripts are split rather than truncated.
 */
const KNOWN_CONTEXT: [RegExp, number][] = [
  [/^(gpt-4o|gpt-4\.1|gpt-4-turbo|gpt-5|o[134](-|$))/i, 128_000],
  [/^deepseek/i, 64_000],
  [/^(models\/)?gemini/i, 1_000_000],
  [/^claude/i, 200_000],
  [/^(qwen|qwen2|qwen2\.5|qwen3)/i, 32_768],
];
export const DEFAULT_CONTEXT_TOKENS = 8192;

/** The context window for a model: the `context` setting, else a known family's, else 8,192. */
export function contextTokensFor(settings: Pick<ServiceSettings, 'model' | 'context'>): number {
  const set = Number(settings.context);
  if (settings.context !== undefined && Number.isFinite(set) && set >= 512) return Math.floor(set);
  const name = (settings.model ?? '').replace(/^.*\//, '');
  return KNOWN_CONTEXT.find(([re]) => re.test(name))?.[1] ?? DEFAULT_CONTEXT_TOKENS;
}

/**
 * The chat model the settings describe, or undefined when none is configured (no URL): callers
 * then fall back to their offline methods. A URL without a model is a configuration error.
 */
export function createLlm(settings: ServiceSettings | undefined, opts: LlmOptions = {}): Llm | undefined {
  if (!settings?.url) return undefined;
  if (!settings.model) {
    throw new LlmError(
      `a chat model URL is set (${redact(settings.url)}) but no model: set ENGRAM_LLM_MODEL, --llm-model or "llm.model" in config.json (any name for llama.cpp's server)`,
      'config',
    );
  }
  const contextTokens = contextTokensFor(settings);
  const url = endpoint(settings.url, 'chat/completions');
  const model = settings.model;
  const key = settings.key;
  return {
    model,
    contextTokens,
    async chat(messages, o = {}) {
      const maxTokens = o.maxTokens ?? DEFAULT_MAX_TOKENS;
      const promptTokens = estimateMessages(messages);
      if (promptTokens + maxTokens > contextTokens) {
        throw new LlmError(
          `the prompt (~${promptTokens} tokens) and its answer (${maxTokens}) do not fit ${model}'s context window (${contextTokens} tokens): split the input (set ENGRAM_LLM_CONTEXT if the window is larger)`,
          'context',
        );
      }
      const body = JSON.stringify({
        model,
        messages,
        max_tokens: maxTokens,
        temperature: o.temperature ?? 0.2,
        ...(o.onDelta ? { stream: true } : {}),
      });
      const init: RequestInit = {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: o.onDelta ? 'text/event-stream' : 'application/json', ...authHeaders(key) },
        body,
      };
      const streamAbort = new AbortController();
      const signal = o.signal ? AbortSignal.any([o.signal, streamAbort.signal]) : streamAbort.signal;
      let res: Response;
      try {
        res = await fetchWithRetry(url, init, { timeoutMs: DEFAULT_TIMEOUT_MS, ...opts.retry, signal });
      } catch (e) {
        throw asLlmError(e, url);
      }
      const answer = o.onDelta
        ? await readStream(res, url, o.onDelta, streamAbort, opts.idleTimeoutMs ?? 60_000, o.signal)
        : await readCompletion(res, url);
      const text = stripThinking(answer.text);
      const usage: TokenUsage = answer.usage ?? { prompt: promptTokens, completion: estimateTokens(text), estimated: true };
      if (!usage.estimated && promptTokens > 2000 && usage.prompt < promptTokens * 0.5) {
        throw new LlmError(
          `${redact(url)} read only ${usage.prompt} of ~${promptTokens} prompt tokens: its context window is smaller than ${contextTokens} tokens and it cut the input; set ENGRAM_LLM_CONTEXT to the server's window (Ollama: num_ctx)`,
          'context',
        );
      }
      return {
        text,
        model: answer.model ?? model,
        finishReason: answer.finishReason,
        truncated: answer.finishReason === 'length',
        usage,
      };
    },
  };
}

interface RawAnswer {
  text: string;
  model?: string;
  finishReason: string | null;
  usage?: TokenUsage;
}

function asLlmError(e: unknown, url: string): LlmError {
  if (e instanceof LlmError) return e;
  if (e instanceof HttpError) {
    const timeout = e.status === 0 && /timed out/.test(e.body);
    const hint = e.status === 401 || e.status === 403 ? ' (check ENGRAM_LLM_KEY)' : e.status === 404 ? ' (check ENGRAM_LLM_URL: the base URL, usually ending in /v1, and the model name)' : '';
    return new LlmError(`chat model: ${e.message}${hint}`, timeout ? 'timeout' : 'http', e.transient);
  }
  const err = e as Error;
  if (err?.name === 'AbortError' || err?.name === 'TimeoutError') return new LlmError(`chat model at ${redact(url)}: ${err.message}`, 'timeout', true);
  return new LlmError(`chat model at ${redact(url)}: ${err?.message ?? String(e)}`, 'http', true);
}

function usageOf(u: unknown): TokenUsage | undefined {
  const x = u as { prompt_tokens?: unknown; completion_tokens?: unknown } | undefined;
  if (!x || typeof x.prompt_tokens !== 'number' || typeof x.completion_tokens !== 'number') return undefined;
  return { prompt: x.prompt_tokens, completion: x.completion_tokens, estimated: false };
}

async function readCompletion(res: Response, url: string): Promise<RawAnswer> {
  let raw: string;
  try {
    raw = await res.text();
  } catch (e) {
    throw asLlmError(e, url);
  }
  let json: {
    model?: unknown;
    usage?: unknown;
    choices?: { message?: { content?: unknown }; finish_reason?: unknown }[];
  };
  try {
    json = JSON.parse(raw);
  } catch {
    throw new LlmError(`chat model at ${redact(url)} answered with something other than JSON: ${raw.slice(0, 200)}`, 'malformed', true);
  }
  const choice = Array.isArray(json?.choices) ? json.choices[0] : undefined;
  const content = choice?.message?.content;
  if (!choice || (typeof content !== 'string' && content !== null)) {
    throw new LlmError(`chat model at ${redact(url)} answered without a message (not an OpenAI-compatible chat completion): ${raw.slice(0, 200)}`, 'malformed', true);
  }
  return {
    text: content ?? '',
    model: typeof json.model === 'string' && json.model ? json.model : undefined,
    finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : null,
    usage: usageOf(json.usage),
  };
}

/**
 * Server-sent events: `data: {json}` lines, `data: [DONE]` at the end. Each chunk's
 * `choices[0].delta.content` is passed on as it arrives; usage comes in the last chunk when
 * the server sends it. No data for `idleMs` abandons the stream.
 */
async function readStream(
  res: Response,
  url: string,
  onDelta: (text: string) => void,
  abort: AbortController,
  idleMs: number,
  callerSignal?: AbortSignal,
): Promise<RawAnswer> {
  if (!res.body) throw new LlmError(`chat model at ${redact(url)} sent no stream`, 'malformed', true);
  if (!/event-stream/.test(res.headers.get('content-type') ?? '')) {
    // A server that ignores `stream: true` answers with one completion: accept it.
    const answer = await readCompletion(res, url);
    const text = stripThinking(answer.text);
    if (text) onDelta(text);
    return answer;
  }
  const out: RawAnswer = { text: '', finishReason: null };
  const thinking = thinkingFilter(onDelta);
  const decoder = new TextDecoder();
  const reader = res.body.getReader();
  let buffer = '';
  let idle: NodeJS.Timeout | undefined;
  let timedOut = false;
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, idleMs);
  };
  const handle = (line: string): boolean => {
    if (!line.startsWith('data:')) return false;
    const data = line.slice(5).trim();
    if (data === '[DONE]') return true;
    let chunk: { model?: unknown; usage?: unknown; choices?: { delta?: { content?: unknown }; finish_reason?: unknown }[] };
    try {
      chunk = JSON.parse(data);
    } catch {
      throw new LlmError(`chat model at ${redact(url)} sent a malformed stream event: ${data.slice(0, 200)}`, 'malformed', true);
    }
    if (typeof chunk.model === 'string' && chunk.model) out.model = chunk.model;
    const usage = usageOf(chunk.usage);
    if (usage) out.usage = usage;
    const choice = chunk.choices?.[0];
    const piece = choice?.delta?.content;
    if (typeof piece === 'string' && piece) {
      out.text += piece;
      thinking(piece);
    }
    if (typeof choice?.finish_reason === 'string') out.finishReason = choice.finish_reason;
    return false;
  };
  try {
    arm();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      arm();
      buffer += decoder.decode(value, { stream: true });
      let nl: number;
      let finished = false;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        if (handle(line)) finished = true;
      }
      if (finished) break;
    }
    if (buffer.trim()) handle(buffer.trim());
  } catch (e) {
    if (timedOut) throw new LlmError(`chat model at ${redact(url)} stopped sending for ${idleMs / 1000} s mid-answer`, 'timeout', true);
    if (callerSignal?.aborted) throw e;
    throw asLlmError(e, url);
  } finally {
    clearTimeout(idle);
    reader.cancel().catch(() => {});
  }
  return out;
}

/** `<think>…</think>` that reasoning models put before the answer. */
const THINKING = /^\s*<think>[\s\S]*?<\/think>\s*/;

export function stripThinking(text: string): string {
  return text.replace(THINKING, '');
}

/** Passes deltas on, except a leading `<think>…</think>` block and the blank lines after it. */
function thinkingFilter(onDelta: (text: string) => void): (piece: string) => void {
  let seen = '';
  let state: 'undecided' | 'thinking' | 'after' | 'answer' = 'undecided';
  const pass = (text: string): void => {
    const rest = state === 'after' ? text.replace(/^\s+/, '') : text;
    if (!rest) return;
    state = 'answer';
    onDelta(rest);
  };
  return (piece) => {
    if (state === 'answer' || state === 'after') return pass(piece);
    seen += piece;
    if (state === 'undecided') {
      const head = seen.trimStart();
      if ('<think>'.startsWith(head)) return; // could still become <think>
      if (!head.startsWith('<think>')) {
        state = 'answer';
        return onDelta(seen);
      }
      state = 'thinking';
    }
    const end = seen.indexOf('</think>');
    if (end >= 0) {
      state = 'after';
      pass(seen.slice(end + '</think>'.length));
    }
  };
}

const WIDE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]/gu;

/**
 * Tokens a text costs, estimated on the safe side for common tokenizers: Han, kana and hangul
 * about 1.1 tokens a character (tokenizers spend one or two per character where English gets
 * three or four characters per token), other text a token per 3.3 characters.
 */
export function estimateTokens(text: string): number {
  if (!text) return 0;
  const wide = text.match(WIDE)?.length ?? 0;
  return Math.ceil(wide * 1.1 + (text.length - wide) * 0.3);
}

/** A chat request's prompt tokens: the messages plus a few tokens of framing each. */
export function estimateMessages(messages: ChatMessage[]): number {
  return messages.reduce((n, m) => n + 4 + estimateTokens(m.content), 3);
}

/**
 * Tokens left for input text in one call, after the fixed part of the prompt (`overhead`,
 * e.g. the instructions) and the answer, with a safety margin for estimation error.
 */
export function inputBudget(llm: Pick<Llm, 'contextTokens'>, maxTokens: number, overhead = 0): number {
  return Math.max(0, Math.floor(llm.contextTokens * (1 - SAFETY)) - maxTokens - overhead);
}
