import { pinyin } from "pinyin-pro";
import { analyzeQuery, cutChinese, glossaryTerms, tokenize } from "../../recommend/index.ts";
import type { Recommender } from "../../recommend/types.ts";
import type { Product } from "../../store/types.ts";
import { type FlowContext, oncePerTurn } from "../flow.ts";
import { isRequestWord, queryTerms } from "../query.ts";

/**
 * Whether the catalogue has what a shopper asked for, by its own words: how much of a query a product
 * covers (each word by any of its forms or translations, a compound judged by its head), and the
 * signs that the shop does not carry a thing at all — a proper name, a model code or a compound's
 * kind that no product has. Searching (search.ts) decides what to show with these.
 */

// Below this share of the query's words found in any product, the shop does not carry the thing named.
export const CARRIED_COVERAGE = 0.5;

const termCache = new Map<string, { product: Product; terms: Set<string> }>();

/** A product's searchable terms (the tokeniser the catalogue index uses), cached per product record. */
function termsOf(p: Product): Set<string> {
  const hit = termCache.get(p.id);
  if (hit && hit.product === p) return hit.terms;
  const terms = termsIn([p.title, p.brand, p.category, p.color, p.tags?.join(" "), p.description]);
  if (termCache.size >= 20_000) termCache.clear();
  termCache.set(p.id, { product: p, terms });
  return terms;
}

function termsIn(fields: (string | undefined)[]): Set<string> {
  const tokens = tokenize(fields.filter(Boolean).join(" "));
  const terms = new Set(tokens);
  // "Smart Watch" is also a smartwatch, "Head Phones" headphones: two words the shopper may write as one.
  for (let i = 1; i < tokens.length; i++) if (/^[a-z]+$/.test(tokens[i - 1]!) && /^[a-z]+$/.test(tokens[i]!)) terms.add(tokens[i - 1]! + tokens[i]!);
  return terms;
}

/**
 * Share of the query's words a product has (each word by any of its forms or translations). Without
 * the compound's head word ("knives" of "kitchen knives") in its title or tags a product counts half: a
 * coffee maker has "kitchen", yet it is not what was asked for.
 */
export function productCoverage(text: string, p: Product, head?: string): number {
  const share = shareCovered(text, () => termsOf(p), () => rawOf(p));
  // The head must be what the product is (its title or tags): chinos are not "espresso machines" for being machine washable.
  return head && wordGroups(text).some((g) => g.text === head) && ownCoverage(head, p) < 1 ? share / 2 : share;
}

/**
 * How many of the query's Latin words a product's title or tags have as written (a plural "s" aside):
 * "backpack" is the hiking backpack's own word, where the tent has it only as "backpacking".
 */
export function wordsAsWritten(text: string, p: Product): number {
  return writtenWordsOf(text, p).length;
}

/** The query's Latin words that a product's title or tags have as written (a plural "s" aside). */
export function writtenWordsOf(text: string, p: Product, withDescription = false): string[] {
  const own = new Set(
    [p.title, p.tags?.join(" "), withDescription ? p.description : undefined]
      .filter(Boolean)
      .join(" ")
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean)
      .map(singular),
  );
  return [...new Set(text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 1 && own.has(singular(w))).map(singular))];
}

/**
 * Whether a product's title or tags have every one of the query's words as written — Latin words a
 * plural aside, Chinese ones as characters — not by a stem ("backpacking") or a translation.
 */
export function hasAsWritten(text: string, p: Product): boolean {
  const groups = wordGroups(text);
  if (!groups.length) return false;
  const own = [p.title, p.tags?.join(" ")].filter(Boolean).join(" ").toLowerCase();
  const latin = groups.filter((g) => !g.cjk).map((g) => g.text).join(" ");
  const written = latin ? writtenWordsOf(latin, p).length : 0;
  return written >= latin.split(/[^a-z0-9]+/i).filter((w) => w.length > 1).length && groups.filter((g) => g.cjk).every((g) => own.includes(g.text));
}

/** One key for a word and its plural: hoodie/hoodies, battery/batteries, dress/dresses, box/boxes. */
function singular(word: string): string {
  let w = word;
  for (const [end, by] of [[/(?<!s)s$/, ""], [/e$/, ""], [/i$/, "y"]] as const) if (w.length > 3) w = w.replace(end, by);
  return w;
}

/** Share of the words a product's title and tags have: what it is, not what its description mentions ("socks"). */
export function ownCoverage(text: string, p: Product): number {
  const fields = [p.title, p.tags?.join(" ")];
  return shareCovered(text, () => termsIn(fields), () => fields.filter(Boolean).join(" ").toLowerCase());
}

function shareCovered(text: string, termsFor: () => Set<string>, rawFor: () => string): number {
  const found = wordsFound(text, termsFor, rawFor);
  return found.length ? found.filter((w) => w.found).length / found.length : 1;
}

/** Each of the query's words, and whether the product has it (by any of its forms or translations). */
function wordsFound(text: string, termsFor: () => Set<string>, rawFor: () => string): { word: string; found: boolean }[] {
  const groups = wordGroups(text);
  if (!groups.length) return [];
  const terms = termsFor();
  // Chinese is also matched as written, whatever the segmenter made of it (步维 in "步维 Crest 跑步鞋").
  const raw = groups.some((g) => g.cjk) ? rawFor() : "";
  const has = (alt: string[]) => {
    const found = alt.filter((t) => terms.has(t)).length;
    // A glossary gloss of three or more words lists synonyms ("sneaker sport shoe"): most of them will do.
    return alt.length > 0 && (found === alt.length || (alt.length >= 3 && found >= alt.length - 1));
  };
  return groups.map((g) => ({ word: g.text, found: (g.cjk && g.text.length > 1 && raw.includes(g.text)) || g.alternatives.some(has) }));
}

/** The words of a text a product's listing has, and those it does not. */
export function productWords(text: string, p: Product): { word: string; found: boolean }[] {
  return wordsFound(text, () => termsOf(p), () => rawOf(p));
}

/** Whether a piece of text (a sentence of a description) has this word, as productWords judges it. */
export function textHasWord(text: string, word: string): boolean {
  return wordsFound(word, () => termsIn([text]), () => text.toLowerCase()).every((w) => w.found);
}

/**
 * The head of a compound the shopper wrote: the last query word when it directly follows the one
 * before it in the message ("kitchen knives", "trail running shoes", 厨房刀具). Not when words came
 * between ("shoes for running", "tent for 4 people"): which of those names the thing is not known.
 */
export function compoundHead(asked: string, message: string): string | undefined {
  const groups = wordGroups(asked);
  // Chinese puts the head last too: 厨房刀具 is 刀具 (only one run of words: 防水 外套 was 防水的外套).
  if (groups.length >= 2 && groups.every((g) => g.cjk) && !/\s/.test(asked.trim())) return groups.at(-1)!.text;
  const latin = groups.filter((g) => !g.cjk);
  if (latin.length < 2) return undefined;
  const [before, last] = latin.slice(-2).map((g) => g.text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`(?:^|[^\\p{L}\\p{N}])${before}\\s+${last}(?![\\p{L}\\p{N}])`, "iu").test(message) ? latin.at(-1)!.text : undefined;
}

function rawOf(p: Product): string {
  return [p.title, p.brand, p.tags?.join(" "), p.description].filter(Boolean).join(" ").toLowerCase();
}

/**
 * The query's words as the catalogue index reads them. A bare number beside other words is a model
 * number ("PlayStation 5"), which sizes and pack counts match everywhere: it is no evidence.
 */
function wordGroups(text: string): ReturnType<typeof analyzeQuery> {
  const groups = analyzeQuery(text);
  const named = groups.filter((g) => !/^\d+(?:[.,]\d+)?$/.test(g.text));
  return named.length ? named : groups;
}

/** Share of the query's words found in the best-matching product. */
export function coverage(text: string, products: Product[], head?: string): number {
  let best = 0;
  for (const p of products) {
    best = Math.max(best, productCoverage(text, p, head));
    if (best === 1) break;
  }
  return products.length ? best : wordGroups(text).length ? 0 : 1;
}

/**
 * How much of what the message names the catalogue has at all, whatever the filters: the evidence
 * that the shop carries it (lexical, over the search's own hits, which include its semantic ones).
 */
export async function catalogueCoverage(ctx: FlowContext, text: string, head?: string): Promise<number> {
  if (!analyzeQuery(text).length) return 1;
  return oncePerTurn(ctx, `coverage\n${ctx.locale}\n${text}\n${head ?? ""}`, async () => coverage(text, await catalogueHits(ctx, text), head));
}

/** What the catalogue's search finds for some words, whatever the turn's filters (once a turn). */
export function catalogueHits(ctx: FlowContext, text: string): Promise<Product[]> {
  return oncePerTurn(ctx, `hits\n${ctx.locale}\n${text}`, async () => (await ctx.deps.recommender.search({ text, limit: 30, locale: ctx.locale })).map((r) => r.product));
}

/**
 * The word before a compound's head that no product has in any spelling ("dog" of "dog food"): the
 * shop has that kind of thing (food) but not this kind of it. A word one typing slip away from a
 * catalogue word ("runing") is a typo, not an unknown kind.
 */
export async function unknownModifier(ctx: FlowContext, asked: string, head: string | undefined): Promise<boolean> {
  if (!head) return false;
  const groups = wordGroups(asked);
  const cjkHead = groups.find((g) => g.text === head)?.cjk ?? false;
  // 戴森吸尘器: the words of one Chinese run, as "Dyson vacuum" is two Latin words.
  const words = groups.filter((g) => g.cjk === cjkHead);
  const at = words.findIndex((g) => g.text === head);
  const modifier = at > 0 ? words[at - 1]!.text : undefined;
  if (!modifier || (await catalogueCoverage(ctx, modifier)) > 0) return false;
  if (cjkHead) return true;
  const forms = tokenize(modifier, { bigrams: false, concepts: false }).filter((f) => f.length >= 4);
  for (const product of await catalogueHits(ctx, modifier)) {
    for (const term of termsOf(product)) if (forms.some((f) => oneEditApart(f, term))) return false;
  }
  return true;
}

/** One insertion, deletion, substitution or swap of neighbours apart. */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/**
 * A proper name in the request that no product has: a capitalised word the shopper did not start the
 * sentence with ("Nike", "PlayStation"), or a model code ("X7", "PS5") — by the catalogue's words, not a list.
 */
export async function unknownName(ctx: FlowContext, asked: string): Promise<boolean> {
  const text = ctx.turn.text;
  for (const g of wordGroups(asked)) {
    if (g.cjk) continue;
    const at = text.indexOf(g.text);
    const startsSentence = at <= 0 || /[.!?。！？]\s*$/.test(text.slice(0, at));
    const named = (/^\p{Lu}/u.test(g.text) && !startsSentence) || /\p{Ll}\p{Lu}/u.test(g.text) || /^(?=.*\p{L})(?=.*\d)[\p{L}\d-]+$/u.test(g.text);
    if (named && (await catalogueCoverage(ctx, g.text)) === 0) return true;
  }
  return false;
}

/** Five-letter pieces of the longer Latin words (a four-letter word whole), two-character pieces of Chinese. */
export function wordPieces(text: string): string[] {
  const pieces = new Set<string>();
  for (const [word] of text.toLowerCase().matchAll(/\p{Script=Han}+|[a-z]+/gu)) {
    const han = /\p{Script=Han}/u.test(word);
    const size = han ? 2 : word.length === 4 ? 4 : 5;
    if (word.length < size) continue;
    for (let i = 0; i + size <= word.length; i++) pieces.add(word.slice(i, i + size));
  }
  return [...pieces];
}


/**
 * The query with its typing slips mended from the catalogue's own words ("bluetooh headphnes" →
 * "bluetooth headphones"): a Latin word of five letters or more that no product has becomes the
 * describing word of the products the search found (its vectors read letter trigrams) that is one
 * slip away, or two in a word of nine letters or more.
 */
export async function mendedSpelling(ctx: FlowContext, text: string): Promise<string> {
  const words = [...new Set(text.match(/[A-Za-z]{5,}/g) ?? [])];
  const hits = await catalogueHits(ctx, text);
  let mended = text;
  for (const word of words) {
    // "iPhone" is a name, not a slip; and a slip rarely hits the first letter ("iphones" is no "phones").
    if (/\p{Ll}\p{Lu}/u.test(word)) continue;
    // A word the search's own hits have is no slip: only the others cost a search of their own.
    if (hits.some((p) => productCoverage(word, p) > 0) || (await catalogueCoverage(ctx, word)) > 0) continue;
    // Two slips only in a long word: "cookers" is a word of its own, not two slips from "cooks".
    const max = word.length >= 9 ? 2 : 1;
    const counts = new Map<string, number>();
    for (const p of hits) {
      // Words that describe (tags, a description's lower-case words), never a model's name: "sale" is no "Sable".
      for (const w of `${p.tags?.join(" ") ?? ""} ${p.description ?? ""}`.match(/(?<![\p{L}])[a-z]{3,}(?![\p{L}])/gu) ?? []) {
        if (w[0] === word[0]!.toLowerCase() && editsApart(word.toLowerCase(), w, max)) counts.set(w, (counts.get(w) ?? 0) + 1);
      }
    }
    const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    if (best) mended = mended.replace(new RegExp(`\\b${word}\\b`), best);
  }
  return mended;
}

// British and American names of the same things: a shop's listings use one ("sneakers"), a shopper may say the
// other ("trainers", which the stemmer would otherwise read as "train" and answer with train sets).
const SAME_THINGS: [string, string][] = [
  ["trainers", "sneakers"], ["trainer", "sneaker"], ["jumper", "sweater"], ["jumpers", "sweaters"], ["rucksack", "backpack"],
  ["rucksacks", "backpacks"], ["torch", "flashlight"], ["torches", "flashlights"], ["trousers", "pants"], ["nappies", "diapers"],
  ["hoover", "vacuum"], ["duvet", "comforter"], ["holdall", "duffel bag"], ["mobile phone", "cell phone"], ["kitchen roll", "paper towels"],
];

// Each name in either direction, with the pattern that finds it (built once: every fresh search reads them).
const REGIONAL = SAME_THINGS.flatMap(([a, b]) => [[a, b], [b, a]]).map(([said, other]) => ({ said: said!, other: other!, re: new RegExp(`\\b${said}\\b`, "i") }));

/** The query in the shop's own words: a regional name no listing writes becomes the one its listings do. */
export async function inTheShopsWords(ctx: FlowContext, text: string): Promise<string> {
  const written = async (words: string) => (await catalogueHits(ctx, words)).some((p) => writtenWordsOf(words, p).length === words.split(" ").length);
  let out = text;
  for (const { said, other, re } of REGIONAL) {
    if (re.test(out) && !(await written(said)) && (await written(other))) out = out.replace(re, other);
  }
  return out;
}

const HAN_RUN = /\p{Script=Han}{2,}/gu;
const soundOf = (word: string) => pinyin(word, { toneType: "none" });

/** Words of two or three characters by how they sound (toneless pinyin), each with how often it came. */
function bySound(words: Iterable<string>, into = new Map<string, Map<string, number>>()): Map<string, Map<string, number>> {
  for (const word of words) {
    if (word.length < 2 || word.length > 3) continue;
    const key = soundOf(word);
    const same = into.get(key) ?? new Map<string, number>();
    same.set(word, (same.get(word) ?? 0) + 1);
    into.set(key, same);
  }
  return into;
}

// The shipped glossary sounds the same for every message: read once, not per message.
let glossarySounds: Map<string, Map<string, number>> | undefined;
const soundsOfGlossary = () => (glossarySounds ??= bySound(glossaryTerms().map(([zh]) => zh)));

/**
 * A Chinese message with its input-method slips mended from the catalogue's own words (无线耳几 →
 * 无线耳机, 咖啡鸡 → 咖啡机): a stretch of two or three characters no product found for the message
 * has, one character of which is a homophone (same toneless pinyin) of a stretch the found products'
 * titles or tags do have, becomes that stretch. One character per stretch, as a slip is: 有没 is
 * never a title's 优美.
 */
export async function mendedChinese(recommender: Pick<Recommender, "search">, text: string): Promise<string> {
  const runs = text.match(HAN_RUN);
  if (!runs) return text;
  // Found for the words that describe (有没有, 我想买 would rank anything), and for them a character
  // at a time: the slip itself (泡 of 泡鞋) must not make the search find nothing.
  const describing = queryTerms(text) || runs.join(" ");
  const found = await Promise.all([describing, describing.replace(/(\p{Script=Han})/gu, "$1 ")].map((q) => recommender.search({ text: q, limit: 30, locale: "zh" })));
  const hits = [...new Set(found.flat().map((r) => [r.product.title, ...(r.product.tags ?? [])].join(" ")))];
  if (!hits.length) return text;
  // The products' own words and the shop's glossary, by how they sound: 耳机, 背包 and 跑鞋 are
  // words, 地防 (of 速干防滑) and 航笔 (of 长续航笔记本) are not.
  const ownSounds = bySound(hits.flatMap((own) => (own.match(HAN_RUN) ?? []).flatMap(cutChinese)));
  const soundsLike = (stretch: string) => {
    const key = soundOf(stretch);
    const counts = new Map(ownSounds.get(key));
    for (const [word, n] of soundsOfGlossary().get(key) ?? []) counts.set(word, (counts.get(word) ?? 0) + n);
    return [...counts];
  };
  // …and only into what the products found have (a glossary word they lack is no mend).
  const fits = (word: string) => hits.some((own) => own.includes(word));
  let mended = text;
  for (const run of runs) {
    for (let n = Math.min(3, run.length); n >= 2; n--) {
      for (let i = 0; i + n <= run.length; i++) {
        const stretch = run.slice(i, i + n);
        if (hits.some((own) => own.includes(stretch))) continue;
        const alike = soundsLike(stretch).filter(([word]) => differsByOne(word, stretch) && describes(stretch, word, describing, run[i + stretch.length]) && fits(word)).sort((a, b) => b[1] - a[1]);
        if (alike[0]) mended = mended.replace(stretch, alike[0][0]);
      }
    }
  }
  return mended;
}

/**
 * Whether a stretch is of the words that describe: all of it, or all but a last character the query
 * words dropped as asking (几 of 无线耳几). 是防 of 是不是防水 (是 asks) and 几件 of 有几件 are not.
 */
function describes(stretch: string, word: string, describing: string, after?: string): boolean {
  if (describing.includes(stretch)) return true;
  const last = stretch.length - 1;
  const head = stretch.slice(0, last);
  return word.slice(0, last) === head && describing.split(/\s+/).some((chunk) => chunk.endsWith(head)) && (after === undefined || !isRequestWord(stretch[last]! + after));
}

function differsByOne(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let differ = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differ++;
  return differ === 1;
}

/** Whether two words are at most `max` insertions, deletions or substitutions apart (a swap of neighbours counts one). */
export function editsApart(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  if (max <= 1) return oneEditApart(a, b);
  // Levenshtein with the neighbour swap (optimal string alignment), stopping once every cell exceeds max.
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let least = i;
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
      least = Math.min(least, d);
    }
    if (least > max) return false;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]! <= max;
}
