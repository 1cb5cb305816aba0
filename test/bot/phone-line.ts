import WebSocket from "ws";
import { float32ToInt16, int16ToFloat32, mulawEncode, resample } from "../../voice/index.ts";

export interface LineMessage {
  event: string;
  streamSid?: string;
  media?: { payload: string };
  mark?: { name: string };
}

export interface LineOptions {
  callSid?: string;
  /** What the TwiML's <Parameter>s would put in the `start` event. */
  customParameters?: Record<string, string>;
  /** false: the test sends `start` itself, to see what happens to audio sent before it. */
  sendStart?: boolean;
}

/** A phone provider's side of the media stream: plays a recorded call, collects what comes back. */
export async function callLine(port: number, options: LineOptions = {}) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/telephony/media-stream`);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const received: LineMessage[] = [];
  ws.on("message", (data) => received.push(JSON.parse(data.toString())));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  const streamSid = "MZ0000000000000000000000000000test";
  const callSid = options.callSid ?? "CA0000000000000000000000000000test";
  const start = () =>
    ws.send(
      JSON.stringify({
        event: "start",
        sequenceNumber: "1",
        start: { streamSid, callSid, accountSid: "AC0", tracks: ["inbound"], customParameters: options.customParameters ?? {}, mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 } },
        streamSid,
      }),
    );
  ws.send(JSON.stringify({ event: "connected", protocol: "Call", version: "1.0.0" }));
  if (options.sendStart !== false) start();
  let chunk = 0;
  return {
    ws,
    received,
    streamSid,
    callSid,
    start,
    /** The close code and reason, once the service (or the test) closes the line. */
    closed,
    /** 16 kHz speech as the line carries it: 8 kHz mu-law, 20 ms frames, sent `speedup` times faster than real time. */
    async play(samples: Int16Array, speedup = 10) {
      const mulaw = mulawEncode(float32ToInt16(resample(int16ToFloat32(samples), 16000, 8000)));
      for (let at = 0; at < mulaw.length; at += 160) {
        chunk++;
        ws.send(JSON.stringify({ event: "media", sequenceNumber: String(chunk + 1), media: { track: "inbound", chunk: String(chunk), timestamp: String(chunk * 20), payload: Buffer.from(mulaw.subarray(at, at + 160)).toString("base64") }, streamSid }));
        if (chunk % 5 === 0) await new Promise((r) => setTimeout(r, 100 / speedup));
      }
    },
    async until(test: () => boolean, timeoutMs = 120_000) {
      for (let waited = 0; !test(); waited += 100) {
        if (waited > timeoutMs) throw new Error(`timed out; got ${received.map((m) => m.event).join(",")}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
