/**
 * `node dist/bench/eval-names.js [CORPUS] [--library DIR]`: names and terms across languages
 * on the reference corpus, without and with lexicon expansion, side by side.
 *
 * Each query is typed in one language or script; its targets are the documents whose title
 * names the same thing only in another (黄仁勋 → titles with "Jensen Huang"; `export
 * controls` → titles with 出口管制; 輝達 → titles with 英伟达), so BM25 alone can reach them
 * only by accident. Reported: how many targets each query puts in its top 10.
 *
 * With ENGRAM_EMBED_URL and ENGRAM_EMBED_MODEL set, and vectors of that model in the library
 * (`engram embed`), a third column fuses semantic neighbours in (semantic/search.ts).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { databasePath, openLibrary, type DB } from '../store/db.js';
import { ingest } from '../pipeline/ingest.js';
import { search } from '../search/search.js';
import { hybridSearch } from '../semantic/search.js';
import { hasVectors } from '../semantic/vectors.js';
import { openAIEmbedder, type Embedder } from '../providers/embeddings.js';
import { serviceSettings } from '../config.js';
import { toSimplified } from '../text/fold.js';

/** A query and the forms that name its subject in another language or script. */
interface Item {
  kind: string;
  query: string;
  other: string[];
}

const ITEMS: Item[] = [
  // Chinese names → English-only documents (podcast summaries and titles)
  ...[
    ['刘先明', 'Liu Xianming'], ['曹越', 'Cao Yue'], ['谭捷', 'Jie Tan'], ['王冠', 'Wang Guan'], ['戴雨森', 'Dai Yusheng'],
    ['朱啸虎', 'Zhu Xiaohu'], ['李想', 'Li Xiang'], ['黄仁勋', 'Jensen Huang'], ['张林峰', 'Zhang Linfeng'], ['修佳明', 'Xiu Jiaming'],
  ].map(([query, other]) => ({ kind: 'Chinese name → English', query: query!, other: [other!] })),
  // English names → Chinese documents
  ...[
    ['Jensen Huang', '黄仁勋'], ['Ilya Sutskever', '伊利亚', '苏茨克维'], ['Demis Hassabis', '哈萨比斯'], ['Andrej Karpathy', '卡帕西'],
    ['Elon Musk', '马斯克'], ['Sam Altman', '奥特曼'], ['Geoffrey Hinton', '辛顿'], ['Yann LeCun', '杨立昆'], ['Daniel Kahneman', '卡尼曼'],
    ['Masayoshi Son', '孙正义'], ['Mark Zuckerberg', '扎克伯格'], ['Fei-Fei Li', '李飞飞'], ['Andrew Ng', '吴恩达'], ['Kai-Fu Lee', '李开复'],
    ['Terence Tao', '陶哲轩'], ['Liang Wenfeng', '梁文锋'], ['Yang Zhilin', '杨植麟'], ['Mustafa Suleyman', '苏莱曼'], ['Lisa Su', '苏姿丰'],
  ].map(([query, ...other]) => ({ kind: 'English name → Chinese', query: query!, other })),
  // English terms → Chinese documents
  ...[
    ['hallucination', '幻觉'], ['export controls', '出口管制'], ['reinforcement learning', '强化学习'], ['synthetic data', '合成数据'],
    ['world model', '世界模型'], ['humanoid robot', '人形机器人'], ['embodied AI', '具身智能'], ['quantum computing', '量子计算'],
    ['distillation', '蒸馏'], ['nuclear fusion', '核聚变'], ['autonomous driving', '自动驾驶'], ['layoffs', '裁员'],
    ['chip', '芯片'], ['Nvidia', '英伟达'], ['Google', '谷歌'], ['Microsoft', '微软'], ['Apple', '苹果'], ['open source', '开源'],
    ['large language model', '大模型', '大语言模型'], ['programmer', '程序员'], ['AI bubble', 'AI泡沫'], ['superintelligence', '超级智能'],
  ].map(([query, ...other]) => ({ kind: 'English term → Chinese', query: query!, other })),
  // Taiwan vocabulary → mainland documents
  ...[
    ['輝達', '英伟达'], ['人工智慧', '人工智能'], ['軟體', '软件'], ['晶片', '芯片'], ['演算法', '算法'], ['伺服器', '服务器'],
    ['記憶體', '内存'], ['資料中心', '数据中心'], ['大型語言模型', '大模型', '大语言模型'], ['自駕', '自动驾驶'], ['程式碼', '代码'],
    ['網際網路', '互联网'], ['量子電腦', '量子计算'],
  ].map(([query, ...other]) => ({ kind: 'Taiwan vocabulary → mainland', query: query!, other })),
];

const fold = (s: string) => toSimplified(s).toLowerCase();

interface Row { item: Item; targets: number; before: number; after: number; semantic?: number }

export async function evalNames(db: DB, embedder?: Embedder): Promise<Row[]> {
  const titles = db.prepare('SELECT id, COALESCE(title, \'\') AS title FROM documents').all() as { id: number; title: string }[];
  const rows: Row[] = [];
  for (const item of ITEMS) {
    const own = fold(item.query);
    const targets = new Set(
      titles.filter((t) => {
        const f = fold(t.title);
        return !f.includes(own) && item.other.some((o) => f.includes(fold(o)));
      }).map((t) => t.id),
    );
    if (targets.size === 0) continue;
    const count = (ids: number[]) => ids.filter((id) => targets.has(id)).length;
    const ids = (r: { hits: { document: { id: number } }[] }) => r.hits.map((h) => h.document.id);
    const row: Row = {
      item,
      targets: targets.size,
      before: count(ids(search(db, item.query, { limit: 10, expand: false }))),
      after: count(ids(search(db, item.query, { limit: 10 }))),
    };
    if (embedder) row.semantic = count(ids(await hybridSearch(db, item.query, { limit: 10 }, embedder)));
    rows.push(row);
  }
  return rows;
}

function print(rows: Row[], semantic: boolean): void {
  const head = `| query | kind | targets | top 10 without expansion | with expansion |${semantic ? ' with expansion + semantic |' : ''}`;
  console.log(head);
  console.log(`|---|---|---|---|---|${semantic ? '---|' : ''}`);
  for (const r of rows) {
    console.log(`| ${r.item.query} | ${r.item.kind} | ${r.targets} | ${r.before} | ${r.after} |${semantic ? ` ${r.semantic} |` : ''}`);
  }
  const kinds = [...new Set(rows.map((r) => r.item.kind))];
  console.log('\n| kind | queries | queries reaching a target: without → with expansion | targets in top 10: without → with |' + (semantic ? ' + semantic |' : ''));
  console.log('|---|---|---|---|' + (semantic ? '---|' : ''));
  for (const k of [...kinds, 'all']) {
    const rs = rows.filter((r) => k === 'all' || r.item.kind === k);
    const sum = (f: (r: Row) => number) => rs.reduce((a, r) => a + f(r), 0);
    const reach = (f: (r: Row) => number) => rs.filter((r) => f(r) > 0).length;
    console.log(`| ${k} | ${rs.length} | ${reach((r) => r.before)} → ${reach((r) => r.after)} | ${sum((r) => r.before)} → ${sum((r) => r.after)} |` +
      (semantic ? ` ${sum((r) => r.semantic ?? 0)} |` : ''));
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--library');
  const libArg = at >= 0 ? args.splice(at, 2)[1] : undefined;
  const projectRoot = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
  const corpus = resolve(args[0] ?? join(projectRoot, '..', 'shared', 'corpus'));
  let dir = libArg ? resolve(libArg) : undefined;
  let temp: string | undefined;
  if (!dir || !existsSync(databasePath(dir))) {
    if (!existsSync(corpus)) throw new Error(`no corpus at ${corpus} (pass its path, or --library DIR of an ingested library)`);
    dir ??= temp = mkdtempSync(join(tmpdir(), 'engram-names-'));
    const db = openLibrary(dir);
    console.error(`ingesting ${corpus} into ${dir} …`);
    await ingest(db, [corpus]);
    db.close();
  }
  const db = openLibrary(dir);
  try {
    const settings = serviceSettings('embed', {});
    const embedder = settings?.url && settings.model ? openAIEmbedder(settings) : undefined;
    const semantic = embedder !== undefined && hasVectors(db, embedder.model);
    if (embedder && !semantic) console.error(`no "${embedder.model}" vectors in ${dir}: run engram embed --library ${dir} to measure semantic search`);
    print(await evalNames(db, semantic ? embedder : undefined), semantic);
  } finally {
    db.close();
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main().catch((e: Error) => {
    console.error(e.message);
    process.exit(1);
  });
}
