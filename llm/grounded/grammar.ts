/**
 * The grammar of a grounded reply: `{"text": "…", "productIds": ["id", …]}` where every id is one
 * of the retrieved products, the text cannot start with a space, and facts go in as `{price:ID}`,
 * `{stock:ID}` and `{name:ID}` placeholders naming retrieved ids only.
 *
 * The text's own characters cannot write a figure or a link: no digits (ASCII, full-width and the
 * other common numeric forms), no currency symbols, no percent or per-mille signs, no '/' (so no
 * "http://", no "50/50") and no '@'. ':' stays — "Price: {price:ID}" is good prose, and without '/'
 * a colon cannot start a link. Invisible format characters are out too, so nothing can hide inside
 * a word from the checks after generation. Words (number words, host names) are past what a
 * character class can stop: ReplyText checks those after generation.
 */

// Inside a GBNF character class; each range is one family of numerals, currency or percent signs.
const NOT_IN_TEXT = [
  String.raw`"\\{}\x00-\x1f`,
  String.raw`0-9\uFF10-\uFF19\u00B2\u00B3\u00B9\u00BC-\u00BE\u0660-\u0669\u06F0-\u06F9\u0966-\u096F\u2070-\u209F\u2150-\u218F\u2460-\u24FF\u2776-\u2793\u3007\u3021-\u3029\u3220-\u3229\u3280-\u3289`,
  String.raw`$\u00A2-\u00A5\u058F\u060B\u09F2\u09F3\u0E3F\u17DB\u20A0-\u20C0\uFDFC\uFE69\uFF04\uFFE0\uFFE1\uFFE5\uFFE6`,
  String.raw`%\uFF05\u2030\u2031\u066A\uFE6A`,
  String.raw`/\uFF0F@\uFF20`,
  String.raw`\u00AD\u200B-\u200F\u2060-\u2064\uFEFF`,
].join("");

/** A llama.cpp GBNF string literal. */
function literal(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t")}"`;
}

/** How an id reads inside a JSON string. */
export function jsonInner(id: string): string {
  return JSON.stringify(id).slice(1, -1);
}

/** Ids that can appear inside a placeholder (which is delimited by braces). */
export function placeholderSafe(id: string): boolean {
  return !/[{}]/.test(id) && [...id].every((c) => c.charCodeAt(0) >= 0x20);
}

export function groundedGrammar(ids: readonly string[], maxMentions: number): string {
  if (!ids.length) throw new Error("a grounded grammar needs at least one product id");
  const quoted = ids.map((id) => literal(JSON.stringify(id))).join(" | ");
  const inPlaceholders = ids.filter(placeholderSafe).map((id) => literal(jsonInner(id)));
  const more = Math.max(0, Math.min(maxMentions, ids.length) - 1);
  const rules = [
    String.raw`root ::= "{" ws "\"text\"" ws ":" ws "\"" body "\"" ws "," ws "\"productIds\"" ws ":" ws ids ws "}"`,
    `body ::= first ( char${inPlaceholders.length ? " | fact" : ""} )*`,
    `first ::= [^${NOT_IN_TEXT} ]${inPlaceholders.length ? " | fact" : ""} | ${String.raw`"\\" ["]`}`,
    `char ::= [^${NOT_IN_TEXT}] | ${String.raw`"\\" ["nt]`}`,
    `ids ::= "[" ws qid ${more ? `( ws "," ws qid ){0,${more}} ` : ""}ws "]"`,
    `qid ::= ${quoted}`,
    `ws ::= " "?`,
  ];
  if (inPlaceholders.length) {
    rules.push(`fact ::= "{" ( "price" | "stock" | "name" ) ":" pid "}"`, `pid ::= ${inPlaceholders.join(" | ")}`);
  }
  return rules.join("\n");
}
