import { decodeJwt } from "jose";
import { io, type Socket } from "socket.io-client";
import type { Reply } from "../../core/turn.ts";

/** A chat client as a web page would be: one socket on /chat, messages with acknowledgements. */
export interface ChatClient {
  socket: Socket;
  /** The `session` event: who the server says this connection is, and an anonymous visitor's token. */
  session: { shopper: { kind: string; name?: string }; token?: string; notice?: string };
  /** The stored id the server proved (read from the token, as only a test would). */
  shopperId: string;
  /** What the connection presented, or the anonymous token it was handed: a bearer token for HTTP. */
  token: string;
  send(text: string, extra?: Record<string, unknown>): Promise<{ reply: Reply & { error?: { code: string; message: string } }; deltas: string[] }>;
  emit(event: string, payload: unknown): Promise<unknown>;
  close(): void;
}

/** Connects to /chat with `auth` ({token} for a shop customer or a returning visitor; {} for a new one). */
export async function connectChat(port: number, auth: Record<string, unknown> = {}): Promise<ChatClient> {
  const socket = io(`http://127.0.0.1:${port}/chat`, { transports: ["websocket"], forceNew: true, reconnection: false, auth });
  const session = new Promise<ChatClient["session"]>((resolve) => socket.once("session", resolve));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  const told = await session;
  const token = told.token ?? (auth.token as string);
  const claims = decodeJwt(token);
  const shopperId = told.shopper.kind === "customer" ? `customer:${claims.sub}` : String(claims.sub);
  let deltas: string[] = [];
  socket.on("reply:delta", (d: { text: string }) => deltas.push(d.text));
  return {
    socket,
    session: told,
    shopperId,
    token,
    async send(text, extra = {}) {
      deltas = [];
      const reply = await socket.timeout(30_000).emitWithAck("message", { text, ...extra });
      return { reply, deltas };
    },
    emit: (event, payload) => socket.timeout(30_000).emitWithAck(event, payload),
    close: () => socket.close(),
  };
}

/** The one-time export link in a reply's text, if there is one. */
export function exportLinkIn(text: string): string | undefined {
  return /https?:\/\/[^\s]+\/api\/me\/export\/[A-Za-z0-9_-]+/.exec(text)?.[0];
}
