import type { Logger } from "../../core/logger.ts";
import type { Locale } from "../../core/turn.ts";
import { LlmBusyError } from "../errors.ts";
import { jsonInner, placeholderSafe } from "../grounded/grammar.ts";
import { fillPlaceholders } from "../grounded/placeholders.ts";
import type { LanguageModel } from "../types.ts";
import { type FieldSpec, channelFields, fitLength } from "./channels.ts";
import { type CopyFacts, factProblems, keepFactualSentences } from "./facts.ts";
import type { Audience, Channel, CopyFields, CopyRequest, Tone } from "./types.ts";

/**
 * Copy written by the model under a grammar: a JSON object with exactly the channel's fields, whose
 * strings cannot contain a digit at all — the product's name, price and stock go in as
 * {title}, {price:ID} and {stock:ID} and are filled from the catalogue. What it writes is then
 * checked sentence by sentence against the record (facts.ts); a variant that loses a field to the
 * check is written by the templates instead.
 */

/** A llama.cpp GBNF string literal. */
function literal(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

// Grammar repetition is expanded into rules; beyond this the token budget and fitLength bound it.
const GRAMMAR_MAX_CHARS = 240;

export function copyGrammar(fields: FieldSpec[], productId: string, length: CopyRequest["length"]): string {
  const facts = ['"{title}"'];
  if (placeholderSafe(productId)) facts.push(`"{price:" ${literal(jsonInner(productId))} "}"`, `"{stock:" ${literal(jsonInner(productId))} "}"`);
  const members = fields.map((f, i) => `"\\"${f.name}\\"" ws ":" ws "\\"" s${i} "\\""`).join(' ws "," ws ');
  const rules = [`root ::= "{" ws ${members} ws "}"`, `fact ::= ${facts.join(" | ")}`, String.raw`char ::= [^"\\{}\x00-\x1f0-9] | "\\" ["\\/]`, String.raw`nl ::= "\\n"`, `ws ::= " "?`];
  fields.forEach((f, i) => {
    const n = Math.min(f.max[length], GRAMMAR_MAX_CHARS) - 1;
    // Multi-line fields (email body, chat) may break lines; one-line fields may not.
    const piece = f.max[length] > 200 ? "( char | fact | nl )" : "( char | fact )";
    rules.push(`s${i} ::= ( [^"\\\\{} \\x00-\\x1f0-9] | fact ) ${piece}{0,${n}}`);
  });
  return rules.join("\n");
}

const TONE: Record<Locale, Record<Tone, string>> = {
  en: {
    friendly: "warm and friendly",
    premium: "refined and premium, never loud",
    playful: "playful and light-hearted",
    urgent: "urgent and action-driving, without inventing deadlines, scarcity or discounts",
  },
  zh: { friendly: "亲切友好", premium: "高端、克制、有品味", playful: "俏皮轻松", urgent: "有紧迫感、促使行动，但不编造期限、库存紧张或折扣" },
};

const CHANNEL: Record<Locale, Record<Channel, string>> = {
  en: { description: "a product description for the product page", email: "a marketing email", push: "a mobile push notification", banner: "a website banner headline", chat: "a chat message from the shop's assistant" },
  zh: { description: "商品详情页的商品描述", email: "营销邮件", push: "手机推送通知", banner: "网站横幅标题", chat: "购物助手发出的聊天消息" },
};

function productFacts(req: CopyRequest): string[] {
  const p = req.product;
  const zh = req.locale === "zh";
  const id = jsonInner(p.id);
  const lines = [`${zh ? "商品名" : "name"}: ${p.title} (${zh ? "写作" : "write it as"} {title})`];
  const field = (en: string, cn: string, v: string | undefined) => {
    if (v) lines.push(`${zh ? cn : en}: ${v.replace(/\s+/g, " ").slice(0, 300)}`);
  };
  field("brand", "品牌", p.brand);
  field("category", "类别", p.category);
  field("colour", "颜色", p.color);
  field("sizes", "尺码", p.sizes?.join(", "));
  field("tags", "标签", p.tags?.slice(0, 8).join(", "));
  field("description", "描述", p.description);
  if (p.price !== undefined) lines.push(zh ? `价格：写作 {price:${id}}` : `price: write {price:${id}}`);
  if (p.stock !== undefined) lines.push(zh ? `库存：写作 {stock:${id}}` : `stock: write {stock:${id}}`);
  return lines;
}

function audienceLine(a: Audience, zh: boolean): string | undefined {
  const likes = [...a.categories.slice(0, 3), ...a.brands.slice(0, 2), ...a.preferences.slice(0, 3)].filter((s) => !/\d/.test(s));
  if (a.kind === "everyone") return undefined;
  if (a.kind === "segment") return zh ? `读者是"${a.name ?? ""}"顾客群，他们喜欢：${likes.join("、") || "（未知）"}。` : `The readers are the "${a.name ?? ""}" segment of shoppers, who like: ${likes.join(", ") || "(unknown)"}.`;
  return zh ? `读者是一位顾客，喜欢：${likes.join("、") || "（未知）"}。可以点到这些喜好，但只在和商品相关时。` : `The reader is one shopper who likes: ${likes.join(", ") || "(unknown)"}. Mention that only where it relates to the product.`;
}

export function copyPrompt(req: CopyRequest, fields: FieldSpec[]): string {
  const zh = req.locale === "zh";
  const shape = `{${fields.map((f) => `"${f.name}": "…"`).join(", ")}}`;
  const limits = fields.map((f) => (zh ? `${f.name} 不超过 ${f.max[req.length]} 个字` : `${f.name} at most ${f.max[req.length]} characters`)).join(zh ? "，" : ", ");
  const rules = zh
    ? [
        `你为这家网店写${CHANNEL.zh[req.channel]}，用简体中文，语气${TONE.zh[req.tone]}。${limits}。`,
        "只能使用下面列出的商品信息；不要编造特点、折扣、促销、包邮、期限或其他商品。",
        "不要写任何数字：商品名写 {title}，价格和库存用下面给出的占位符，系统会填入准确信息。",
        `用 JSON 回复：${shape}`,
        "商品：",
      ]
    : [
        `You write ${CHANNEL.en[req.channel]} for this online shop, in English, in a ${TONE.en[req.tone]} tone. ${limits}.`,
        "Use only the product facts below; never invent features, discounts, sales, free shipping, deadlines or other products.",
        "Never write a digit: write {title} for the product's name and the placeholders below for its price and stock; the shop fills in the exact facts.",
        `Reply in JSON: ${shape}`,
        "Product:",
      ];
  const audience = audienceLine(req.audience, zh);
  return [...rules, ...productFacts(req), ...(audience ? [audience] : [])].join("\n");
}

/** The fields of one model answer made safe, or undefined when a field is empty after the checks. */
export function cleanModelCopy(raw: string, req: CopyRequest, facts: CopyFacts, fields: FieldSpec[]): CopyFields | undefined {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const out: CopyFields = {};
  for (const f of fields) {
    const value = parsed[f.name];
    if (typeof value !== "string") return undefined;
    const named = value.replaceAll("{title}", req.product.title);
    const filled = fillPlaceholders(named, new Map([[req.product.id, req.product]]), req.locale);
    const kept = keepFactualSentences(filled, facts).text;
    const fitted = fitLength(kept.replace(/[ \t]+/g, " ").trim(), f.max[req.length]);
    if (!fitted || !/[\p{L}]/u.test(fitted) || factProblems(fitted, facts).length) return undefined;
    out[f.name] = fitted;
  }
  return out;
}

export type CopyFailure = "busy" | "model_error" | "failed_checks";

/** One variant from the model, or why it could not give one. An abort rejects. */
export async function modelCopy(
  model: LanguageModel,
  req: CopyRequest,
  facts: CopyFacts,
  index: number,
  options: { signal?: AbortSignal; logger?: Logger; temperature?: number } = {},
): Promise<{ fields: CopyFields } | { failure: CopyFailure; detail?: string }> {
  const fields = channelFields(req.channel, req.locale);
  const chars = fields.reduce((n, f) => n + f.max[req.length], 0);
  // ~3 characters a token in English, ~1 in Chinese; JSON keys and escapes on top.
  const maxTokens = Math.min(768, Math.ceil(chars / (req.locale === "zh" ? 1 : 3)) + 32);
  try {
    const result = await model.generate({
      system: copyPrompt(req, fields),
      messages: [{ role: "user", text: req.locale === "zh" ? `请写第 ${index + 1} 个版本。` : `Write version ${index + 1}.` }],
      grammar: { type: "gbnf", gbnf: copyGrammar(fields, req.product.id, req.length) },
      maxTokens,
      // Variety comes from sampling: a different seed per variant, and a warm temperature.
      temperature: options.temperature ?? 0.9,
      seed: req.seed * 1000 + index,
      signal: options.signal,
      // Variants share the system prompt: the sequence still holding it skips re-evaluating it.
      key: `copy:${req.product.id}:${req.channel}:${req.length}:${req.tone}:${req.locale}`,
    });
    const cleaned = cleanModelCopy(result.text, req, facts, fields);
    if (!cleaned) {
      options.logger?.debug({ index, tokens: result.tokens, stop: result.stopReason }, "copy: model variant failed the checks");
      return { failure: "failed_checks", detail: result.stopReason === "maxTokens" ? "cut at the token limit" : undefined };
    }
    return { fields: cleaned };
  } catch (err) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (err instanceof LlmBusyError) return { failure: "busy", detail: err.reason };
    options.logger?.warn({ err, index }, "copy: the model failed");
    return { failure: "model_error", detail: err instanceof Error ? err.message : String(err) };
  }
}
