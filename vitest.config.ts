import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The word tables engram keeps between runs (terms/table-cache.ts) go to a folder of the
    // tests' own, not the user's cache.
    env: { ENGRAM_CACHE_DIR: join(tmpdir(), 'engram-test-cache') },
  },
});
