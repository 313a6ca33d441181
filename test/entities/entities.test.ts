import { beforeAll, describe, expect, it } from 'vitest';
import { walk } from '../../src/sources/folder.js';
import { unifySpeakers } from '../../src/entities/speakers.js';
import { openLibrary } from '../../src/store/db.js';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { ingest } from '../../src/pipeline/ingest.js';
import { findDocumentId, getDocument } from '../../src/store/read.js';
import { findEntity, getEntity, listEntities } from '../../src/entities/read.js';
import { foldName, looseKey, nameKey } from '../../src/entities/names.js';
import { listedNames } from '../../src/entities/summary-sections.js';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { suggestTerms } from '../../src/terms/suggest.js';
import { summarizeDocument } from '../../src/pipeline/summarize.js';
import { loadLexicon } from '../../src/lexicon/load.js';
import { defaultTermsContext, runTermsSlice, runTermsStageForKeys, type TermsContext } from '../../src/pipeline/terms.js';
import { copyFixture, tempDir, tempLibrary } from '../helpers.js';

describe('name keys', () => {
  it('one key across scripts, languages and spacing', () => {
    expect(nameKey('習近平')).toBe('xijinping');
    expect(nameKey('习近平')).toBe('xijinping');
    expect(nameKey('Xi Jinping')).toBe('xijinping');
    expect(nameKey('Open AI')).toBe(nameKey('OpenAI'));
    expect(nameKey('ＤｅｅｐＳｅｅｋ')).toBe('deepseek');
  });

  it('loose keys meet romanization variants, strict keys do not', () => {
    expect(looseKey('Manchi')).toBe(looseKey('曼祺'));
    expect(looseKey('Manqi')).toBe(looseKey('曼奇'));
    expect(nameKey('Manchi')).not.toBe(nameKey('Manqi'));
    expect(foldName('  Café  Ｘ ')).toBe('cafe x');
  });
});

describe('names listed in summaries', () => {
  it('reads People / Companies entries with their aliases', () => {
    const md = [
      '# Title', '## 3. Companies Identified', '### DeepSeek', 'text', '**GitHub - The Real Winner**',
      '### OpenAI (Context: early research)', '## 4. People Identified', '**Jia Peng (贾鹏) — CEO of a startup**',
      '### Sam Altman (implied in a quote)', '**Key Quotes**:', '- "a quote" [00:01:02]', '**Description:**', 'text',
      '**Quotes**：', '### Zhang Guodong & Dai Zihang (张国栋、戴子航)', '### Factory Workers Who Became Product Ambassadors',
      '### Multiple Co-founders with Complementary Skills', '## 5. Operating Insights', '### Not A Name Here',
    ].join('\n');
    const names = listedNames(md);
    expect(names.map((n) => [n.name, n.type, n.aliases])).toEqual([
      ['DeepSeek', 'organization', []],
      ['GitHub', 'organization', []],
      ['OpenAI', 'organization', []],
      ['Jia Peng', 'person', ['贾鹏']],
      ['Sam Altman', 'person', []],
      ['Zhang Guodong', 'person', ['张国栋']],
      ['Dai Zihang', 'person', ['戴子航']],
    ]);
  });
});

describe('entities and speakers at ingest', () => {
  const root = copyFixture('terms');
  const { db } = tempLibrary();
  let whole: Awaited<ReturnType<typeof ingest>>;
  beforeAll(async () => {
    const r = (whole = await ingest(db, [root]));
    expect(r.failures).toEqual([]);
  });

  it('unifies the speaker labelled 曼奇, Manqi and 曼祺 in different files and shows', () => {
    const id = findEntity(db, '曼祺')!;
    expect(id).toBeDefined();
    expect(findEntity(db, 'Manqi')).toBe(id);
    expect(findEntity(db, '曼奇')).toBe(id);
    const e = getEntity(db, id)!;
    expect(e.type).toBe('person');
    expect(e.aliases).toEqual(expect.arrayContaining(['曼奇', 'Manqi', '曼祺']));
    expect(e.documents).toHaveLength(3);
  });

  it('links speakers the same when files arrive one at a time (as engram update ingests them)', async () => {
    const one = openLibrary(tempDir());
    // Each file alone, under the source the whole-folder ingest gives it (its first folder).
    for (const f of walk([root]).files.sort((a, b) => a.relPath.localeCompare(b.relPath))) {
      const folder = f.relPath.includes('/') ? f.relPath.split('/')[0] : undefined;
      await ingest(one, [f.absPath], folder ? { source: folder } : {});
    }
    const links = (lib: typeof db) => lib.prepare(
      `SELECT d.key || ' ' || s.label || ' → ' || e.name AS link FROM speaker_names s JOIN documents d ON d.id = s.document_id JOIN entities e ON e.id = s.entity_id ORDER BY 1`,
    ).pluck().all();
    const counts = (lib: typeof db) => lib.prepare(
      `SELECT e.name || ' ' || count(*) FROM document_entities x JOIN entities e ON e.id = x.entity_id WHERE e.type = 'person' GROUP BY e.name ORDER BY 1`,
    ).pluck().all();
    expect(links(one).length).toBeGreaterThan(3);
    expect(links(one)).toEqual(links(db));
    expect(counts(one)).toEqual(counts(db));
    // Nothing new: nothing is relinked (the stage used to rewrite every document's speakers).
    expect(unifySpeakers(one).changed).toEqual([]);
    expect(links(one)).toEqual(links(db));
    one.close();
  });

  /** What the terms stage derived in a library, by document key and entity name. */
  const rows = (lib: typeof db) => [
    ...lib.prepare('SELECT id || original || corrected FROM corrections ORDER BY 1').pluck().all(),
    ...lib.prepare(
      `SELECT d.key || ' ' || e.name || ' ' || COALESCE(m.start, '') || ' ' || m.via FROM mentions m
         JOIN entities e ON e.id = m.entity_id JOIN documents d ON d.id = m.document_id ORDER BY 1`,
    ).pluck().all(),
    ...lib.prepare(`SELECT d.key || ' ' || s.label || ' ' || e.name FROM speaker_names s JOIN documents d ON d.id = s.document_id JOIN entities e ON e.id = s.entity_id ORDER BY 1`).pluck().all(),
    ...lib.prepare(`SELECT d.key || ' ' || e.name || ' ' || x.mentions FROM document_entities x JOIN entities e ON e.id = x.entity_id JOIN documents d ON d.id = x.document_id ORDER BY 1`).pluck().all(),
    ...lib.prepare(`SELECT a.key || ' ' || b.key FROM related_documents r JOIN documents a ON a.id = r.a JOIN documents b ON b.id = r.b ORDER BY 1`).pluck().all(),
  ];

  it('gives the same corrections, mentions and links when the stage runs in pieces (memory bound)', async () => {
    const pieces = openLibrary(tempDir());
    // A run of the stage after every file (the ingest's bound is 150,000 passages).
    const said: string[] = [];
    const r = await ingest(pieces, [root], { termsEvery: 1, onProgress: (p) => said.push(p.current) });
    // Each run of the stage says so on the progress line.
    expect(said.filter((c) => c.startsWith('correcting terms')).length).toBeGreaterThan(1);
    expect(r.failures).toEqual([]);
    expect(rows(pieces).length).toBeGreaterThan(20);
    // A document redone by a later run counts once: the report is the one-run ingest's.
    const { elapsedMs: _a, ...inPieces } = r.terms!;
    const { elapsedMs: _b, ...inOne } = whole.terms!;
    expect(inPieces.corrections).toBeGreaterThan(0);
    expect(inPieces).toEqual(inOne);
    expect(rows(pieces)).toEqual(rows(db));
    pieces.close();
  });

  it('gives the same when slices of the stage run while the last files are parsed (the endgame)', async () => {
    const sliced = openLibrary(tempDir());
    const said: string[] = [];
    // The endgame from the first kept passage on: every file goes to the worker at once, and
    // the writer does documents already written whenever the next file is not parsed yet.
    const r = await ingest(sliced, [root], { workers: 1, endgameBytesPerPassage: Infinity, onProgress: (p) => said.push(p.current) });
    expect(r.failures).toEqual([]);
    expect(said.some((c) => c.includes('while the last files are parsed'))).toBe(true);
    const { elapsedMs: _a, ...inSlices } = r.terms!;
    const { elapsedMs: _b, ...inOne } = whole.terms!;
    expect(inSlices).toEqual(inOne);
    expect(rows(sliced)).toEqual(rows(db));
    sliced.close();
  });

  it('gives the same when some documents were done in slices before the run', async () => {
    const again = openLibrary(tempDir());
    await ingest(again, [root]);
    const ctx = await defaultTermsContext(again);
    const ids = again.prepare('SELECT id FROM documents ORDER BY id').pluck().all() as number[];
    const half = Math.floor(ids.length / 2);
    // Slices do only the per-document part; the run does the rest, and the library-wide part for all.
    const slice = runTermsSlice(again, ids.slice(0, half), ctx)!;
    expect(slice.processed).toEqual(ids.slice(0, half));
    const keys = again.prepare(`SELECT key FROM documents WHERE id IN (${ids.slice(half).join(',')})`).pluck().all() as string[];
    const run = await runTermsStageForKeys(again, keys, ctx, slice.processed);
    expect(run.documents).toBe(ids.length - half);
    expect(rows(again)).toEqual(rows(db));
    again.close();
  });

  it('commits nothing of a slice that throws half-way, and the next ingest does every document', async () => {
    const lib = openLibrary(tempDir());
    const ctx = await defaultTermsContext(lib);
    let calls = 0;
    let linked: number | undefined;
    // The first document of the first slice is linked in full, then the second one's correction fails.
    const failing: TermsContext = {
      ...ctx,
      correct: (d, id) => {
        if (++calls === 2) throw new Error('broken');
        linked = id;
        return ctx.correct!(d, id);
      },
    };
    await expect(ingest(lib, [root], { workers: 1, endgameBytesPerPassage: Infinity, terms: failing })).rejects.toThrow('broken');
    expect(linked).toBeDefined();
    expect(lib.prepare('SELECT count(*) FROM mentions WHERE document_id = ?').pluck().get(linked)).toBe(0);
    const r = await ingest(lib, [root]);
    expect(r.terms!.documents).toBe(whole.terms!.documents);
    expect(rows(lib)).toEqual(rows(db));
    lib.close();
  });

  it('does every document again after an ingest that died before its stage ran', async () => {
    const died = openLibrary(tempDir());
    await ingest(died, [join(root, 'world-news')]);
    // The next one dies after its files are written, before its stage ran: here, the stage throws.
    const ctx = await defaultTermsContext(died);
    const dying: TermsContext = { ...ctx, correct: () => { throw new Error('killed'); } };
    await expect(ingest(died, [root], { terms: dying })).rejects.toThrow('killed');
    // The next ingest finds every file unchanged, and still does every document.
    const r = await ingest(died, [root]);
    expect(r.documents.added + r.documents.updated).toBe(0);
    expect(r.terms!.documents).toBe(whole.terms!.documents);
    expect(rows(died)).toEqual(rows(db));
    died.close();
  });

  it('names machine labels from the named transcript and hides them', () => {
    const doc = getDocument(db, findDocumentId(db, 'https://www.xiaoyuzhoufm.com/episode/70aa11bb22cc33dd44ee5501')!)!;
    expect(doc.speakers).not.toContain('SPEAKER_00');
    const raw = doc.renditions.find((r) => r.kind === 'raw-transcript')!;
    const first = raw.passages![0]!;
    expect(first.speakerLabel).toBe('SPEAKER_00');
    expect(doc.speakers).toContain(first.speaker);
    expect(doc.speakers.length).toBe(2);
  });

  it('links 习近平, 習近平 and Xi Jinping to one entity across documents', () => {
    const id = findEntity(db, 'Xi Jinping')!;
    expect(findEntity(db, '习近平')).toBe(id);
    expect(findEntity(db, '習近平')).toBe(id);
    expect(getEntity(db, id)!.documents).toHaveLength(2);
    expect(listEntities(db, { type: 'person' }).filter((e) => /xi|习|習/i.test(e.name))).toHaveLength(1);
  });

  it('lists the companies a summary names, with the people', () => {
    const org = getEntity(db, findEntity(db, 'ModelBest')!)!;
    expect(org.type).toBe('organization');
    expect(org.aliases).toContain('面壁智能');
    // the speaker 刘知远 and the summary's Liu Zhiyuan are one person
    expect(findEntity(db, 'Liu Zhiyuan')).toBe(findEntity(db, '刘知远'));
  });

  it('re-ingesting unchanged files keeps entities and slugs', async () => {
    const before = listEntities(db).map((e) => e.slug).sort();
    await ingest(db, [join(root)]);
    expect(listEntities(db).map((e) => e.slug).sort()).toEqual(before);
  });
});

describe('related documents', () => {
  const root = copyFixture('terms');
  const { db } = tempLibrary();
  beforeAll(async () => {
    await ingest(db, [root]);
  });

  it('links an interview and a channel digest naming its guest, both ways, only within weeks', () => {
    const interview = findDocumentId(db, 'https://www.xiaoyuzhoufm.com/episode/70aa11bb22cc33dd44ee5501')!;
    const digest = findDocumentId(db, 'Zz9yXw8vUt7')!;
    const old = findDocumentId(db, 'Yy8xWv7uTs6')!;
    expect(getDocument(db, interview)!.related.map((r) => r.id)).toEqual([digest]);
    expect(getDocument(db, digest)!.related.map((r) => r.id)).toEqual([interview]);
    expect(getDocument(db, old)!.related).toEqual([]);
    // the host speaks in several episodes: not a guest, links nothing
    expect(getDocument(db, findDocumentId(db, 'https://www.xiaoyuzhoufm.com/episode/70aa11bb22cc33dd44ee5502')!)!.related).toEqual([]);
  });
});

describe('entity commands and lexicon suggestions', () => {
  const root = copyFixture('terms');
  const { db, dir } = tempLibrary();
  beforeAll(async () => {
    await ingest(db, [root]);
  });
  const run = async (args: string[]) => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c) => (text += c));
    const code = await main([...args, '--library', dir], { out, err: new PassThrough(), stdin: new PassThrough(), env: {} });
    return { code, text };
  };

  it('engram entity NAME --json has the documented shape', async () => {
    const r = await run(['entity', '習近平', '--json']);
    expect(r.code).toBe(0);
    const e = JSON.parse(r.text);
    expect(e).toMatchObject({ name: expect.any(String), type: 'person', aliases: expect.arrayContaining(['Xi Jinping', '习近平']), mentions: expect.any(Number) });
    expect(e.documents).toHaveLength(2);
    expect(e.timeline.map((t: { month: string }) => t.month)).toEqual(['2025-03', '2025-09']);
    expect(e.mentions).toBe(e.timeline.reduce((n: number, t: { count: number }) => n + t.count, 0));
    expect(Array.isArray(e.related) && Array.isArray(e.passages)).toBe(true);
    expect((await run(['entity', 'Nobody Here'])).code).toBe(1);
  });

  it('engram entities --type lists with counts; a bad type is a usage error', async () => {
    const r = await run(['entities', '--type', 'person', '--json']);
    const list = JSON.parse(r.text) as { name: string; type: string; documents: number }[];
    expect(list.every((e) => e.type === 'person')).toBe(true);
    expect(list[0]!.documents).toBe(3); // the host speaks in three episodes
    expect((await run(['entities', '--type', 'planet'])).code).toBe(2);
  });

  it('suggests names the library keeps using that the lexicon lacks, with examples', () => {
    const known = (name: string) => loadLexicon().lookup(name).length > 0;
    const s = suggestTerms(db, known, { minDocuments: 2 });
    const host = s.find((x) => x.name === '曼奇');
    expect(host).toMatchObject({ type: 'person', documents: 3, via: 'speaker' });
    expect(host!.examples.length).toBeGreaterThan(0);
    expect(s.some((x) => known(x.name))).toBe(false);
  });

  it('suggests terms jieba inferred, not the everyday phrases it joins too (这是, 还会, 三大), nor parts of compounds (DALL-E) or links', async () => {
    const notes = tempDir();
    const lines = ['这是弈衡平台，很难说它会更大。用 DALL-E 画图：http://t.cn/A6moEx9z', '这是我们的弈衡，还会有三大更新。DALL-E 也是 https://example.com/x', '这是弈衡，它会还会三大，DALL-E 呢？http://t.cn/B7'];
    lines.forEach((l, i) => writeFileSync(join(notes, `n${i}.md`), `# 第${i}篇\n\n${l}\n`));
    const lib = tempLibrary();
    await ingest(lib.db, [notes]);
    const names = suggestTerms(lib.db, () => false, { minDocuments: 2 }).map((x) => x.name);
    expect(names).toContain('弈衡');
    expect(names.filter((n) => ['这是', '它会', '还会', '三大'].includes(n))).toEqual([]);
    // A part of a compound is not a word of its own (DALL-E: dall).
    expect(names).not.toContain('dall');
    // Nor is a link's scheme (http).
    expect(names).not.toContain('http');
    // Nor the words of engram's own summaries ("Key passages (extractive: …)" over English notes).
    const english = tempDir();
    for (let i = 0; i < 3; i++) {
      writeFileSync(join(english, `e${i}.md`), `# Talk ${i}\n\nThe speaker explains why evaluation matters for models.\n\nA second paragraph says benchmarks drift over time.\n\nA third one closes the talk with advice for teams.\n`);
    }
    await ingest(lib.db, [english]);
    for (const id of lib.db.prepare('SELECT id FROM documents').pluck().all() as number[]) await summarizeDocument(lib.db, id, { lang: 'auto' });
    expect(lib.db.prepare('SELECT count(*) FROM renditions WHERE generated IS NOT NULL').pluck().get()).toBeGreaterThan(1);
    const after = suggestTerms(lib.db, () => false, { minDocuments: 2 }).map((x) => x.name);
    expect(after).toContain('弈衡');
    expect(after.filter((n) => /extractive|passages/.test(n))).toEqual([]);
    lib.db.close();
  });

  it('suggests Latin words no English word list has, not English words rare in speech (framework, tensor)', async () => {
    const notes = tempDir();
    for (let i = 0; i < 3; i++) {
      writeFileSync(join(notes, `t${i}.md`), `# 第${i}篇\n\n我们用 Genspark 搭了一个 framework，tensor 的 constraint 很多。\n`);
    }
    const lib = tempLibrary();
    await ingest(lib.db, [notes]);
    const names = suggestTerms(lib.db, () => false, { minDocuments: 2 }).map((x) => x.name);
    expect(names).toContain('genspark');
    expect(names.filter((n) => ['framework', 'tensor', 'constraint'].includes(n))).toEqual([]);
    lib.db.close();
  });

  it('suggests a first or last name as the name it is written in, not at all when the lexicon knows it, and no repeated section heading', async () => {
    const notes = tempDir();
    const lines = [
      '我们聊到 Zorvan Quillby 的新公司。Elon Musk 也在。',
      '然后 Zorvan Quillby 说，Elon Musk 的判断是对的。',
      'Zorvan Quillby 和 Elon Musk 都提到了这件事。',
    ];
    // Each note also has a section heading all of them repeat.
    lines.forEach((l, i) => writeFileSync(join(notes, `p${i}.md`), `# 第${i}篇\n\n${l}\n\n## Quorvexic Perspectives\n\n第${i}段的看法。\n`));
    const lib = tempLibrary();
    await ingest(lib.db, [notes]);
    const names = suggestTerms(lib.db, (n) => n === 'Elon Musk', { minDocuments: 2 }).map((x) => x.name);
    expect(names).toContain('Zorvan Quillby');
    expect(names.filter((n) => /quorvexic/i.test(n))).toEqual([]);
    expect(names.filter((n) => ['zorvan', 'quillby', 'elon', 'Elon Musk'].includes(n))).toEqual([]);
    lib.db.close();
  });
});
