import { io, type Socket } from "socket.io-client";
import type { Reply } from "../../core/turn.ts";

/** A chat client as a web page would be: one socket on /chat, messages with acknowledgements. */
export interface ChatClient {
  socket: Socket;
  send(text: string, extra?: Record<string, unknown>): Promise<{ reply: Reply & { error?: { code: string; message: string } }; deltas: string[] }>;
  emit(event: string, payload: unknown): Promise<unknown>;
  close(): void;
}

export async function connectChat(port: number, userId: string): Promise<ChatClient> {
  const socket = io(`http://127.0.0.1:${port}/chat`, { transports: ["websocket"], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  let deltas: string[] = [];
  socket.on("reply:delta", (d: { text: string }) => deltas.push(d.text));
  return {
    socket,
    async send(text, extra = {}) {
      deltas = [];
      const reply = await socket.timeout(30_000).emitWithAck("message", { text, userId, ...extra });
      return { reply, deltas };
    },
    emit: (event, payload) => socket.timeout(30_000).emitWithAck(event, payload),
    close: () => socket.close(),
  };
}
