import { endsInCjk } from "../sentences.ts";
import { type Block, clean, type ReadDocument } from "./blocks.ts";

interface Line {
  text: string;
  size: number;
  y: number;
}

/**
 * PDF through pdfjs-dist (its Node build, no worker, no network): text items gathered into lines by
 * their baseline, lines into paragraphs by the gaps between them. A PDF keeps no headings, so a
 * short line set larger than the body text is taken as one (the larger, the higher its level).
 */
export async function readPdf(bytes: Uint8Array): Promise<ReadDocument> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, useSystemFonts: false, disableFontFace: true, verbosity: 0 }).promise;
  try {
    const lines: Line[][] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      const pageLines: Line[] = [];
      for (const item of content.items) {
        if (!("str" in item)) continue;
        const y = item.transform[5] as number;
        const size = Math.abs((item.transform[3] as number) || item.height || 0);
        const last = pageLines[pageLines.length - 1];
        if (last && Math.abs(last.y - y) < Math.max(2, size * 0.4)) {
          last.text += item.str;
          last.size = Math.max(last.size, size);
        } else if (item.str.trim() || last) pageLines.push({ text: item.str, size, y });
        if (item.hasEOL && pageLines.length) pageLines.push({ text: "", size, y: Number.NaN });
      }
      lines.push(pageLines.filter((l) => l.text.trim()));
      page.cleanup();
    }
    const meta = await doc.getMetadata().catch(() => undefined);
    const metaTitle = clean(String((meta?.info as { Title?: unknown } | undefined)?.Title ?? ""));
    const { blocks } = toBlocks(lines);
    const first = blocks.find((b) => b.kind === "heading");
    return { title: metaTitle || first?.text, blocks };
  } finally {
    await doc.destroy();
  }
}

function toBlocks(pages: Line[][]): { blocks: Block[] } {
  const sizes = pages.flat().map((l) => Math.round(l.size * 2) / 2);
  const counts = new Map<number, number>();
  for (const s of sizes) counts.set(s, (counts.get(s) ?? 0) + 1);
  const body = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
  const headingSizes = [...new Set(sizes.filter((s) => s >= body * 1.15))].sort((a, b) => b - a);
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    const text = clean(paragraph.reduce((all, line) => (all && !endsInCjk(all) ? `${all} ${line}` : all + line), ""));
    if (text) blocks.push({ kind: "text", text });
    paragraph = [];
  };
  for (const page of pages) {
    let prev: Line | undefined;
    for (const line of page) {
      const size = Math.round(line.size * 2) / 2;
      const text = clean(line.text);
      if (headingSizes.includes(size) && text.length <= 80) {
        flush();
        blocks.push({ kind: "heading", level: Math.min(6, headingSizes.indexOf(size) + 1), text });
        prev = line;
        continue;
      }
      // A gap wider than one and a half lines parts paragraphs; a bullet starts a new one.
      if (prev && (Math.abs(prev.y - line.y) > line.size * 1.8 || /^[•·\-–]\s/.test(text))) flush();
      paragraph.push(text.replace(/^[•·]\s*/, ""));
      prev = line;
    }
    flush();
  }
  return { blocks };
}
