import type { Product } from "../../store/types.ts";
import { facetKey } from "../catalog.ts";

/**
 * Whether a product is used up, so buying it once is a reason to offer it again (coffee, shampoo)
 * rather than a reason never to show it again (a tent, a pair of shoes). Decided from the
 * catalogue's own words, in this order:
 *
 *   1. a tag "consumable" / "refillable" / "reorder" says yes, a tag "durable" says no;
 *   2. a tool or appliance word in the tags or the title says no ("hair dryer", "coffee grinder",
 *      "tea kettle": a beauty or kitchen category alone does not make a device consumable);
 *   3. the category is one of CONSUMABLE_CATEGORIES (food and drink, beauty and personal care,
 *      health, household supplies, pet food) → yes;
 *   4. a tag names a consumable good (refill, cartridge, detergent, shampoo, coffee beans…) → yes;
 *   5. otherwise no.
 *
 * Titles are read only for rule 2, because a title word alone misleads the other way ("Coffee
 * Table", "Tea Towel"). Matching uses the catalogue's facet normalisation (lower-case, stemmed,
 * so "Groceries" is "grocery"); Chinese categories and tags are listed as written.
 */

const CONSUMABLE_CATEGORIES = [
  "food",
  "grocery",
  "groceries",
  "pantry",
  "snack",
  "drink",
  "beverage",
  "coffee",
  "tea",
  "wine",
  "beer",
  "beauty",
  "cosmetic",
  "skincare",
  "skin care",
  "personal care",
  "toiletry",
  "toiletries",
  "health",
  "vitamin",
  "supplement",
  "pharmacy",
  "household supply",
  "household supplies",
  "cleaning",
  "cleaning supplies",
  "pet food",
  "baby care",
  "食品",
  "零食",
  "饮料",
  "酒水",
  "茶",
  "咖啡",
  "美妆",
  "护肤",
  "个护",
  "个人护理",
  "保健",
  "日用品",
];

const CONSUMABLE_TAGS = [
  "refill",
  "cartridge",
  "ink",
  "toner",
  "detergent",
  "soap",
  "shampoo",
  "conditioner",
  "toothpaste",
  "razor blade",
  "coffee bean",
  "coffee pod",
  "capsule",
  "tea bag",
  "batteries",
  "vitamin",
  "supplement",
  "pet food",
  "diaper",
  "tissue",
  "skincare",
  "food",
  "snack",
  "drink",
];

const DEVICE_WORDS = [
  "dryer",
  "straightener",
  "curler",
  "grinder",
  "kettle",
  "machine",
  "maker",
  "appliance",
  "device",
  "tool",
  "brush",
  "mirror",
  "scale",
  "blender",
  "trimmer",
  "shaver",
  "toothbrush",
  "electric",
  "吹风机",
  "卷发棒",
  "磨豆机",
  "水壶",
  "咖啡机",
  "电动",
];

const keySet = (words: string[]) => new Set(words.map(facetKey));
const categories = keySet(CONSUMABLE_CATEGORIES);
const consumableTags = keySet(CONSUMABLE_TAGS);
const deviceWords = keySet(DEVICE_WORDS);

function mentionsAny(text: string, words: Set<string>): boolean {
  const key = facetKey(text);
  if (words.has(key)) return true;
  for (const w of key.split(" ")) if (words.has(w)) return true;
  // Chinese words are not space-separated: look for each listed word inside the text.
  if (/[\u3400-\u9fff]/.test(text)) for (const w of words) if (/[\u3400-\u9fff]/.test(w) && text.includes(w)) return true;
  return false;
}

export function isConsumable(p: Pick<Product, "category" | "tags" | "title">): boolean {
  const tags = p.tags ?? [];
  const tagKeys = tags.map(facetKey);
  if (tagKeys.some((t) => t === "consumable" || t === "refillable" || t === "reorder")) return true;
  if (tagKeys.includes("durable")) return false;
  if (tags.some((t) => mentionsAny(t, deviceWords)) || mentionsAny(p.title, deviceWords)) return false;
  if (p.category && mentionsAny(p.category, categories)) return true;
  return tags.some((t) => mentionsAny(t, consumableTags));
}
