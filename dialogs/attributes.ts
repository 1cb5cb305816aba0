import { extractColors } from "../intents/entities.ts";
import { queryTerms } from "./query.ts";
import { ZH_PRONOUN } from "./references.ts";

/**
 * A yes-or-no question about what one product is or has: "is it waterproof?", "are the first ones
 * vegan?", "does the second one have bluetooth?", "does it come with a case?", "Is the Lumora Prism 9
 * noise-cancelling?", 它防水吗, 第一个有降噪吗, 这款是不是防水的. What is asked about is read here;
 * which product, and what its listing says, is the flow's to find.
 */

// A yes/no question's lead with a product as its subject: never "do you…" or "can I…" (those ask the shop).
const EN_LEAD = /^\s*(?:(?:and|so|but|ok|okay|also|then|hmm|um)[,\s]+)?(?:is|are|does|do|has|have|can|will|would)\s+(?!(?:you|i|we|u)\b)/i;
// A Chinese question asks with 吗/么 at the end, or in an A-not-A form: 是不是, 有没有, 能不能, 是否.
const ZH_QUESTION = /[吗么嘛][?？!！。\s]*$|是不是|有没有|有木有|能不能|可不可以|是否|支不支持|带不带/;
// Singular pointers: "they", "them" are the whole list, which a narrowing answers.
const EN_POINTER = /\b(?:it|this|that|this one|that one|the\s+(?:first|second|third|fourth|fifth|last|1st|2nd|3rd|[4-9]th)(?:\s+ones?)?)\b/i;
const ZH_POINTER = new RegExp(`${ZH_PRONOUN.source}|第\\s*(?:[一二两三四五六七八九十]|\\d+)\\s*(?:个|款|件|双|台|部|只|条|本|把|套)?`);
const EVERY_POINTER = [new RegExp(EN_POINTER.source, "gi"), new RegExp(ZH_POINTER.source, "g")];
const withoutPointers = (text: string) => EVERY_POINTER.reduce((t, re) => t.replace(re, " "), text);

// Words a property question is made of, beside the property: "does it come with", "is it made of", "support".
const ASKING = new Set(
  (
    "come comes with include includes including included support supports feature features made built work works suitable suit fit fits go goes really actually definitely properly " +
    "功能 支持 带 带有 有带 有 具有 具备 含 包含 自带 可 可以 能 适用 是否 不是 不 吗 么 嘛 几款 几个 这些 它们"
  ).split(/\s+/),
);

// What other flows answer about a product: its stock, its price, the shop's policies, a comparison.
const OTHER_QUESTION =
  /\b(?:in stock|available|availability|sold out|cost|costs|price|priced|expensive|cheap|cheaper|pricier|worth|on sale|discount|warranty|guarantee|return|returnable|refund|ship|shipping|deliver|delivery|better|best|worse|compare|difference|any good|true to size|fit me|sizes?|bigger|smaller|larger|thicker|thinner|wider|narrower|colou?rs?)\b|\bgood\s*[?.!]*$|\b(?:a )?(?:good |nice |great )?(?:gift|present)s?\b|有货|现货|库存|多少钱|价格|贵|便宜|保修|退|换货|发货|快递|运费|好不好|怎么样|值得|划算|区别|对比|哪个好|尺码|颜色|[大中小加]号|码/i;

/** The property a message asks one product about ("waterproof", "bluetooth", 防水), or undefined when it asks nothing of the kind. */
export function readAttributeQuestion(message: string): string | undefined {
  const zh = /\p{Script=Han}/u.test(message);
  // "what about the first one, is it wireless?": the question may follow what it is about.
  const clauses = zh ? [message] : message.split(/[,;:—]\s*|\s+-\s+/);
  const asked = zh ? message : clauses.find((c) => EN_LEAD.test(c));
  if (!asked || (zh && !ZH_QUESTION.test(message))) return undefined;
  if (OTHER_QUESTION.test(message)) return undefined;
  // 哪个保温效果最好: what is asked about is 保温, not how well.
  const text = zh ? message.replace(/(?:效果|性能)?(?:最好|更好|好一点|好一些|比较好|最强|更强|最佳|最棒)/gu, " ") : asked;
  const words = queryTerms(withoutPointers(text), ASKING)
    .split(/\s+/)
    .filter((w) => w && !ASKING.has(w.toLowerCase()) && !isColour(w));
  return words.length && words.length <= 6 ? words.join(" ") : undefined;
}

/** Whether the question points at a product shown or in focus ("it", "the second one", 这款, 第二个). */
export function pointsAtAProduct(text: string): boolean {
  return EN_POINTER.test(text) || ZH_POINTER.test(text);
}

/** A colour is the colour filter's to ask about ("does it come in red?"), not a property of the listing's words. */
function isColour(word: string): boolean {
  return extractColors(word).length > 0;
}

/** "and the second one?", "what about the third?", 第二个呢: a pointer and nothing else, asking again what was just asked. */
export function onlyAPointer(text: string): boolean {
  if (!pointsAtAProduct(text)) return false;
  const rest = withoutPointers(text).replace(/\b(?:and|what|what's|whats|about|how|then|too|also|as well|one|ones|the|please|ok|okay|so)\b|也要|[呢那吗么啊呀和还有也]/gi, " ");
  return !/[\p{L}\p{N}]/u.test(rest);
}

// "which is the quietest?", "which ones are waterproof?", 哪个最安静, 哪款防水: a property asked of the whole list.
const EN_WHICH = /^\s*(?:and\s+|so\s+|ok\s+)?(?:which|what)(?:\s+one|\s+ones|\s+of\s+(?:them|these|those))?\s+(?:is|are|'s|has|have|comes? with)\s+(?:the\s+)?(?:most\s+)?([a-z][a-z\s-]{1,40}?)\s*[?.!]*$/i;
const ZH_WHICH = /哪(?:个|款|件|双|台|只|一个|一款|几个|几款|些)(?:最|比较|更)?(?:是|有|带|能|可以)?([\p{Script=Han}A-Za-z]{1,8}?)(?:的|呢|吗|啊)?[?？]?$/u;
// "and the quietest?", "what about the most powerful one?", 最轻的呢: the same kind of question, another property.
const EN_WHICH_AGAIN = /^\s*(?:and|what about|how about|ok and)\s+(?:the\s+)?(?:most\s+([a-z][a-z-]{2,30})|([a-z]{3,30}est))(?:\s+ones?)?\s*[?.!]*$/i;
// "which one boils fastest?", "which charges quickest?", "which lasts longest": what it does, to the utmost.
const EN_WHICH_DOES = /^\s*(?:and\s+|so\s+|ok\s+)?(?:which|what)(?:\s+one|\s+ones|\s+of\s+(?:them|these|those))?\s+(?:[a-z]{3,20}s)(?:\s+(?:up|down|out))?\s+(?:the\s+)?(?:most\s+([a-z][a-z-]{2,30})|([a-z]{3,30}est))\s*[?.!]*$/i;
const EN_WHICH_DOING = /^\s*(?:and\s+|so\s+|ok\s+)?(?:which|what)\s+(?:one|ones|of\s+(?:them|these|those))\s+(?!is\b|are\b|has\b|have\b|do\b|does\b|did\b|would\b|should\b|will\b|can\b|could\b|shall\b|might\b|may\b|was\b|were\b)([a-z]{3,}(?:\s+[a-z0-9'-]+){0,5})\s*[?.!]*$/i;
const ZH_WHICH_AGAIN = /^\s*(?:那|那么)?最([\p{Script=Han}]{1,4}?)的?(?:呢|那个呢|是哪个|是哪款)[?？]?\s*$/u;
// What other answers pick by: price, size, "best" (the best pick), a comparison.
const PICKED_OTHERWISE = /\b(?:cheap|cheaper|cheapest|expensive|pricier|priciest|best|better|good|biggest|largest|smallest|bigger|smaller|larger|difference|costs?|less|price)\b|便宜|贵|好|大|小|划算|性价比|区别/i;

/** The property a question asks of every product shown ("quiet" of "which is the quietest?"), or undefined. */
export function readWhichQuestion(said: string): string | undefined {
  // 哪个保温效果最好: a property, then how well — asked of the property (哪个最好 alone is the best pick's).
  const text = said.replace(/(?:效果|性能)?(?:最好|更好|比较好|最强|最佳|最棒)/u, (m, at: number) => (/哪(?:个|款|件|双|台|只|一个|一款)\s*$/.test(said.slice(0, at)) ? m : "")).trim();
  if (PICKED_OTHERWISE.test(text)) return undefined;
  // "the latest", "the newest" ask for the new arrivals, not a word in a listing.
  const again = /\b(?:latest|newest|oldest|interest)\b/i.test(text) ? null : EN_WHICH_AGAIN.exec(text);
  if (again) return queryTerms(again[1] ?? positive(again[2]!, true), ASKING) || undefined;
  const does = EN_WHICH_DOES.exec(text);
  if (does) return queryTerms(does[1] ?? positive(does[2]!, true), ASKING) || undefined;
  // "which ones keep drinks cold?", "which one fits a 15 inch laptop": what it does, as the listings would say it.
  const doing = EN_WHICH_DOING.exec(text);
  if (doing) return queryTerms(doing[1]!, ASKING) || undefined;
  const zhAgain = ZH_WHICH_AGAIN.exec(text);
  if (zhAgain) return queryTerms(zhAgain[1]!, ASKING) || undefined;
  const en = EN_WHICH.exec(text);
  const zh = en ? undefined : ZH_WHICH.exec(text);
  const words = en ? en[1]!.trim().split(/\s+/) : [];
  // One word after "is": an adjective, so "lighter" and "lightest" both ask for "light".
  const asked = en ? (words.length === 1 ? positive(words[0]!, true) : words.map((w) => positive(w)).join(" ")) : zh?.[1];
  // "which one is it?" asks nothing of the kind.
  return asked ? queryTerms(asked, ASKING) || undefined : undefined;
}

/** "quietest" → "quiet", "lightest" → "light", "easiest" → "easy" (and "lighter" → "light" for an adjective): the word a listing would use. */
function positive(word: string, adjective = false): string {
  const w = word.toLowerCase();
  const suffix = /est$/.test(w) ? 3 : adjective && /er$/.test(w) ? 2 : 0;
  if (!suffix || w.length < suffix + 3) return w;
  const stem = w.slice(0, -suffix);
  if (stem.endsWith("i")) return `${stem.slice(0, -1)}y`;
  if (/([b-df-hj-np-tv-z])\1$/.test(stem)) return stem.slice(0, -1);
  return stem;
}
