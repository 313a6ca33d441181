/**
 * A small library for the web tests, built in a temp dir from test/fixtures/web plus one
 * generated long transcript (enough passages to need several pages).
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openLibrary, type DB } from '../../src/store/db.js';
import { ingest } from '../../src/pipeline/ingest.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'web');
export const LONG_LINES = 520;
export const LONG_VIDEO = 'lOnGtAlk042';

export interface FixtureLibrary {
  db: DB;
  dir: string;
  cleanup(): void;
}

function longTranscript(): string {
  const speakers = ['王一', 'Alice Chen'];
  const lines = [
    '# 一场很长的对谈',
    '',
    '**Podcast:** Tea Talk 茶话',
    '**Date:** 2024-11-05',
    `**Video URL:** https://www.youtube.com/watch?v=${LONG_VIDEO}`,
    '',
    '---',
    '',
  ];
  for (let i = 0; i < LONG_LINES; i++) {
    const t = 5 + i * 7;
    const hh = String(Math.floor(t / 3600)).padStart(2, '0');
    const mm = String(Math.floor((t % 3600) / 60)).padStart(2, '0');
    const ss = String(t % 60).padStart(2, '0');
    const marker = i === 300 ? '这里提到了独一无二的暗号青蛙灯塔。' : '';
    lines.push(`[${hh}:${mm}:${ss}] ${speakers[i % 2]}: 第${i + 1}段发言，我们继续讨论模型评测和数据清洗。${marker}`);
  }
  return lines.join('\n') + '\n';
}

/** `extra`: more folders to ingest alongside the fixtures (the browser tests add the shipped sample). */
export async function buildFixtureLibrary(extra: string[] = []): Promise<FixtureLibrary> {
  const dir = mkdtempSync(join(tmpdir(), 'engram-web-'));
  const src = join(dir, 'src');
  cpSync(FIXTURES, src, { recursive: true });
  const long = join(src, 'podcast', 'Tea Talk', '042 一场很长的对谈');
  mkdirSync(long, { recursive: true });
  writeFileSync(join(long, 'transcript.md'), longTranscript());
  const db = openLibrary(join(dir, 'library'));
  const report = await ingest(db, [src, ...extra]);
  if (report.failures.length) throw new Error(`fixture ingest failed: ${JSON.stringify(report.failures)}`);
  return {
    db,
    dir,
    cleanup() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
