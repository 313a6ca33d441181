import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { ingest } from '../../src/pipeline/ingest.js';
import { exportPages, MAX_FILE_NAME_BYTES } from '../../src/export/pages.js';
import { logseqDialect, obsidianDialect } from '../../src/export/dialects.js';
import { writeExport } from '../../src/export/write.js';
import { findDocumentId, getDocument } from '../../src/store/read.js';
import { copyFixture, tempDir, tempLibrary } from '../helpers.js';

describe('export to notes apps', () => {
  const root = copyFixture('terms');
  const { db } = tempLibrary();
  beforeAll(async () => {
    await ingest(db, [root]);
  });

  it('writes Logseq pages with properties, timestamp links and [[ ]] links both ways', () => {
    const out = tempDir();
    const r = writeExport(out, 'logseq', exportPages(db, logseqDialect));
    expect(r.written).toBeGreaterThan(5);
    const pages = readdirSync(join(out, 'pages'));
    const doc = readFileSync(join(out, 'pages', pages.find((p) => p.startsWith('2025-06-02'))!), 'utf8');
    expect(doc).toMatch(/^title:: 2025-06-02 Small Models/m);
    expect(doc).toMatch(/^url:: https:\/\/www\.xiaoyuzhoufm\.com\/episode\/70aa11bb22cc33dd44ee5501$/m);
    expect(doc).toMatch(/^source:: 晚点聊 LateTalk \(Investigative Journalism\)$/m);
    expect(doc).toMatch(/^speakers:: .*\[\[刘知远\]\]/m);
    expect(doc).toContain('- ## Summary');
    const person = readFileSync(join(out, 'pages', '刘知远.md'), 'utf8');
    expect(person).toMatch(/^entity-type:: person$/m);
    expect(person).toMatch(/^alias:: .*Liu Zhiyuan/m);
    expect(person).toContain('[[2025-06-02 Small Models');
  });

  it('Logseq pages the user wrote in ingest back as notes that keep their titles, dates and links', async () => {
    const out = tempDir();
    writeExport(out, 'logseq', exportPages(db, logseqDialect));
    // What engram wrote is set aside (test/export/round-trip.test.ts): the user's block is the note.
    const page = join(out, 'pages', readdirSync(join(out, 'pages')).find((p) => p.startsWith('2025-06-02'))!);
    writeFileSync(page, readFileSync(page, 'utf8') + '- My note: listen again.\n');
    const { db: fresh } = tempLibrary();
    const r = await ingest(fresh, [out]);
    expect(r.failures).toEqual([]);
    const formats = fresh.prepare('SELECT DISTINCT format FROM renditions').pluck().all();
    expect(formats).toEqual(['logseq']);
    expect(fresh.prepare('SELECT count(*) FROM documents').pluck().get()).toBe(1);
    const id = findDocumentId(fresh, 'https://www.xiaoyuzhoufm.com/episode/70aa11bb22cc33dd44ee5501')!;
    const doc = getDocument(fresh, id)!;
    // The document's own title: the page's name without the date engram put before it.
    expect(doc.title).toBe('Small Models, Big Future: Density and On-Device AI');
    expect(doc.date).toBe('2025-06-02');
    expect(String((doc.renditions[0]!.metadata.properties as Record<string, string>).speakers)).toContain('[[刘知远]]');
  });

  it('re-export rewrites only what changed and never touches the user\'s pages', () => {
    const out = tempDir();
    const first = writeExport(out, 'obsidian', exportPages(db, obsidianDialect));
    const entityFile = join(out, 'Entities', '刘知远.md');
    expect(existsSync(entityFile)).toBe(true);
    // the user edits one exported page, and writes their own page where engram would write one
    writeFileSync(entityFile, readFileSync(entityFile, 'utf8') + '\nMy own note.\n');
    const theirs = readdirSync(join(out, 'Entities')).find((f) => f !== '刘知远.md')!;
    const ownPath = join(out, 'Entities', theirs);
    const documentsBefore = readdirSync(join(out, 'Documents'));
    // simulate a page of the user's that engram did not write: drop it from engram's manifest
    const manifest = JSON.parse(readFileSync(join(out, '.engram-export.json'), 'utf8'));
    delete manifest.files[`Entities/${theirs}`];
    writeFileSync(join(out, '.engram-export.json'), JSON.stringify(manifest));
    writeFileSync(ownPath, 'mine\n');
    const userPage = join(out, 'Reading list.md');
    writeFileSync(userPage, '# My reading list\n');

    const again = writeExport(out, 'obsidian', exportPages(db, obsidianDialect));
    expect(again.written).toBe(0);
    expect(again.unchanged).toBe(first.written - 2);
    expect(again.keptEdited).toEqual(['Entities/刘知远.md']);
    expect(again.notOurs).toEqual([`Entities/${theirs}`]);
    expect(readFileSync(entityFile, 'utf8')).toContain('My own note.');
    expect(readFileSync(ownPath, 'utf8')).toBe('mine\n');
    expect(readFileSync(userPage, 'utf8')).toBe('# My reading list\n');
    expect(readdirSync(join(out, 'Documents'))).toEqual(documentsBefore);
  });

  it('never removes a file outside its folder, whatever its record says, and says so when the record is damaged', () => {
    const base = tempDir();
    const out = join(base, 'export');
    writeExport(out, 'obsidian', exportPages(db, obsidianDialect));
    const victim = join(base, 'victim.md');
    writeFileSync(victim, 'my notes\n');
    const manifestPath = join(out, '.engram-export.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const h = createHash('sha256').update('my notes\n').digest('hex');
    Object.assign(manifest.files, { '../victim.md': h, [victim]: h, 'Documents/../../victim.md': h });
    writeFileSync(manifestPath, JSON.stringify(manifest));
    writeExport(out, 'obsidian', exportPages(db, obsidianDialect));
    expect(readFileSync(victim, 'utf8')).toBe('my notes\n');
    writeFileSync(manifestPath, '{"files": ');
    expect(() => writeExport(out, 'obsidian', exportPages(db, obsidianDialect))).toThrow(/\.engram-export\.json is damaged .*move it away/);
    writeFileSync(manifestPath, '[1, 2]');
    expect(() => writeExport(out, 'obsidian', exportPages(db, obsidianDialect))).toThrow(/not an engram export record/);
  });

  it('quotes an Obsidian property value that YAML would read as something else', () => {
    const front = obsidianDialect.properties([['a', 'Foo:'], ['b', '- dash'], ['c', 'null'], ['d', 'a: b'], ['e', '#tag'], ['f', 'No'], ['g', 'https://x.com/a'], ['h', '晚点聊 LateTalk']]);
    expect(front).toBe('---\na: "Foo:"\nb: "- dash"\nc: "null"\nd: "a: b"\ne: "#tag"\nf: "No"\ng: https://x.com/a\nh: 晚点聊 LateTalk\n---\n\n');
  });

  it('writes Obsidian front matter and aliases', () => {
    const pages = exportPages(db, obsidianDialect);
    const person = pages.find((p) => p.file === 'Entities/刘知远.md')!;
    expect(person.content).toMatch(/^---\ntype: engram entity\nentity-type: person\naliases:\n/);
    expect(person.content).toContain('  - Liu Zhiyuan');
  });
});

describe('export of long titles and pages that cannot be written', () => {
  const root = join(tempDir(), 'notes');
  const { db } = tempLibrary();
  // 90 Han characters: 270 bytes of UTF-8, more than a file name may hold.
  const long = '千名科技大佬发布公开信联名呼吁立即暂停大模型训练人工智能正处于失控前夕'.repeat(3).slice(0, 90);
  beforeAll(async () => {
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'long.md'), `# ${long}\n\nOpenAI 和 黄仁勋 都提到了。\n`);
    writeFileSync(join(root, 'twin.md'), `# ${long}（续）\n\nNVIDIA 的下一代芯片。\n`);
    writeFileSync(join(root, 'short.md'), '# 短标题\n\nDeepSeek 又发布了新模型。\n');
    await ingest(db, [root]);
  });

  it('shortens page names to a file name the file system takes, keeps them unique and links to them', () => {
    for (const dialect of [obsidianDialect, logseqDialect]) {
      const pages = exportPages(db, dialect);
      for (const p of pages) expect(Buffer.byteLength(basename(p.file))).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
      const shortened = pages.filter((p) => p.file.includes('…'));
      expect(shortened).toHaveLength(2);
      expect(new Set(shortened.map((p) => p.file)).size).toBe(2);
      const out = tempDir();
      const r = writeExport(out, dialect.name, pages);
      expect(r.failed).toEqual([]);
      expect(r.written).toBe(pages.length);
      // The entity page links to the shortened page by its name.
      const openai = pages.find((p) => /OpenAI\.md$/.test(p.file))!;
      const name = basename(shortened.find((p) => !p.file.includes('续'))!.file, '.md');
      expect(openai.content).toContain(`[[${name}`);
      // Logseq names a page by its title property: the same name the links use.
      if (dialect === logseqDialect) for (const p of shortened) expect(p.content).toContain(`title:: ${basename(p.file, '.md')}\n`);
    }
  });

  it('page names never start with a dot (a hidden file the notes app, and engram, would skip)', () => {
    for (const dialect of [obsidianDialect, logseqDialect]) {
      expect(dialect.pageName('.hidden notes')).toBe('hidden notes');
      expect(dialect.pageName('...')).toBe('');
      expect(dialect.pageName('Node.js 入门')).toBe('Node.js 入门');
    }
  });

  it('a page the file system refuses is reported and the others are written', async () => {
    const out = tempDir();
    const pages = exportPages(db, obsidianDialect);
    const blocked = pages.find((p) => p.file.includes('短标题'))!;
    mkdirSync(join(out, blocked.file, 'in-the-way'), { recursive: true }); // a folder where the page goes
    const r = writeExport(out, 'obsidian', pages);
    expect(r.failed.map((f) => f.file)).toEqual([]); // a folder there is "not ours": left alone
    expect(r.notOurs).toEqual([blocked.file]);
    // A file where the Entities folder goes refuses every entity page; the rest of the export goes on.
    const other = tempDir();
    writeFileSync(join(other, 'Entities'), 'not a folder\n');
    const r2 = writeExport(other, 'obsidian', pages);
    const entityPages = pages.filter((p) => p.file.startsWith('Entities/'));
    expect(r2.failed.map((f) => f.file)).toEqual(entityPages.map((p) => p.file));
    expect(r2.failed[0]!.reason).toMatch(/^E[A-Z]+$/);
    expect(r2.written).toBe(pages.length - entityPages.length);
    expect(readFileSync(join(other, 'Entities'), 'utf8')).toBe('not a folder\n');
    expect(readdirSync(other).filter((f) => f.endsWith('.engram-tmp'))).toEqual([]);
  });
});
