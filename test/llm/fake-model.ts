import type { GenerateRequest, GenerateResult, LanguageModel } from "../../llm/index.ts";

/**
 * A stand-in for a model that writes exactly what a test scripts, in the pieces it scripts — what a
 * real GGUF cannot be made to do on demand (write a figure its grammar forbids, split a word in an
 * awkward place). It ignores the grammar, so it shows what the checks after generation catch alone.
 */
export class FakeLanguageModel implements LanguageModel {
  readonly info = { name: "FakeLanguageModel", path: "", backend: "cpu" as const, devices: [], threads: 1, sequences: 1, contextSize: 4096, maxQueue: 1, queueTimeoutMs: 1 };
  readonly requests: GenerateRequest[] = [];

  /** `script` gives, per call, the pieces of output (the whole JSON reply) in the order they are decoded. */
  constructor(private readonly script: (request: GenerateRequest, call: number) => string[] | Promise<string[]>) {}

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    this.requests.push(request);
    const pieces = await this.script(request, this.requests.length - 1);
    for (const piece of pieces) {
      request.signal?.throwIfAborted();
      request.onToken?.(piece);
      // Checks may wait on a promise (a mention lookup); let them run between pieces as they would between tokens.
      await new Promise((r) => setImmediate(r));
    }
    const text = pieces.join("");
    return { text, tokens: pieces.length, firstTokenMs: 1, queuedMs: 0, totalMs: 1, stopReason: "end" };
  }

  countTokens(text: string): number {
    return Math.ceil(text.length / 4);
  }

  status() {
    return { busy: 0, idle: 1, waiting: 0, holding: 0 };
  }

  async close(): Promise<void> {}
}

/** The JSON a grounded reply is, with `text` as its text field. */
export function replyJson(text: string, productIds: string[]): string {
  return JSON.stringify({ text, productIds });
}

/** `s` cut into pieces of 1 to `max` characters (never inside one), the same way for the same seed. */
export function chop(s: string, seed: number, max = 4): string[] {
  const chars = [...s];
  let x = seed | 0;
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; ) {
    x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff;
    const n = 1 + (x % max);
    pieces.push(chars.slice(i, i + n).join(""));
    i += n;
  }
  return pieces;
}
