import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { ValidationError } from "../core/errors.ts";
import type { KbDocument, KbPassage, KnowledgeStore } from "../store/types.ts";
import { formatOf, readDocument } from "./read/index.ts";
import { splitDocument } from "./split.ts";

export interface KbFile {
  /** Where the bytes are. */
  file: string;
  /** What the store keeps as the document's path (what `kb remove` matches). */
  path: string;
}

export type KbImportStatus = "added" | "updated" | "unchanged" | "failed";

export interface KbImportItem {
  path: string;
  status: KbImportStatus;
  id?: string;
  title?: string;
  passages?: number;
  /** Why it failed. */
  error?: string;
}

export interface KbImportResult {
  items: KbImportItem[];
  added: number;
  updated: number;
  unchanged: number;
  failed: number;
}

export interface KbImportOptions {
  store: KnowledgeStore;
  files: KbFile[];
  /** After each file. */
  onProgress?: (done: number, total: number, item: KbImportItem) => void;
  now?: () => number;
}

/** A document's id: stable for its stored path, so a re-import replaces it. */
export function documentId(storedPath: string): string {
  return `doc-${createHash("sha256").update(storedPath).digest("hex").slice(0, 12)}`;
}

/**
 * The files under the given paths the knowledge base reads (folders walked, hidden entries and other
 * extensions skipped), each stored under the path as given, in a stable order.
 */
export async function collectFiles(paths: string[]): Promise<KbFile[]> {
  const out: KbFile[] = [];
  for (const given of paths) {
    const info = await stat(given).catch(() => undefined);
    if (!info) throw new ValidationError(`${given}: no such file or folder`);
    const key = given.split(path.sep).join("/").replace(/\/+$/, "");
    if (info.isFile()) {
      if (!formatOf(given)) throw new ValidationError(`${given}: not a document the knowledge base reads (.md, .html, .txt, .pdf)`);
      out.push({ file: given, path: path.posix.normalize(key) });
      continue;
    }
    const entries = await readdir(given, { recursive: true, withFileTypes: true });
    const files = entries
      .filter((e) => e.isFile() && formatOf(e.name) && !path.relative(given, path.join(e.parentPath, e.name)).split(path.sep).some((part) => part.startsWith(".")))
      .map((e) => path.relative(given, path.join(e.parentPath, e.name)))
      .sort();
    for (const rel of files) out.push({ file: path.join(given, rel), path: path.posix.normalize(`${key}/${rel.split(path.sep).join("/")}`) });
  }
  return out;
}

/** "gift-wrapping.md" → "Gift wrapping": the title of a document that states none. */
function titleFromName(file: string): string {
  const stem = path.basename(file, path.extname(file)).replace(/[-_]+/g, " ").trim();
  return stem ? stem[0]!.toUpperCase() + stem.slice(1) : "Untitled";
}

/** "zh" when most of the letters are Chinese, else "en". */
function guessLocale(texts: string[]): "en" | "zh" {
  let cjk = 0;
  let latin = 0;
  for (const t of texts) {
    cjk += (t.match(/[\u3400-\u9fff]/g) ?? []).length;
    latin += (t.match(/[A-Za-z]/g) ?? []).length;
  }
  // A Chinese character carries a word's worth; four Latin letters about the same.
  return cjk * 4 > latin ? "zh" : "en";
}

/**
 * Reads, splits and stores each file. A file whose bytes did not change since its last import is
 * left alone; a changed one replaces its passages in one transaction. A file that cannot be read is
 * reported and the rest go on.
 */
export async function importDocuments(options: KbImportOptions): Promise<KbImportResult> {
  const { store, files } = options;
  const now = options.now ?? Date.now;
  const known = new Map((await store.documents()).map((d) => [d.path, d]));
  const items: KbImportItem[] = [];
  for (const [i, f] of files.entries()) {
    let item: KbImportItem;
    try {
      const bytes = await readFile(f.file);
      const hash = createHash("sha256").update(bytes).digest("hex");
      const before = known.get(f.path);
      const id = documentId(f.path);
      if (before && before.hash === hash && before.id === id) {
        item = { path: f.path, status: "unchanged", id, title: before.title, passages: before.passages };
      } else {
        const format = formatOf(f.file);
        if (!format) throw new ValidationError("not a document the knowledge base reads (.md, .html, .txt, .pdf)");
        const read = await readDocument(bytes, format);
        const title = read.title || titleFromName(f.file);
        const split = splitDocument(read, title);
        if (!split.length) throw new ValidationError("no text found in it");
        const locale = read.locale === "zh" || read.locale === "en" ? read.locale : guessLocale(split.map((p) => p.text));
        const document: KbDocument = { id, path: f.path, title, format, locale, hash, importedAt: now() };
        if (read.url) document.url = read.url;
        const passages: KbPassage[] = split.map((p, ord) => ({ id: `${id}:${ord}`, documentId: id, ord, headings: p.headings, text: p.text }));
        await store.putDocument(document, passages);
        item = { path: f.path, status: before ? "updated" : "added", id, title, passages: passages.length };
      }
    } catch (err) {
      item = { path: f.path, status: "failed", error: err instanceof Error ? err.message : String(err) };
    }
    items.push(item);
    options.onProgress?.(i + 1, files.length, item);
  }
  const count = (s: KbImportStatus) => items.filter((x) => x.status === s).length;
  return { items, added: count("added"), updated: count("updated"), unchanged: count("unchanged"), failed: count("failed") };
}
