/**
 * Politeness: requests to one host start at least `delayMs` apart, however many items are
 * being fetched at once. A feed host serving 300 transcripts sees a steady trickle, not a burst.
 */
export class HostPacer {
  private readonly next = new Map<string, number>();

  constructor(readonly delayMs: number, private readonly now = () => Date.now()) {}

  /** Resolves when a request to `url`'s host may start. */
  async wait(url: string, signal?: AbortSignal): Promise<void> {
    if (this.delayMs <= 0) return;
    let host: string;
    try {
      host = new URL(url).host;
    } catch {
      return;
    }
    const now = this.now();
    const at = Math.max(now, this.next.get(host) ?? 0);
    this.next.set(host, at + this.delayMs);
    if (at > now) await sleep(at - now, signal);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    }, { once: true });
  });
}
