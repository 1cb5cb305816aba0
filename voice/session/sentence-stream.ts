import { splitSentences } from "../tts/sentences.ts";

/**
 * Cuts a reply that arrives in pieces (LLM tokens, template words) into sentences as soon as each
 * one is certainly complete, so synthesis of the first sentence starts while the rest is still
 * being written. The boundary rules are splitSentences' own ("Mr. Smith", "$9.99" stay whole): a
 * piece is complete once splitSentences puts a later piece after it, i.e. it has seen what follows.
 */
export class SentenceStream {
  private buffer = "";

  constructor(
    private readonly locale: "en" | "zh",
    private readonly maxChars?: number,
  ) {}

  /** Adds text; returns the sentences completed by it. */
  push(text: string): string[] {
    this.buffer += text;
    const pieces = splitSentences(this.buffer, this.locale, { maxChars: this.maxChars });
    if (pieces.length < 2) return [];
    const done = pieces.slice(0, -1);
    // splitSentences collapses whitespace; keep a trailing separator so "Here are" + "some" stays two words.
    const trailing = /\n\s*$/.test(this.buffer) ? "\n" : /\s$/.test(this.buffer) ? " " : "";
    this.buffer = pieces.at(-1)! + trailing;
    return done;
  }

  /** The reply is complete: whatever is left is the last sentence(s). */
  flush(): string[] {
    const rest = splitSentences(this.buffer, this.locale, { maxChars: this.maxChars });
    this.buffer = "";
    return rest;
  }
}
