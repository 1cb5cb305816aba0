import { existsSync, readFileSync } from "node:fs";
import { appendFile, mkdir, rename, stat } from "node:fs/promises";
import path from "node:path";

/** One message the classifier was unsure of, as kept (redacted) for the shop to label. */
export interface ReviewEntry {
  text: string;
  locale: string;
  /** What the classifier answered: an intent or "oos". */
  intent: string;
  confidence: number;
  at: number;
}

/** The same text met several times, with what the classifier said the last time. */
export interface ReviewItem extends ReviewEntry {
  seen: number;
}

/** Past this size the log starts afresh, keeping the previous one (so at most twice this on disk). */
const ROTATE_BYTES = 4 * 2 ** 20;

/**
 * The review log: JSON Lines in the data folder, appended by the service, read by
 * `concierge nlu review` while the service runs (files, not the embedded database, which one
 * process at a time may open). Bounded by rotation.
 */
export function reviewLogFiles(dataDir: string): { current: string; previous: string } {
  return { current: path.join(dataDir, "nlu-review.jsonl"), previous: path.join(dataDir, "nlu-review.1.jsonl") };
}

export class ReviewLog {
  private pending = 0;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    private readonly options: { maxPending?: number; rotateBytes?: number } = {},
  ) {}

  /** Queues the entry; beyond `maxPending` queued writes it is dropped (the turn never waits). */
  add(entry: ReviewEntry): Promise<void> {
    if (this.pending >= (this.options.maxPending ?? 100)) return Promise.resolve();
    this.pending++;
    // One write after another, so lines never interleave and rotation never races an append.
    const written = this.writing.then(() => this.write(entry)).finally(() => this.pending--);
    this.writing = written.catch(() => undefined);
    return written;
  }

  private async write(entry: ReviewEntry): Promise<void> {
    const { current, previous } = reviewLogFiles(this.dataDir);
    await mkdir(this.dataDir, { recursive: true });
    const size = await stat(current).then(
      (s) => s.size,
      () => 0,
    );
    if (size >= (this.options.rotateBytes ?? ROTATE_BYTES)) await rename(current, previous);
    await appendFile(current, `${JSON.stringify(entry)}\n`);
  }
}

function readEntries(file: string): ReviewEntry[] {
  if (!existsSync(file)) return [];
  const out: ReviewEntry[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as ReviewEntry;
      // A line being written as we read, or edited by hand, is passed over.
      if (typeof e.text === "string" && e.text && typeof e.intent === "string" && typeof e.confidence === "number") out.push(e);
    } catch {
      // the half-written last line
    }
  }
  return out;
}

/** Distinct texts in the log (both files), each with how often it was met; most recently met first. */
export function readReviewLog(dataDir: string): ReviewItem[] {
  const { current, previous } = reviewLogFiles(dataDir);
  const byText = new Map<string, ReviewItem>();
  for (const e of [...readEntries(previous), ...readEntries(current)]) {
    const known = byText.get(e.text);
    // Deleted and set again, so the map's order is the order of each text's last line.
    byText.delete(e.text);
    byText.set(e.text, { ...e, seen: (known?.seen ?? 0) + 1 });
  }
  // Lines are appended as messages are met: the file's order is time's, whatever the clock says.
  return [...byText.values()].reverse();
}
