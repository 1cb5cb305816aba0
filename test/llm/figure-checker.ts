/**
 * An independent judge of a finished reply: does any figure, link or product name reach the shopper
 * other than through the catalogue? It shares no code and no patterns with llm/ (not the sanitizer,
 * not the fact check, not figures.ts): it reads the text its own way — the catalogue's rendered
 * facts masked out, then character by character and word by word — so a hole in the product's
 * detection is not repeated here.
 *
 * The rules it enforces are the README's ("Grounded means grounded"): outside the card products'
 * rendered price, stock text and title, no numeric character, currency sign or word, percentage,
 * number word, Chinese numeral used as a figure, or link; and no title of a catalogue product that
 * is not one of the cards.
 */

export type ViolationKind = "figure" | "currency" | "percent" | "number_word" | "zh_numeral" | "url" | "other_product";

export interface Violation {
  kind: ViolationKind;
  text: string;
}

export interface Rendered {
  /** What the catalogue put in the reply for its cards: formatted prices, stock texts ("7 in stock", "库存7件"), titles. */
  cardFacts: string[];
  /** The card products' titles. */
  cardTitles: string[];
  /** Every product title in the catalogue; those that are not cards must not appear. */
  catalogueTitles: string[];
}

const MASK = "\uE000";

const NUMBER_WORDS = new Set(
  (
    "zero two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen " +
    "twenty thirty forty fourty fifty sixty seventy eighty ninety hundred hundreds thousand thousands million millions billion billions " +
    "trillion trillions dozen dozens"
  ).split(" "),
);
const MONEY = new Set("dollar dollars buck bucks euro euros pound pounds quid cent cents penny pennies pence yuan renminbi yen rupee rupees franc francs".split(" "));
const CODES_UPPER = new Set("USD EUR GBP CNY RMB JPY CHF CAD AUD HKD SGD NZD INR KRW SEK NOK DKK".split(" "));
const CODES_LOWER = new Set("usd eur gbp cny rmb jpy hkd aud sgd nzd inr krw chf".split(" "));
const COUNTED = new Set([...MONEY, ...NUMBER_WORDS, ..."percent left remaining available unit units piece pieces pcs item items pair pairs pack packs more point".split(" ")]);
const BEFORE_A_COUNT = new Set(["only", "just", "cost", "costs", "under", "over"]);
const TLDS = new Set(
  "com net org io co cn uk de fr jp ru info biz shop store online site app dev xyz top me ly gl link example test invalid local tk us ca au in eu tv cc ai".split(" "),
);
const PERCENT_SIGNS = new Set([..."%％‰‱٪﹪"]);

const ZH_NUMERALS = new Set([..."零〇一二两兩三四五六七八九十百千万萬亿億壹贰貳叁參肆伍陆陸柒捌玖拾佰仟"]);
const ZH_LONG_UNITS = ["公斤", "千克", "厘米", "毫米", "毫升", "小时", "小時", "分钟", "分鐘", "英寸", "个月", "個月"];
const ZH_UNITS = new Set([..."件个個双雙台套份只条條瓶盒包款色种種码碼号號张張本支枚颗顆粒片袋箱组組位名次倍天年月周岁歲斤克米寸分折成元块塊"]);
const ZH_ONE_ALWAYS = new Set([..."折元块塊倍"]);
const ZH_CUES = ["只", "仅", "僅", "就", "剩", "共", "限", "买", "買", "送", "还有", "還有", "只有", "仅有", "僅有", "库存", "庫存", "仅此", "僅此"];
const ZH_NOT_FIGURES = ["千万", "万一", "万万", "一一", "十分", "万分", "五颜六色", "乱七八糟", "一五一十"];
const ZH_MONEY = ["美元", "美金", "欧元", "歐元", "英镑", "英鎊", "日元", "港元", "港币", "港幣", "韩元", "韓元", "人民币", "人民幣", "块钱", "塊錢"];
const ZH_PERCENT = ["百分之", "半价", "半價"];

function maskAll(text: string, needles: string[]): string {
  let out = text;
  for (const n of [...new Set(needles)].filter(Boolean).sort((a, b) => b.length - a.length)) out = out.split(n).join(MASK);
  return out;
}

const isLetter = (c: string | undefined) => c !== undefined && /^[a-z]$/i.test(c);
const isSpace = (c: string | undefined) => c !== undefined && c.trim() === "";

interface Word {
  word: string;
  original: string;
  start: number;
  end: number;
}

/** Runs of ASCII letters, lower-cased, with where they are. */
function words(text: string): Word[] {
  const out: Word[] = [];
  let i = 0;
  while (i < text.length) {
    if (!isLetter(text[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && isLetter(text[j])) j++;
    out.push({ word: text.slice(i, j).toLowerCase(), original: text.slice(i, j), start: i, end: j });
    i = j;
  }
  return out;
}

/** Whether only spaces (and, when allowed, hyphens) stand between two words. */
function joined(text: string, a: Word, b: Word, hyphens: boolean): boolean {
  const between = text.slice(a.end, b.start);
  return between.length > 0 && [...between].every((c) => isSpace(c) || (hyphens && c === "-"));
}

function englishWords(text: string, out: Violation[]): void {
  const ws = words(text);
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    const next = ws[i + 1];
    const prev = ws[i - 1];
    const nextJoined = next !== undefined && joined(text, w, next, true);
    const prevJoined = prev !== undefined && joined(text, prev, w, false);
    if (NUMBER_WORDS.has(w.word)) out.push({ kind: "number_word", text: w.original });
    if (MONEY.has(w.word)) out.push({ kind: "currency", text: w.original });
    if (CODES_UPPER.has(w.original) || CODES_LOWER.has(w.original)) out.push({ kind: "currency", text: w.original });
    if (w.word === "percent" || w.word === "pct" || (w.word === "per" && next?.word === "cent" && text.slice(w.end, next.start).trim() === "")) {
      out.push({ kind: "percent", text: w.original });
    }
    if (w.word === "one") {
      const after = nextJoined ? next!.word : "";
      const [w2, w3] = [ws[i + 2], ws[i + 3]];
      const phrase2 = nextJoined && w2 && joined(text, next!, w2, false) ? `${after} ${w2.word}` : "";
      const phrase3 = phrase2 && w3 && joined(text, w2!, w3, false) ? `${phrase2} ${w3.word}` : "";
      const countedAfter = COUNTED.has(after) || phrase2 === "in stock" || phrase2 === "per cent" || phrase3 === "and a half";
      const prev2 = ws[i - 2];
      const phraseBefore = prevJoined && prev2 && joined(text, prev2, prev!, false) ? `${prev2.word} ${prev!.word}` : "";
      const countedBefore = prevJoined && (BEFORE_A_COUNT.has(prev!.word) || phraseBefore === "priced at" || phraseBefore === "down to");
      if (countedAfter || countedBefore) out.push({ kind: "number_word", text: w.original });
    }
    if (w.word === "half") {
      const priceAfter = nextJoined && ["price", "priced", "prices", "off"].includes(next!.word);
      const atBefore = prevJoined && ["at", "for"].includes(prev!.word);
      if (priceAfter || atBefore) out.push({ kind: "number_word", text: w.original });
    }
    if (["http", "https", "ftp", "www"].includes(w.word)) out.push({ kind: "url", text: w.original });
    if (w.word === "dot" && next && joined(text, w, next, false) && ["com", "net", "org", "cn"].includes(next.word)) {
      out.push({ kind: "url", text: `${w.original} ${next.original}` });
    }
  }
}

function hostNames(text: string, out: Violation[]): void {
  // Pieces of text made only of what a host name is made of.
  const chunks = text.split(/[^A-Za-z0-9\-.。]+/);
  for (const chunk of chunks) {
    const labels = chunk.split(/[.。]/);
    if (labels.length < 2) continue;
    const lowerName = (l: string) => l.length >= 2 && /^[a-z][a-z-]*$/.test(l);
    for (let i = 0; i + 1 < labels.length; i++) {
      const [a, b] = [labels[i]!, labels[i + 1]!];
      const tld = a !== "" && /^[A-Za-z0-9-]+$/.test(a) && TLDS.has(b.toLowerCase());
      if (tld || (lowerName(a) && lowerName(b))) {
        out.push({ kind: "url", text: chunk });
        break;
      }
    }
  }
  for (let i = 1; i + 1 < text.length; i++) {
    if (text[i] === "@" && !isSpace(text[i - 1]) && !isSpace(text[i + 1])) out.push({ kind: "url", text: text.slice(i - 1, i + 2) });
  }
}

function chineseFigures(text: string, out: Violation[]): void {
  const chars = [...text];
  const masked = new Array<boolean>(chars.length).fill(false);
  const at = (i: number, s: string) => chars.slice(i, i + [...s].length).join("") === s;
  for (let i = 0; i < chars.length; i++) {
    if (masked[i]) continue;
    for (const idiom of ZH_NOT_FIGURES) {
      const n = [...idiom].length;
      if (!at(i, idiom)) continue;
      const before = chars[i - 1];
      const after = chars[i + n];
      if ((before && ZH_NUMERALS.has(before)) || (after && (ZH_NUMERALS.has(after) || after === "钟" || after === "鐘"))) continue;
      for (let k = i; k < i + n; k++) masked[k] = true;
      break;
    }
  }
  for (const word of [...ZH_MONEY, ...ZH_PERCENT]) {
    if (text.includes(word)) out.push({ kind: ZH_MONEY.includes(word) ? "currency" : "percent", text: word });
  }
  for (let i = 0; i < chars.length; ) {
    if (masked[i] || !ZH_NUMERALS.has(chars[i]!)) {
      i++;
      continue;
    }
    let j = i;
    while (j < chars.length && !masked[j] && ZH_NUMERALS.has(chars[j]!)) j++;
    const run = chars.slice(i, j).join("");
    if (j - i >= 2) out.push({ kind: "zh_numeral", text: run });
    else {
      const k = isSpace(chars[j]) ? j + 1 : j;
      const longUnit = ZH_LONG_UNITS.find((u) => at(k, u));
      const unit = longUnit ?? (chars[k] !== undefined && ZH_UNITS.has(chars[k]!) ? chars[k] : undefined);
      if (unit) {
        const before = chars.slice(0, i).join("");
        const counted = run !== "一" || ZH_ONE_ALWAYS.has(chars[k]!) || ZH_CUES.some((c) => before.endsWith(c));
        if (counted) out.push({ kind: "zh_numeral", text: run + unit });
      }
    }
    i = j;
  }
}

/** Whether `title` stands in `text` as words of its own, not inside longer ones ("hat" is not in "that"). */
function mentions(text: string, title: string): boolean {
  const wordy = (c: string | undefined) => c !== undefined && /[a-z0-9]/i.test(c);
  for (let at = text.indexOf(title); at >= 0; at = text.indexOf(title, at + 1)) {
    const edgeBefore = !(wordy(text[at - 1]) && wordy(title[0]));
    const edgeAfter = !(wordy(text[at + title.length]) && wordy(title.at(-1)));
    if (edgeBefore && edgeAfter) return true;
  }
  return false;
}

/** Everything in `reply` that a grounded reply must not say. Empty: the reply is clean. */
export function checkReply(reply: string, rendered: Rendered): Violation[] {
  const out: Violation[] = [];
  const cards = new Set(rendered.cardTitles.map((t) => t.toLowerCase()));
  const withoutFacts = maskAll(reply, rendered.cardFacts);
  const lower = withoutFacts.toLowerCase();
  for (const title of rendered.catalogueTitles) {
    if (!cards.has(title.toLowerCase()) && mentions(lower, title.toLowerCase())) out.push({ kind: "other_product", text: title });
  }
  const text = withoutFacts.normalize("NFKC").replace(/\p{Cf}/gu, "");
  for (const c of text) {
    if (c === MASK) continue;
    if (/\p{N}/u.test(c)) out.push({ kind: "figure", text: c });
    else if (/\p{Sc}/u.test(c)) out.push({ kind: "currency", text: c });
    else if (PERCENT_SIGNS.has(c)) out.push({ kind: "percent", text: c });
  }
  englishWords(text, out);
  hostNames(text, out);
  chineseFigures(text, out);
  return out;
}

export interface CardProduct {
  title: string;
  price?: number;
  currency?: string;
  stock?: number;
}

/**
 * What the catalogue renders for `cards` in `locale`, written from the spec (prices as Intl formats
 * them in the reply's language, stock as "7 in stock" / "out of stock" / 库存7件 / 暂时缺货), not
 * from llm/'s own formatting code.
 */
export function renderedFor(cards: CardProduct[], locale: "en" | "zh", catalogueTitles: string[] = []): Rendered {
  const zh = locale === "zh";
  const facts: string[] = [];
  for (const c of cards) {
    facts.push(c.title);
    if (c.price === undefined) facts.push(zh ? "价格待询" : "price on request");
    else facts.push(new Intl.NumberFormat(zh ? "zh-CN" : "en-US", { style: "currency", currency: c.currency ?? (zh ? "CNY" : "USD") }).format(c.price));
    if (c.stock === undefined) facts.push(zh ? "库存待确认" : "stock to be confirmed");
    else if (c.stock <= 0) facts.push(zh ? "暂时缺货" : "out of stock");
    else facts.push(zh ? `库存${c.stock}件` : `${c.stock} in stock`);
  }
  const cardTitles = cards.map((c) => c.title);
  return { cardFacts: facts, cardTitles, catalogueTitles: [...new Set([...catalogueTitles, ...cardTitles])] };
}
