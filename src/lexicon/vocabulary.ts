/**
 * Taiwan ⇄ mainland vocabulary beyond the lexicon's own entries: OpenCC's Taiwan phrase
 * table (about 780 pairs: 伺服器 ⇄ 服务器, 演算法 ⇄ 算法, 網際網路 ⇄ 互联网, 歐巴馬 ⇄ 奥巴马).
 *
 * Used in both directions as query alternatives, except pairs whose Taiwan word is also an
 * everyday mainland word with another sense: 智慧 is Taiwan's 智能 but mainland "wisdom",
 * 資料 is Taiwan's 数据 but mainland "materials", 建立 is Taiwan's 创建 but mainland
 * "establish". Expanding those would flood mainland results with the wrong sense; the
 * lexicon carries the useful compounds instead (人工智慧 ⇄ 人工智能).
 */
import { taiwanPhrasePairs } from '../text/fold.js';
import { formKeys } from './lexicon.js';

/** Taiwan words (folded to Simplified characters) that are ordinary mainland words too. */
const FALSE_FRIENDS = new Set([
  '智慧', '建立', '核心', '模拟', '资料', '文件', '档案', '查询', '开启', '复制', '重新整理', '汇入', '汇出',
  '区域性', '互动', '影片', '影像', '通道', '回拨', '支援', '储存', '即时', '效能', '讯息', '物件', '字首',
  '字尾', '母音', '列举', '检视', '取样', '撷取', '截图', '桌布', '冷盘', '乳酪', '冰棒', '游标', '线上', '序列',
  '模组', '剪下', '丢掷', '扩音', '行动式', '文书处理', '宕机',
]);

let variants: Map<string, string[]> | undefined;

/** Other-region forms of a vocabulary word, by lookup key (see lexicon.ts `formKey`). */
export function regionalVariants(key: string): string[] {
  if (!variants) {
    variants = new Map();
    const pairs = taiwanPhrasePairs().filter(([, taiwan]) => !FALSE_FRIENDS.has(taiwan));
    const keys = formKeys(pairs.flat());
    pairs.forEach(([mainland, taiwan], i) => {
      link(variants!, keys[2 * i]!, taiwan);
      link(variants!, keys[2 * i + 1]!, mainland);
    });
  }
  return variants.get(key) ?? [];
}

function link(m: Map<string, string[]>, key: string, form: string): void {
  const list = m.get(key);
  if (!list) m.set(key, [form]);
  else if (!list.includes(form)) list.push(form);
}
