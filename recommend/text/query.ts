/**
 * Price phrases in a shopper's query. The NLU extracts the price range into filters; the words
 * stay in the text the recommender gets ("running shoes under 100"), and must not be matched
 * against the catalogue (a "100" in a title is not what they meant). Only the phrase is removed,
 * the number is never interpreted here. A bare number stays: "Air Max 90" names a product.
 */
const CUR = "(?:[$€£¥]|usd|eur|gbp|cny|rmb)";
// Longer words first: the alternation takes the first that matches ("euros" before "eur").
const UNIT = "(?:dollars?|bucks|euros?|pounds?|yuan|usd|eur|gbp|cny|rmb|[$€£¥]|元|块钱?|美元|欧元)";
// A number with a unit of measure is a size, not money: "at least 16GB", "for 4 people", "65 L".
const MEASURE = String.raw`(?!\d|[.,]\d|\s*(?:gb|tb|mb|mah|ml|l|kg|g|cm|mm|m|km|inch(?:es)?|"|w|v|hz|mp|people|persons?|pcs|pieces?|pairs?|packs?|sets?|years?|months?|days?|%|升|毫升|克|千克|公斤|厘米|毫米|寸|英寸|人|岁|件|双|个)(?![a-z]))`;
const NUM = String.raw`\d+(?:[.,]\d+)?k?${MEASURE}`;
const ANY = String.raw`(?:${CUR}\s*)?${NUM}(?:\s*${UNIT})?`;
const MARKED = String.raw`(?:${CUR}\s*${NUM}(?:\s*${UNIT})?|${NUM}\s*${UNIT})`;
const RANGE_TAIL = String.raw`(?:\s*(?:-|–|~|to|and|到|至)\s*${ANY})?`;
const EN_PREP = String.raw`(?:priced\s+)?(?:under|below|less\s+than|cheaper\s+than|at\s+most|up\s+to|no\s+more\s+than|over|above|more\s+than|at\s+least|from|around|about|between|within|for|budget(?:\s+(?:is|of))?)`;
const PHRASES = [
  new RegExp(String.raw`\b${EN_PREP}\s+${ANY}${RANGE_TAIL}(?:\s+(?:or\s+(?:less|more|under|below|cheaper)|max|tops))?`, "giu"),
  new RegExp(String.raw`(?:低于|少于|不超过|不到|高于|超过|大于|小于|最多|最少|至少|大约|价格|价位|预算)\s*${ANY}${RANGE_TAIL}\s*(?:以下|以内|以上|之内|左右|上下)?`, "gu"),
  new RegExp(String.raw`${ANY}${RANGE_TAIL}\s*(?:以下|以内|以上|之内|之间|左右|上下)`, "gu"),
  new RegExp(`${MARKED}${RANGE_TAIL}`, "giu"),
  // A sum to spend: "I have 150 to spend", "spend 200 on", "150 in total", 一共300.
  new RegExp(String.raw`\b(?:have|got)\s+(?:only\s+|just\s+)?${ANY}\s+to\s+spend\b|\b(?:spend|spending|afford)\s+(?:up\s+to\s+|at\s+most\s+|only\s+)?${ANY}`, "giu"),
  new RegExp(String.raw`${ANY}\s+(?:to\s+spend|budget|in\s+total|total|altogether|all\s+in|for\s+(?:both|everything|the\s+lot))\b|(?:一共|总共|总计|加起来|合计)(?:有|只有)?\s*${ANY}`, "giu"),
];
const MONEY_WORDS = /\b(?:(?:(?:most|least|less|more|too|so|that|very)\s+)?(?:expensive|affordable|pricey|costly)|cheap(?:er|est)?|budget|affordable|inexpensive|pricier|priciest|dearest|prices?|priced|costs?|costing|in total|total|altogether)\b|(?:不要|别|不)?太贵|不贵|便宜|实惠|价格|价钱|预算|最贵|一共|总共|总计|合计/giu;

/** The query without price phrases ("running shoes under $100" → "running shoes"). */
export function stripPriceWords(query: string): string {
  let q = query;
  for (const re of PHRASES) q = q.replace(re, " ");
  return q.replace(MONEY_WORDS, " ").replace(/\s+/g, " ").trim();
}
