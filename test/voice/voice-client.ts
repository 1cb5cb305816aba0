import { io, type Socket } from "socket.io-client";
import { int16ToBytes } from "../../voice/audio.ts";

export interface VoiceEvent {
  name: string;
  payload: Record<string, unknown>;
  at: number;
}

/** A kiosk as the page would be: one socket on /voice, every server event recorded in order. */
export interface VoiceClient {
  socket: Socket;
  events: VoiceEvent[];
  start(options?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Sends 16 kHz PCM16 in 100 ms frames (faster than real time unless `realTime`). */
  sendPcm(samples: Int16Array, options?: { frameMs?: number; realTime?: boolean }): Promise<void>;
  sendBytes(bytes: Uint8Array | ArrayBuffer): void;
  waitFor(name: string, test?: (p: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<VoiceEvent>;
  named(name: string): VoiceEvent[];
  close(): void;
}

/** Connects to /voice as a kiosk would: `auth` is {} (a new anonymous visitor) or {token}. */
export async function connectVoice(port: number, auth: Record<string, unknown> = {}): Promise<VoiceClient> {
  const socket = io(`http://127.0.0.1:${port}/voice`, { transports: ["websocket"], forceNew: true, reconnection: false, auth });
  const events: VoiceEvent[] = [];
  const waiters = new Set<() => void>();
  // Recorded from before the connection: the server's `session` event comes right behind it.
  socket.onAny((name: string, payload: Record<string, unknown>) => {
    events.push({ name, payload, at: Date.now() });
    for (const w of waiters) w();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  const find = (name: string, test?: (p: Record<string, unknown>) => boolean) => events.find((e) => e.name === name && (!test || test(e.payload)));
  return {
    socket,
    events,
    start: (options = {}) => socket.timeout(120_000).emitWithAck("start", options),
    async sendPcm(samples, options = {}) {
      const frame = Math.round(((options.frameMs ?? 100) / 1000) * 16000);
      for (let at = 0; at < samples.length; at += frame) {
        socket.emit("audio", int16ToBytes(samples.subarray(at, at + frame)));
        if (options.realTime) await new Promise((r) => setTimeout(r, options.frameMs ?? 100));
        else if ((at / frame) % 10 === 9) await new Promise((r) => setImmediate(r));
      }
    },
    sendBytes: (bytes) => socket.emit("audio", bytes),
    waitFor(name, test, timeoutMs = 60_000) {
      const hit = find(name, test);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const check = () => {
          const e = find(name, test);
          if (!e) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(e);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no "${name}" event within ${timeoutMs} ms; got ${events.map((e) => e.name).join(", ")}`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    named: (name) => events.filter((e) => e.name === name),
    close: () => socket.close(),
  };
}
