import { type Block, clean, type ReadDocument } from "./blocks.ts";

/**
 * Markdown as the shop writes it: ATX and setext headings, paragraphs, lists (an item is its own
 * block, so "30 days" stays with its line), tables as lines of cells, code fences kept as text.
 * Inline markup is reduced to its words: links to their text, emphasis and code marks dropped.
 */
export function readMarkdown(source: string): ReadDocument {
  const lines = source.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let fence: string | undefined;
  const flush = () => {
    const text = inline(paragraph.join(" "));
    if (text) blocks.push({ kind: "text", text });
    paragraph = [];
  };
  // Front matter ("---\ntitle: …\n---") gives a title and is not text.
  let title: string | undefined;
  const front: Record<string, string> = {};
  let start = 0;
  if (lines[0]?.trim() === "---") {
    const end = lines.indexOf("---", 1);
    if (end > 0) {
      for (const l of lines.slice(1, end)) {
        const m = /^(title|url|locale):\s*["']?(.*?)["']?\s*$/.exec(l);
        if (m?.[2]) front[m[1]!] = m[2];
      }
      start = end + 1;
    }
  }
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    if (fence !== undefined) {
      if (trimmed.startsWith(fence)) {
        fence = undefined;
        flush();
      } else paragraph.push(trimmed);
      continue;
    }
    const fenceOpen = /^(```|~~~)/.exec(trimmed);
    if (fenceOpen) {
      flush();
      fence = fenceOpen[1];
      continue;
    }
    const atx = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(trimmed);
    if (atx) {
      flush();
      const text = inline(atx[2]!);
      if (text) blocks.push({ kind: "heading", level: atx[1]!.length, text });
      continue;
    }
    const next = lines[i + 1]?.trim() ?? "";
    if (trimmed && paragraph.length === 0 && /^(=+|-+)$/.test(next) && !/^[-*+]\s/.test(trimmed)) {
      flush();
      blocks.push({ kind: "heading", level: next.startsWith("=") ? 1 : 2, text: inline(trimmed) });
      i++;
      continue;
    }
    if (!trimmed || /^([-*_])(\s*\1){2,}$/.test(trimmed)) {
      flush();
      continue;
    }
    if (/^\|?\s*:?-{3,}/.test(trimmed) && trimmed.includes("-") && /^[|:\-\s]+$/.test(trimmed)) continue; // table rule
    const item = /^(?:[-*+]|\d+[.)])\s+(.*)$/.exec(trimmed);
    if (item) {
      flush();
      paragraph.push(item[1]!);
      flush();
      continue;
    }
    if (trimmed.startsWith("|")) {
      flush();
      paragraph.push(trimmed.split("|").map((c) => c.trim()).filter(Boolean).join(" — "));
      flush();
      continue;
    }
    paragraph.push(trimmed.replace(/^>\s?/, ""));
  }
  flush();
  title = front.title;
  const first = blocks[0];
  if (!title && first?.kind === "heading" && first.level === 1) title = first.text;
  return { title, blocks, url: front.url, locale: front.locale };
}

/** Inline Markdown reduced to the words a reader sees. */
function inline(text: string): string {
  return clean(
    text
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
      .replace(/<[^>]+>/g, " ")
      .replace(/(\*\*|__)(.+?)\1/g, "$2")
      .replace(/(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])/g, "$1")
      .replace(/`([^`]*)`/g, "$1"),
  );
}
