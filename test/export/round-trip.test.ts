/**
 * An export ingested back into the library it came from (formats/engram-pages.ts): engram's
 * own sections are set aside, so nothing is counted twice — no entity page becomes a
 * document, no document page adds its document's mentions again — while what the user wrote
 * in a page, and the pages they wrote, ingest as notes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/pipeline/ingest.js';
import { exportPages } from '../../src/export/pages.js';
import { logseqDialect, obsidianDialect, type Dialect } from '../../src/export/dialects.js';
import { writeExport } from '../../src/export/write.js';
import { findDocumentId } from '../../src/store/read.js';
import { findEntity } from '../../src/entities/read.js';
import type { DB } from '../../src/store/db.js';
import { tempDir, tempLibrary } from '../helpers.js';

const VIDEO = 'https://www.youtube.com/watch?v=Rt7xQp2Lm0a';

/** A small library of its own: an episode (transcript and summary) and a note without a URL. */
function writeMedia(): string {
  const root = join(tempDir(), 'media');
  const ep = join(root, 'Test Show', 'ep-1');
  mkdirSync(ep, { recursive: true });
  const header = ['**Podcast:** 测试播客', '**Date:** 2025-03-04', '**Participants:** 周明, 林雪', `**Video URL:** ${VIDEO}`, '', '---', ''];
  writeFileSync(join(ep, 'transcript.md'), ['# 芯片与模型', '', ...header,
    '[00:00:00] 周明: 今天聊聊 OpenAI 和 英伟达 的新芯片',
    '[00:00:06] 林雪: 黄仁勋 上周也谈到了 DeepSeek',
    '[00:00:12] 周明: 谢谢收听',
  ].join('\n') + '\n');
  writeFileSync(join(ep, 'summary.md'), ['# 芯片与模型', '', ...header, '# Podcast Summary', '', '## 1. Key Themes', '',
    'OpenAI and NVIDIA compete on chips.', '', '## 3. Companies Identified', '', '### Frobnix Labs', '', '**Description:** A made-up lab.', '',
    '## 4. People Identified', '', '### Quill Varnot (柯文拓)', '', '**Description:** A made-up researcher.', '',
  ].join('\n'));
  mkdirSync(join(root, 'notes'));
  writeFileSync(join(root, 'notes', 'reading.md'), '# 读书笔记\n\nOpenAI 的新模型很有意思，黄仁勋 也评论了。\n');
  return root;
}

/** Everything the terms stage derives, and the documents it derives it for. */
function state(db: DB) {
  return {
    documents: db.prepare('SELECT id, key, title, date, url FROM documents ORDER BY id').all(),
    entities: db.prepare('SELECT id, slug, name, type, aliases, lexicon_id FROM entities ORDER BY id').all(),
    mentions: db.prepare('SELECT entity_id, document_id, passage_id, start, end, surface, via FROM mentions ORDER BY document_id, via, passage_id, start, entity_id').all(),
    speakers: db.prepare('SELECT document_id, label, entity_id FROM speaker_names ORDER BY document_id, label').all(),
  };
}

/** A document's mentions, as `entity passage` strings. */
const mentionsOf = (db: DB, documentId: number) =>
  (db.prepare('SELECT e.name AS entity, m.passage_id AS passage FROM mentions m JOIN entities e ON e.id = m.entity_id WHERE m.document_id = ?')
    .all(documentId) as { entity: string; passage: number | null }[]).map((m) => `${m.entity} ${m.passage}`);

/** What `after` holds beyond `before` (each of `before` must be in it). */
function added(before: string[], after: string[]): string[] {
  const rest = [...after];
  for (const m of before) {
    expect(rest).toContain(m);
    rest.splice(rest.indexOf(m), 1);
  }
  return rest;
}

describe.each([
  ['logseq', logseqDialect],
  ['obsidian', obsidianDialect],
] as [string, Dialect][])('an export ingested back into its library (%s)', (format, dialect) => {
  const { db } = tempLibrary();
  beforeAll(async () => {
    const r = await ingest(db, [writeMedia()]);
    expect(r.failures).toEqual([]);
  });

  it('changes nothing when the user wrote nothing: no entity page becomes a document, no mention is counted twice', async () => {
    const before = state(db);
    // The fixture gives what the bug duplicated: lexicon entities, summary-listed and speaker entities.
    expect(findEntity(db, 'Quill Varnot')).toBeDefined();
    expect(findEntity(db, '周明')).toBeDefined();
    expect(before.mentions.length).toBeGreaterThan(5);
    const out = tempDir();
    const pages = exportPages(db, dialect);
    writeExport(out, format, pages);
    const r = await ingest(db, [out]);
    expect(r.failures).toEqual([]);
    expect(state(db)).toEqual(before);
    // Exporting again finds every page as it wrote it: no second page for an entity or a document.
    const again = writeExport(out, format, exportPages(db, dialect));
    expect(again).toMatchObject({ written: 0, removed: 0, unchanged: pages.length, keptEdited: [], notOurs: [] });
  });

  it('reads what the user wrote: in a document page (joined to its document), in an entity page, and their own pages', async () => {
    const out = tempDir();
    const pages = exportPages(db, dialect);
    writeExport(out, format, pages);
    const before = state(db);
    const video = findDocumentId(db, VIDEO)!;
    const videoMentions = mentionsOf(db, video);
    const openai = findEntity(db, 'OpenAI')!;
    const docPage = join(out, pages.find((p) => p.content.includes(VIDEO) && !p.file.includes('OpenAI'))!.file);
    const entityPage = join(out, pages.find((p) => /OpenAI\.md$/.test(p.file))!.file);
    const own = format === 'logseq'
      ? { block: (t: string) => `- ${t}\n`, page: join(out, 'pages', '我的页面.md') }
      : { block: (t: string) => `\n${t}\n`, page: join(out, '我的页面.md') };
    writeFileSync(docPage, readFileSync(docPage, 'utf8') + own.block('我的想法：DeepSeek 的进展值得跟进。'));
    writeFileSync(entityPage, readFileSync(entityPage, 'utf8') + own.block('我的看法：值得长期关注。'));
    writeFileSync(own.page, own.block('今天读到 [[OpenAI]] 的消息。'));

    const r = await ingest(db, [out]);
    expect(r.failures).toEqual([]);
    const after = state(db);
    // No entity is made or renamed, and none gets another alias.
    expect(after.entities).toEqual(before.entities);
    // The document page joined its document by URL, under the document's own title; of the
    // page, only the user's block mentions anything.
    expect(findDocumentId(db, VIDEO)).toBe(video);
    expect(after.documents.find((d) => (d as { id: number }).id === video)).toEqual(before.documents.find((d) => (d as { id: number }).id === video));
    expect(added(videoMentions, mentionsOf(db, video)).map((m) => m.split(' ')[0])).toEqual(['DeepSeek']);
    // The entity page is a note of the user's about that entity (the same one), and only that.
    const notes = db.prepare("SELECT id, title FROM documents WHERE id NOT IN (SELECT value FROM json_each(?)) ORDER BY id")
      .all(JSON.stringify(before.documents.map((d) => (d as { id: number }).id))) as { id: number; title: string }[];
    expect(notes.map((n) => n.title)).toEqual(['OpenAI', format === 'logseq' ? '我的页面' : '今天读到 [[OpenAI]] 的消息。']);
    const entityNote = notes[0]!.id;
    expect(db.prepare('SELECT text FROM passages WHERE document_id = ?').pluck().all(entityNote)).toEqual(['我的看法：值得长期关注。']);
    expect(db.prepare('SELECT DISTINCT entity_id FROM mentions WHERE document_id = ?').pluck().all(entityNote)).toEqual([openai]);
    // A page of the user's own is a note like any other.
    expect(db.prepare('SELECT DISTINCT entity_id FROM mentions WHERE document_id = ?').pluck().all(notes[1]!.id)).toEqual([openai]);
  });

  it('links a note written in the page of an entity no lexicon names (a summary listed it) to that entity', async () => {
    const out = tempDir();
    const pages = exportPages(db, dialect);
    writeExport(out, format, pages);
    const person = db.prepare("SELECT id, name, type FROM entities WHERE lexicon_id IS NULL AND aliases LIKE '%Quill Varnot%'").get() as { id: number; name: string; type: string };
    expect(person.type).toBe('person');
    const page = join(out, pages.find((p) => p.file.endsWith(`${person.name}.md`))!.file);
    const entities = state(db).entities;
    writeFileSync(page, readFileSync(page, 'utf8') + (format === 'logseq' ? '- 他的访谈值得细读。\n' : '\n他的访谈值得细读。\n'));
    const r = await ingest(db, [out]);
    expect(r.failures).toEqual([]);
    const note = db.prepare("SELECT d.id FROM documents d JOIN passages p ON p.document_id = d.id WHERE p.text = '他的访谈值得细读。'").pluck().get() as number;
    expect(db.prepare('SELECT entity_id, via, surface FROM mentions WHERE document_id = ?').all(note)).toEqual([{ entity_id: person.id, via: 'page', surface: person.name }]);
    // The entity is found, not made again, renamed or given another alias.
    expect(state(db).entities).toEqual(entities);
  });
});

describe('a Logseq page engram exported, as the parser reads it', () => {
  it('keeps a block the user nested under one of engram\'s, and sets engram\'s sections aside', async () => {
    const { logseq } = await import('../../src/formats/logseq.js');
    const text = [
      'title:: 2025-03-04 芯片与模型', 'type:: engram document', 'date:: 2025-03-04', `url:: ${VIDEO}`, '',
      '- ## Summary', '\t- [[OpenAI]] and [[NVIDIA]] compete on chips.', '- ## Passages',
      `\t- [0:00](${VIDEO}&t=0s) **周明**: 今天聊聊 [[OpenAI]]`, '\t\t- 这一段要再听一遍', '',
    ].join('\n');
    const { documents } = logseq.parse({ relPath: 'pages/x.md', absPath: '/x/pages/x.md', text });
    expect(documents).toHaveLength(1);
    expect(documents[0]!.title).toBe('芯片与模型');
    expect(documents[0]!.key).toBe('youtube:Rt7xQp2Lm0a');
    expect(documents[0]!.passages.map((p) => p.text)).toEqual(['这一段要再听一遍']);
    // A page of the user's with the same headings is read whole.
    const mine = logseq.parse({ relPath: 'pages/y.md', absPath: '/x/pages/y.md', text: text.replace('type:: engram document', 'type:: meeting') });
    expect(mine.documents[0]!.passages).toHaveLength(5);
  });
});

describe('an Obsidian page engram exported, as the parser reads it', () => {
  it('keeps what the user nested under one of engram\'s items or wrote after them, and sets engram\'s sections aside', async () => {
    const { markdownFallback } = await import('../../src/formats/markdown.js');
    const text = [
      '---', 'type: engram document', 'date: "2025-03-04"', `url: "${VIDEO}"`, '---', '', '# 芯片与模型', '',
      '## Summary', '', '  - [[OpenAI]] and [[NVIDIA]] compete on chips.', '', '## Passages', '',
      `  - [0:00](${VIDEO}&t=0s) **周明**: 今天聊聊 [[OpenAI]]`, '    - 这一段要再听一遍', '  - 谢谢收听', '', '听完再补充。', '',
    ].join('\n');
    const { documents } = markdownFallback.parse({ relPath: 'Documents/x.md', absPath: '/x/Documents/x.md', text });
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({ key: 'youtube:Rt7xQp2Lm0a', kind: 'note', title: '芯片与模型', date: '2025-03-04' });
    expect(documents[0]!.passages.map((p) => p.text)).toEqual(['这一段要再听一遍', '听完再补充。']);
    const untouched = markdownFallback.parse({ relPath: 'Entities/x.md', absPath: '/x/Entities/x.md', text: '---\ntype: engram entity\n---\n\n# OpenAI\n\n\n## Related\n\n  - [[NVIDIA]] (1)\n' });
    expect(untouched).toEqual({ documents: [], warnings: [], nothingToRead: true });
  });

  it("reads an entity page's front matter lists (aliases) for the entity the note is about", async () => {
    const { markdownFallback } = await import('../../src/formats/markdown.js');
    const text = '---\ntype: engram entity\nentity-type: organization\naliases:\n  - 英伟达\n  - "NVIDIA Corp"\n---\n\n# NVIDIA\n\n## Related\n\n  - [[OpenAI]] (1)\n\n财报季再看。\n';
    const { documents } = markdownFallback.parse({ relPath: 'Entities/NVIDIA.md', absPath: '/x/Entities/NVIDIA.md', text });
    expect(documents[0]!.metadata.aboutEntity).toEqual({ name: 'NVIDIA', type: 'organization', aliases: ['英伟达', 'NVIDIA Corp'] });
    expect(documents[0]!.passages.map((p) => p.text)).toEqual(['财报季再看。']);
  });
});
