import type { Locale } from "../../core/turn.ts";
import type { CatalogueFacts } from "../grounded/catalogue.ts";

export const TONES = ["friendly", "premium", "playful", "urgent"] as const;
/** "description" is the product page text; the others are marketing channels. */
export const CHANNELS = ["description", "email", "push", "banner", "chat"] as const;
export const LENGTHS = ["short", "medium", "long"] as const;
export type Tone = (typeof TONES)[number];
export type Channel = (typeof CHANNELS)[number];
export type CopyLength = (typeof LENGTHS)[number];

/** What copy may say about a product: its catalogue record and nothing else (a store Product fits). */
export type CopyProduct = CatalogueFacts;

/** Who the copy is for. Interests are what the shopper or segment likes, best first. */
export interface Audience {
  kind: "everyone" | "shopper" | "segment";
  /** The segment's name. */
  name?: string;
  categories: string[];
  brands: string[];
  /** Stated likes ("trail running"). */
  preferences: string[];
}

/** A channel's fields: description {description}, email {subject, body}, push {title, body}, banner {headline}, chat {message}. */
export type CopyFields = Record<string, string>;

export interface CopyVariant {
  /** "A", "B", … (the experiment's variant names). */
  name: string;
  channel: Channel;
  fields: CopyFields;
  /** Written by the model, or by the templates (no model, or the model's text did not pass the checks). */
  source: "model" | "template";
}

export interface CopyRequest {
  product: CopyProduct;
  audience: Audience;
  tone: Tone;
  channel: Channel;
  length: CopyLength;
  variants: number;
  locale: Locale;
  /** Same request and seed, same templated copy. */
  seed: number;
}

export interface CopyResult {
  variants: CopyVariant[];
  /** True when at least one variant was written by the model. */
  usedModel: boolean;
  /** Why the templates wrote some or all variants. */
  fallbackReason?: string;
}
