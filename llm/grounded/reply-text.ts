import type { Locale } from "../../core/turn.ts";
import { type CatalogueFacts, factSentence } from "./catalogue.ts";
import { factProblems, type RecordFacts, recordFacts } from "./facts.ts";
import { freeTextFigures } from "./figures.ts";
import { type FactKind, placeholderAt, renderFact } from "./placeholders.ts";

/**
 * The one owner of a grounded reply's text. The model's decoded text arrives piece by piece; it is
 * cut into sentences (a long one at a clause or a space, and at line breaks), and each is checked
 * once, when it is whole, before any of it is shown:
 * - its free text (what the model wrote, not what the catalogue filled in) carries no figure of any
 *   spelling (figures.ts);
 * - it names no product that is not one of the reply's cards (the caller's `namedProducts`);
 * - with the placeholders filled, it passes the fact check copy passes (facts.ts).
 * A sentence that fails, or holds a placeholder for a product that is not a card, is dropped (a
 * repair). A long sentence's later parts are checked together with its parts already shown, so
 * nothing split across a cut slips through. What passes is emitted, in order, through `onDelta`:
 * the emitted pieces, concatenated, are `text`, always — the template, when nothing of the model's
 * survives, included.
 */

export type RepairCheck = "figures" | "names" | "facts" | "placeholders";

export interface ReplyTextOptions {
  locale: Locale;
  /** The reply's cards: placeholders render from them, and the text may name only them. */
  products: readonly CatalogueFacts[];
  /** The templated reply, shown when nothing the model wrote survives. */
  fallbackText: string;
  /** Ids of the catalogue products a text names (the dialogs pass the recommender's mention finder). */
  namedProducts?: (text: string) => Promise<string[]>;
  onDelta?: (text: string) => void;
  /** Once aborted nothing more is emitted. */
  signal?: AbortSignal;
}

type Piece = { free: string } | { kind: FactKind; id: string; text: string };

interface Unit {
  lead: string;
  body: string;
  endsSentence: boolean;
}

// A sentence longer than this is cut at its next clause mark or space, so it streams before it ends.
const MAX_UNIT_CHARS = 120;
const TERMINATORS = ".!?。！？…";
const CLOSERS = "\"'”’」』)）";
const CLAUSE_MARKS = ",;:，；：、";
// After these a full stop is inside a word or a host name ("evil.example"), not the end of a sentence.
const WORD_GOES_ON = /[A-Za-z0-9_-]/;
const CONTENT = /[\p{L}\p{N}]/u;

export class ReplyText {
  readonly repairs: Record<RepairCheck, number> = { figures: 0, names: 0, facts: 0, placeholders: 0 };
  /** Products the kept text states a price, stock or name of, in order. */
  readonly placed = new Map<string, Set<FactKind>>();

  private emitted = "";
  private pending = "";
  private chain: Promise<void> = Promise.resolve();
  private shownOfSentence = { free: "", rendered: "" };
  private readonly cards: Map<string, CatalogueFacts>;
  private readonly facts: RecordFacts;

  constructor(private readonly options: ReplyTextOptions) {
    this.cards = new Map(options.products.map((p) => [p.id, p]));
    this.facts = recordFacts(options.products, options.locale);
  }

  /** Model text, as decoded. */
  push(piece: string): void {
    this.pending += piece;
    this.cutUnits(false);
  }

  /** The text is complete: checks what is left and waits for every check. True when any of the model's text was kept (calling it again changes nothing). */
  async end(): Promise<boolean> {
    this.cutUnits(true);
    await this.chain;
    return this.text !== "";
  }

  /** Everything emitted so far: the reply. */
  get text(): string {
    return this.emitted;
  }

  get repaired(): number {
    return Object.values(this.repairs).reduce((a, b) => a + b, 0);
  }

  /** The template instead of the model (streamed in small pieces, like the model's text). */
  template(): void {
    if (this.text) throw new Error("the template cannot follow the model's text");
    const t = this.options.fallbackText;
    for (const piece of t.match(/\S+\s*|\s+/g) ?? [t]) this.emit(piece);
  }

  /** Closes a reply the token limit cut short. */
  closeCut(): void {
    if (this.text && !TERMINATORS.includes(this.text.at(-1)!)) this.emit("…");
  }

  /** States each product's catalogue price and stock, for those whose price the text did not give. */
  appendFacts(ids: readonly string[]): void {
    for (const id of ids) {
      const p = this.cards.get(id);
      if (!p || this.placed.get(id)?.has("price")) continue;
      this.emit((this.options.locale === "zh" || !this.text ? "" : " ") + factSentence(p, this.options.locale));
    }
  }

  private emit(text: string): void {
    if (!text || this.options.signal?.aborted) return;
    this.emitted += text;
    this.options.onDelta?.(text);
  }

  /** Splits finished units off the pending text; at the end, whatever is left is the last one. */
  private cutUnits(final: boolean): void {
    for (;;) {
      const unit = this.nextUnit(final);
      if (!unit) return;
      this.chain = this.chain.then(() => this.settle(unit));
    }
  }

  private nextUnit(final: boolean): Unit | undefined {
    const p = this.pending;
    let start = 0;
    while (start < p.length && /\s/.test(p[start]!)) start++;
    const take = (end: number, endsSentence: boolean): Unit => {
      this.pending = p.slice(end);
      return { lead: p.slice(0, start), body: p.slice(start, end), endsSentence };
    };
    if (start === p.length) {
      if (final) this.pending = "";
      return undefined;
    }
    for (let j = start; j < p.length; ) {
      const c = p[j]!;
      if (c === "{") {
        const close = p.indexOf("}", j);
        if (close < 0) return final ? take(p.length, true) : undefined;
        j = close + 1;
        continue;
      }
      // A line break is shown as soon as it comes, but "one\nleft" is still read as one phrase.
      if (c === "\n") return take(j, false);
      if (TERMINATORS.includes(c)) {
        let k = j;
        while (k < p.length && (TERMINATORS.includes(p[k]!) || CLOSERS.includes(p[k]!))) k++;
        if (k === p.length) return final ? take(k, true) : undefined;
        const run = p.slice(j, k);
        if (/[^.\s"'”’」』)）]/.test(run) || !WORD_GOES_ON.test(p[k]!)) return take(k, true);
        j = k;
        continue;
      }
      if (j - start >= MAX_UNIT_CHARS) {
        if (/\s/.test(c)) return take(j, false);
        if (CLAUSE_MARKS.includes(c)) return take(j + 1, false);
      }
      j++;
    }
    return final ? take(p.length, true) : undefined;
  }

  /** The unit's free text and filled placeholders; undefined when a placeholder is unknown or unfinished. */
  private pieces(body: string): Piece[] | undefined {
    const out: Piece[] = [];
    let i = 0;
    for (let open = body.indexOf("{"); open >= 0; open = body.indexOf("{", i)) {
      if (open > i) out.push({ free: body.slice(i, open) });
      const at = placeholderAt(body, open);
      const p = "kind" in at ? this.cards.get(at.id) : undefined;
      if (!("kind" in at) || !p) return undefined;
      out.push({ kind: at.kind, id: at.id, text: renderFact(at.kind, p, this.options.locale) });
      i = at.end;
    }
    if (i < body.length) out.push({ free: body.slice(i) });
    return out;
  }

  private async settle(unit: Unit): Promise<void> {
    const pieces = this.pieces(unit.body);
    if (!pieces) {
      this.repairs.placeholders++;
      if (unit.endsSentence) this.shownOfSentence = { free: "", rendered: "" };
      return;
    }
    // A placeholder stands in the free text as a space: what is checked there is only the model's own words.
    const free = pieces.map((p) => ("free" in p ? p.free : " ")).join("");
    const rendered = pieces.map((p) => ("free" in p ? p.free : p.text)).join("");
    const sentence = this.shownOfSentence;
    const keep = CONTENT.test(rendered) && (await this.passes(sentence.free + unit.lead + free, sentence.rendered + unit.lead + rendered));
    if (keep) {
      this.emit((this.text ? unit.lead : "") + rendered);
      for (const p of pieces) if (!("free" in p)) this.placed.set(p.id, (this.placed.get(p.id) ?? new Set()).add(p.kind));
      sentence.free += unit.lead + free;
      sentence.rendered += unit.lead + rendered;
    }
    if (unit.endsSentence) this.shownOfSentence = { free: "", rendered: "" };
  }

  /** The three checks, on the sentence so far with this unit (what was shown of it passed them already). */
  private async passes(free: string, rendered: string): Promise<boolean> {
    if (freeTextFigures(free).length) {
      this.repairs.figures++;
      return false;
    }
    if (factProblems(rendered, this.facts).length) {
      this.repairs.facts++;
      return false;
    }
    if (this.options.namedProducts && /\p{L}/u.test(free)) {
      let named: string[];
      try {
        named = await this.options.namedProducts(free.trim());
      } catch {
        // A sentence whose names cannot be checked is not shown.
        named = [""];
      }
      if (named.some((id) => !this.cards.has(id))) {
        this.repairs.names++;
        return false;
      }
    }
    return true;
  }
}
