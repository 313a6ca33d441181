/**
 * Progress for long jobs, drawn only on a TTY (pipes and CI logs stay quiet), redrawn at most
 * ten times a second: a one-line status, and the ingest's progress bar on top of it.
 */
import type { IngestProgress } from '../pipeline/ingest.js';
import { printable } from './printable.js';

type Terminal = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/** A one-line status (`engram update`); `force` draws even within the throttle (the last state). */
export function statusLine(stream: Terminal): { update(text: string, force?: boolean): void; done(): void } {
  if (!stream.isTTY) return { update() {}, done() {} };
  let last = 0;
  let drawn = false;
  return {
    update(text, force = false) {
      const now = Date.now();
      if (now - last < 100 && !force) return;
      last = now;
      const cols = stream.columns ?? 100;
      const safe = printable(text); // names in it come from files and feeds
      stream.write(`\r\x1b[2K${safe.length > cols - 1 ? safe.slice(0, cols - 2) + '…' : safe}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}

export function progressBar(stream: Terminal): { update(p: IngestProgress): void; done(): void } {
  const line = statusLine(stream);
  return {
    update(p) {
      const frac = p.bytesTotal ? p.bytesDone / p.bytesTotal : p.filesTotal ? p.filesDone / p.filesTotal : 1;
      const width = 24;
      const fill = Math.round(frac * width);
      const secs = p.elapsedMs / 1000;
      line.update(
        `[${'█'.repeat(fill)}${'░'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ` +
          `${p.filesDone}/${p.filesTotal} files  ${(p.bytesDone / 1e6).toFixed(1)}/${(p.bytesTotal / 1e6).toFixed(1)} MB  ` +
          `${secs > 0 ? (p.documents / secs).toFixed(0) : 0} docs/s  ${p.current}`,
        p.filesDone >= p.filesTotal,
      );
    },
    done: line.done,
  };
}
