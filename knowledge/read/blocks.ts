/**
 * What every reader turns a document into: its title and a flat run of headings and text blocks.
 * The splitter (split.ts) makes passages of it, so readers know nothing of passages.
 */
export type Block = { kind: "heading"; level: number; text: string } | { kind: "text"; text: string };

export interface ReadDocument {
  /** The document's own title (first top heading, <title>, PDF metadata), when it has one. */
  title?: string;
  blocks: Block[];
  /** A link to the document, when the document names one (front matter `url:`, a canonical link). */
  url?: string;
  /** The document's language when it says so (front matter `locale:`, `<html lang>`). */
  locale?: string;
}

/** Collapses runs of blanks, keeping the text on one line. */
export function clean(text: string): string {
  return text.replace(/[\s\u00a0]+/g, " ").trim();
}
