import { randomUUID } from "node:crypto";
import type { ProductCard, Reply } from "../../core/turn.ts";
import { extractColors } from "../../intents/entities.ts";
import type { Understander, Understanding } from "../../intents/types.ts";
import type { Product } from "../../store/types.ts";
import { productAudiences, suits } from "../audience.ts";
import type { DialogEngine } from "../types.ts";
import type { Conversation, ProductCheck, ProductsExpectation, ScriptTurn } from "./format.ts";

/** What a scripted conversation talks to: the engine, and the catalogue to check product cards against. */
export interface ScriptTarget {
  engine: DialogEngine;
  getProduct(id: string): Promise<Product | null>;
  /** When given, entity expectations are checked against what it understands of the message. */
  understander?: Understander;
}

export interface TurnResult {
  user: string;
  intent: string;
  reply: string;
  products: { id: string; title: string; price?: number }[];
  passed: boolean;
  /** One line per expectation that failed, saying what was expected and what came. */
  failures: string[];
  /** How many expectations this turn checked. */
  checks: number;
}

export interface ConversationResult {
  name: string;
  file?: string;
  tags: string[];
  passed: boolean;
  turns: TurnResult[];
}

export interface ScriptReport {
  conversations: ConversationResult[];
  summary: { conversations: number; conversationsPassed: number; turns: number; turnsPassed: number; conversationRate: number; turnRate: number };
}

const lower = (s: string) => s.toLowerCase();
const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Runs conversations one after another, each as a new shopper in a new conversation. */
export async function runConversations(target: ScriptTarget, conversations: (Conversation & { file?: string })[]): Promise<ScriptReport> {
  const results: ConversationResult[] = [];
  for (const conversation of conversations) results.push(await runConversation(target, conversation));
  const turns = results.flatMap((r) => r.turns);
  const conversationsPassed = results.filter((r) => r.passed).length;
  const turnsPassed = turns.filter((t) => t.passed).length;
  return {
    conversations: results,
    summary: {
      conversations: results.length,
      conversationsPassed,
      turns: turns.length,
      turnsPassed,
      conversationRate: results.length ? conversationsPassed / results.length : 1,
      turnRate: turns.length ? turnsPassed / turns.length : 1,
    },
  };
}

export async function runConversation(target: ScriptTarget, conversation: Conversation & { file?: string }): Promise<ConversationResult> {
  const id = randomUUID();
  const turn0 = { conversationId: `dialog-test-${id}`, userId: `dialog-test-shopper-${id}` };
  const replies: Reply[] = [];
  const turns: TurnResult[] = [];
  for (const script of conversation.turns) {
    const locale = script.locale ?? conversation.locale;
    let reply: Reply;
    try {
      reply = await target.engine.handle({ ...turn0, text: script.user, ...(locale && { locale }) }, { delta() {} });
    } catch (err) {
      reply = { text: "", products: [], suggestions: [], intent: "error" };
      turns.push({ user: script.user, intent: "error", reply: "", products: [], passed: false, checks: 1, failures: [`the engine failed: ${(err as Error).message}`] });
      replies.push(reply);
      continue;
    }
    replies.push(reply);
    const nlu = script.expect?.entities && target.understander ? target.understander.understand(script.user, locale) : undefined;
    const { failures, checks } = await checkTurn(target, script, reply, replies, nlu);
    turns.push({
      user: script.user,
      intent: reply.intent ?? "",
      reply: reply.text,
      products: reply.products.map((p) => ({ id: p.id, title: p.title, ...(p.price !== undefined && { price: p.price }) })),
      passed: failures.length === 0,
      failures,
      checks,
    });
  }
  await target.engine.flush?.();
  return { name: conversation.name, ...(conversation.file && { file: conversation.file }), tags: conversation.tags ?? [], passed: turns.every((t) => t.passed), turns };
}

async function checkTurn(target: ScriptTarget, script: ScriptTurn, reply: Reply, replies: Reply[], nlu: Understanding | undefined): Promise<{ failures: string[]; checks: number }> {
  const failures: string[] = [];
  let checks = 0;
  const expect = script.expect;
  if (!expect) return { failures, checks };
  const check = (ok: boolean, message: string) => {
    checks++;
    if (!ok) failures.push(message);
  };

  if (expect.intent !== undefined) {
    const wanted = list(expect.intent);
    check(wanted.includes(reply.intent ?? ""), `intent: expected ${wanted.join(" or ")}, got ${reply.intent}`);
  }
  if (expect.entities) {
    if (!nlu) check(false, "entities: no understander to check them with");
    else {
      const e = expect.entities;
      for (const key of ["categories", "brands", "colors", "sizes"] as const) {
        for (const value of list(e[key])) {
          check(nlu.entities[key].map(lower).includes(lower(value)), `entities.${key}: expected ${value}, got [${nlu.entities[key].join(", ")}]`);
        }
      }
      if (e.price) {
        for (const bound of ["min", "max"] as const) {
          if (e.price[bound] !== undefined) check(nlu.entities.price?.[bound] === e.price[bound], `entities.price.${bound}: expected ${e.price[bound]}, got ${nlu.entities.price?.[bound]}`);
        }
      }
    }
  }
  if (expect.reply) {
    const r = expect.reply;
    const text = lower(reply.text);
    for (const s of list(r.contains)) check(text.includes(lower(s)), `reply: expected to contain "${s}", got "${reply.text}"`);
    if (r.contains_any) {
      const any = list(r.contains_any);
      check(any.some((s) => text.includes(lower(s))), `reply: expected one of ${any.map((s) => `"${s}"`).join(", ")}, got "${reply.text}"`);
    }
    for (const s of list(r.not_contains)) check(!text.includes(lower(s)), `reply: must not contain "${s}", got "${reply.text}"`);
    if (r.matches) check(new RegExp(r.matches, "iu").test(reply.text), `reply: expected to match /${r.matches}/, got "${reply.text}"`);
    if (r.not_matches) check(!new RegExp(r.not_matches, "iu").test(reply.text), `reply: must not match /${r.not_matches}/, got "${reply.text}"`);
  }
  if (expect.suggestions) {
    const got = reply.suggestions.map(lower);
    for (const s of list(expect.suggestions)) check(got.some((g) => g.includes(lower(s))), `suggestions: expected "${s}", got [${reply.suggestions.join(" | ")}]`);
  }
  if (expect.sources) {
    const titles = (reply.sources ?? []).map((s) => s.title);
    if (expect.sources.none) check(titles.length === 0, `sources: expected none, got [${titles.join(" | ")}]`);
    for (const t of list(expect.sources.titles)) check(titles.some((g) => lower(g).includes(lower(t))), `sources: expected a title with "${t}", got [${titles.join(" | ")}]`);
  }
  if (expect.products) await checkProducts(target, expect.products, reply.products, replies, check);
  return { failures, checks };
}

async function checkProducts(
  target: ScriptTarget,
  p: ProductsExpectation,
  cards: ProductCard[],
  replies: Reply[],
  check: (ok: boolean, message: string) => void,
): Promise<void> {
  const shown = () => cards.map((c) => `${c.id} "${c.title}"${c.price !== undefined ? ` ${c.price}` : ""}`).join("; ") || "none";
  if (p.none) check(cards.length === 0, `products: expected none, got ${shown()}`);
  if (p.count !== undefined) check(cards.length === p.count, `products: expected ${p.count}, got ${cards.length}: ${shown()}`);
  if (p.at_least !== undefined) check(cards.length >= p.at_least, `products: expected at least ${p.at_least}, got ${cards.length}`);
  if (p.at_most !== undefined) check(cards.length <= p.at_most, `products: expected at most ${p.at_most}, got ${cards.length}: ${shown()}`);
  const earlier = (turn: number, what: string): Reply | undefined => {
    const r = turn <= replies.length - 1 ? replies[turn - 1] : undefined;
    if (!r) check(false, `products.${what}: turn ${turn} is not an earlier turn`);
    return r;
  };
  if (p.same_as) {
    const before = earlier(p.same_as.turn, "same_as");
    if (before) {
      const at = p.same_as.position === "last" ? before.products.length - 1 : p.same_as.position - 1;
      const want = before.products[at];
      check(!!want && cards[0]?.id === want.id, `products.same_as: expected ${want ? `${want.id} "${want.title}"` : `a product at position ${p.same_as.position} of turn ${p.same_as.turn} (it showed ${before.products.length})`}, got ${shown()}`);
    }
  }
  if (p.not_shown_in_turn !== undefined) {
    const before = earlier(p.not_shown_in_turn, "not_shown_in_turn");
    if (before) {
      const old = new Set(before.products.map((c) => c.id));
      check(cards.length > 0 && cards.every((c) => !old.has(c.id)), `products.not_shown_in_turn: expected new products, got ${shown()}`);
    }
  }
  for (const [key, turn, cheaper] of [["cheaper_than_turn", p.cheaper_than_turn, true], ["pricier_than_turn", p.pricier_than_turn, false]] as const) {
    if (turn === undefined) continue;
    const before = earlier(turn, key);
    if (!before) continue;
    // Prices compare within one currency: the one most of this turn's cards are in.
    const currency = mostCommon(cards.map((c) => c.currency ?? ""));
    const m = median(before.products.filter((c) => (c.currency ?? "") === currency).map((c) => c.price).filter((x): x is number => x !== undefined));
    const prices = cards.map((c) => c.price);
    const ok = m !== undefined && cards.length > 0 && prices.every((x) => x !== undefined && (cheaper ? x < m : x > m));
    check(ok, `products.${key}: expected every price ${cheaper ? "below" : "above"} ${m ?? "(no prices shown then)"}, got ${shown()}`);
  }
  if (p.price_order) {
    const prices = cards.map((c) => c.price);
    const up = p.price_order === "ascending";
    const ok = cards.length > 0 && prices.every((x, i) => x !== undefined && (i === 0 || (up ? x >= prices[i - 1]! : x <= prices[i - 1]!)));
    check(ok, `products.price_order: expected prices ${p.price_order}, got ${shown()}`);
  }
  const products = await Promise.all(cards.map((c) => target.getProduct(c.id)));
  const describe = (c: ProductCard, product: Product | null) =>
    product ? `${c.id} "${product.title}" (${product.category ?? "-"}, ${product.price ?? "-"} ${product.currency ?? ""}${product.color ? `, ${product.color}` : ""})` : `${c.id} (not in the catalogue)`;
  if (p.all) {
    check(cards.length > 0, "products.all: expected products, got none");
    cards.forEach((c, i) => {
      const problem = productProblem(p.all!, products[i]!);
      if (problem) check(false, `products.all: ${describe(c, products[i]!)} ${problem}`);
      else check(true, "");
    });
  }
  if (p.first) {
    const problem = cards.length ? productProblem(p.first, products[0]!) : "none shown";
    check(!problem, `products.first: ${cards.length ? describe(cards[0]!, products[0]!) : ""} ${problem}`);
  }
  if (p.some) {
    check(products.some((x) => !productProblem(p.some!, x)), `products.some: none of ${shown()} matches ${JSON.stringify(p.some)}`);
  }
  if (p.none_match) {
    cards.forEach((c, i) => {
      const meets = products[i] !== null && !productProblem(p.none_match!, products[i]!);
      check(!meets, `products.none_match: ${describe(c, products[i]!)} matches ${JSON.stringify(p.none_match)}`);
    });
  }
}

/** Why a product fails a check, or undefined when it passes. */
export function productProblem(c: ProductCheck, product: Product | null): string | undefined {
  if (!product) return "is not in the catalogue";
  if (c.id !== undefined && product.id !== c.id) return `is not ${c.id}`;
  const categories = list(c.category).map(lower);
  if (categories.length && !categories.includes(lower(product.category ?? ""))) return `is not in ${categories.join(" or ")}`;
  if (c.brand !== undefined && lower(product.brand ?? "") !== lower(c.brand)) return `is not by ${c.brand}`;
  if (c.color !== undefined && canonicalColor(product.color ?? "") !== canonicalColor(c.color)) return `is not ${c.color}`;
  if (c.max_price !== undefined && !(product.price !== undefined && product.price <= c.max_price)) return `costs more than ${c.max_price}`;
  if (c.min_price !== undefined && !(product.price !== undefined && product.price >= c.min_price)) return `costs less than ${c.min_price}`;
  if (c.currency !== undefined && lower(product.currency ?? "") !== lower(c.currency)) return `is not priced in ${c.currency}`;
  const words = [product.title, ...(product.tags ?? [])].join(" ");
  if (c.audience !== undefined && !suits(productAudiences(words), c.audience)) return `is not for ${c.audience}`;
  const all = lower([words, product.description ?? ""].join(" "));
  const any = list(c.text_contains);
  if (any.length && !any.some((s) => all.includes(lower(s)))) return `does not mention ${any.join(" or ")}`;
  const titled = list(c.title_contains);
  if (titled.length && !titled.some((s) => lower(product.title).includes(lower(s)))) return `has none of ${titled.join(", ")} in its title`;
  return undefined;
}

/** "navy" is blue, "charcoal" grey: a colour expectation holds for the shades the NLU reads as it. */
function canonicalColor(name: string): string {
  return extractColors(name)[0] ?? lower(name.trim());
}

function mostCommon(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
}

function median(values: number[]): number | undefined {
  if (!values.length) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
