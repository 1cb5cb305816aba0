import { type Audience, shopperAudience } from "./audience.ts";
import { queryTerms } from "./query.ts";

/**
 * A need described rather than named: "a gift for my dad who likes hiking", "something for my
 * girlfriend, she loves running", 给喜欢跑步的女朋友买礼物. What they are for (the interest) is what
 * to search; whom they are for is the audience; the occasion and the relation are neither.
 */
export interface Need {
  /** The interest or the kind of thing, as search words; empty when only the person is described. */
  terms: string;
  audience?: Audience;
  /** Something the shopper is about to do ("I'm going camping"): ideas for it, not for a person. */
  activity?: boolean;
  /** Several interests said together ("gardening and tea", 园艺和茶): each its own search when together they find nothing. */
  interests?: string[];
}

// "gift cards", "gift wrapping", 礼品卡: things the shop sells or does, not a need described.
const GIFT = /\b(?:gifts?(?![\s-]*(?:cards?|vouchers?|certificates?|wrap\w*|box(?:es)?|bags?|receipts?)\b)|presents?|birthday|housewarming|christmas|xmas|anniversary|valentine'?s?|mother'?s day|father'?s day|surprise|stocking filler)\b|礼物(?![卡券])|礼品(?![卡券])|送给|送礼|生日|纪念日|节日|圣诞|情人节|母亲节|父亲节/i;
// ("that" only after a person: "headphones that are like noise cancelling" is a spoken "like".)
const PERSON_WITH_TASTE = /\b(?:who|(?:someone|somebody|person|people|friend|one) that|he|she|they)(?:'s| is| are)? (?:(?:really|also|just) )?(?:likes?|loves?|enjoys?|is into|are into|into|adores?|is a fan of|fan of|is crazy about|goes|does|plays?|drinks?)\b|\bfor (?:someone|somebody|a person|people) who\b/i;
const ZH_TASTE = /喜欢|爱好|热爱|爱(?!心)|迷上|常常|经常|平时/;

// Relation, occasion and taste words: who and why, never what to match in a catalogue.
const NEED_WORDS = new Set(
  (
    "gift gifts present presents birthday christmas xmas anniversary valentine valentines valentine's mother's father's mothers fathers day surprise " +
    "dad dads daddy father fathers grandpa granddad grandfather husband hubby boyfriend bf brother brothers son sons uncle him his he " +
    "mum mums mom moms mommy mummy mother mothers grandma grandmother wife girlfriend gf sister sisters daughter daughters aunt her she " +
    "kid kids child children toddler baby nephew niece friend friends colleague colleagues boss partner teacher someone somebody person people " +
    "likes like loves love enjoys enjoy into fan adores adore crazy who whose who's whos that's she's he's they're shes hes theyre is are goes does plays play keen big huge " +
    "old year years little young teenage teen teenager shopping girl girls boy boys drinks drink drinking eats eat eating basically me us myself matching"
  ).split(/\s+/),
);
const ZH_NEED = new RegExp(
  [
    "礼物", "礼品", "送给", "送礼", "送", "生日", "纪念日", "节日", "圣诞", "情人节", "母亲节", "父亲节",
    "爸爸", "老爸", "父亲", "爷爷", "外公", "姥爷", "老公", "丈夫", "男朋友", "男友", "哥哥", "弟弟", "叔叔", "舅舅", "儿子",
    "妈妈", "老妈", "母亲", "奶奶", "外婆", "姥姥", "老婆", "妻子", "太太", "女朋友", "女友", "姐姐", "妹妹", "阿姨", "姑姑", "女儿",
    "(?<=我|给)[爸妈]",
    "孩子", "小孩", "小朋友", "宝宝", "朋友", "同事", "老师", "领导", "家人", "情侣", "我和", "我跟", "一起",
    "喜欢", "爱好", "热爱", "平时", "经常", "常常", "一个", "一位", "位", "[一二两三四五六七八九十\\d]+岁", "岁", "的人", "他", "她", "爱",
    // The verb of a pastime is not what to buy: 喝茶 → 茶, 玩拼图 → 拼图 (a verb inside a word stays: 跑步).
    "(?<=喜欢|爱|热爱|爱好|常常|经常)(?:喝|吃|玩|穿|听|戴|养(?![花草植多绿]))(?![具偶])",
  ].join("|"),
  "g",
);

// "for my 5 year old son", 给五岁的儿子买: the person a search is for, said as a relation.
const FOR_RELATION =
  /\bfor (?:(?:me|us|myself) and )?(?:my|our) (?:(?:\d+|little|baby|teenage|older|younger|big)[\s-]*(?:(?:years?|yrs?|months?)[\s-]*old[\s-]*)?)*(?:dads?|daddy|father|grandpa|granddad|grandfather|husband|hubby|boyfriend|brothers?|sons?|uncles?|mums?|moms?|mommy|mummy|mother|grandma|grandmother|wife|girlfriend|sisters?|daughters?|aunts?|kids?|child|children|toddler|baby|nephews?|nieces?|grandsons?|granddaughters?)\b|(?:给|和|跟|与)(?:我的?)?[^，。！？,.!?]{0,5}?(?:爸爸|老爸|父亲|爷爷|外公|姥爷|老公|丈夫|男朋友|男友|哥哥|弟弟|叔叔|舅舅|儿子|妈妈|老妈|母亲|奶奶|外婆|姥姥|老婆|妻子|太太|女朋友|女友|姐姐|妹妹|阿姨|姑姑|女儿|孩子|小孩|小朋友|宝宝|爸|妈)/i;

// "my son is 8", "she's turning 12": an age said of a person, never of a budget ("my budget is 80").
const AGE_OF_PERSON = /\b(he|she|son|daughter|kid|child|boy|girl|nephew|niece|grandson|granddaughter|brother|sister)(?:'s|\s+is|\s+turns|(?:'s|\s+is)?\s+turning|\s+just\s+turned)\s+\d{1,2}\b(?!\s*(?:%|\$|£|€|¥|dollars?|euros?|pounds?|quid|bucks|yuan|元|块))/gi;

/** An age ("10 year old", "5yo", "my son is 8") says whom for, never what: no product is matched on it. */
function withoutAge(text: string): string {
  return text.replace(/\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen)[\s-]*(?:(?:years?|yrs?|months?)[\s-]*old|yo)\b/gi, " ").replace(AGE_OF_PERSON, "$1");
}

/**
 * The search words of a message that names whom it is for by relation ("a toy for my 5 year old
 * son" → "toy"), or undefined when it names no one so.
 */
export function termsWithoutThePerson(text: string): string | undefined {
  if (!FOR_RELATION.test(text)) return undefined;
  const ageless = withoutAge(text);
  return queryTerms(/\p{Script=Han}/u.test(ageless) ? ageless.replace(ZH_NEED, " ") : ageless, NEED_WORDS);
}

// A pastime whose word the things for it do not say: reading is books (a tablet's blurb mentions reading).
const READ_AS: Record<string, string> = { reading: "books", read: "books", 阅读: "书", 看书: "书", 读书: "书" };

// What someone keen on a pastime is called, and the pastime a shop's products are described by.
const PASTIME_OF: Record<string, string> = {
  cyclist: "cycling", biker: "cycling", runner: "running", jogger: "running", hiker: "hiking", rambler: "hiking", golfer: "golf",
  gamer: "gaming", swimmer: "swimming", climber: "climbing", camper: "camping", skier: "skiing", snowboarder: "snowboarding",
  surfer: "surfing", skater: "skating", reader: "books", bookworm: "books", cook: "cooking", chef: "cooking", foodie: "cooking",
  baker: "baking", gardener: "gardening", photographer: "photography", fisherman: "fishing", angler: "fishing", musician: "music",
  guitarist: "guitar", pianist: "piano", artist: "art", painter: "painting", traveller: "travel", traveler: "travel", yogi: "yoga",
  writer: "writing", knitter: "knitting",
};
// "my husband is a keen cyclist", "she's a big coffee lover", "he's an avid reader".
const KEEN =
  /\b(?:is|'s|are|'re)\s+(?:(?:a|an|such an?)\s+)?(?:(?:keen|big|huge|avid|real|passionate|serious|great|total|massive|dedicated|enthusiastic|amateur|budding|mad|obsessed)\s+)*([a-z]+)(?:\s+(lover|fan|enthusiast|addict|nut|buff|geek|drinker|person))?\b/gi;

const FOR_A_PASTIME = new RegExp(
  `\\bfor\\s+(?:a|an|my|our|the)\\s+(?:(?:beginner|new|novice|first[- ]time|budding|keen|avid|serious|casual|amateur|young|older|aspiring)\\s+)*(${Object.keys(PASTIME_OF).join("|")})s?\\b`,
  "i",
);

/** The pastime a described person is keen on ("a keen cyclist" → cycling), or undefined. */
function pastimeOf(text: string): string | undefined {
  // "what do you recommend for a beginner runner?", "gear for a new cyclist": the person is the pastime.
  // ("shoes for a new cyclist" names the thing: a search for shoes, not a need.)
  const forOne = FOR_A_PASTIME.exec(text);
  if (forOne && !queryTerms(text.replace(forOne[0], " "), NEED_WORDS)) return PASTIME_OF[forOne[1]!.toLowerCase()];
  if (!(shopperAudience(text) || /\b(?:he|she|they|my|our)\b/i.test(text))) return undefined;
  for (const m of text.matchAll(KEEN)) {
    const pastime = m[2] ? (isNeedWord(m[1]!) ? undefined : m[1]!.toLowerCase()) : PASTIME_OF[m[1]!.toLowerCase()];
    if (pastime) return pastime;
  }
  return undefined;
}

function isNeedWord(word: string): boolean {
  return NEED_WORDS.has(word.toLowerCase()) || !queryTerms(word);
}

// "I'm going camping next weekend", "off skiing in January", "a fishing trip", 下周去露营.
const GOING = /\b(?:going|go|goes|heading|off|went)\s+(?:to\s+go\s+)?([a-z]{3,}ing)\b|\b([a-z]{3,}ing|ski)\s+(?:trip|holiday|weekend)\b/i;
const ZH_GOING = /(?:去|要去|准备去|打算去|想去)[^，。,.!！？?的]{0,8}?(露营|徒步|钓鱼|滑雪|爬山|登山|跑步|游泳|旅行|旅游|野餐|骑行|健身|冲浪|潜水|远足)/;

// When and how a plan is said: never what to match.
const PLAN_WORDS = new Set([
  ...NEED_WORDS,
  ..."going go goes heading off went planning plan plans trip holiday next this coming soon tomorrow tonight today weekend week month year morning evening january february march april may june july august september october november december summer winter spring autumn fall bring pack take".split(" "),
]);

/** The activity a shopper is about to do, with anything else they named ("running shoes"), or undefined. */
function activityOf(text: string): string | undefined {
  const zh = ZH_GOING.exec(text);
  if (zh) return zh[1];
  const m = GOING.exec(text);
  const activity = (m?.[1] ?? m?.[2])?.toLowerCase();
  if (!activity || isNeedWord(activity)) return undefined;
  const terms = queryTerms(text, PLAN_WORDS);
  return terms.toLowerCase().split(" ").includes(activity) ? terms : `${activity} ${terms}`.trim();
}

const MOVED_HOME = /\b(?:(?:just|recently)\s+)?(?:moved|moving|moves)\s+(?:in(?:to)?|to)\s+(?:a\s+|his\s+|her\s+|their\s+|our\s+)?(?:new\s+)?(?:flat|home|house|apartment|place)\b|刚搬(?:了)?新家|乔迁/gi;

/** The need a message describes, or undefined when it names what it wants in the ordinary way. */
export function readNeed(said: string): Need | undefined {
  // "he just moved into a new flat": a housewarming, as listings call such gifts (not a "flat" to match).
  const text = said.replace(MOVED_HOME, " housewarming ");
  const pastime = pastimeOf(text);
  const activity = pastime ? undefined : activityOf(text);
  if (pastime || activity) {
    const audience = shopperAudience(text);
    return { terms: (pastime ?? activity)!, ...(audience && { audience }), ...(activity && !audience && { activity: true }) };
  }
  const zh = /\p{Script=Han}/u.test(text);
  const gift = GIFT.test(text);
  const taste = PERSON_WITH_TASTE.test(text) || (zh && ZH_TASTE.test(text) && /[他她]|的(?:人|朋友|爸|妈|女|男|老)|爸|妈|朋友|孩子|老公|老婆/.test(text));
  if (!gift && !taste) return undefined;
  const audience = shopperAudience(text);
  // Only a person is described ("a gift for my dad"): no interest, but still an audience.
  const cleaned = zh ? text.replace(ZH_NEED, " ") : withoutAge(text);
  const readAs = (words: string) =>
    words
      .split(" ")
      .map((w) => READ_AS[w.toLowerCase()] ?? w)
      .join(" ");
  const terms = readAs(queryTerms(cleaned, NEED_WORDS));
  const interests = cleaned
    .split(/\band\b|\bor\b|,|、|，|和|还有|跟/i)
    .map((part) => readAs(queryTerms(part, NEED_WORDS)))
    .filter(Boolean);
  return { terms, ...(audience && { audience }), ...(interests.length > 1 && interests.length <= 4 && { interests }) };
}
