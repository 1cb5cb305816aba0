/**
 * The local language model as the rest of Concierge sees it: one shared model answering requests
 * from every conversation, streaming its text, constrained by a grammar when asked.
 */

export interface ChatMessage {
  role: "user" | "assistant";
  text: string;
}

/** Output constraints: a JSON schema (node-llama-cpp's subset) or a raw llama.cpp GBNF grammar. */
export type GrammarSpec = { type: "json-schema"; schema: Readonly<Record<string, unknown>> } | { type: "gbnf"; gbnf: string };

export interface GenerateRequest {
  system?: string;
  /** Oldest first; the last one is the user's message being answered. */
  messages: ChatMessage[];
  grammar?: GrammarSpec;
  maxTokens: number;
  /** 0 (the default) is greedy: the same prompt gives the same answer. */
  temperature?: number;
  seed?: number;
  /** Aborting stops generation, frees the sequence, and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Each piece of generated text as it is decoded; the pieces concatenate to `text`. */
  onToken?: (text: string) => void;
  /** A conversation id: its requests prefer the sequence that still holds its previous prompt. */
  key?: string;
}

export type StopReason = "end" | "maxTokens";

export interface GenerateResult {
  text: string;
  /** Tokens generated. */
  tokens: number;
  /** From the call to the first generated token (queue wait and prompt evaluation included). */
  firstTokenMs: number;
  /** Time spent waiting for a free sequence. */
  queuedMs: number;
  totalMs: number;
  stopReason: StopReason;
}

export interface LanguageModelInfo {
  /** The model's name (GGUF metadata, else the file name). */
  name: string;
  path: string;
  backend: "cuda" | "cpu";
  /** GPU device names when backend is cuda. */
  devices: string[];
  threads: number;
  sequences: number;
  /** Tokens per sequence. */
  contextSize: number;
  maxQueue: number;
  queueTimeoutMs: number;
}

/** Sequences generating now and idle, requests waiting for one, and sequences still holding a prompt. */
export interface LanguageModelStatus {
  busy: number;
  idle: number;
  waiting: number;
  /** Sequences still holding a conversation's evaluated prompt (cleared when idle). */
  holding: number;
}

export interface LanguageModel {
  readonly info: LanguageModelInfo;
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /** Tokens `text` takes in this model's vocabulary, for prompt budgets. */
  countTokens(text: string): number;
  status(): LanguageModelStatus;
  /** Rejects waiting requests, stops running ones, frees the model. */
  close(): Promise<void>;
}
