import { createAdapter } from "@socket.io/redis-adapter";
import type { Logger } from "pino";
import { createClient } from "redis";
import type { Server as SocketServer } from "socket.io";

/**
 * With REDIS_URL, socket.io's Redis adapter joins every replica's sockets into one set of rooms and
 * broadcasts, so replicas behind a load balancer (with sticky sessions for the polling transport)
 * act as one service. Returns what closes the Redis connections.
 */
export async function attachRedisAdapter(io: SocketServer, url: string, logger: Logger): Promise<() => Promise<void>> {
  const pub = createClient({ url, socket: { connectTimeout: 5000, reconnectStrategy: (retries) => Math.min(retries * 200, 5000) } });
  const sub = pub.duplicate();
  for (const client of [pub, sub]) client.on("error", (err) => logger.warn({ err: err.message }, "redis connection error"));
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub));
  logger.info({ redis: new URL(url).host }, "socket.io Redis adapter attached: replicas share rooms and broadcasts");
  return async () => {
    await Promise.allSettled([pub.quit(), sub.quit()]);
  };
}
