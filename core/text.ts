import { z } from "zod";

/**
 * The one rule for text a client sends that may reach the store or the logs: no NUL (U+0000) and
 * no lone UTF-16 surrogate. Why these two and no more: PostgreSQL (and PGlite) refuse U+0000 in
 * text and jsonb, so such a value failed deep in the store as a 500; a lone surrogate is no
 * character at all — UTF-8 cannot encode it, so the driver silently stored U+FFFD in its place and
 * jsonb refuses its escape. Other C0 controls (tab, bell, escape…) are valid characters that the
 * store keeps and pino escapes in its JSON logs: a shopper's pasted text may carry them, so chat
 * text keeps them (ids that must be cleaner have their own patterns).
 */
export const UNSAFE_TEXT = "must not contain NUL or broken Unicode (a lone surrogate)";

export function isSafeText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return false;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

/** A zod string that refuses what isSafeText refuses, so the error names the field ("text: must not contain NUL …"). */
export function safeText(params?: Parameters<typeof z.string>[0]) {
  return z.string(params).refine(isSafeText, UNSAFE_TEXT);
}
