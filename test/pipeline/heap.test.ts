/**
 * The writer's heap during an ingest (pipeline/heap.ts): held to what it keeps times the
 * workers' factor, however long the ingest, instead of growing up to four times that.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { userSetHeapGrowing } from '../../src/pipeline/heap.js';

const HEAP = pathToFileURL(resolve('dist/pipeline/heap.js')).href;

/**
 * In a fresh process (the setting is the process's): keep ~50 MB, then make garbage that
 * outlives young collections, as files parsed ahead of the writer do, and report the largest
 * heap seen. The heap limit is set so that V8's own factor is the same on any machine.
 */
function largestHeapMb(bound: boolean): number {
  const script = `
    import { boundHeapGrowth } from ${JSON.stringify(HEAP)};
    import { getHeapStatistics } from 'node:v8';
    const release = ${bound} ? boundHeapGrowth() : () => {};
    const kept = Array.from({ length: 300_000 }, (_, i) => ({ i, s: 'kept ' + i }));
    const waiting = [];
    let largest = 0;
    for (let n = 0; n < 300; n++) {
      waiting.push(Array.from({ length: 10_000 }, (_, i) => ({ n, i, s: 'parsed ' + i })));
      if (waiting.length > 20) waiting.shift();
      largest = Math.max(largest, getHeapStatistics().used_heap_size);
    }
    release();
    console.log(JSON.stringify({ largest, kept: kept.length }));
  `;
  const r = spawnSync(process.execPath, ['--max-old-space-size=4096', '--input-type=module', '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout).largest / 1e6;
}

describe('the writer heap during an ingest', () => {
  it('grows as a capped worker heap does, not up to four times what it keeps', () => {
    const free = largestHeapMb(false);
    const bound = largestHeapMb(true);
    expect(bound).toBeLessThan(free * 0.7);
  }, 60_000);

  it('is left to the user who set the factor for the process', () => {
    expect(userSetHeapGrowing(['--heap-growing-percent=50'], '')).toBe(true);
    expect(userSetHeapGrowing([], '--max-old-space-size=512 --heap_growing_percent=20')).toBe(true);
    expect(userSetHeapGrowing(['--max-old-space-size=512'], '--enable-source-maps')).toBe(false);
  });
});
