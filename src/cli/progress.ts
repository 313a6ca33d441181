/**
 * A one-line progress bar for long jobs, drawn only on a TTY (pipes and CI logs stay quiet),
 * redrawn at most ten times a second.
 */
import type { IngestProgress } from '../pipeline/ingest.js';

export function progressBar(stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }): {
  update(p: IngestProgress): void;
  done(): void;
} {
  if (!stream.isTTY) return { update() {}, done() {} };
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 100 && p.filesDone < p.filesTotal) return;
      last = now;
      const frac = p.bytesTotal ? p.bytesDone / p.bytesTotal : p.filesTotal ? p.filesDone / p.filesTotal : 1;
      const width = 24;
      const fill = Math.round(frac * width);
      const secs = p.elapsedMs / 1000;
      const line =
        `[${'█'.repeat(fill)}${'░'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ` +
        `${p.filesDone}/${p.filesTotal} files  ${(p.bytesDone / 1e6).toFixed(1)}/${(p.bytesTotal / 1e6).toFixed(1)} MB  ` +
        `${secs > 0 ? (p.documents / secs).toFixed(0) : 0} docs/s  ${p.current}`;
      const cols = stream.columns ?? 100;
      stream.write(`\r\x1b[2K${line.length > cols - 1 ? line.slice(0, cols - 2) + '…' : line}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}

/**
 * A one-line status for jobs whose total is not known in bytes (`engram update`): drawn on a
 * TTY only, at most ten times a second.
 */
export function statusLine(stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }): { update(text: string): void; done(): void } {
  if (!stream.isTTY) return { update() {}, done() {} };
  let last = 0;
  let drawn = false;
  return {
    update(text) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const cols = stream.columns ?? 100;
      stream.write(`\r\x1b[2K${text.length > cols - 1 ? text.slice(0, cols - 2) + '…' : text}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
