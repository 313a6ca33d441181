/**
 * Chinese personal names ⇄ their Latin spellings.
 *
 * A name is held as toneless pinyin syllables split into surname and given name
 * (`PinyinName`): 刘先明 → {surname: [liu], given: [xian, ming]}. From there:
 * - `romanizations` spells it the ways English text does: pinyin surname-first and
 *   given-name-first (Liu Xianming, Xianming Liu), hyphenated and split given names
 *   (Xian-ming, Xian Ming), Wade–Giles as Taiwan writes names (Liu Hsien-ming, Jen-Hsun Huang),
 *   and the usual Hong Kong / Taiwan / Southeast Asian surname spellings (Lau, Cheung, Wong, Ng).
 * - `parseRomanizedName` goes the other way: Latin words (Jie Tan, Jen-Hsun Huang, Xianming
 *   Liu) to the pinyin names they can spell, surname first or last.
 * - `nameKey` is the comparison key: two spellings are the same name exactly when their keys
 *   meet. The key is sound only; characters are compared by whoever holds them
 *   (lexicon/names.ts: 曹越 and 曹悦 share the key "cao yue" and are still different names).
 *
 * Pinyin comes from pinyin-pro in its surname mode (单 reads shan, 曾 zeng, 区 ou as surnames).
 * Wade–Giles is produced by rule from pinyin, without apostrophes or umlauts, as names are
 * actually printed (Ch'en → Chen, Hsü → Hsu).
 */
import { pinyin } from 'pinyin-pro';
import { toSimplified } from './fold.js';

/** A personal name as toneless pinyin syllables (ü written v, as pinyin-pro's `v` option does). */
export interface PinyinName {
  surname: string[];
  given: string[];
}

/** Common single-character surnames (Simplified), most frequent first. */
const SINGLE_SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈' +
  '姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱丘江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向' +
  '汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴' +
  '霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景' +
  '党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝官封谈' +
  '匡鞠惠荆乐冀郁胥南班储栗燕楚鄢劳谌奚皮粟冼蔺楼满闻位厉伊仝区郜阚权帅屠朴盖练廉禹井祖漆巴丰支卿狄计索宣' +
  '晋相初云容敬扈晁芮普阙浦戈伏鹿薄邸雍辜裘亓修邰赫杭况宿印逯隆茹诸慕危亢嵇湛宾戎勾茅揭束檀衣展阴昝幸奉衡' +
  '富尧植';

const COMPOUND_SURNAMES = [
  '欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯', '轩辕',
  '令狐', '端木', '独孤', '南宫', '西门', '申屠', '澹台', '公冶', '闻人', '呼延', '赫连', '钟离', '太史',
];

const SINGLE = new Set(SINGLE_SURNAMES);
const COMPOUND = new Set(COMPOUND_SURNAMES);

/**
 * Other spellings of a surname by its pinyin: Wade–Giles (Taiwan), Cantonese (Hong Kong,
 * Macau), Hokkien/Teochew (Singapore, Malaysia, Philippines) and Korean-influenced forms
 * that English text uses for Chinese people. A spelling serves every character with that
 * reading (吴 and 伍 are both Ng): a small over-generation that only adds search alternatives.
 */
const SURNAME_SPELLINGS: Record<string, string[]> = {
  zhang: ['chang', 'cheung', 'cheong', 'teo'], wang: ['wong', 'ong'], li: ['lee', 'lei', 'lai'],
  liu: ['lau', 'lew', 'lao'], chen: ['chan', 'tan', 'chin'], yang: ['yeung', 'yeoh', 'young', 'ieong'],
  huang: ['wong', 'hwang', 'ng', 'ooi'], zhao: ['chiu', 'chew', 'chao'], wu: ['ng', 'woo', 'goh'],
  zhou: ['chow', 'chau', 'chou'], xu: ['hui', 'tsui', 'koh', 'hsu'], sun: ['suen', 'soon'], ma: ['mah'],
  zhu: ['chu', 'choo', 'chiu'], hu: ['woo', 'wu', 'foo'], guo: ['kwok', 'kuo', 'kok', 'quek'], he: ['ho', 'hoh'],
  gao: ['ko', 'kao'], lin: ['lam', 'lim', 'lum'], luo: ['lo', 'law', 'loh'], zheng: ['cheng', 'cheang', 'tay'],
  liang: ['leung', 'leong'], xie: ['tse', 'hsieh', 'chia'], song: ['sung', 'soong'], tang: ['tong'],
  han: ['hon'], feng: ['fung', 'fong'], deng: ['tang', 'teng'], cao: ['tso', 'tsao', 'cho'], peng: ['pang'],
  zeng: ['tsang', 'tseng'], xiao: ['siu', 'hsiao', 'seow'], tian: ['tin', 'tien'], dong: ['tung'],
  pan: ['poon', 'pun'], yuan: ['yuen'], cai: ['choi', 'tsai', 'chua', 'choy'], jiang: ['kong', 'keung', 'chiang'],
  yu: ['yee', 'yue', 'yoo'], du: ['to', 'tu'], ye: ['yip', 'yeh', 'yap', 'ip'], cheng: ['ching'],
  wei: ['ngai', 'wai'], su: ['so', 'soo'], lv: ['lui', 'lu', 'lyu', 'lue'], ding: ['ting'], ren: ['yam', 'jen'],
  shen: ['sham', 'shum', 'sim'], yao: ['yiu'], lu: ['lo', 'lou', 'luk', 'loo'], cui: ['tsui', 'choi'],
  zhong: ['chung'], tan: ['tam'], jin: ['kam', 'chin', 'kim'], shi: ['shih', 'sze', 'see', 'shek'],
  liao: ['liu'], zou: ['chau', 'tsou'], xiong: ['hung', 'hsiung'], qiu: ['yau', 'chiu', 'khoo'],
  qin: ['chun', 'chin'], jia: ['ka', 'chia'], xia: ['ha', 'hsia'], fu: ['foo'], fang: ['fong'],
  bai: ['pak', 'pai'], kong: ['hung', 'kung'], mao: ['mo'], hao: ['ho'], wen: ['man'], shao: ['siu'],
  meng: ['mang'], long: ['lung'], duan: ['tuen', 'tuan'], lei: ['lui'], qian: ['chin', 'chien'],
  yin: ['yan', 'wan'], yi: ['yee'], chang: ['sheung'], qiao: ['kiu', 'chiao'], gong: ['kung'],
  yan: ['yim', 'yen', 'ngan'], mo: ['mok'], kang: ['hong'], ou: ['au'], ouyang: ['au-yeung', 'ou-yang'],
  situ: ['szeto', 'seto'], sima: ['sze-ma', 'szema'], zhuge: ['chu-ko'], shangguan: ['sheung-kwun'],
  zhan: ['chim'], lan: ['lam'], gu: ['koo', 'ku'], hou: ['hau'], mei: ['mui'], kuang: ['kwong'],
  guan: ['kwan', 'kuan'], huo: ['fok'], zhuang: ['chong', 'chuang'], tao: ['to'], yue: ['ngok'],
  ni: ['ngai'], gan: ['kam'], ji: ['kei', 'chi'], dai: ['tai'], ge: ['kot', 'ko'], bao: ['pao', 'pau'],
  hua: ['wah'], jian: ['kan', 'chien'], tong: ['tung'], qi: ['chi'], fan: ['faan'], lai: ['lye'],
};

/** Every toneless pinyin syllable (ü as v), as pinyin-pro spells them, less the interjections m and ng. */
const PINYIN_SYLLABLES = new Set(
  ('a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao ce cen ceng ' +
    'cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo ci cong cou cu ' +
    'cuan cui cun cuo da dai dan dang dao de den deng di dia dian diao die ding diu dong dou du duan dui dun duo e ei ' +
    'en eng er fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang ' +
    'gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang ' +
    'jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang ' +
    'kui kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu long lou lu luan lun luo lv ' +
    'lve ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen ' +
    'neng ni nian niang niao nie nin ning niu nong nou nu nuan nuo nv nve o ou pa pai pan pang pao pei pen peng pi ' +
    'pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ' +
    'ren reng ri rong rou ru ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shen sheng ' +
    'shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te teng ' +
    'ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie ' +
    'xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang ' +
    'zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun ' +
    'zhuo zi zong zou zu zuan zui zun zuo').split(' '),
);

const WG_WHOLE: Record<string, string> = {
  zi: 'tzu', ci: 'tzu', si: 'ssu', zhi: 'chih', chi: 'chih', shi: 'shih', ri: 'jih', er: 'erh',
  yi: 'i', you: 'yu', yan: 'yen', ye: 'yeh', yong: 'yung', yue: 'yueh', e: 'o',
};
const WG_INITIALS: [string, string][] = [
  ['zh', 'ch'], ['ch', 'ch'], ['sh', 'sh'], ['z', 'ts'], ['c', 'ts'], ['j', 'ch'], ['q', 'ch'], ['x', 'hs'],
  ['r', 'j'], ['b', 'p'], ['d', 't'], ['g', 'k'],
];

/**
 * One pinyin syllable in Wade–Giles as names are printed (no apostrophes, ü as u):
 * xian → hsien, ren → jen, xun → hsun, zhang → chang, cai → tsai, guo → kuo, yue → yueh.
 */
export function wadeGiles(syllable: string): string {
  const s = syllable.replace(/ü/g, 'v');
  const whole = WG_WHOLE[s];
  if (whole) return whole;
  const pyInitial = /^(zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?/.exec(s)![0];
  let final = s.slice(pyInitial.length);
  let initial = WG_INITIALS.find(([py]) => py === pyInitial)?.[1] ?? pyInitial;
  if (pyInitial === 'y' || pyInitial === 'w') initial = pyInitial;
  // Finals: in WG, -uo is -o except after k/h/sh (kuo, huo, shuo); -e is -o after k/h;
  // -ui is -uei after k; -ian/-ie gain an e/h; -ong is -ung.
  if (final === 'uo' && !['g', 'k', 'h', 'sh'].includes(pyInitial)) final = 'o';
  else if (final === 'e' && ['g', 'k', 'h'].includes(pyInitial)) final = 'o';
  else if (final === 'ui' && (pyInitial === 'g' || pyInitial === 'k')) final = 'uei';
  else if (final === 'ian') final = 'ien';
  else if (final === 'ie') final = 'ieh';
  else if (final === 've' || final === 'ue') final = 'ueh';
  else if (final.endsWith('ong')) final = final.slice(0, -3) + 'ung';
  return (initial + final).replace(/v/g, 'u');
}

/** WG spelling → the pinyin syllables it can stand for (chang → zhang, chang). */
let wgReverse: Map<string, string[]> | undefined;
function pinyinOfWadeGiles(wg: string): string[] {
  if (!wgReverse) {
    wgReverse = new Map();
    for (const py of PINYIN_SYLLABLES) {
      const w = wadeGiles(py);
      if (w === py) continue;
      const list = wgReverse.get(w) ?? [];
      list.push(py);
      wgReverse.set(w, list);
    }
  }
  return wgReverse.get(wg) ?? [];
}

/** Regional surname spelling → pinyin surnames (wong → wang, huang). */
let surnameReverse: Map<string, string[]> | undefined;
function surnamesSpelled(spelling: string): string[] {
  if (!surnameReverse) {
    surnameReverse = new Map();
    for (const py of surnamePinyin()) add(surnameReverse, py, py);
    for (const [py, list] of Object.entries(SURNAME_SPELLINGS)) for (const s of list) add(surnameReverse, s.replace(/-/g, ''), py);
  }
  return surnameReverse.get(spelling) ?? [];
}

function add(m: Map<string, string[]>, k: string, v: string): void {
  const list = m.get(k);
  if (!list) m.set(k, [v]);
  else if (!list.includes(v)) list.push(v);
}

/** Surnames of the table by their pinyin (liu → 刘, 柳; ouyang → 欧阳). */
let surnamesByPinyin: Map<string, string[]> | undefined;
function surnameTable(): Map<string, string[]> {
  if (!surnamesByPinyin) {
    surnamesByPinyin = new Map();
    for (const s of [...SINGLE, ...COMPOUND]) add(surnamesByPinyin, readings(s, true).join(''), s);
  }
  return surnamesByPinyin;
}

function surnamePinyin(): Iterable<string> {
  return surnameTable().keys();
}

/** The surnames (Simplified) that read as this pinyin: cao → 曹; liu → 刘, 柳. */
export function surnameCharacters(pinyinSurname: string): string[] {
  return surnameTable().get(pinyinSurname) ?? [];
}

/** Toneless pinyin of each character; `surname` reads the first as a surname (单 → shan). */
function readings(han: string, surname: boolean): string[] {
  return pinyin(han, { toneType: 'none', type: 'array', v: true, ...(surname ? { surname: 'head' } : {}) }) as string[];
}

/** Toneless pinyin syllables of Han text, one per character (ü as v). */
export function hanPinyin(han: string): string[] {
  return readings(toSimplified(han), false);
}

/** Whether the text starts with a surname from the table (compound surnames included). */
export function surnameLength(han: string): 0 | 1 | 2 {
  const s = toSimplified(han);
  if (s.length >= 3 && COMPOUND.has(s.slice(0, 2))) return 2;
  return SINGLE.has(s[0] ?? '') ? 1 : 0;
}

/**
 * A Han string read as a personal name: a known surname and a one- or two-character given
 * name (三 or 4 characters with a compound surname). Only the shape is checked; whether it
 * is a name rather than a word is the caller's judgement (see `lexicon/names.ts`).
 */
export function parseHanName(han: string): PinyinName | undefined {
  const s = toSimplified(han);
  if (!/^\p{Script=Han}{2,4}$/u.test(s)) return undefined;
  const n = surnameLength(s);
  if (n === 0 || s.length - n < 1 || s.length - n > 2) return undefined;
  const syllables = readings(s, true);
  if (syllables.length !== s.length || !syllables.every((x) => PINYIN_SYLLABLES.has(x))) return undefined;
  return { surname: syllables.slice(0, n), given: syllables.slice(n) };
}

/** The comparison key of a name: "cao yue", "ouyang nana" (surname, space, given name). */
export function nameKey(n: PinyinName): string {
  return `${n.surname.join('')} ${n.given.join('')}`;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const plain = (py: string) => py.replace(/v/g, 'u');

/** The given name's spellings: pinyin joined, hyphenated and split; Wade–Giles hyphenated. */
function givenSpellings(given: string[]): string[] {
  const py = given.map(plain);
  const wg = given.map(wadeGiles);
  const out = [cap(py.join(''))];
  if (given.length > 1) out.push(cap(py.join('-')), py.map(cap).join(' '));
  out.push(cap(wg.join('-')));
  return [...new Set(out)];
}

/** The surname's spellings: pinyin (ü as u, yu, v), Wade–Giles, and the regional forms. */
function surnameSpellings(surname: string[]): string[] {
  const key = surname.join('');
  const py = plain(key);
  const out = [py];
  if (key.includes('v')) out.push(key.replace(/v/g, 'yu'), key);
  out.push(surname.map(wadeGiles).join('-'));
  out.push(...(SURNAME_SPELLINGS[key] ?? []));
  return [...new Set(out.map((s) => s.split('-').map(cap).join('-')))];
}

/**
 * How English text may write the name, surname-first and given-name-first:
 * 刘先明 → Liu Xianming, Xianming Liu, Liu Xian-ming, Liu Hsien-ming, Lau Xianming, …
 * The first is the standard pinyin form. Search needs only one order (`surname-first`): its
 * name groups match either order.
 */
export function romanizations(n: PinyinName, order: 'both' | 'surname-first' = 'both'): string[] {
  const out: string[] = [];
  const surnames = surnameSpellings(n.surname);
  const givens = givenSpellings(n.given);
  for (const s of surnames) {
    for (const g of givens) {
      out.push(`${s} ${g}`);
      if (order === 'both') out.push(`${g} ${s}`);
    }
  }
  return [...new Set(out)];
}

/** The standard pinyin spelling, surname first (Liu Xianming). */
export function pinyinName(n: PinyinName): string {
  return `${cap(plain(n.surname.join('')))} ${cap(plain(n.given.join('')))}`;
}

/**
 * Latin words → the pinyin names they can spell. `words` are the name's words as typed,
 * hyphenated parts separate or not (["jen", "hsun", "huang"], ["liu", "xianming"]). The
 * surname may come first or last; the given name is one or two syllables, in pinyin or
 * Wade–Giles, joined or not. Returns every reading (WG chang is pinyin zhang or chang),
 * at most 16; empty when the words cannot be a Chinese name.
 */
export function parseRomanizedName(words: string[]): PinyinName[] {
  const w = words.map((x) => x.toLowerCase());
  if (w.length < 2 || w.length > 4 || !w.every((x) => /^[a-z]+$/.test(x))) return [];
  const out = new Map<string, PinyinName>();
  const tryOrder = (surnameWord: string, givenWords: string[]) => {
    const surnames = surnamesSpelled(surnameWord);
    if (surnames.length === 0) return;
    for (const given of givenReadings(givenWords)) {
      for (const s of surnames) {
        const name: PinyinName = { surname: splitCompoundSurname(s), given };
        out.set(nameKey(name), name);
      }
    }
  };
  tryOrder(w[0]!, w.slice(1));
  tryOrder(w[w.length - 1]!, w.slice(0, -1));
  // A two-word compound surname written apart (Ou Yang Nana).
  if (w.length >= 3) {
    tryOrder(w[0]! + w[1]!, w.slice(2));
    tryOrder(w[w.length - 2]! + w[w.length - 1]!, w.slice(0, -2));
  }
  return [...out.values()].slice(0, 16);
}

function splitCompoundSurname(py: string): string[] {
  for (const c of COMPOUND) {
    const parts = readings(c, true);
    if (parts.join('') === py) return parts;
  }
  return [py];
}

/** The pinyin syllable sequences a given name's words can spell (one or two syllables). */
function givenReadings(words: string[]): string[][] {
  let acc: string[][] = [[]];
  for (const word of words) {
    const options = syllabify(word);
    if (options.length === 0) return [];
    const next: string[][] = [];
    for (const a of acc) for (const o of options) next.push([...a, ...o]);
    acc = next.slice(0, 16);
  }
  return acc.filter((g) => g.length >= 1 && g.length <= 2);
}

/**
 * One word as pinyin syllables: itself a syllable, else two run together (xianming), in
 * pinyin or WG. A word that is a syllable is not split further (yue is not yu + e).
 */
function syllabify(word: string): string[][] {
  const single = syllableReadings(word);
  const out: string[][] = single.map((s) => [s]);
  if (out.length) return out;
  for (let i = 1; i < word.length; i++) {
    const a = syllableReadings(word.slice(0, i));
    const b = syllableReadings(word.slice(i));
    for (const x of a) for (const y of b) out.push([x, y]);
  }
  return out;
}

function syllableReadings(s: string): string[] {
  const out = PINYIN_SYLLABLES.has(s) ? [s] : [];
  for (const py of pinyinOfWadeGiles(s)) if (!out.includes(py)) out.push(py);
  if (s === 'lu' || s === 'lyu') out.push('lv');
  if (s === 'nyu') out.push('nv');
  return out;
}
