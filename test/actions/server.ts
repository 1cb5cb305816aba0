import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  path: string;
  headers: IncomingMessage["headers"];
  /** The raw body, byte for byte, as the signature covers it. */
  raw: Buffer;
}

type Handler = (req: Received, res: ServerResponse) => void | Promise<void>;

/** A shop's webhook on loopback: records every request and answers with the handler for its path. */
export async function webhookServer(handlers: Record<string, Handler>): Promise<{ url: (path: string) => string; received: Received[]; inFlight: { now: number; max: number }; close(): Promise<void> }> {
  const received: Received[] = [];
  const inFlight = { now: 0, max: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const r: Received = { path: req.url ?? "/", headers: req.headers, raw: Buffer.concat(chunks) };
      received.push(r);
      inFlight.now++;
      inFlight.max = Math.max(inFlight.max, inFlight.now);
      res.on("close", () => inFlight.now--);
      const handler = handlers[r.path];
      if (!handler) {
        res.writeHead(404).end();
        return;
      }
      await handler(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    inFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const json = (res: ServerResponse, body: unknown, status = 200) => {
  res.writeHead(status, { "Content-Type": "application/json" }).end(typeof body === "string" ? body : JSON.stringify(body));
};

export const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
