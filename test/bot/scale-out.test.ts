import { afterAll, describe, expect, it } from "vitest";
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect } from "socket.io-client";
import { attachRedisAdapter } from "../../bot/scale-out.ts";
import { createLogger } from "../../core/logger.ts";
import { requireServiceUrl } from "../services.ts";

const redisUrl = requireServiceUrl("CONCIERGE_TEST_REDIS_URL");

describe.skipIf(!redisUrl)("socket.io across replicas through the real Redis", () => {
  const closers: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  async function replica() {
    const http = createHttpServer();
    const io = new Server(http);
    const detach = await attachRedisAdapter(io, redisUrl!, createLogger("silent"));
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    closers.push(detach, () => new Promise<void>((resolve) => io.close(() => resolve())));
    return { io, port: (http.address() as AddressInfo).port };
  }

  it("delivers a broadcast from one replica to a socket connected to another", async () => {
    const a = await replica();
    const b = await replica();
    const room = `room-${Date.now()}`;
    b.io.of("/chat").on("connection", (socket) => socket.join(room));
    const client = connect(`http://127.0.0.1:${b.port}/chat`, { transports: ["websocket"], forceNew: true });
    closers.push(() => void client.close());
    await new Promise<void>((resolve) => client.once("connect", () => resolve()));
    const received = new Promise<unknown>((resolve) => client.once("handoff", resolve));
    // Let the join reach Redis before replica A broadcasts.
    await new Promise((r) => setTimeout(r, 200));
    a.io.of("/chat").to(room).emit("handoff", { from: "replica-a" });
    await expect(received).resolves.toEqual({ from: "replica-a" });
  });
});
