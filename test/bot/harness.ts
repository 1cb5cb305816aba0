import { io as connect, type Socket } from "socket.io-client";
import { loadConfig, type Config } from "../../core/config.ts";
import { createLogger } from "../../core/logger.ts";
import type { Reply, ReplySink, Turn } from "../../core/turn.ts";
import type { DialogEngine } from "../../dialogs/types.ts";
import { Identity, type ShopperEvent } from "../../shoppers/index.ts";
import { type ConciergeServer, createServer, type ServerDeps } from "../../bot/index.ts";
import { MemoryBlobStore } from "../fakes/memory-blobs.ts";

/**
 * A test-only DialogEngine standing in for dialogs/ (which has its own tests): it answers every
 * turn with the same reply, streamed word by word, and remembers what it was asked.
 */
export interface ScriptedEngine extends DialogEngine {
  turns: Turn[];
  /** The signal of the last turn, so a test can see it was aborted. */
  lastSignal?: AbortSignal;
  behaviour: "answer" | "throw" | "hang";
}

export const SCRIPTED_REPLY: Reply = {
  text: "Here are two trail shoes for you.",
  products: [
    { id: "sku-1", title: "Trailblazer Running Shoe", price: 89.5, currency: "USD", image: "/images/shoes.svg", reason: "because you viewed running gear" },
    { id: "sku-2", title: "Summit Hiking Boot", reason: "popular this week" },
  ],
  suggestions: ["Cheaper ones", "Show me jackets"],
  intent: "browse",
  locale: "en",
};

export function scriptedEngine(reply: Reply = SCRIPTED_REPLY): ScriptedEngine {
  const engine: ScriptedEngine = {
    turns: [],
    behaviour: "answer",
    async handle(turn: Turn, sink: ReplySink, signal?: AbortSignal): Promise<Reply> {
      engine.turns.push(turn);
      engine.lastSignal = signal;
      if (engine.behaviour === "throw") throw new Error("engine exploded (scripted)");
      if (engine.behaviour === "hang") {
        await new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason)));
      }
      for (const word of reply.text.split(/(?<= )/)) {
        await new Promise((r) => setImmediate(r));
        sink.delta(word);
      }
      // Extra fields the wire must not carry.
      return { ...reply, products: reply.products.map((p) => ({ ...p, internalScore: 0.9 }) as typeof p) };
    },
  };
  return engine;
}

export interface Harness {
  server: ConciergeServer;
  url: string;
  engine: ScriptedEngine;
  events: ShopperEvent[][];
  ready: { value: boolean };
  config: Config;
  /** Fails the next recordEvents call. */
  failEvents: { value: boolean };
  close(): Promise<void>;
}

/** The Bot Framework endpoint opened to this machine, as a developer testing with the Emulator would. */
export const anonymousBot = { env: { CONCIERGE_BOTFRAMEWORK_ANONYMOUS: "1" } };

export function testConfig(env: Record<string, string> = {}): Config {
  // Every test client comes from 127.0.0.1: the per-address limits are off unless a test turns them on.
  return loadConfig({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", MAX_MESSAGE_CHARS: "2000", RATE_LIMIT_PER_IP_PER_MINUTE: "0", MAX_CONNECTIONS_PER_IP: "0", ...env });
}

/** The real Identity over an in-memory blob slice (the server secret), with the config's shop keys. */
export function testIdentity(config: Config): Promise<Identity> {
  return Identity.create({ keys: config.identity ?? {}, blobs: new MemoryBlobStore() });
}

/** What createServer needs beyond the engine, for tests that build a server by hand. */
export async function serverDeps(config: Config): Promise<Pick<ServerDeps, "identity" | "shoppers">> {
  const identity = await testIdentity(config);
  return { identity: () => identity, shoppers: () => undefined };
}

export async function startHarness(options: Partial<ServerDeps> & { env?: Record<string, string>; ready?: boolean } = {}): Promise<Harness> {
  const engine = scriptedEngine();
  const ready = { value: options.ready ?? true };
  const failEvents = { value: false };
  const events: ShopperEvent[][] = [];
  const config = options.config ?? testConfig(options.env);
  const server = createServer({
    config,
    logger: createLogger("silent"),
    engine: () => (ready.value ? engine : undefined),
    isReady: () => ready.value,
    ...(await serverDeps(config)),
    recordEvents: async (batch) => {
      if (failEvents.value) throw new Error("store down (scripted)");
      events.push(batch);
      return { accepted: batch.length, dropped: 0 };
    },
    ...options,
  });
  const port = await server.listen();
  return { server, url: `http://127.0.0.1:${port}`, engine, events, ready, config, failEvents, close: () => server.close() };
}

const sessions = new WeakMap<Socket, Promise<Json>>();

/** The `session` event the server sent the socket when it connected (who it is, its anonymous token). */
export function sessionOf(socket: Socket): Promise<Json> {
  return sessions.get(socket) ?? Promise.reject(new Error("not a chatClient socket"));
}

export function chatClient(url: string, auth: Record<string, unknown> = {}): Promise<Socket> {
  const socket = connect(`${url}/chat`, { transports: ["websocket"], auth, reconnection: false, forceNew: true });
  // Listened for before connecting: the server sends it right behind the connection.
  sessions.set(socket, new Promise((resolve) => socket.once("session", resolve)));
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => {
      socket.close();
      reject(err);
    });
  });
}

// biome-ignore lint/suspicious/noExplicitAny: tests inspect the parsed JSON field by field
type Json = any;

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: res.status, body: parsed, headers: res.headers };
}
