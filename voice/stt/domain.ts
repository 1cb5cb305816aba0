import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { spokenWords } from "../text/spoken.ts";
import { PRODUCT_TEMPLATES, SHOP_PHRASES } from "./phrases.ts";
import { mulberry32 } from "../../core/random.ts";

/** What the recogniser needs to know of a product: the words a shopper may use for it. */
export interface CatalogueText {
  title: string;
  brand?: string;
  category?: string;
  tags?: string[];
  color?: string;
  price?: number;
  currency?: string;
  locale?: string;
}

export interface DomainCorpusInput {
  /** Utterances shoppers say (the intent examples); repeated `intentWeight` times. */
  utterances?: string[];
  products?: CatalogueText[];
  /** Extra shop phrases; the built-in SHOP_PHRASES are used unless `shopPhrases` is false. */
  phrases?: string[];
  shopPhrases?: boolean;
  /** Carrier sentences per product (seeded choice of PRODUCT_TEMPLATES). Default 3. */
  templatesPerProduct?: number;
  /** How many times each utterance counts, against the generated catalogue sentences. Default 2. */
  intentWeight?: number;
  seed?: number;
  /**
   * Told once per product, phrase or utterance that could not be turned into words (it is left
   * out, the rest of the corpus is built). Default: one warning line on stderr for them all.
   */
  onSkip?: (skipped: CorpusSkip) => void;
}

/** What domainCorpus left out, and why. */
export interface CorpusSkip {
  kind: "utterance" | "phrase" | "product";
  /** The first characters of the text (or the product title), for the warning. */
  text: string;
  reason: string;
}

/** A word the recogniser can be given: lower-case letters with inner apostrophes. */
const SPOKEN_WORD = /^[a-z]+(?:'[a-z]+)*$/;

const excerpt = (text: unknown) => (typeof text === "string" ? (text.length > 60 ? `${text.slice(0, 57)}...` : text) : String(text));

/** One warning line for everything a build left out, naming the first few. */
function warnOnStderr(skipped: CorpusSkip[]): void {
  if (!skipped.length) return;
  const named = skipped.slice(0, 3).map((s) => `${s.kind} "${s.text}": ${s.reason}`);
  process.stderr.write(`warning: language model: ${skipped.length} text${skipped.length === 1 ? "" : "s"} left out (${named.join("; ")}${skipped.length > 3 ? "; …" : ""})\n`);
}

const hasLatin = (s: unknown) => typeof s === "string" && /[A-Za-z]/.test(s) && !/[\u3400-\u9fff]/.test(s);


function roundPrice(price: number | undefined, currency = "USD"): string | undefined {
  if (price === undefined || !Number.isFinite(price) || price <= 0) return undefined;
  const step = price < 50 ? 10 : price < 200 ? 50 : 100;
  const ceiling = Math.ceil(price / step) * step;
  const symbol = currency === "GBP" ? "£" : currency === "EUR" ? "€" : currency === "CNY" ? "¥" : "$";
  return `${symbol}${ceiling}`;
}

/** The slots a product fills in the carrier templates (English products; others give only their brand). */
export function productSlots(p: CatalogueText): Record<string, string> | undefined {
  if (typeof p.title !== "string") throw new TypeError("its title is not text");
  if (!hasLatin(p.title)) return undefined;
  const title = p.title.replace(/\s*\([^)]*\)/g, "").trim();
  const [name, color] = title.split(/,\s*/);
  const brand = p.brand && hasLatin(p.brand) ? p.brand : "";
  const afterBrand = brand && name.startsWith(brand) ? name.slice(brand.length).trim() : name;
  const line = [brand, afterBrand.split(/\s+/)[0]].filter(Boolean).join(" ");
  const item = p.tags?.find((t) => hasLatin(t)) ?? afterBrand.split(/\s+/).slice(-1)[0] ?? "";
  return {
    title: name,
    brand: brand || line,
    line,
    item,
    color: p.color ?? color?.toLowerCase() ?? "",
    category: p.category ?? "",
    price: roundPrice(p.price, p.currency) ?? "$50",
  };
}

/**
 * The sentences the domain language model learns from, as spoken words: the intent utterances
 * (weighted, since they are what people really say), shop phrases, and for each product its
 * title, brand, tags and a few carrier sentences naming it. Chinese text is skipped (the built-in
 * recogniser is English only); Latin-script brands of Chinese products are kept.
 */
export function domainCorpus(input: DomainCorpusInput): string[][] {
  const out: string[][] = [];
  const unreported: CorpusSkip[] = [];
  const onSkip = input.onSkip ?? ((s: CorpusSkip) => unreported.push(s));
  /** Spoken words of one text, or undefined (and a warning) when the text cannot be read. */
  const read = (text: unknown): string[] | undefined => {
    if (typeof text !== "string") throw new TypeError(`not text (${typeof text})`);
    if (!text || !hasLatin(text)) return undefined;
    const words = spokenWords(text);
    const bad = words.find((w) => typeof w !== "string" || !SPOKEN_WORD.test(w));
    if (bad !== undefined) throw new RangeError(`it reads as an invalid word "${String(bad)}"`);
    return words;
  };
  const guarded = (kind: CorpusSkip["kind"], text: unknown, times = 1) => {
    try {
      const words = read(text);
      if (words?.length) for (let i = 0; i < times; i++) out.push(words);
    } catch (err) {
      onSkip({ kind, text: excerpt(text), reason: err instanceof Error ? err.message : String(err) });
    }
  };
  for (const u of input.utterances ?? []) guarded("utterance", u, input.intentWeight ?? 2);
  if (input.shopPhrases !== false) for (const p of SHOP_PHRASES) guarded("phrase", p);
  for (const p of input.phrases ?? []) guarded("phrase", p);
  const random = mulberry32(input.seed ?? 42);
  const perProduct = input.templatesPerProduct ?? 3;
  const brands = new Set<string>();
  const tags = new Set<string>();
  for (const p of input.products ?? []) {
    // One product's sentences are all kept or all left out, so a bad title cannot leave half a product.
    try {
      const sentences: string[][] = [];
      const slots = productSlots(p);
      if (!slots) {
        if (p.brand && hasLatin(p.brand)) brands.add(p.brand);
        continue;
      }
      const push = (text: string) => {
        const words = read(text);
        if (words?.length) sentences.push(words);
      };
      push(slots.title);
      for (let i = 0; i < perProduct; i++) {
        const template = PRODUCT_TEMPLATES[Math.floor(random() * PRODUCT_TEMPLATES.length)];
        if ((template.includes("{color}") && !slots.color) || (template.includes("{category}") && !slots.category)) continue;
        push(template.replace(/\{(\w+)\}/g, (_, k: string) => (Object.hasOwn(slots, k) ? slots[k] : "")));
      }
      out.push(...sentences);
      if (p.brand && hasLatin(p.brand)) brands.add(p.brand);
      for (const t of p.tags ?? []) if (typeof t === "string") tags.add(t);
    } catch (err) {
      onSkip({ kind: "product", text: excerpt((p as { title?: unknown } | null)?.title), reason: err instanceof Error ? err.message : String(err) });
    }
  }
  for (const b of brands) {
    guarded("product", b);
    guarded("product", `do you have anything from ${b}`);
  }
  for (const t of tags) {
    guarded("product", t);
    guarded("product", `do you have ${t}`);
  }
  warnOnStderr(unreported);
  return out;
}

/**
 * Reads catalogue JSONL (as `concierge catalog import` takes it) for the fields the corpus uses;
 * bad lines are skipped, each told to `onSkip` (default: one warning on stderr for them all).
 */
export async function readCatalogueText(file: string, onSkip?: (line: number, reason: string) => void): Promise<CatalogueText[]> {
  const out: CatalogueText[] = [];
  const bad: string[] = [];
  const skip = onSkip ?? ((line: number, reason: string) => bad.push(`line ${line}: ${reason}`));
  let n = 0;
  const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    n++;
    if (!line.trim()) continue;
    try {
      const p = JSON.parse(line) as Partial<CatalogueText>;
      if (typeof p?.title !== "string") skip(n, "no text title");
      else {
        out.push({
          title: p.title,
          brand: typeof p.brand === "string" ? p.brand : undefined,
          category: typeof p.category === "string" ? p.category : undefined,
          tags: Array.isArray(p.tags) ? p.tags.filter((t): t is string => typeof t === "string") : undefined,
          color: typeof p.color === "string" ? p.color : undefined,
          price: typeof p.price === "number" ? p.price : undefined,
          currency: typeof p.currency === "string" ? p.currency : undefined,
          locale: typeof p.locale === "string" ? p.locale : undefined,
        });
      }
    } catch {
      // A catalogue line that is not JSON only costs the recogniser a few words.
      skip(n, "not JSON");
    }
  }
  if (bad.length) process.stderr.write(`warning: language model: ${bad.length} catalogue line${bad.length === 1 ? "" : "s"} of ${file} skipped (${bad.slice(0, 3).join("; ")}${bad.length > 3 ? "; …" : ""})\n`);
  return out;
}
