import type { Locale } from "../../core/turn.ts";
import type { Channel, CopyLength } from "./types.ts";

/**
 * Each channel's fields and their length limits in characters, per language (Chinese carries about
 * twice the meaning per character, so its limits are about half). Email subjects stay inside what
 * inboxes show (~78), push titles and bodies inside what lock screens show, banners one line.
 */
export interface FieldSpec {
  name: string;
  max: Record<CopyLength, number>;
}

const en: Record<Channel, FieldSpec[]> = {
  description: [{ name: "description", max: { short: 250, medium: 600, long: 1200 } }],
  email: [
    { name: "subject", max: { short: 50, medium: 65, long: 78 } },
    { name: "body", max: { short: 300, medium: 700, long: 1400 } },
  ],
  push: [
    { name: "title", max: { short: 30, medium: 40, long: 50 } },
    { name: "body", max: { short: 90, medium: 130, long: 178 } },
  ],
  banner: [{ name: "headline", max: { short: 40, medium: 60, long: 90 } }],
  chat: [{ name: "message", max: { short: 160, medium: 320, long: 600 } }],
};

const zh: Record<Channel, FieldSpec[]> = {
  description: [{ name: "description", max: { short: 120, medium: 300, long: 600 } }],
  email: [
    { name: "subject", max: { short: 25, medium: 32, long: 40 } },
    { name: "body", max: { short: 150, medium: 350, long: 700 } },
  ],
  push: [
    { name: "title", max: { short: 15, medium: 20, long: 25 } },
    { name: "body", max: { short: 45, medium: 65, long: 90 } },
  ],
  banner: [{ name: "headline", max: { short: 20, medium: 30, long: 45 } }],
  chat: [{ name: "message", max: { short: 80, medium: 160, long: 300 } }],
};

export function channelFields(channel: Channel, locale: Locale): FieldSpec[] {
  return (locale === "zh" ? zh : en)[channel];
}

/** Length in characters as a reader counts them (an emoji or a Chinese character is one). */
export function charLength(text: string): number {
  return [...text].length;
}

const SENTENCE_END = /[.!?。！？…]/;

/**
 * Fits text within `max` characters: whole sentences first; else cut at a word (or, in Chinese,
 * a character) with "…". Never returns more than `max` characters.
 */
export function fitLength(text: string, max: number): string {
  const t = text.trim();
  if (charLength(t) <= max) return t;
  const chars = [...t];
  let cut = -1;
  for (let i = Math.min(chars.length, max) - 1; i > 0; i--) {
    // "." inside a figure ("1,234.56") is not the end of a sentence.
    if (SENTENCE_END.test(chars[i]!) && (i + 1 >= chars.length || /[\s"'”’」)]/.test(chars[i + 1]!) || /[。！？]/.test(chars[i]!))) {
      cut = i + 1;
      break;
    }
  }
  if (cut > max / 3) return chars.slice(0, cut).join("").trim();
  let end = max - 1;
  const head = chars.slice(0, end).join("");
  const space = head.lastIndexOf(" ");
  if (space > max / 2) return `${head.slice(0, space).replace(/[\s,;:，、—-]+$/, "")}…`;
  end = Math.max(1, end);
  return `${chars.slice(0, end).join("").replace(/[\s,;:，、—-]+$/, "")}…`;
}
