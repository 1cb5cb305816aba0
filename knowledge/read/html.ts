import { Parser } from "htmlparser2";
import { type Block, clean, type ReadDocument } from "./blocks.ts";

const SKIP = new Set(["script", "style", "noscript", "template", "svg", "nav", "footer", "head"]);
const BLOCK = new Set(["p", "div", "li", "dd", "dt", "tr", "section", "article", "main", "blockquote", "pre", "br", "table", "ul", "ol", "dl", "header", "aside", "figcaption", "td", "th"]);

/** HTML: h1–h6 are headings, block elements part text, scripts, styles and navigation are dropped. */
export function readHtml(source: string): ReadDocument {
  const blocks: Block[] = [];
  let title = "";
  let url: string | undefined;
  let lang: string | undefined;
  let inTitle = false;
  let skipping = 0;
  let heading: number | undefined;
  let buffer = "";
  const flush = () => {
    const text = clean(buffer);
    buffer = "";
    if (!text) return;
    if (heading !== undefined) blocks.push({ kind: "heading", level: heading, text });
    else blocks.push({ kind: "text", text });
  };
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === "title") inTitle = true;
        if (name === "html" && attrs.lang) lang = attrs.lang.toLowerCase().split("-")[0];
        if (name === "link" && attrs.rel?.toLowerCase() === "canonical" && attrs.href) url = attrs.href;
        if (SKIP.has(name)) skipping++;
        if (skipping) return;
        const h = /^h([1-6])$/.exec(name);
        if (h) {
          flush();
          heading = Number(h[1]);
        } else if (BLOCK.has(name)) {
          if (name === "td" || name === "th") buffer += " — ";
          else flush();
        }
      },
      ontext(text) {
        if (inTitle) title += text;
        else if (!skipping) buffer += text;
      },
      onclosetag(name) {
        if (name === "title") inTitle = false;
        if (SKIP.has(name)) {
          skipping = Math.max(0, skipping - 1);
          return;
        }
        if (skipping) return;
        if (/^h[1-6]$/.test(name)) {
          flush();
          heading = undefined;
        } else if (BLOCK.has(name) && name !== "td" && name !== "th") flush();
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(source);
  parser.end();
  flush();
  for (const b of blocks) if (b.kind === "text") b.text = b.text.replace(/^(?:—\s*)+/, "");
  const first = blocks.find((b) => b.kind === "heading" && b.level === 1);
  return { title: clean(title) || first?.text, blocks: blocks.filter((b) => b.text), url, locale: lang };
}
