import { spokenAmountsToDigits, withoutSizePhrases } from "../intents/entities.ts";
import { cutChinese, stripPriceWords } from "../recommend/index.ts";

/**
 * The words of a message that describe what the shopper wants — what a search should match — with
 * the request itself taken out: its verbs ("do you sell", "show me", "I want to buy"), pronouns,
 * politeness and filler, and in Chinese the function characters (更, 的, 有, 没有, 吗…). The price
 * and size phrases go too: they are filters, not words to match.
 */

// Requests, pronouns, determiners and filler: never a product's description.
const EN_REQUEST = new Set(
  (
    "a an the and or but of in on at to for with by from into about as is are be been being am was were it its it's this that these those them they their " +
    "there here i i'm im i'd id i've i'll me my mine we we're we'll we've us our you you're you'll your u ya he she him her his hers they're they'll " +
    "sell sells selling sold show shows showing shown find finding found help helps helping assist want wants wanted wanna need needs needed looking look looks searching search " +
    "buy buying bought purchase purchasing get getting got have has having had carry carries carrying stock stocks offer offers " +
    "recommend recommends recommendation recommendations suggest suggestion suggestions idea ideas give let see tell list browse check " +
    "do does did doing can could would will should may might must shall please pls plz thanks thank kindly " +
    "like love lookin some any anything something everything stuff things thing item items product products one ones kind kinds sort sorts type types " +
    "what which who whom whose where when how why whether if then than so too also just really very quite maybe perhaps still even what's whats there's here's that's " +
    "other another else more again else same different good nice great best decent cool awesome lovely new ok okay hi hello hey yes no not " +
    "shop store available availability options option range selection " +
    "first second third fourth fifth sixth seventh eighth ninth tenth last number no " +
    "after bit little lot slightly somewhat tad kinda sorta rather actually instead now then though ok okay well so um uh erm hmm " +
    "mostly mainly usually often always lots "+
    "two three four five six seven eight nine ten yeah yep yup nah nope gonna gotta lemme sure unsure certain clue decide deciding undecided know knows dunno choose choosing pick picking " +
    "don't dont doesn't didn't can't cant won't isn't aren't wasn't haven't "+
    "today tomorrow tonight yesterday brand brands " +
    "except excluding without besides apart " +
    "quality many much least meant mean means sorry oops sale sales deal deals discount discounts discounted promotion promotions clearance bargain bargains rated rating ratings reviewed highest highly"
  ).split(/\s+/),
);

// Chinese function words and request phrasing (jieba words, or single characters).
const ZH_REQUEST = new Set(
  (
    "的 了 是 有 没 没有 有没有 有无 吗 呢 吧 啊 呀 哦 嘛 么 更 还 再 也 都 就 很 太 最 比较 一点 一些 一下 些 点 多 好 " +
    "我 我们 你 你们 您 他 她 它 他们 她们 咱们 自己 " +
    "想 想要 要 需要 我要 我想 我想要 买 卖 购买 出售 在 售 给 帮 帮我 挑 挑选 选 选购 请 能 能否 可以 可不可以 会 找 找找 搜 搜索 看 看看 瞧瞧 推荐 介绍 建议 来 拿 适合 合适 " +
    "一 个 款 件 双 条 台 部 只 副 套 种 本 些 几 几个 几款 几件 几本 几双 几条 一个 一款 一件 一双 一条 一台 一部 一只 一副 一套 一本 一把 把 好用 好看 " +
    "这 那 这个 那个 这款 那款 这些 那些 这种 那种 哪 哪些 哪个 哪款 什么 啥 怎么 怎么样 如何 多少 " +
    "做 干 用 其他 其它 别的 另外 还有 商品 东西 产品 好 好的 不错 店 你家 贵店 本店 和 与 或 或者 跟 及 以及 但 但是 不过 可是 呗 嗯 有货 现货 库存 到货 缺货 钱 价格 价钱 售价 喜欢 热爱 打折 折扣 优惠 促销 特价 减价 活动 不知道 知道 也 没想好 不 不要 不想要 别 除了 以外 之外 不含 不带 品牌 牌子 牌 你好 您好 嗨 哈喽 在吗 在么 亲"
  ).split(/\s+/),
);

const HAN = /\p{Script=Han}/u;

const NUMBER_WORDS: Record<string, string> = { one: "1", two: "2", three: "3", four: "4", five: "5", six: "6", seven: "7", eight: "8", ten: "10" };

/** A headcount as queryTerms writes it ("4-person", 四人): a size of the thing, never what it is for. */
export const HEADCOUNT = /\b(\d+)-person\b|([单双两三四五六八])人/giu;

const ZH_HEADCOUNT: Record<string, string> = { "1": "单", 一: "单", "2": "双", 二: "双", 两: "双", "3": "三", "4": "四", "5": "五", "6": "六", "8": "八" };

/** "a tent for 4 people" says its size as catalogues write it ("4-Person"): a size, not a word "people". */
function headcount(text: string): string {
  // "for 4" would otherwise read as a price.
  return text
    .replace(/(?:\bfor\s+)?\b(\d+|one|two|three|four|five|six|seven|eight|ten)[\s-]*(?:people|persons?|ppl)\b/gi, (_, n: string) => `${NUMBER_WORDS[n.toLowerCase()] ?? n}-person`)
    // "a tent that sleeps four"
    .replace(/\b(?:that\s+|which\s+|to\s+)?sleeps?\s+(\d+|one|two|three|four|five|six|seven|eight|ten)\b/gi, (_, n: string) => `${NUMBER_WORDS[n.toLowerCase()] ?? n}-person`)
    // 四个人用的帐篷, 两个人住的, 能睡四个人的: as Chinese listings write it (四人, 双人).
    .replace(/(?:(?:能|可以)?(?:睡|住|容纳|坐)(?:下)?)?([一二两三四五六七八九十]|\d{1,2})\s*个?人(?:用|住|睡|的|用的|住的|睡的)+/gu, (_, n: string) => `${ZH_HEADCOUNT[n] ?? n}人 `)
    // "32G" of memory or storage is 32GB, as listings write it (a 5G phone is not 5GB).
    .replace(/\b(8|\d{2,4})\s*G\b(?!B)/g, "$1GB");
}

/** "16GB of RAM", "512 GB SSD", "1TB storage": the size is what a listing says ("16GB/512GB"); the noun after it is not. */
function withoutMeasuredNoun(text: string): string {
  return text.replace(/(\d+(?:[.,]\d+)?\s*(?:gb|tb|mb))\s+(?:of\s+)?(?:ram|memory|storage|ssd|hdd|disk|space)\b/gi, "$1");
}

/** The message's content words as a search query; empty when it says nothing about a product. */
export function queryTerms(text: string, extraDrop: ReadonlySet<string> = new Set()): string {
  // 卖不卖, 有没有, 是不是: a question's A-not-A form is all request.
  // …and 第一个, 第2款 point into the list shown: never a product's words.
  // "under one hundred dollars", 两百块以下: spoken amounts are price phrases too (speech writes numbers as words).
  const cleaned = stripPriceWords(headcount(withoutMeasuredNoun(withoutSizePhrases(spokenAmountsToDigits(text)))))
    .replace(/([卖买有要能会是用])[不没]\1|有木有/gu, " ")
    .replace(/第\s*(?:[一二两三四五六七八九十]|\d+)\s*[个款件双条台部只项]?/gu, " ")
    // A pasted link says nothing a search can match ("https example.com 123").
    .replace(/\bhttps?:\/\/\S+|\bwww\.\S+/gi, " ")
    // "a new pair of trainers": how many, not what ("pair of socks (3 pack)" is still socks).
    .replace(/\b(?:a\s+|one\s+|new\s+|another\s+)*pairs?\s+of\b/gi, " ")
    // "make that green", "change it to blue": a correction's phrasing, not what is wanted.
    .replace(/\b(?:make|change|switch)\s+(?:it|that|this|those|them)(?:\s+(?:to|into|for))?\b/gi, " ");
  const out: string[] = [];
  // A Latin word ends where Chinese begins: "有iPhone 16吗" is iPhone, 16 and 吗.
  for (const m of cleaned.matchAll(/(\p{Script=Han}+)|((?:(?!\p{Script=Han})[\p{L}\p{N}])+(?:['’\-.](?:(?!\p{Script=Han})[\p{L}\p{N}])+)*)/gu)) {
    if (m[1]) {
      // Words either side of a dropped one stay apart: 步维的鞋 → 步维 鞋, not a new word 步维鞋.
      let chunk = "";
      for (const word of cutChinese(m[1])) {
        // 更好, 更多: "more" and "better" are no product's words; 更大 keeps 大.
        // …and jieba glues a request verb to what follows it (卖狗/粮, 买个, 买条): the verb goes.
        // 找个, 挑款, 选件: a verb glued to a measure word is all request.
        const w = word.length > 1 ? word.replace(/^更/, "").replace(/^[买卖](?=\p{Script=Han})/u, "").replace(/^[找挑选搜](?=[个款件双条台部只副套种]$)/u, "").replace(/^几[本个款件双条台部只套种](?=\p{Script=Han})/u, "").replace(/^好(?=[^吃喝玩听穿看用]$)/u, "") : word;
        if (ZH_REQUEST.has(w) || extraDrop.has(w) || /^[的了吗呢吧啊呀更有没要想买卖给个]+$/.test(w)) {
          if (chunk) out.push(chunk);
          chunk = "";
          out.push("|");
        } else chunk += w;
      }
      if (chunk) out.push(chunk);
      continue;
    }
    const word = m[2]!;
    const lower = word.toLowerCase().replace(/’/g, "'");
    if (EN_REQUEST.has(lower) || extraDrop.has(lower)) continue;
    out.push(word);
  }
  return joinTerms(out);
}

/** Latin words joined with spaces, Chinese runs without, breaks ("|") dropped. */
function joinTerms(parts: string[]): string {
  let s = "";
  let prevHan = false;
  for (const p of parts) {
    if (p === "|") {
      prevHan = false;
      if (s && !s.endsWith(" ")) s += " ";
      continue;
    }
    const han = HAN.test(p);
    if (s && !s.endsWith(" ") && !(han && prevHan)) s += " ";
    s += p;
    prevHan = han;
  }
  return s.trim().replace(/\s+/g, " ");
}

/**
 * The text without these words: Latin ones as whole words (any case), Chinese ones wherever they stand
 * (Chinese has no spaces). "red running shoes" without "red"; 红色跑鞋 without 红色.
 */
export function withoutWords(text: string, words: Iterable<string>): string {
  const all = [...new Set(words)].filter(Boolean).sort((a, b) => b.length - a.length);
  const latin = all.filter((w) => !HAN.test(w)).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const han = all.filter((w) => HAN.test(w));
  let out = latin.length ? text.replace(new RegExp(`\\b(?:${latin.join("|")})\\b`, "gi"), " ") : text;
  for (const w of han) out = out.split(w).join(" ");
  return out.replace(/\s+/g, " ").trim();
}

/** Whether a word or character is request phrasing in either language (for other modules' word lists). */
export function isRequestWord(word: string): boolean {
  const w = word.toLowerCase();
  return EN_REQUEST.has(w) || ZH_REQUEST.has(w);
}
