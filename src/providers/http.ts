/**
 * HTTP to external services (recognizer, chat model, embeddings, feeds): one place for
 * timeouts, retries and backoff, so every provider behaves the same under failure.
 *
 * Retried: network errors, timeouts, 408, 425, 429 and 5xx — with exponential backoff and
 * full jitter, honouring `Retry-After` (seconds or an HTTP date) up to a cap. Anything else
 * (400, 401, 404…) is final at once: retrying a bad request only wastes the user's quota.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** First backoff; doubles each attempt (full jitter: a random wait up to this). */
  baseDelayMs: number;
  /** No single wait is longer, Retry-After included. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, timeoutMs: 60_000, baseDelayMs: 500, maxDelayMs: 30_000 };

/** An HTTP failure with what the server said, for messages that tell the user what to do. */
export class HttpError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly body: string,
    /** Whether another attempt later might succeed (429, 5xx, network). */
    readonly transient: boolean,
    /** Seconds the server asked us to wait, if it said. */
    readonly retryAfterS?: number,
  ) {
    super(`${status ? `HTTP ${status}` : 'network error'} from ${redact(url)}${body ? `: ${body.slice(0, 300)}` : ''}`);
    this.name = 'HttpError';
  }
}

export interface FetchOptions extends RetryPolicy {
  signal?: AbortSignal;
  /** Called before each retry (for progress lines and logs). */
  onRetry?: (info: { attempt: number; delayMs: number; error: HttpError }) => void;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

const TRANSIENT_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * `fetch` with a timeout per attempt and retries for transient failures. Resolves with the
 * first successful (2xx/3xx) response; throws `HttpError` when attempts run out or the
 * failure is final. `init.body` must be re-sendable (a string, Buffer or FormData).
 */
export async function fetchWithRetry(url: string, init: RequestInit = {}, opts: Partial<FetchOptions> = {}): Promise<Response> {
  const policy: FetchOptions = { ...DEFAULT_RETRY, ...opts };
  const doFetch = policy.fetch ?? fetch;
  const sleep = policy.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    let error: HttpError;
    const timeout = AbortSignal.timeout(policy.timeoutMs);
    const signal = policy.signal ? AbortSignal.any([policy.signal, timeout]) : timeout;
    try {
      const res = await doFetch(url, { ...init, signal });
      if (res.ok || (res.status >= 300 && res.status < 400)) return res;
      const body = await res.text().catch(() => '');
      error = new HttpError(url, res.status, body.trim(), TRANSIENT_STATUS.has(res.status), retryAfter(res.headers.get('retry-after')));
    } catch (e) {
      if (policy.signal?.aborted) throw e;
      const reason = timeout.aborted ? `timed out after ${policy.timeoutMs} ms` : describeNetworkError(e);
      error = new HttpError(url, 0, reason, true);
    }
    if (!error.transient || attempt >= policy.attempts) throw error;
    const backoff = Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    const delayMs = Math.min(policy.maxDelayMs, error.retryAfterS !== undefined ? error.retryAfterS * 1000 : backoff);
    policy.onRetry?.({ attempt, delayMs, error });
    await sleep(delayMs);
  }
}

/** `Retry-After` as seconds: a number of seconds or an HTTP date. */
export function retryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const s = Number(header.trim());
  if (Number.isFinite(s) && s >= 0) return s;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

/** Join an OpenAI-style base URL (`http://host/v1`) and a path (`/chat/completions`). */
export function endpoint(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, '');
}

/** Bearer header when a key is set. */
export function authHeaders(key: string | undefined): Record<string, string> {
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** A URL safe to print: credentials removed. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** What went wrong under fetch's "fetch failed": the cause's code (ECONNREFUSED, ENOTFOUND) or at least its message ("bad port"). */
function describeNetworkError(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string; errors?: { code?: string }[] } };
  const cause = err.cause;
  const code = cause?.code ?? cause?.errors?.find((x) => x.code)?.code;
  if (code) return `${code}${cause?.message ? ` (${cause.message})` : ''}`;
  return cause?.message ? `${err.message}: ${cause.message}` : err.message;
}

export interface FollowedResponse {
  response: Response;
  /** The URL that answered, after redirects. */
  url: string;
  /** Redirects were followed and every one was permanent (301, 308): callers may remember `url`. */
  permanent: boolean;
}

/**
 * `fetchWithRetry` that follows redirects itself (each hop with its own retries), so callers
 * learn where a resource moved for good: a feed behind a 301 is polled at its new address
 * from then on, one behind a 302 is not. A 304 is an answer, not a redirect.
 */
export async function fetchFollowing(
  url: string, init: RequestInit = {}, opts: Partial<FetchOptions> & { maxRedirects?: number } = {},
): Promise<FollowedResponse> {
  const max = opts.maxRedirects ?? 10;
  let current = url;
  let permanent = true;
  for (let hops = 0; ; hops++) {
    const res = await fetchWithRetry(current, { ...init, redirect: 'manual' }, opts);
    if (res.status < 300 || res.status >= 400 || res.status === 304) return { response: res, url: current, permanent: hops > 0 && permanent };
    const location = res.headers.get('location');
    await res.body?.cancel();
    if (!location) throw new HttpError(current, res.status, 'redirect without a Location header', false);
    if (hops >= max) throw new HttpError(current, res.status, `more than ${max} redirects`, false);
    if (res.status !== 301 && res.status !== 308) permanent = false;
    current = new URL(location, current).toString();
  }
}
