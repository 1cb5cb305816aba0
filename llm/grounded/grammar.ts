/**
 * The grammar of a grounded reply: `{"text": "…", "productIds": ["id", …]}` where every id is one
 * of the retrieved products, the text cannot start with a space, and facts go in as `{price:ID}` /
 * `{stock:ID}` placeholders naming retrieved ids only. The model cannot name anything else.
 */

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
    String.raw`first ::= [^"\\{} \x00-\x1f]${inPlaceholders.length ? " | fact" : ""} | "\\" ["\\/]`,
    String.raw`char ::= [^"\\{}\x00-\x1f] | "\\" ["\\/nt]`,
    `ids ::= "[" ws qid ${more ? `( ws "," ws qid ){0,${more}} ` : ""}ws "]"`,
    `qid ::= ${quoted}`,
    `ws ::= " "?`,
  ];
  if (inPlaceholders.length) {
    rules.push(`fact ::= "{" ( "price" | "stock" ) ":" pid "}"`, `pid ::= ${inPlaceholders.join(" | ")}`);
  }
  return rules.join("\n");
}
