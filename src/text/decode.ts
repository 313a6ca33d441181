/**
 * Bytes from disk to text, or a clear refusal. Every file the pipeline reads goes through
 * here first, so it must be fast on big files (one native decode, byte loops only over typed
 * arrays, no per-character string building) and say plainly why a file is not text.
 */
import { isUtf8 } from 'node:buffer';
import { toSimplified } from './fold.js';

export type DecodeWarning = { line: number; message: string };
export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | LegacyEncoding;
/** Chinese files written before UTF-8: GBK / GB 2312 (read as GB 18030, their superset) and Big5. */
type LegacyEncoding = 'gb18030' | 'big5';

export type Decoded =
  | { ok: true; text: string; encoding: Encoding; warnings: DecodeWarning[] }
  | { ok: false; reason: string };

/** How much of the file's head the binary sniffing looks at. */
const SNIFF_BYTES = 8192;
/** Share of control bytes in the head above which a file is taken for binary. */
const CONTROL_RATIO = 0.1;

/** Well-known binary signatures, so the refusal can name what the file is. */
const MAGIC: { name: string; bytes: number[] }[] = [
  { name: 'PDF', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { name: 'PNG image', bytes: [0x89, 0x50, 0x4e, 0x47] },
  { name: 'JPEG image', bytes: [0xff, 0xd8, 0xff] },
  { name: 'GIF image', bytes: [0x47, 0x49, 0x46, 0x38] },
  { name: 'ZIP archive', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'gzip archive', bytes: [0x1f, 0x8b] },
  { name: 'SQLite database', bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66] },
  { name: 'ELF executable', bytes: [0x7f, 0x45, 0x4c, 0x46] },
];

export function decodeBytes(bytes: Uint8Array): Decoded {
  if (bytes.length === 0) return { ok: false, reason: 'empty file' };

  // A byte-order mark settles the encoding before any sniffing.
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return decodeUtf8(bytes.subarray(3));
  if (startsWith(bytes, [0xff, 0xfe]) && !startsWith(bytes, [0xff, 0xfe, 0x00, 0x00])) {
    return decodeUtf16(bytes.subarray(2), 'utf-16le');
  }
  if (startsWith(bytes, [0xfe, 0xff])) return decodeUtf16(bytes.subarray(2), 'utf-16be');

  for (const m of MAGIC) {
    if (startsWith(bytes, m.bytes)) return { ok: false, reason: `binary file (${m.name})` };
  }

  const head = bytes.subarray(0, SNIFF_BYTES);
  const sniff = sniffControls(head);
  if (sniff.nul > 0) {
    // Without a BOM, NULs only belong in text as the zero half of UTF-16 ASCII characters.
    const utf16 = guessBomlessUtf16(head);
    if (utf16) return decodeUtf16(bytes, utf16);
    return { ok: false, reason: `binary file (NUL bytes in the first ${kb(head.length)})` };
  }
  if (sniff.control / head.length > CONTROL_RATIO) {
    const pct = Math.round((100 * sniff.control) / head.length);
    return { ok: false, reason: `binary file (${pct}% control bytes in the first ${kb(head.length)})` };
  }
  return decodeUtf8(bytes);
}

function decodeUtf8(bytes: Uint8Array): Decoded {
  const warnings: DecodeWarning[] = [];
  // Fast path: a native validity check, then a native decode. The slow path (a byte loop that
  // finds the first bad sequence) only runs for files that are actually broken.
  if (!isUtf8(bytes)) {
    const bad = scanInvalidUtf8(bytes);
    const legacy = mostlyInvalid(bytes, bad.count) ? decodeLegacyChinese(bytes) : undefined;
    if (legacy) return legacy;
    warnings.push({
      line: bad.firstLine,
      message:
        `invalid UTF-8: ${bad.count} bad byte sequence${bad.count === 1 ? '' : 's'} replaced with U+FFFD ` +
        `(first on line ${bad.firstLine}, byte offset ${bad.firstOffset})`,
    });
  }
  const text = nulsToSpaces(new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes), warnings);
  if (!/\S/.test(text)) return { ok: false, reason: 'empty file' };
  return { ok: true, text, encoding: 'utf-8', warnings };
}

/**
 * Whether the bytes beyond ASCII are mostly not UTF-8: a UTF-8 file with a few damaged bytes
 * keeps its UTF-8 (and a warning); a file where most multi-byte sequences are bad was written
 * in another encoding.
 */
function mostlyInvalid(bytes: Uint8Array, badSequences: number): boolean {
  let high = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) high++;
  // A valid UTF-8 sequence of Chinese is three high bytes; a legacy character is two, and most are bad.
  return badSequences >= 2 && badSequences * 4 >= high;
}

/**
 * Characters that make up much of any Chinese text (particles, pronouns, common verbs and
 * nouns), in Simplified: a right decoding of GB 18030 or Big5 is full of them, a wrong one
 * (the same bytes read in the other encoding) is not.
 */
const COMMON_HAN = new Set(
  '的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底站严巴例防族供效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普怕弹校苦创假久错承印晚兰试股拿脑预谁益阳若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳欢雷警获模充负云停木游龙树疑层冷洲冲射略范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵协角占配征修皮挥胜降阶审沉坚善妈刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香田铁控税左右份穿艺背阵草脚概恶块顿敢守酒岛托央户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序升监临亮露永呼味野架域沙掉括舰鱼杂误湾吉减编楚肯测败屋跑梦散温困剑渐封救贵枪缺楼县尚毫移娘朋画班智亦耳恩短掌恐遗固席松秘谢鲁遇康虑幸均销钟诗藏赶剧票损忽巨炮旧端探湖录叶春乡附吸予礼港雨呀板庭妇归睛饭额含顺输摇招婚脱补谓督毒油疗旅泽材灭逐莫笔亡鲜词圣择寻厂睡博勒烟授诺伦岸奥唐卖俄炸载洛健堂旁宫喝借君禁阴园谋宋避抓荣姑孙逃牙束跳顶玉镇雪午练迫爷篇肉嘴馆遍凡础洞卷坦牛宁纸诸训私庄祖丝翻暴森塔默握戏隐熟骨访弱蒙歌店鬼软典欲萨伙遭盘爸扩盖弄雄稳忘亿刺拥徒姆杨齐赛趣曲刀床迎冰虚玩析窗醒妻透购替塞努休虎扬途侵刑绿兄迅套贸毕唯谷轮库迹尤竞街促延震弃甲伟麻川申缓潜闪售灯针哲络抵朱埃抱鼓植纯夏忍页杰筑折郑贝尊吴秀混臣雅振染盛怒舞圆搞狂措姓残秋培迷诚宽宇猛摆梅毁伸摩盟末乃悲拍丁赵硬麦蒋操耶阻订彩抽赞魔纷沿喊违妹浪汇币丰蓝殊献桌啦瓦莱援译夺汽烧距裁偏符勇触课敬哭懂墙袭召罚侠厅拜巧侧韩冒债曼融惯享戴童犹乘挂奖绍厚纵障讯涉彻刊丈爆乌役描洗玛患妙镜唱烦签仙彼弗症仿倾牌陷鸟轰咱菜闭奋庆撤泪茶疾缘播朗杜奶季丹狗尾仪偷奔珠虫驻孔宜艾桥淡翼恨繁寒伴叹旦愈潮粮缩罢聚径恰挑袋灰捕徐珍幕映裂泰隔启尖忠累炎暂估泛荒偿横拒瑞忆孤鼻闹羊呆厉衡胞零穷舍码赫婆魂灾洪腿胆津俗辩胸晓劲贫仁偶辑邦恢赖圈摸仰润堆碰艇稍迟辆废净凶署壁御奉旋冬矿抬蛋晨伏吹鸡倍糊秦盾杯租骑乏隆诊奴摄丧污渡旗甘耐凭扎抢绪粗肩梁幻菲皆碎宙叔岩荡综爬荷悉蒂返井壮薄悄扫敏碍殖详迪矛霍允幅撒剩凯颗骂赏液番箱贴漫酸郎腰舒眉忧浮辛恋餐吓挺励辞艘键伍峰尺昨黎辈贯侦滑券崇扰宪绕趋慈乔阅汗枝拖墨胁插箭腊粉泥氏彭拔骗凤慧媒佩愤扑龄驱惜豪掩兼跃尸肃帕驶堡届欣惠册储飘桑闲惨洁踪勃宾频仇磨递邪撞拟滚奏巡颜剂绩贡疯坡瞧截燃焦殿伪柳锁逼颇昏劝呈搜勤戒驾漂饮曹朵仔柔俩孟腐幼践籍牧凉牲佳娜浓芳稿竹腹跌逻垂遵脉貌柏狱猜怜惑陶兽帐饰贷昌叙躺钢沟寄扶铺邓寿惧询汤盗肥尝匆辉奈扣廷澳嘛董迁凝慰厌脏腾幽怨鞋丢埋泉涌辖躲晋紫艰魏吾慌祝邮吐狠鉴曰械咬邻赤挤弯椅陪割揭韦悟聪雾锋梯猫祥阔誉筹丛牵鸣沈阁穆屈旨袖猎臂蛇贺柱抛鼠瑟戈牢逊迈欺吨琴衰瓶恼燕仲诱狼池疼卢仗冠粒遥吕玄尘冯抚浅敦纠钻晶岂峡苍喷耗凌敲菌赔涂粹扁亏寂煤熊恭湿循暖糖赋抑秩帽哀宿踏烂袁侯抖夹昆肝擦猪炼恒慎搬纽纹玻渔磁铜齿跨押怖漠疲叛遣兹祭醉拳弥斜档稀捷肤疫肿豆削岗晃吞宏癌肚隶履涨耀扭坛拨沃绘伐堪仆郭牺歼墓雇廉契拼惩捉覆刷劫嫌瓜歇雕闷乳串娃缴唤赢莲霸桃妥瘦搭赴岳嘉舱俊址庞耕锐缝悔邀玲惟斥宅添挖呵讼氧浩羽斤酷掠妖祸侍乙妨贪挣汪尿莉悬唇翰仓轨枚盐览傅帅庙芬屏寺胖璃愚滴疏萧姿颤丑劣柯寸扔盯辱匹俱辨饿蜂哦腔郁溃谨糟葛苗肠忌溜鸿爵鹏鹰笼丘桂滋聊挡纲肌茨壳痕碗穴膀卓贤卧膜毅锦欠哩函茫昂薛皱夸豫胃舌剥傲拾窝睁携陵哼棉晴铃填饲渴吻扮逆脆喘罩卜炉柴愉绳胎蓄眠竭喂傻慕浑奸扇柜悦拦诞饱泡贼亭夕爹酬儒姻卵氛泄杆挨僧蜜吟猩遂狭肖甜霞驳裕顽摘矮秒卿畜咽披辅勾盆疆赌塑畏吵囊嗯泊肺骤缠冈羞瞪吊贾漏斑涛悠鹿俘锡卑葬铭滩嫁催璇翅盒蛮矣潘歧赐鲍锅廊拆灌勉盲宰佐啥胀扯禧辽抹筒棋裤唉朴咐孕誓喉妄拘链驰栏逝窃艳臭纤玑棵趁匠盈翁愁瞬婴孝颈倘浙谅蔽畅赠妮莎尉冻跪闯葡厨鸭颠遮谊圳吁仑辟瘤嫂陀框谭亨钦庸歉芝吼甫衫摊宴嘱衷娇陕矩浦讶耸裸碧摧薪淋耻胶屠鹅饥盼脖虹翠崩账萍逢赚撑翔倡绵猴枯巫昭怔渊凑溪蠢禅阐旺寓藤匪伞碑挪琼脂谎慨菩萄狮掘抄岭晕逮砍掏狄晰罕挽脾舟痴蔡剪脊弓懒叉拐喃僚捐姊骚拓歪粘柄坑陌窄湘兆崖骄刹鞭芒筋聘钩棍嚷腺弦焰耍俯厘愣厦恳饶钉寡憾摔叠惹喻谱愧煌徽溶坠煞巾滥洒堵瓷咒姨棒郡浴媚稣淮哎屁漆淫巢吩撰啸滞玫硕钓蝶膝姚茂躯吏猿寨恕渠戚辰舶颁惶狐讽笨袍嘲啡泼衔倦涵雀旬僵撕肢垄夷逸茅侨舆窑涅蒲谦杭噢弊勋刮郊凄捧浸砖鼎篮蒸饼亩肾陡爪兔殷贞荐哑炭坟眨搏咳拢舅昧擅爽咖搁禄雌哨巩绢螺裹昔轩谬谍龟媳姜瞎冤鸦蓬巷琳栽沾诈斋瞒彪厄咨纺罐桶壤糕颂膨谐垒咕隙辣绑宠嘿兑霉挫稽辐乞纱裙嘻哇绣杖塘衍轴攀膊譬斌祈踢肆坎轿棚泣屡躁邱凰溢椎砸趟帘帆栖窜丸斩堤塌贩厢掀喀乖谜捏阎滨虏匙芦苹卸沼钥株祷剖熙哗劈怯棠胳桩瑰娱娶沫嗓蹲焚淘嫩韵衬匈钧竖峻豹捞菊鄙魄兜哄颖镑屑蚁壶怡渗秃迦旱哟咸焉谴宛稻铸锻伽詹毙恍贬烛骇芯汁桓坊驴朽靖佣汝碌迄冀荆崔雁绅珊榜诵傍彦醇笛禽勿娟瞄幢寇睹贿踩霆呜拱妃蔑谕缚诡篷淹腕煮倩卒勘馨逗甸贱炒灿敞蜡囚栗辜垫妒魁谣寞蜀甩涯枕丐泳奎泌逛烘蜘惫蹈霓瞩忿敛泻陋拎穗陨窟翩'.split(''),
);

/** GB 18030 or Big5, whichever reads as Chinese, when the bytes are valid in it; else undefined. */
function decodeLegacyChinese(bytes: Uint8Array): Decoded | undefined {
  let best: { encoding: LegacyEncoding; text: string; score: number } | undefined;
  for (const encoding of ['gb18030', 'big5'] as const) {
    let text: string;
    try {
      text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
    } catch {
      continue; // not valid in this encoding
    }
    const score = commonHanShare(text);
    if (!best || score > best.score) best = { encoding, text, score };
  }
  // Right decodings of real text score 0.5 and more; the same bytes read in the wrong
  // encoding, well under 0.2.
  if (!best || best.score < 0.3) return undefined;
  const warnings: DecodeWarning[] = [{ line: 1, message: `not UTF-8: decoded as ${best.encoding === 'gb18030' ? 'GB 18030 (GBK)' : 'Big5'}, the encoding its Chinese reads in (the library stores UTF-8)` }];
  const text = nulsToSpaces(best.text, warnings);
  if (!/\S/.test(text)) return { ok: false, reason: 'empty file' };
  return { ok: true, text, encoding: best.encoding, warnings };
}

/** The share of a text's Han characters (folded to Simplified) that are among the most common ones. */
function commonHanShare(text: string): number {
  const sample = toSimplified(text.slice(0, 20_000));
  let han = 0;
  let common = 0;
  for (const c of sample) {
    const code = c.codePointAt(0)!;
    if (!((code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) || code >= 0x20000)) continue;
    han++;
    if (COMMON_HAN.has(c)) common++;
  }
  return han >= 2 ? common / han : 0;
}

function decodeUtf16(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): Decoded {
  // Said once in the report, so nobody wonders why a file's bytes differ from what is shown.
  const warnings: DecodeWarning[] = [{ line: 1, message: `decoded as ${encoding.toUpperCase()} (the library stores UTF-8)` }];
  let body = bytes;
  if (body.length % 2 === 1) {
    body = body.subarray(0, body.length - 1);
    warnings.push({ line: 0, message: `${encoding}: odd byte count, the last (incomplete) byte was dropped` });
  }
  // ignoreBOM: the BOM was already stripped by the caller; a second one is content.
  const text = nulsToSpaces(new TextDecoder(encoding, { fatal: false, ignoreBOM: true }).decode(body), warnings);
  if (!/\S/.test(text)) return { ok: false, reason: 'empty file' };
  return { ok: true, text, encoding, warnings };
}

/**
 * NUL characters past the sniffed head (a text file with a stray NUL is still text) become
 * spaces, said once: dropped, they would glue the words on either side together.
 */
function nulsToSpaces(text: string, warnings: DecodeWarning[]): string {
  const first = text.indexOf('\u0000');
  if (first < 0) return text;
  let count = 0;
  const spaced = text.replace(/\u0000/g, () => (count++, ' '));
  const line = lineAt(text, first);
  warnings.push({ line, message: `${count} NUL character${count === 1 ? '' : 's'} replaced with spaces (first on line ${line})` });
  return spaced;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** NUL and other C0 control bytes (tab, LF, VT, FF, CR and ESC are normal in text). */
function sniffControls(head: Uint8Array): { nul: number; control: number } {
  let nul = 0;
  let control = 0;
  for (let i = 0; i < head.length; i++) {
    const b = head[i];
    if (b >= 0x20 && b !== 0x7f) continue;
    if (b === 0) nul++;
    if (b === 0x09 || b === 0x0a || b === 0x0b || b === 0x0c || b === 0x0d || b === 0x1b) continue;
    control++;
  }
  return { nul, control };
}

/**
 * UTF-16 without a BOM: mostly-ASCII text has a NUL in every other byte; mostly-Chinese text
 * has NULs on one side only (its ASCII characters) and reads as Chinese. Anything else with
 * NULs is binary.
 */
function guessBomlessUtf16(head: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const pairs = head.length >> 1;
  if (pairs < 2) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i + 1 < head.length; i += 2) {
    if (head[i] === 0) evenNul++;
    if (head[i + 1] === 0) oddNul++;
  }
  if (oddNul > pairs * 0.4 && evenNul === 0) return 'utf-16le';
  if (evenNul > pairs * 0.4 && oddNul === 0) return 'utf-16be';
  // Chinese text has few ASCII characters, so few NULs, all on one side: it must then read as Chinese.
  const side = evenNul === 0 && oddNul >= 2 ? 'utf-16le' : oddNul === 0 && evenNul >= 2 ? 'utf-16be' : undefined;
  if (side && commonHanShare(new TextDecoder(side).decode(head.subarray(0, pairs * 2))) >= 0.3) return side;
  return undefined;
}

/**
 * Counts invalid UTF-8 sequences the way the WHATWG decoder replaces them (each maximal bad
 * subpart is one U+FFFD), and where the first one is (1-based line, byte offset).
 */
function scanInvalidUtf8(b: Uint8Array): { count: number; firstOffset: number; firstLine: number } {
  let count = 0;
  let firstOffset = -1;
  let firstLine = 1;
  let lines = 1;
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      if (c === 0x0a) lines++;
      i++;
      continue;
    }
    let need = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f; // no UTF-16 surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    }
    let j = i + 1;
    let ok = need > 0;
    for (let k = 0; ok && k < need; k++, j++) {
      const t = j < n ? b[j] : -1;
      const min = k === 0 ? lo : 0x80;
      const max = k === 0 ? hi : 0xbf;
      if (t < min || t > max) ok = false;
    }
    if (ok) {
      i = j;
      continue;
    }
    // Bad sequence: the lead byte plus any continuation bytes that were valid so far.
    if (firstOffset < 0) {
      firstOffset = i;
      firstLine = lines;
    }
    count++;
    i = Math.max(i + 1, j - 1);
  }
  return { count, firstOffset, firstLine };
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

function kb(n: number): string {
  return n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} bytes`;
}
