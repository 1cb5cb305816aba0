/**
 * Sentiment of a shopper's message, English and Chinese, from word lists written for a shop
 * (intents/data/sentiment-{en,zh,emoji}.json): each word or phrase carries a weight from -3 to 3,
 * negators flip what follows ("not good", "不满意"), intensifiers scale it ("very", "非常",
 * "slightly"), "but"/"但是" shift the weight to the clause after it, and emoji count too.
 *
 * The sum becomes a score in (-1, 1) by s / √(s² + 15) (the normalisation VADER uses), so one
 * plain "good" (2) scores 0.46 and the score saturates as evidence piles up. Labels:
 *   score ≥ SENTIMENT_THRESHOLD  → positive
 *   score ≤ -SENTIMENT_THRESHOLD → negative
 *   otherwise                    → neutral
 * With the threshold at 0.2, a single word of weight 1 ("decent", "late") tips the label and a
 * weight of 0.5 ("ok", "一般") does not. Yes/no questions ("is it good?", "好用吗") are damped,
 * because asking about quality is not judging it.
 *
 * A trained model can replace this one by implementing SentimentAnalyzer.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseInput } from "../core/validation.ts";
import type { Sentiment, SentimentLabel } from "./types.ts";

export interface SentimentAnalyzer {
  /** Which implementation answered, for start-up logs and evaluation reports. */
  readonly name: string;
  analyze(text: string): Sentiment;
}

export const SENTIMENT_THRESHOLD = 0.2;
/** What a negator does to the weight it reaches: flips it and softens it ("not bad" ≠ "good"). */
export const NEGATION_FACTOR = -0.75;
/** How many tokens after a negator it still reaches ("not really that good"). */
const NEGATION_SCOPE = 3;
/** How many tokens after an intensifier it still reaches ("very, very good" stays within it). */
const INTENSIFIER_SCOPE = 2;
const CAPS_FACTOR = 1.3;
const QUESTION_FACTOR = 0.35;
const NORMALISATION = 15;

export function sentimentLabel(score: number): SentimentLabel {
  if (score >= SENTIMENT_THRESHOLD) return "positive";
  if (score <= -SENTIMENT_THRESHOLD) return "negative";
  return "neutral";
}

const lexiconSchema = z.object({
  words: z.record(z.string().min(1), z.number().min(-5).max(5)),
  negators: z.array(z.string().min(1)),
  intensifiers: z.record(z.string().min(1), z.number().positive().max(3)),
  contrast: z.array(z.string().min(1)),
  /** Words read as a whole so the sentiment words inside them are not ("你好", "无线", "looks like"). */
  neutral: z.array(z.string().min(1)),
});
export type SentimentLexicon = z.infer<typeof lexiconSchema>;

const emojiSchema = z.record(z.string().min(1), z.number().min(-5).max(5));

export interface SentimentLexicons {
  en: SentimentLexicon;
  zh: SentimentLexicon;
  /** Emoji and emoticons (":)", "<3") with their weights. */
  emoji: Record<string, number>;
}

const DATA_DIR = path.join(import.meta.dirname, "data");

function readJson<T extends z.ZodType>(file: string, schema: T): z.infer<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`cannot read sentiment lexicon ${file}: ${(err as Error).message}`, { cause: err });
  }
  return parseInput(schema, raw, path.basename(file));
}

/** Reads and validates the three word lists; `dir` lets a shop ship its own. */
export function loadSentimentLexicons(dir = DATA_DIR): SentimentLexicons {
  return {
    en: readJson(path.join(dir, "sentiment-en.json"), lexiconSchema),
    zh: readJson(path.join(dir, "sentiment-zh.json"), lexiconSchema),
    emoji: readJson(path.join(dir, "sentiment-emoji.json"), emojiSchema),
  };
}

interface Entry {
  score?: number;
  factor?: number;
  negator?: boolean;
  contrast?: boolean;
}

interface Dictionary {
  entries: Map<string, Entry>;
  /** Longest entry, in words (English) or characters (Chinese). */
  longest: number;
}

function buildDictionary(lexicon: SentimentLexicon, length: (key: string) => number): Dictionary {
  const entries = new Map<string, Entry>();
  const entry = (key: string) => {
    const normal = key.toLowerCase().replace(/’/g, "'");
    const existing = entries.get(normal);
    if (existing) return existing;
    const created: Entry = {};
    entries.set(normal, created);
    return created;
  };
  for (const word of lexicon.neutral) entry(word);
  for (const [word, score] of Object.entries(lexicon.words)) entry(word).score = score;
  for (const [word, factor] of Object.entries(lexicon.intensifiers)) entry(word).factor = factor;
  for (const word of lexicon.negators) entry(word).negator = true;
  for (const word of lexicon.contrast) entry(word).contrast = true;
  let longest = 1;
  for (const key of entries.keys()) longest = Math.max(longest, length(key));
  return { entries, longest };
}

type Token =
  | { kind: "word"; score: number; factor?: number; caps: boolean }
  | { kind: "negator" }
  | { kind: "intensifier"; factor: number }
  | { kind: "contrast" }
  | { kind: "stop" }
  | { kind: "other" };

function tokenFor(e: Entry | undefined, caps: boolean): Token {
  if (!e) return { kind: "other" };
  if (e.score !== undefined) return { kind: "word", score: e.score, factor: e.factor, caps };
  if (e.negator) return { kind: "negator" };
  if (e.contrast) return { kind: "contrast" };
  if (e.factor !== undefined) return { kind: "intensifier", factor: e.factor };
  return { kind: "other" };
}

const SEGMENT = /(\p{Script=Han}+)|([A-Za-z0-9\u00C0-\u024F]+(?:['’-][A-Za-z0-9\u00C0-\u024F]+)*)|([.,;:!?。，；：！？、…\n]+)/gu;
const EMOJI = /\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier}|\u200D\p{Extended_Pictographic}\uFE0F?)*/gu;
const HAN = /\p{Script=Han}/u;
const EN_YES_NO = /^(?:is|are|am|does|do|did|can|could|will|would|should|was|were|has|have|any|which)\b/i;
const ZH_YES_NO = /(?:[吗么嘛][?？。!！\s]*$|有没有|是不是|能不能|可不可以|会不会|哪个|哪款|哪种|好不好|\S不\S[?？]\s*$)/u;
const ZH_RHETORICAL = /为什么|为啥|怎么这么|怎么又|凭什么/u;

export class LexiconSentimentAnalyzer implements SentimentAnalyzer {
  readonly name = "lexicon";
  private readonly en: Dictionary;
  private readonly zh: Dictionary;
  private readonly emoji: Map<string, number>;
  private readonly emoticons: RegExp;

  constructor(lexicons: SentimentLexicons = loadSentimentLexicons()) {
    this.en = buildDictionary(lexicons.en, (key) => key.split(" ").length);
    this.zh = buildDictionary(lexicons.zh, (key) => [...key].length);
    this.emoji = new Map(Object.entries(lexicons.emoji).map(([k, v]) => [k.toLowerCase(), v]));
    const faces = Object.keys(lexicons.emoji)
      .filter((k) => !/\p{Extended_Pictographic}/u.test(k))
      .map((k) => k.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .sort((a, b) => b.length - a.length);
    // Emoticons only as separate tokens: "d:" inside "and:" is not a frown.
    this.emoticons = new RegExp(`(?<=^|\\s)(?:${faces.join("|") || "(?!)"})(?=$|\\s|[.,!?])`, "gi");
  }

  analyze(text: string): Sentiment {
    let emojiSum = 0;
    const cleaned = text
      .replace(EMOJI, (e) => {
        emojiSum += this.emoji.get(e) ?? this.emoji.get(String.fromCodePoint(e.codePointAt(0)!)) ?? 0;
        return " ";
      })
      .replace(this.emoticons, (face) => {
        emojiSum += this.emoji.get(face.toLowerCase()) ?? 0;
        return " ";
      });
    const tokens = this.tokenize(cleaned);
    // Shouting a whole message is a style; capitals on one word are emphasis.
    const allCaps = !/[a-z]/.test(cleaned) && /[A-Z]{2}/.test(cleaned);

    let before = 0;
    let after = 0;
    let sawContrast = false;
    let negation = 0;
    let boost = 1;
    let boostLeft = 0;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      if (token.kind === "stop") {
        negation = 0;
        boostLeft = 0;
        boost = 1;
        continue;
      }
      if (token.kind === "contrast") {
        sawContrast = true;
        before += after;
        after = 0;
        negation = 0;
        continue;
      }
      if (token.kind === "negator") {
        negation = NEGATION_SCOPE;
        continue;
      }
      const next = tokens[i + 1];
      // "pretty", "好" and "super" intensify when a sentiment word follows, and judge when none does.
      const intensifies = token.kind === "intensifier" || (token.kind === "word" && token.factor !== undefined && next?.kind === "word");
      if (intensifies) {
        boost *= token.kind === "intensifier" ? token.factor : token.factor!;
        boostLeft = INTENSIFIER_SCOPE;
        if (negation > 0) negation--;
        continue;
      }
      if (token.kind === "word") {
        let value = token.score * (boostLeft > 0 ? boost : 1);
        if (token.caps && !allCaps) value *= CAPS_FACTOR;
        if (negation > 0) value *= NEGATION_FACTOR;
        after += value;
        boost = 1;
        boostLeft = 0;
      } else if (boostLeft > 0 && --boostLeft === 0) boost = 1;
      if (negation > 0) negation--;
    }
    let sum = sawContrast ? before * 0.5 + after * 1.5 : after;

    const bangs = Math.min((text.match(/[!！]/g) ?? []).length, 3);
    sum *= 1 + 0.1 * bangs;
    if (isYesNoQuestion(text)) sum *= QUESTION_FACTOR;
    sum += emojiSum;

    const score = Math.max(-1, Math.min(1, sum / Math.sqrt(sum * sum + NORMALISATION)));
    const rounded = Math.round(score * 1000) / 1000 || 0;
    return { label: sentimentLabel(rounded), score: rounded };
  }

  private tokenize(text: string): Token[] {
    const tokens: Token[] = [];
    let latin: { word: string; caps: boolean }[] = [];
    const flushLatin = () => {
      this.matchLatin(latin, tokens);
      latin = [];
    };
    for (const m of text.matchAll(SEGMENT)) {
      if (m[2]) {
        latin.push({ word: m[2].toLowerCase().replace(/’/g, "'"), caps: m[2].length > 1 && m[2] === m[2].toUpperCase() && /[A-Z]/.test(m[2]) });
        continue;
      }
      flushLatin();
      if (m[1]) this.matchHan(m[1], tokens);
      else tokens.push({ kind: "stop" });
    }
    flushLatin();
    return tokens;
  }

  /** Longest phrase first, so "waste of money" is one judgement rather than "waste" alone. */
  private matchLatin(words: { word: string; caps: boolean }[], out: Token[]): void {
    for (let i = 0; i < words.length; ) {
      let matched = false;
      for (let n = Math.min(this.en.longest, words.length - i); n >= 1; n--) {
        const key = words
          .slice(i, i + n)
          .map((w) => w.word)
          .join(" ");
        // Any "…n't" negates, including ones the list does not spell out ("mightn't").
        const e = this.en.entries.get(key) ?? (n === 1 && key.endsWith("n't") ? { negator: true } : undefined);
        if (e) {
          out.push(tokenFor(e, words[i].caps));
          i += n;
          matched = true;
          break;
        }
      }
      if (!matched) {
        out.push({ kind: "other" });
        i++;
      }
    }
  }

  /** Forward maximum matching: at each character the longest dictionary entry wins ("不错" over "不"). */
  private matchHan(run: string, out: Token[]): void {
    const chars = [...run];
    for (let i = 0; i < chars.length; ) {
      let matched = false;
      for (let n = Math.min(this.zh.longest, chars.length - i); n >= 1; n--) {
        const e = this.zh.entries.get(chars.slice(i, i + n).join(""));
        if (e) {
          out.push(tokenFor(e, false));
          i += n;
          matched = true;
          break;
        }
      }
      if (!matched) {
        out.push({ kind: "other" });
        i++;
      }
    }
  }
}

function isYesNoQuestion(text: string): boolean {
  const t = text.trim();
  if (HAN.test(t)) return !ZH_RHETORICAL.test(t) && ZH_YES_NO.test(t);
  return EN_YES_NO.test(t) && (t.endsWith("?") || !/[.!]$/.test(t));
}

let shared: LexiconSentimentAnalyzer | undefined;

/** Sentiment with the built-in lexicon analyzer, created on first use and shared. */
export function analyzeSentiment(text: string): Sentiment {
  shared ??= new LexiconSentimentAnalyzer();
  return shared.analyze(text);
}
