/**
 * Resolves what a message points at among the products shown last: "the first one", "the second",
 * "the last", "it", "第一个", "前两个". Returns indexes into the last shown list.
 */
const ORDINALS_EN: Record<string, number> = {
  first: 0, "1st": 0, second: 1, "2nd": 1, third: 2, "3rd": 2, fourth: 3, "4th": 3, fifth: 4, "5th": 4,
  sixth: 5, "6th": 5, seventh: 6, "7th": 6, eighth: 7, "8th": 7, ninth: 8, "9th": 8, tenth: 9, "10th": 9,
};
const SPOKEN: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 };
const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

export function referencedIndexes(text: string, shown: number): number[] {
  const explicit = explicitIndexes(text, shown);
  if (explicit.length || shown === 0) return explicit;
  return pointsAtOne(text) ? [0] : [];
}

/** 它, 这, 这个, 那款, 那些 — but not 那 alone, which is "then" (那茶叶呢: what about tea). */
export const ZH_PRONOUN = /它|这|那(?:个|款|件|双|台|部|只|条|些|种|套|本|把|副|几|两|俩|一)/;

/** "it", "that one", "them", 它, 这个, 那款: a message about the product in focus rather than a new one. */
export function pointsAtOne(text: string): boolean {
  return /\b(?:it|this|that|this one|that one|them|those|these|they)\b/i.test(text) || ZH_PRONOUN.test(text);
}

// A pointer at a shown product as written: "the first one", "the 2nd", "that one", 第一个, 这款.
const POINTER =
  /\b(?:the\s+)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|1st|2nd|3rd|[4-9]th|10th|last)(?:\s+one)?\b|\b(?:this|that)\s+one\b|第\s*(?:[一二两三四五六七八九十]|\d+)\s*(?:个|款|件|项)|[这那](?:个|款|件|双|台|部|只|条)/gi;

/** The message with its pointers at a product replaced by what it points at ("第一个有保修吗" → "笔记本电脑 有保修吗"). */
export function replacePointers(text: string, name: string): string {
  return text.replace(POINTER, ` ${name} `).replace(/\s+/g, " ").trim();
}

/** The shown products a message names by position ("the second", "the last", 第二个, 前两个) — not by pronoun. */
export function explicitIndexes(text: string, shown: number): number[] {
  if (shown === 0) return [];
  const lower = text.toLowerCase();
  const found = new Set<number>();

  const firstN = /\b(?:first|top) (two|three|2|3)\b/.exec(lower) ?? /前\s*([两二三23])\s*(?:个|款|件)?/.exec(text);
  if (firstN) {
    const n = { two: 2, three: 3, "2": 2, "3": 3, 两: 2, 二: 2, 三: 3 }[firstN[1]!] ?? 2;
    for (let i = 0; i < Math.min(n, shown); i++) found.add(i);
  }
  for (const [word, index] of Object.entries(ORDINALS_EN)) {
    if (new RegExp(`\\b${word}\\b`).test(lower) && index < shown) found.add(index);
  }
  if (/\b(?:last|latter)\b/.test(lower) || /最后一/.test(text)) found.add(shown - 1);
  for (const m of text.matchAll(/第\s*([一二两三四五六七八九十]|\d+)\s*(?:个|款|件|项)?/g)) {
    const n = CN_DIGITS[m[1]!] ?? Number(m[1]);
    if (n >= 1 && n <= shown) found.add(n - 1);
  }
  // "number 3", "item four", "option two" (as speech writes it), 二号.
  for (const m of lower.matchAll(/(?:\b(?:number|no\.?|item|option)\s*|#\s*)(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\b/g)) {
    const n = SPOKEN[m[1]!] ?? Number(m[1]);
    if (n >= 1 && n <= shown) found.add(n - 1);
  }
  for (const m of text.matchAll(/(?<![\d一二两三四五六七八九十])([一二两三四五六七八九十]|\d{1,2})\s*号(?![码碼])/g)) {
    const n = CN_DIGITS[m[1]!] ?? Number(m[1]);
    if (n >= 1 && n <= shown) found.add(n - 1);
  }
  if (found.size === 0 && (/\b(?:both|these two|the two)\b/.test(lower) || /这两/.test(text))) {
    for (let i = 0; i < Math.min(2, shown); i++) found.add(i);
  }
  return [...found].sort((a, b) => a - b);
}

/**
 * A pick of one product of the list by price: "the cheapest one", "which one is the cheapest?",
 * "what's the most expensive of them", 哪个最便宜, 最贵的那款. Not "the cheapest running shoes"
 * (a search) nor "cheapest ones" (a refinement).
 */
export function superlativePick(text: string): "min" | "max" | undefined {
  const t = text.toLowerCase().trim();
  const en = (word: string) =>
    new RegExp(`\\b(?:${word})\\s+(?:one|of (?:them|these|those|all))\\b`).test(t) ||
    new RegExp(`\\b(?:which|what|whats|what's)\\b[^.?!]*\\b(?:${word})\\b(?:\\s+(?:one|of (?:them|these|those|all)))?\\s*[?.!]*$`).test(t) ||
    new RegExp(`^(?:and\\s+)?(?:the\\s+)?(?:${word})\\s*[?.!]*$`).test(t);
  // "the cheaper one", "which one is cheaper?" (of two just compared) — but "cheaper ones" and a bare
  // "cheaper?" ask for a new list.
  const comparative = (word: string) =>
    new RegExp(`\\b(?:${word})\\s+one\\b(?!s)`).test(t) || new RegExp(`\\b(?:which|what)\\s+(?:one|of (?:the|these|those) two)\\b[^.?!]*\\b(?:${word})\\b\\s*[?.!]*$`).test(t);
  if (en("cheapest|least expensive|lowest[- ]priced") || comparative("cheaper|less expensive") || /哪[个款件双只]最便宜|最便宜的(?:是哪|那|一[个款件双]|这)|哪[个款件双只](?:更|比较)?便宜|便宜的那[个款件双只]/.test(text)) return "min";
  if (en("most expensive|priciest|dearest|highest[- ]priced") || comparative("pricier|more expensive|dearer") || /哪[个款件双只]最贵|最贵的(?:是哪|那|一[个款件双]|这)|哪[个款件双只](?:更|比较)?贵|贵的那[个款件双只]/.test(text)) return "max";
  return undefined;
}

/**
 * "which one is the best?", "which would you recommend?", "what's your pick?", 哪个最好, 你推荐哪个:
 * the shopper asks us to choose among the products shown.
 */
export function asksForTheBest(text: string): boolean {
  const t = text.toLowerCase();
  return (
    /\b(?:which|what)(?:\s+one|\s+of (?:them|these|those))?\s+(?:is|'s|would be|is the)\s+(?:the\s+)?(?:best|better|top)(?:\s+(?:one|choice|option|pick|of (?:them|these|those|the (?:two|three|lot))))?\s*[?.!]*$/.test(t) ||
    /^(?:and\s+|so\s+)?(?:the\s+)?best(?:\s+one)?\s*[?.!]*$/.test(t) ||
    /\bwhich(?:\s+one)?\s+(?:would|do|should|will)\s+(?:you|i)\s+(?:recommend|suggest|get|buy|choose|pick|go for)\b/.test(t) ||
    /\b(?:your|the)\s+(?:top\s+|best\s+)?(?:pick|choice|recommendation)\b\s*(?:of (?:them|these|those))?\s*[?.!]*$/.test(t) ||
    /哪(?:个|款|件|双|台|一个|一款)(?:最好|更好|好一些|好一点|比较好)|推荐哪(?:个|款|一个|一款)|(?:选|买)哪(?:个|款|一个|一款)(?:好|比较好)?/.test(text)
  );
}

// "the next one", "the one before that", 下一个, 上一款: a step along the list from the product in focus.
const STEP_EN = /\b(?:the\s+)?(next|following|previous|prior)\s+one\b|\bthe\s+one\s+(after|before)(?:\s+(?:that|this|it))?\b/i;
const STEP_ZH = /(?:(下|后)一(?:个|款|件|双|台)|(上|前)一(?:个|款|件|双|台)|(后|前)面(?:那|的)(?:个|款|件|双|台))/;
// "not that one, the next one", 不是这个，下一个: the product turned down is the one stepped from, not one meant.
const TURNED_DOWN = /^\s*(?:no,?\s+)?not\s+(?:that|this)(?:\s+one)?\s*[,.;]?\s*|^\s*(?:不是|不要)(?:这|那)(?:个|款|件|双|台)?\s*[,，。；]?\s*/i;
const ORDINAL_WORDS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];
const CN_ORDINALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/**
 * The message with a step from the product in focus written as the position it lands on ("not that
 * one, the next one" after the first → "the second one"; 下一个 → 第二个), so it reads as any pointer
 * into the list does; undefined when it takes no step or steps off the list.
 */
export function stepInList(text: string, shown: string[], focus: string | undefined): string | undefined {
  const at = focus ? shown.indexOf(focus) : -1;
  if (at < 0) return undefined;
  const en = STEP_EN.exec(text);
  const zh = en ? null : STEP_ZH.exec(text);
  const step = en ? en[1] ?? en[2] : zh ? zh[1] ?? zh[2] ?? zh[3] : undefined;
  if (!step) return undefined;
  const to = at + (/^(?:next|following|after|下|后)$/i.test(step) ? 1 : -1);
  if (to < 0 || to >= shown.length || to >= ORDINAL_WORDS.length) return undefined;
  const pointer = en ? `the ${ORDINAL_WORDS[to]} one` : `第${CN_ORDINALS[to]}个`;
  const stepped = text.replace(en ? STEP_EN : STEP_ZH, pointer);
  return stepped.replace(TURNED_DOWN, "").trim() || pointer;
}
