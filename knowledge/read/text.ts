import { endsInCjk } from "../sentences.ts";
import { type Block, clean, type ReadDocument } from "./blocks.ts";

/**
 * Plain text: blank lines part paragraphs. A short line standing alone, without closing punctuation
 * and followed by a paragraph, reads as a heading ("Returns" above the returns paragraph).
 */
export function readText(source: string): ReadDocument {
  const paragraphs = source
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n")
    .split(/\n\s*\n/)
    .map((p) => p.split("\n").map((l) => l.trim()).filter(Boolean))
    .filter((p) => p.length);
  const blocks: Block[] = [];
  paragraphs.forEach((lines, i) => {
    const only = lines.length === 1 ? lines[0]! : undefined;
    if (only && looksLikeHeading(only) && i + 1 < paragraphs.length) blocks.push({ kind: "heading", level: blocks.length ? 2 : 1, text: clean(only) });
    else for (const line of joinWrapped(lines)) blocks.push({ kind: "text", text: clean(line) });
  });
  const first = blocks[0];
  return { title: first?.kind === "heading" ? first.text : undefined, blocks };
}

function looksLikeHeading(line: string): boolean {
  return line.length <= 60 && !/[.!?。！？:：;；,，]$/.test(line);
}

/** Lines of one paragraph: list items stay apart, wrapped prose joins up. */
function joinWrapped(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const item = /^(?:[-*•·]|\d+[.)、])\s*(.*)$/.exec(line);
    if (item || !out.length) out.push(item ? item[1]! : line);
    else out[out.length - 1] += endsInCjk(out[out.length - 1]!) ? line : ` ${line}`;
  }
  return out;
}
