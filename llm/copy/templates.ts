import { mulberry32 } from "../../core/random.ts";
import type { Locale } from "../../core/turn.ts";
import { priceText, stockText } from "../grounded/catalogue.ts";
import { channelFields, charLength, fitLength } from "./channels.ts";
import { type CopyFacts, factProblems } from "./facts.ts";
import { type Phrases, phrasesFor } from "./phrases.ts";
import type { Audience, CopyFields, CopyLength, CopyProduct, CopyRequest, Tone } from "./types.ts";

/**
 * The built-in copywriter: phrases chosen by a seeded random generator and composed per channel and
 * length, so the same request and seed always give the same copy and different seeds different copy.
 */

/** Stock at or below this is said as a number ("Only 3 in stock"); above it, just "in stock". */
export const LOW_STOCK = 5;

type Values = Partial<Record<"title" | "brand" | "category" | "color" | "sizes" | "tags" | "price" | "stock" | "interest" | "segment", string>>;

const PLACEHOLDER = /\{(\w+)\}/g;


function fill(template: string, values: Values): string | undefined {
  let missing = false;
  const out = template.replace(PLACEHOLDER, (_, key: string) => {
    const v = values[key as keyof Values];
    if (!v) missing = true;
    return v ?? "";
  });
  return missing ? undefined : out;
}

const noDigits = (s: string) => !/\d/.test(s);

/** The audience's interests that this product matches, for the personal sentence. */
function audienceValues(audience: Audience, product: CopyProduct): { interest?: string; brandFan: boolean; segment?: string } {
  const lower = (s: string | undefined) => s?.toLowerCase().trim();
  const interests = [...audience.categories, ...audience.preferences].filter(noDigits);
  const category = lower(product.category);
  const match = interests.find((i) => {
    const l = lower(i)!;
    return category !== undefined && (l === category || category.includes(l) || l.includes(category));
  });
  const brandFan = Boolean(product.brand && audience.brands.some((b) => lower(b) === lower(product.brand)));
  return { interest: match, brandFan, segment: audience.name && noDigits(audience.name) ? audience.name : undefined };
}

function valuesFor(product: CopyProduct, audience: Audience, locale: Locale): Values {
  const a = audienceValues(audience, product);
  const list = (xs: string[] | undefined, n: number) => (xs?.length ? xs.slice(0, n).join(locale === "zh" ? "、" : ", ") : undefined);
  return {
    title: product.title,
    brand: product.brand,
    category: product.category?.toLowerCase(),
    color: product.color,
    sizes: list(product.sizes, 6),
    tags: list(product.tags?.filter(noDigits), 3),
    price: product.price === undefined ? undefined : priceText(product, locale),
    stock: product.stock !== undefined && product.stock > 0 && product.stock <= LOW_STOCK ? stockText(product, locale) : undefined,
    interest: a.interest,
    segment: a.segment,
  };
}

interface Composer {
  random: () => number;
  values: Values;
  phrases: Phrases;
  tone: Tone;
}

/** One phrase from a pool, at random among those whose placeholders all have values. */
function pick(c: Composer, pool: string[]): string | undefined {
  const usable = pool.map((t) => fill(t, c.values)).filter((s): s is string => s !== undefined);
  return usable.length ? usable[Math.floor(c.random() * usable.length)] : undefined;
}

function shuffled<T>(items: T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** The personal sentence: the matching interest, the brand, the segment, or a plain "for you". */
function audienceSentence(c: Composer, audience: Audience, product: CopyProduct): string | undefined {
  if (audience.kind === "everyone") return undefined;
  const a = audienceValues(audience, product);
  if (a.interest) return pick(c, c.phrases.audienceCategory);
  if (a.brandFan) return pick(c, c.phrases.audienceBrand);
  if (audience.kind === "segment") return pick(c, c.phrases.audienceSegment);
  return pick(c, c.phrases.audienceShopper);
}

/** The first sentence of the description, when it is short and keeps to the facts. */
function descriptionSentence(product: CopyProduct, facts: CopyFacts): string | undefined {
  const first = product.description?.trim().match(/^(?:[^.!?。！？]|[.!?](?=\S))+[.!?。！？]?/)?.[0]?.trim();
  if (!first || charLength(first) > 160 || factProblems(first, facts).length) return undefined;
  return /[.!?。！？]$/.test(first) ? first : `${first}${facts.locale === "zh" ? "。" : "."}`;
}

/** Fact sentences in a random order: what the product is, looks like, costs, and whether it is there. */
function factSentences(c: Composer, product: CopyProduct, facts: CopyFacts, count: number, withDescription: boolean): string[] {
  const options = shuffled([c.phrases.category, c.phrases.color, c.phrases.sizes, c.phrases.tags, c.phrases.brand], c.random)
    .map((pool) => pick(c, pool))
    .filter((s): s is string => s !== undefined);
  const chosen = options.slice(0, count);
  if (withDescription) {
    const d = descriptionSentence(product, facts);
    if (d) chosen.unshift(d);
  }
  return chosen;
}

function priceAndStock(c: Composer, product: CopyProduct): string[] {
  const out: string[] = [];
  const price = pick(c, c.phrases.price);
  if (price) out.push(price);
  if (product.stock !== undefined && product.stock > 0) {
    const s = pick(c, product.stock <= LOW_STOCK ? c.phrases.stockLow : c.phrases.stockOk);
    if (s) out.push(s);
  }
  return out;
}

/** Joins sentences, dropping the least important (listed last in `optional`) until it fits. */
function fitSentences(required: string[], optional: string[], after: string[], max: number, sep: string): string {
  const opt = [...optional];
  for (;;) {
    const text = [...required, ...opt, ...after].join(sep);
    if (charLength(text) <= max || opt.length === 0) return fitLength(text, max);
    opt.pop();
  }
}

const FEATURES: Record<CopyLength, number> = { short: 0, medium: 2, long: 4 };

/** One variant's fields for the request's channel, from one random stream. */
function composeOnce(req: CopyRequest, facts: CopyFacts, random: () => number): CopyFields {
  const phrases = phrasesFor(req.locale);
  const c: Composer = { random, values: valuesFor(req.product, req.audience, req.locale), phrases, tone: req.tone };
  const specs = channelFields(req.channel, req.locale);
  const max = (name: string) => specs.find((s) => s.name === name)!.max[req.length];
  const sep = phrases.separator;
  const hook = pick(c, phrases.hook[req.tone]) ?? `${req.product.title}${req.locale === "zh" ? "。" : "."}`;
  const cta = pick(c, phrases.cta[req.tone]) ?? "";
  const personal = audienceSentence(c, req.audience, req.product);
  const features = factSentences(c, req.product, facts, FEATURES[req.length], req.length === "long");
  const money = priceAndStock(c, req.product);

  switch (req.channel) {
    case "description": {
      // A product page: what it is and its facts, no personal line; a closing line only when long.
      const all = factSentences(c, req.product, facts, req.length === "short" ? 2 : 5, req.length !== "short");
      return { description: fitSentences([hook], [...all, ...money], req.length === "long" ? [cta] : [], max("description"), sep) };
    }
    case "email": {
      const subject = fitLength(pick(c, phrases.subject[req.tone]) ?? req.product.title, max("subject"));
      const intro = [hook, ...(personal ? [personal] : [])];
      const middle = req.length === "short" ? money.slice(0, 1) : [...features, ...money];
      // Long emails read better in paragraphs: greeting, details, call to action.
      const body =
        req.length === "long"
          ? fitSentences([intro.join(sep)], [middle.join(sep)], [cta], max("body"), "\n\n")
          : fitSentences(intro, middle, [cta], max("body"), sep);
      return { subject, body };
    }
    case "push": {
      const title = fitLength(pick(c, phrases.pushTitle[req.tone]) ?? req.product.title, max("title"));
      const optional = req.length === "short" ? money.slice(0, 1) : [...(personal ? [personal] : []), ...money.slice(0, 1), ...features.slice(0, 1)];
      return { title, body: fitSentences([hook], optional, req.length === "short" ? [] : [cta], max("body"), sep) };
    }
    case "banner": {
      let headline = pick(c, phrases.headline[req.tone]) ?? req.product.title;
      // Longer banners always carry a fact; short ones when it fits, half the time.
      if (req.length !== "short" || c.random() < 0.5) {
        // A fact the headline does not already carry ("Fleet. Trail Runner" needs no "by Fleet").
        const fresh = phrases.headlineFact.filter((t) => !/\{(\w+)\}/.exec(t) || !headline.includes(c.values[/\{(\w+)\}/.exec(t)![1] as keyof Values] ?? "\u0000"));
        const extra = pick(c, fresh);
        if (extra && charLength(headline + extra) <= max("headline")) headline += extra;
      }
      return { headline: fitLength(headline, max("headline")) };
    }
    case "chat": {
      const optional = req.length === "short" ? [] : [...(personal ? [personal] : []), ...features, ...money];
      return { message: fitSentences([hook], optional, [cta], max("message"), sep) };
    }
  }
}

const key = (f: CopyFields) => JSON.stringify(f);

/**
 * `count` distinct variants (fewer only when the phrases cannot make that many different ones for
 * this product and channel), each passing the fact check; deterministic for a given seed.
 */
export function templatedCopy(req: CopyRequest, facts: CopyFacts, count = req.variants, avoid: readonly CopyFields[] = []): CopyFields[] {
  const random = mulberry32(req.seed * 1_000_003 + 17);
  const seen = new Set(avoid.map(key));
  const out: CopyFields[] = [];
  // Bounded: a banner for a product with few facts has only so many distinct headlines, so give up
  // after a run of misses rather than after a fixed number of tries.
  for (let misses = 0; out.length < count && misses < 150; ) {
    const fields = composeOnce(req, facts, random);
    const k = key(fields);
    if (seen.has(k) || Object.values(fields).some((v) => !v || factProblems(v, facts).length)) {
      misses++;
      continue;
    }
    misses = 0;
    seen.add(k);
    out.push(fields);
  }
  return out;
}
