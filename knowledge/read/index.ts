import path from "node:path";
import { ValidationError } from "../../core/errors.ts";
import type { KbFormat } from "../../store/types.ts";
import type { ReadDocument } from "./blocks.ts";
import { readHtml } from "./html.ts";
import { readMarkdown } from "./markdown.ts";
import { readPdf } from "./pdf.ts";
import { readText } from "./text.ts";

export type { Block, ReadDocument } from "./blocks.ts";

const BY_EXTENSION: Record<string, KbFormat> = {
  ".md": "markdown",
  ".markdown": "markdown",
  ".html": "html",
  ".htm": "html",
  ".txt": "text",
  ".text": "text",
  ".pdf": "pdf",
};

export const DOCUMENT_EXTENSIONS = Object.keys(BY_EXTENSION);

/** The format a file's name says, or undefined when it is not one the knowledge base reads. */
export function formatOf(file: string): KbFormat | undefined {
  return BY_EXTENSION[path.extname(file).toLowerCase()];
}

/** The document in a file's bytes, read as its format. */
export async function readDocument(bytes: Uint8Array, format: KbFormat): Promise<ReadDocument> {
  if (format === "pdf") {
    if (Buffer.from(bytes.subarray(0, 5)).toString("latin1") !== "%PDF-") throw new ValidationError("not a PDF file (it does not start with %PDF-)");
    return readPdf(bytes);
  }
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  if (text.includes("\u0000")) throw new ValidationError(`not a ${format} file: it holds binary data`);
  if (format === "html") return readHtml(text);
  if (format === "markdown") return readMarkdown(text);
  return readText(text);
}
