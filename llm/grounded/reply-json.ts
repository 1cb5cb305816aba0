/**
 * Reads the grounded reply JSON while it is generated: the "text" field's characters as soon as
 * they are decoded (for streaming), and at the end the whole object — or, when generation was cut
 * short, what can be salvaged from it.
 */
const OPENING = /^\s*\{\s*"text"\s*:\s*"/;
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" };

export class ReplyJsonReader {
  private raw = "";
  private pos = -1;
  private closed = false;
  private text = "";

  /** Feeds generated output; returns the newly decoded characters of the text field. */
  push(chunk: string): string {
    this.raw += chunk;
    if (this.closed) return "";
    if (this.pos < 0) {
      const open = OPENING.exec(this.raw);
      if (!open) return "";
      this.pos = open[0].length;
    }
    let fresh = "";
    while (this.pos < this.raw.length) {
      const c = this.raw[this.pos]!;
      if (c === '"') {
        this.closed = true;
        this.pos++;
        break;
      }
      if (c === "\\") {
        const next = this.raw[this.pos + 1];
        if (next === undefined) break;
        if (next === "u") {
          const hex = this.raw.slice(this.pos + 2, this.pos + 6);
          if (hex.length < 4) break;
          fresh += String.fromCharCode(Number.parseInt(hex, 16));
          this.pos += 6;
          continue;
        }
        fresh += ESCAPES[next] ?? next;
        this.pos += 2;
        continue;
      }
      fresh += c;
      this.pos++;
    }
    this.text += fresh;
    return fresh;
  }

  /** Whether the text field was closed (the model finished writing it). */
  get textComplete(): boolean {
    return this.closed;
  }

  /** The text and the mentioned ids among `allowed`: parsed when complete, salvaged when cut short. */
  result(allowed: ReadonlySet<string>): { text: string; productIds: string[]; complete: boolean } {
    try {
      const parsed = JSON.parse(this.raw) as { text?: unknown; productIds?: unknown };
      if (typeof parsed.text === "string" && Array.isArray(parsed.productIds)) {
        const ids = parsed.productIds.filter((id): id is string => typeof id === "string" && allowed.has(id));
        return { text: parsed.text, productIds: [...new Set(ids)], complete: true };
      }
    } catch {
      // Cut short (maxTokens): fall through to salvage.
    }
    const tail = this.closed ? this.raw.slice(this.pos) : "";
    const list = /"productIds"\s*:\s*\[([^\]]*)/.exec(tail)?.[1] ?? "";
    const ids: string[] = [];
    for (const m of list.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
      try {
        const id = JSON.parse(`"${m[1]}"`) as string;
        if (allowed.has(id)) ids.push(id);
      } catch {
        // an unfinished escape: ignore
      }
    }
    return { text: this.text, productIds: [...new Set(ids)], complete: false };
  }
}
