/**
 * Who a product is for (men, women, kids) and who a shopper is buying for, read from words: the
 * catalogue has no audience facet, but titles and tags say "Men's", "Kids'", "女款", "儿童", and a
 * shopper says "for my dad", "for men", "给女朋友".
 */
export type Audience = "men" | "women" | "kids";

const UNISEX = /\b(?:unisex|gender[- ]neutral)\b|中性|男女同款|男女通用/i;
// "ages 3+", "ages 3-7" on toys say who they are for as plainly as "Kids'".
const KIDS = /\b(?:kids?'?|children|child's|children's|toddlers?|junior|youth|baby)\b|\bages?\s*(?:[0-9]|1[0-2])\s*(?:\+|-|–|to\b)|儿童|童款|宝宝|(?<!\d)(?:[0-9]|1[0-2])\s*岁以上/i;

/** The audiences a product's own words name; empty when it names none (for anyone). */
export function productAudiences(text: string): Set<Audience | "unisex"> {
  const found = new Set<Audience | "unisex">();
  if (UNISEX.test(text)) found.add("unisex");
  // "男女同款" names both and means unisex: do not read it as men's or women's.
  const rest = text.replace(/男女同款|男女通用/g, " ");
  if (KIDS.test(rest)) found.add("kids");
  if (/\b(?:men|mens|men's|male)\b/i.test(rest) || /男/.test(rest)) found.add("men");
  if (/\b(?:women|womens|women's|female|ladies)\b/i.test(rest) || /女/.test(rest)) found.add("women");
  return found;
}

/** Whether a product whose words name `audiences` suits someone in `wanted`: unmarked and unisex products suit adults. */
export function suits(audiences: Set<Audience | "unisex">, wanted: Audience): boolean {
  if (audiences.size === 0) return true;
  if (audiences.has(wanted)) return true;
  return wanted !== "kids" && audiences.has("unisex") && !audiences.has("kids");
}

// Who the shopper is buying for. Relations first ("my dad"), then plain audience words ("for men").
const SHOPPER_EN: [Audience, RegExp][] = [
  ["kids", /\b(?:kids?|child|children|toddlers?|baby|babies|little (?:boy|girl|one)s?|(?:grand)?sons?|(?:grand)?daughters?|nephews?|nieces?|boys|girls|teen(?:ager)?s?|(?:[1-9]|1[0-2]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)[\s-]*(?:years?|yrs?)[\s-]*old|(?:[1-9]|1[0-2])[\s-]*yo)\b/i],
  ["men", /\b(?:men|mens|men's|man|male|guys?|dads?|daddy|fathers?|father-in-law|grand(?:pa|dad|father)|husband|hubby|boyfriend|bf|brothers?|uncles?|him|he|his|gentlem[ae]n)\b/i],
  ["women", /\b(?:women|womens|women's|woman|female|ladies|lady|mums?|moms?|mommy|mummy|mothers?|mother-in-law|grand(?:ma|mother|mum|mom)|wife|girlfriend|gf|sisters?|aunts?|her|she)\b/i],
];
const SHOPPER_ZH: [Audience, RegExp][] = [
  ["kids", /孩子|小孩|儿童|儿子|女儿|宝宝|宝贝|小朋友|侄子|侄女|外甥|孙子|孙女|童款|(?<![一二两三四五六七八九十百\d])(?:[一二两三四五六七八九十]|十[一二]|[1-9]|1[0-2])岁/],
  ["men", /爸爸|爸|父亲|老爸|爷爷|外公|姥爷|老公|丈夫|先生|男朋友|男友|哥哥|弟弟|叔叔|舅舅|男士|男生|男人|男款|男性|男式|男装|他(?!们)/],
  ["women", /妈妈|妈|母亲|老妈|奶奶|外婆|姥姥|老婆|妻子|太太|女朋友|女友|姐姐|妹妹|阿姨|姑姑|女士|女生|女人|女款|女性|女式|女装|她/],
];

// "running shoes for men and women", "男女款": both adult audiences named together are no filter.
const BOTH_EN = /\b(?:men'?s?|male|him)\s*(?:and|or|&|\/|,)\s*(?:women'?s?|female|her|ladies)\b|\b(?:women'?s?|female|her|ladies)\s*(?:and|or|&|\/|,)\s*(?:men'?s?|male|him)\b|\bboth (?:sexes|genders)\b/i;
const BOTH_ZH = /男女|女男|男款(?:和|或|跟|与|、)女款|女款(?:和|或|跟|与|、)男款|男士(?:和|或|跟|与|、)女士|女士(?:和|或|跟|与|、)男士/;

/** Whether a message asks for men's and women's things alike ("running shoes for men and women", 男女款). */
export function bothAdultAudiences(text: string): boolean {
  return BOTH_EN.test(text) || BOTH_ZH.test(text);
}

/** Men's and women's products taking turns (then the rest), each in its own order: a list for both shows both. */
export function alternateAudiences<T>(items: T[], textOf: (item: T) => string): T[] {
  const men: T[] = [];
  const women: T[] = [];
  const rest: T[] = [];
  for (const item of items) {
    const a = productAudiences(textOf(item));
    (a.has("men") && !a.has("women") ? men : a.has("women") && !a.has("men") ? women : rest).push(item);
  }
  const out: T[] = [];
  for (let i = 0; i < Math.max(men.length, women.length); i++) out.push(...[men[i], women[i]].filter((x): x is T => x !== undefined));
  return [...out, ...rest];
}

/** The audience a message names for whom the shopper buys, or undefined. The first named wins. */
export function shopperAudience(text: string): Audience | undefined {
  if (bothAdultAudiences(text)) return SHOPPER_EN[0]![1].test(text) || SHOPPER_ZH[0]![1].test(text) ? "kids" : undefined;
  let best: { audience: Audience; at: number } | undefined;
  for (const [audience, re] of [...SHOPPER_EN, ...SHOPPER_ZH]) {
    const m = re.exec(text);
    if (m && (!best || m.index < best.at)) best = { audience, at: m.index };
  }
  return best?.audience;
}

/** The words a search adds for an audience, so the catalogue's own "Men's"/"男款" rank first. */
export function audienceWords(audience: Audience, locale: "en" | "zh"): string {
  if (locale === "zh") return { men: "男款 男士", women: "女款 女士", kids: "儿童" }[audience];
  return { men: "men", women: "women", kids: "kids" }[audience];
}
